package embedded

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// The game widget's draws, one bucket per site (DeleteSite drops it once
// the bucket is in its list):
//
//	games siteID → {
//	    "r\0<widget>\0<campaign>\0<key>"   → GameResult JSON   (a player's draw, under each key)
//	    "n\0<widget>\0<campaign>\0<prize>" → given (8 bytes)   (prizes given)
//	    "d\0<widget>\0<campaign>"          → draws (8 bytes)
//	}
//
// IDs and keys hold no control character (store.CheckGameDraw), so the NUL
// joins cannot be confused.
var bucketGames = []byte("games")

func gameResultKey(widgetID, campaign, key string) []byte {
	return []byte("r\x00" + widgetID + "\x00" + campaign + "\x00" + key)
}

func gameGivenKey(widgetID, campaign, prizeID string) []byte {
	return []byte("n\x00" + widgetID + "\x00" + campaign + "\x00" + prizeID)
}

func gameDrawsKey(widgetID, campaign string) []byte {
	return []byte("d\x00" + widgetID + "\x00" + campaign)
}

func readUint(b *bolt.Bucket, key []byte) int {
	if v := b.Get(key); len(v) == 8 {
		return int(binary.BigEndian.Uint64(v))
	}
	return 0
}

func putUint(b *bolt.Bucket, key []byte, n int) error {
	return b.Put(key, binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// firstResult is the draw of the first of keys that has one.
func firstResult(games *bolt.Bucket, widgetID, campaign string, keys []string) (store.GameResult, bool, error) {
	var r store.GameResult
	if games == nil {
		return r, false, nil
	}
	for _, k := range keys {
		if raw := games.Get(gameResultKey(widgetID, campaign, k)); raw != nil {
			return r, true, json.Unmarshal(raw, &r)
		}
	}
	return r, false, nil
}

// GameDraw implements store.Games in one write transaction: bbolt has one
// writer at a time, so the stock read here is the stock decremented here.
// The group commit may run the function more than once; it only sets what
// it reports.
func (s *Store) GameDraw(ctx context.Context, d store.GameDraw) (store.GameResult, bool, error) {
	const op = "game draw"
	if err := store.CheckGameDraw(d); err != nil {
		return store.GameResult{}, false, store.Wrap(kind, op, err)
	}
	var (
		res     store.GameResult
		drawn   bool
		refused error
	)
	err := s.batch(func(tx *bolt.Tx) error {
		res, drawn, refused = store.GameResult{}, false, nil
		if !siteExists(tx, d.SiteID) {
			// Not an error of the transaction: one would roll back the
			// group's other writes.
			refused = store.ErrNotFound
			return nil
		}
		games, err := nested(tx, bucketGames, d.SiteID)
		if err != nil {
			return err
		}
		prior, found, err := firstResult(games, d.WidgetID, d.Campaign, d.Keys)
		if err != nil {
			return err
		}
		if found {
			res = prior
			// A key the player brings for the first time (a contact
			// after the visitor id drew) joins the draw it already has.
			return recordResult(games, d, prior)
		}
		given := make([]int, len(d.Prizes))
		for i, p := range d.Prizes {
			given[i] = readUint(games, gameGivenKey(d.WidgetID, d.Campaign, p.ID))
		}
		res = store.GameResult{ID: d.ID, At: d.At.UTC()}
		if i := store.PickGamePrize(d, given); i >= 0 {
			res.PrizeID = d.Prizes[i].ID
			if err := putUint(games, gameGivenKey(d.WidgetID, d.Campaign, res.PrizeID), given[i]+1); err != nil {
				return err
			}
		}
		drawn = true
		draws := gameDrawsKey(d.WidgetID, d.Campaign)
		return errors.Join(putUint(games, draws, readUint(games, draws)+1), recordResult(games, d, res))
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return store.GameResult{}, false, store.Wrap(kind, op, err)
	}
	return res, drawn, nil
}

// recordResult stores r under each of d's keys that has none yet.
func recordResult(games *bolt.Bucket, d store.GameDraw, r store.GameResult) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return err
	}
	for _, k := range d.Keys {
		key := gameResultKey(d.WidgetID, d.Campaign, k)
		if games.Get(key) != nil {
			continue
		}
		if err := games.Put(key, raw); err != nil {
			return err
		}
	}
	return nil
}

// GameResultOf implements store.Games.
func (s *Store) GameResultOf(ctx context.Context, siteID, widgetID, campaign string, keys []string) (store.GameResult, error) {
	var (
		res   store.GameResult
		found bool
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		res, found, err = firstResult(siteBucket(tx, bucketGames, siteID), widgetID, campaign, keys)
		return err
	})
	if err == nil && !found {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.GameResult{}, store.Wrap(kind, "game result", err)
	}
	return res, nil
}

// GameStats implements store.Games by a scan of the campaign's counts.
func (s *Store) GameStats(ctx context.Context, siteID, widgetID, campaign string) (store.GameStats, error) {
	st := store.GameStats{Given: map[string]int{}}
	err := s.db.View(func(tx *bolt.Tx) error {
		games := siteBucket(tx, bucketGames, siteID)
		if games == nil {
			return nil
		}
		st.Draws = readUint(games, gameDrawsKey(widgetID, campaign))
		prefix := gameGivenKey(widgetID, campaign, "")
		c := games.Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix); k, v = c.Next() {
			if len(v) == 8 {
				st.Given[string(k[len(prefix):])] = int(binary.BigEndian.Uint64(v))
			}
		}
		return nil
	})
	return st, store.Wrap(kind, "game stats", err)
}
