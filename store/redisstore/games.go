package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// The game widget's draws, a fixed two keys in the site's slot however many
// games and campaigns it has, so DeleteSite can take them in its one step:
//
//	<prefix>:{s:<siteID>}:gameres   hash: "<widget>\0<campaign>\0<key>" → GameResult JSON
//	<prefix>:{s:<siteID>}:gamecount hash: "<widget>\0<campaign>\0n\0<prize>" → prizes given,
//	                                "<widget>\0<campaign>\0d" → draws
//
// IDs and keys hold no control character (store.CheckGameDraw), so the NUL
// joins cannot be confused.
func (s *Store) gameResultsKey(siteID string) string { return s.siteTag(siteID) + ":gameres" }
func (s *Store) gameCountsKey(siteID string) string  { return s.siteTag(siteID) + ":gamecount" }

func gamePrefix(widgetID, campaign string) string { return widgetID + "\x00" + campaign + "\x00" }

var (
	//go:embed lua/game_draw.lua
	gameDrawLua    string
	scriptGameDraw = redis.NewScript(gameDrawLua)
)

// Answers of game_draw.lua.
const (
	gameSiteMissing = 0
	gameHad         = 1
	gameDrawn       = 2
)

// GameDraw implements store.Games in one step (game_draw.lua). The roll is
// computed here, where the 64-bit random number is exact; Lua's numbers
// are doubles.
func (s *Store) GameDraw(ctx context.Context, d store.GameDraw) (store.GameResult, bool, error) {
	const op = "game draw"
	if err := store.CheckGameDraw(d); err != nil {
		return store.GameResult{}, false, wrap(op, err)
	}
	args := make([]any, 0, 5+len(d.Keys)+3*len(d.Prizes))
	args = append(args, gamePrefix(d.WidgetID, d.Campaign), d.ID, d.At.UTC().Format(time.RFC3339Nano), store.GameRoll(d), len(d.Keys))
	for _, k := range d.Keys {
		args = append(args, k)
	}
	for _, p := range d.Prizes {
		stock := -1
		if p.Stock != nil {
			stock = *p.Stock
		}
		args = append(args, p.ID, p.Weight, stock)
	}
	keys := []string{s.siteKey(d.SiteID), s.gameResultsKey(d.SiteID), s.gameCountsKey(d.SiteID)}
	res, err := scriptGameDraw.Run(ctx, s.client, keys, args...).Slice()
	if err != nil {
		return store.GameResult{}, false, wrap(op, err)
	}
	answer, _ := res[0].(int64)
	if answer == gameSiteMissing {
		return store.GameResult{}, false, wrap(op, store.ErrNotFound)
	}
	if len(res) != 2 || (answer != gameHad && answer != gameDrawn) {
		return store.GameResult{}, false, wrap(op, fmt.Errorf("game_draw.lua returned %v", res))
	}
	raw, _ := res[1].(string)
	var r store.GameResult
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return store.GameResult{}, false, wrap(op, fmt.Errorf("decode draw: %w", err))
	}
	return r, answer == gameDrawn, nil
}

// GameResultOf implements store.Games: one HMGET of the keys.
func (s *Store) GameResultOf(ctx context.Context, siteID, widgetID, campaign string, keys []string) (store.GameResult, error) {
	const op = "game result"
	if len(keys) == 0 {
		return store.GameResult{}, wrap(op, store.ErrNotFound)
	}
	fields := make([]string, len(keys))
	for i, k := range keys {
		fields[i] = gamePrefix(widgetID, campaign) + k
	}
	vals, err := s.client.HMGet(ctx, s.gameResultsKey(siteID), fields...).Result()
	if err != nil {
		return store.GameResult{}, wrap(op, err)
	}
	for _, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue
		}
		var r store.GameResult
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return store.GameResult{}, wrap(op, fmt.Errorf("decode draw: %w", err))
		}
		return r, nil
	}
	return store.GameResult{}, wrap(op, store.ErrNotFound)
}

// GameStats implements store.Games: the counts hash holds a few fields per
// prize and campaign, so it is read whole (an owner's question, not a
// visitor's).
func (s *Store) GameStats(ctx context.Context, siteID, widgetID, campaign string) (store.GameStats, error) {
	st := store.GameStats{Given: map[string]int{}}
	all, err := s.client.HGetAll(ctx, s.gameCountsKey(siteID)).Result()
	if err != nil {
		return st, wrap("game stats", err)
	}
	prefix := gamePrefix(widgetID, campaign)
	for field, v := range all {
		rest, ok := strings.CutPrefix(field, prefix)
		if !ok {
			continue
		}
		n, _ := strconv.Atoi(v)
		switch {
		case rest == "d":
			st.Draws = n
		case strings.HasPrefix(rest, "n\x00"):
			st.Given[rest[2:]] = n
		}
	}
	return st, nil
}
