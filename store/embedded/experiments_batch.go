package embedded

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// ExposeVisitors implements store.Experiments: a batch of exposures in one
// transaction (one fsync for the batch), each with ExposeVisitor's
// once-per-visitor check. Exposures of a site that no longer exists are
// skipped.
func (s *Store) ExposeVisitors(ctx context.Context, batch []store.Exposure) (int, error) {
	const op = "expose visitors"
	for _, x := range batch {
		if err := checkTally(store.ExperimentTally(x.ExperimentID)); err != nil {
			return 0, store.Wrap(kind, op, err)
		}
	}
	var firsts int
	err := s.batch(func(tx *bolt.Tx) error {
		firsts = 0 // the group commit may run this again
		for _, x := range batch {
			if !siteExists(tx, x.SiteID) {
				continue
			}
			tallies, err := nested(tx, bucketTallies, x.SiteID)
			if err != nil {
				return err
			}
			visitors, err := tallies.CreateBucketIfNotExists(experimentBucketName(x.ExperimentID))
			if err != nil {
				return err
			}
			if visitors.Get([]byte(x.VisitorID)) != nil {
				continue
			}
			if err := visitors.Put([]byte(x.VisitorID), []byte(x.Variant)); err != nil {
				return err
			}
			if err := addCount(tallies, store.ExperimentTally(x.ExperimentID), x.Variant+":exposures"); err != nil {
				return err
			}
			firsts++
		}
		return nil
	})
	return firsts, store.Wrap(kind, op, err)
}
