package embedded

import (
	"bytes"
	"context"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// EraseGamePlayer implements store.GameErasure in one write transaction:
// a scan of the site's draws (an erasure is rare; a site's draws are one
// bucket).
func (s *Store) EraseGamePlayer(ctx context.Context, siteID, key string) (int, error) {
	const op = "erase game player"
	if err := store.CheckGameKeys([]string{siteID, key}); err != nil {
		return 0, store.Wrap(kind, op, err)
	}
	var erased int
	err := s.batch(func(tx *bolt.Tx) error {
		erased = 0
		games := siteBucket(tx, bucketGames, siteID)
		if games == nil {
			return nil
		}
		// The draws the key has, by "<widget>\0<campaign>\0".
		drawOf := map[string]string{}
		type record struct{ key, campaign []byte }
		var all []record
		c := games.Cursor()
		prefix := []byte("r\x00")
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			rest := k[len(prefix):]
			i := bytes.IndexByte(rest, 0)
			j := -1
			if i >= 0 {
				j = bytes.IndexByte(rest[i+1:], 0)
			}
			if i < 0 || j < 0 {
				continue
			}
			campaign, player := rest[:i+1+j+1], rest[i+1+j+1:]
			all = append(all, record{key: bytes.Clone(k), campaign: bytes.Clone(campaign)})
			if string(player) == key {
				var r store.GameResult
				if err := json.Unmarshal(v, &r); err != nil {
					return err
				}
				drawOf[string(campaign)] = r.ID
			}
		}
		erased = len(drawOf)
		for _, rec := range all {
			id, ok := drawOf[string(rec.campaign)]
			if !ok {
				continue
			}
			var r store.GameResult
			if err := json.Unmarshal(games.Get(rec.key), &r); err != nil {
				return err
			}
			if r.ID != id {
				continue
			}
			if err := games.Delete(rec.key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, store.Wrap(kind, op, err)
	}
	return erased, nil
}
