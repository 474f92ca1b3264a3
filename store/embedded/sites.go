package embedded

import (
	"context"
	"encoding/json"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// CreateSite implements store.Sites.
func (s *Store) CreateSite(ctx context.Context, site store.Site) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		sites, keys := tx.Bucket(bucketSites), tx.Bucket(bucketSiteKeys)
		if sites.Get([]byte(site.ID)) != nil || keys.Get([]byte(site.Key)) != nil {
			return store.ErrConflict
		}
		if err := keys.Put([]byte(site.Key), []byte(site.ID)); err != nil {
			return err
		}
		return putJSON(sites, site.ID, site)
	})
	return store.Wrap(kind, "create site", err)
}

// GetSite implements store.Sites.
func (s *Store) GetSite(ctx context.Context, id string) (store.Site, error) {
	var site store.Site
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(tx.Bucket(bucketSites), id, &site)
	})
	return site, store.Wrap(kind, "get site", err)
}

// GetSiteByKey implements store.Sites.
func (s *Store) GetSiteByKey(ctx context.Context, key string) (store.Site, error) {
	var site store.Site
	err := s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketSiteKeys).Get([]byte(key))
		if id == nil {
			return store.ErrNotFound
		}
		return getJSON(tx.Bucket(bucketSites), string(id), &site)
	})
	return site, store.Wrap(kind, "get site by key", err)
}

// ListSites implements store.Sites.
func (s *Store) ListSites(ctx context.Context) ([]store.Site, error) {
	var list []store.Site
	err := s.db.View(func(tx *bolt.Tx) error {
		return listJSON(tx.Bucket(bucketSites), func(raw []byte) error {
			var site store.Site
			if err := json.Unmarshal(raw, &site); err != nil {
				return err
			}
			list = append(list, site)
			return nil
		})
	})
	sort.SliceStable(list, func(i, j int) bool { return list[i].CreatedAt.Before(list[j].CreatedAt) })
	return list, store.Wrap(kind, "list sites", err)
}

// UpdateSite implements store.Sites. The site's ID and Key are not changed by
// fn; the key index would otherwise go stale.
func (s *Store) UpdateSite(ctx context.Context, id string, fn func(*store.Site) error) (store.Site, error) {
	var site store.Site
	err := s.db.Update(func(tx *bolt.Tx) error {
		sites := tx.Bucket(bucketSites)
		if err := getJSON(sites, id, &site); err != nil {
			return err
		}
		idKey := site.ID + "\x00" + site.Key
		if err := fn(&site); err != nil {
			return errFn{err}
		}
		if site.ID+"\x00"+site.Key != idKey {
			return errFn{store.ErrConflict}
		}
		return putJSON(sites, id, site)
	})
	if err != nil {
		return store.Site{}, unwrapFn("update site", err)
	}
	return site, nil
}

// DeleteSite implements store.Sites, with the site's widgets, API keys,
// callback requests, leads, quiz sessions and versions, tallies and code
// pools. The requests' queued jobs stay: a worker finds the request gone and acks.
func (s *Store) DeleteSite(ctx context.Context, id string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		var site store.Site
		if err := getJSON(tx.Bucket(bucketSites), id, &site); err != nil {
			return err
		}
		if keys := tx.Bucket(bucketAPIKeys).Bucket([]byte(id)); keys != nil {
			err := listJSON(keys, func(raw []byte) error {
				var k store.APIKey
				if err := json.Unmarshal(raw, &k); err != nil {
					return err
				}
				return tx.Bucket(bucketAPIKeyHash).Delete([]byte(k.Hash))
			})
			if err != nil {
				return err
			}
		}
		for _, nested := range [][]byte{bucketAPIKeys, bucketWidgets, bucketCallbacks, bucketCallbackTimes, bucketCallbackPhones, bucketTimers, bucketTimerStarts, bucketOutboxLog, bucketSPEvents, bucketSPTimes, bucketSPNotices,
			bucketLeads, bucketLeadTimes, bucketQuizSessions, bucketQuizExpiry, bucketQuizVersions, bucketTallies, bucketCodePools, bucketReviews, bucketGames, bucketSightings} {
			if tx.Bucket(nested) == nil || tx.Bucket(nested).Bucket([]byte(id)) == nil {
				continue
			}
			if err := tx.Bucket(nested).DeleteBucket([]byte(id)); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketSiteKeys).Delete([]byte(site.Key)); err != nil {
			return err
		}
		return tx.Bucket(bucketSites).Delete([]byte(id))
	})
	return store.Wrap(kind, "delete site", err)
}

// siteExists is checked inside write transactions that add data to a site,
// so nothing is ever written under a deleted site.
func siteExists(tx *bolt.Tx, siteID string) bool {
	return tx.Bucket(bucketSites).Get([]byte(siteID)) != nil
}
