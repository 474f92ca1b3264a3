package store

import (
	"context"
	"errors"
	"strings"
	"time"
)

// GamePrize is one prize of a game as the draw sees it: its weight and its
// stock (nil: unlimited). The stock is the campaign's whole stock; the
// store counts what it gave, so an owner who raises the stock mid-campaign
// gives the difference, never more.
type GamePrize struct {
	ID     string
	Weight int
	Stock  *int
}

// GameDraw asks for one draw of a game's campaign.
type GameDraw struct {
	SiteID, WidgetID, Campaign string
	// Keys identify the player: "v:<visitor id>", "c:<normalized
	// contact>". A campaign draws once per key: a key that drew before
	// gets that draw back, and a new draw is recorded under every key.
	Keys []string
	// ID names the new draw (a retry of it, or a code claimed for it,
	// keys on it).
	ID     string
	Prizes []GamePrize
	// NoPrize is the weight of the losing sector.
	NoPrize int
	// Rand is a uniform random number (crypto/rand) from which the store
	// picks: Rand mod the total weight.
	Rand uint64
	At   time.Time
}

// GameResult is a stored draw: the prize won ("" for none).
type GameResult struct {
	ID      string    `json:"id"`
	PrizeID string    `json:"prize_id,omitempty"`
	At      time.Time `json:"at"`
}

// GameStats are a campaign's counts: how many drew, and how many of each
// prize were given.
type GameStats struct {
	Draws int            `json:"draws"`
	Given map[string]int `json:"given"`
}

// Games keeps the draws of the game widget (wheel of fortune, scratch
// card), per site, widget and campaign. Deleting a site deletes them.
type Games interface {
	// GameDraw draws for d in one atomic step, or returns the draw one of
	// d.Keys already has (drawn=false; nothing changes). A new draw picks
	// r = d.Rand mod (sum of the prizes' weights + d.NoPrize) and walks the
	// prizes in order; the prize whose range holds r is won when it has
	// stock left, and a prize with none left keeps its range but gives
	// nothing: its weight goes to "no prize", so the chances of the others
	// never rise. The draw is recorded under every key, the prize's given
	// count and the campaign's draws count grow by one. However many draws
	// race, no prize is given beyond its stock and no key draws twice.
	GameDraw(ctx context.Context, d GameDraw) (r GameResult, drawn bool, err error)
	// GameResultOf is the draw the first of keys that has one got;
	// ErrNotFound when none has drawn in this campaign.
	GameResultOf(ctx context.Context, siteID, widgetID, campaign string, keys []string) (GameResult, error)
	// GameStats counts the campaign's draws and prizes given (zero when
	// nobody drew).
	GameStats(ctx context.Context, siteID, widgetID, campaign string) (GameStats, error)
}

// GameRoll is where d's random number falls: Rand mod the total weight,
// or -1 when every weight is zero (nothing can be won).
func GameRoll(d GameDraw) int {
	total := d.NoPrize
	for _, p := range d.Prizes {
		total += p.Weight
	}
	if total <= 0 {
		return -1
	}
	return int(d.Rand % uint64(total))
}

// PickGamePrize is the pick both stores make (Games.GameDraw): the index of
// the prize won, or -1. given is what each prize has given so far.
func PickGamePrize(d GameDraw, given []int) int {
	r := GameRoll(d)
	if r < 0 {
		return -1
	}
	for i, p := range d.Prizes {
		if r < p.Weight {
			if p.Stock != nil && given[i] >= *p.Stock {
				return -1
			}
			return i
		}
		r -= p.Weight
	}
	return -1
}

// errGameInput is what a caller with a bug gets: the module validates
// before it asks the store.
var errGameInput = errors.New("game: invalid draw: an empty ID or key, a control character, a negative weight or no key")

// CheckGameDraw refuses draws the stores cannot key safely: every ID and
// key non-empty, without control characters (the stores join them with
// NUL), weights not negative, and at least one key.
func CheckGameDraw(d GameDraw) error {
	if len(d.Keys) == 0 || d.NoPrize < 0 {
		return errGameInput
	}
	if err := CheckGameKeys(append([]string{d.SiteID, d.WidgetID, d.Campaign, d.ID}, d.Keys...)); err != nil {
		return err
	}
	for _, p := range d.Prizes {
		if !validGameKey(p.ID) || p.Weight < 0 {
			return errGameInput
		}
	}
	return nil
}

// CheckGameKeys refuses IDs and keys that are empty or hold a control
// character.
func CheckGameKeys(keys []string) error {
	for _, s := range keys {
		if !validGameKey(s) {
			return errGameInput
		}
	}
	return nil
}

func validGameKey(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < ' ' })
}
