package game

import (
	"context"
	"fmt"
	"math"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// chance is one prize's odds as they stand.
type chance struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Percent float64 `json:"percent"`
	// Stock is "unlimited", "limited" or "out" (none left).
	Stock string `json:"stock"`
	// Left is how many are left, when the owner shows it.
	Left *int `json:"left,omitempty"`
}

// chancesAnswer is GET …/chances.
type chancesAnswer struct {
	Campaign       string   `json:"campaign"`
	Prizes         []chance `json:"prizes"`
	NoPrizePercent float64  `json:"no_prize_percent"`
}

// chances is GET /w/v1/{siteKey}/games/{wid}/chances?lang=: the odds of
// the next draw, per prize, with the weight of prizes out of stock counted
// as "no prize", exactly as the store draws.
func (m *Module) chances(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return api.NotFound("game widget")
	}
	s := w.Parsed.(*Settings)
	lang := c.Query("lang")
	if lang != "en" && lang != "ru" && lang != "uk" {
		lang = i18n.Lang(site.Locale)
	}
	ans, err := m.oddsNow(c.UserContext(), site, w.ID, s, lang)
	if err != nil {
		return err
	}
	return c.JSON(ans)
}

// oddsNow reads what each prize has given in the current campaign and
// works out the odds.
func (m *Module) oddsNow(ctx context.Context, site *widgets.Site, widgetID string, s *Settings, lang string) (chancesAnswer, error) {
	st, err := m.deps.Store.GameStats(ctx, site.ID, widgetID, s.Campaign)
	if err != nil {
		return chancesAnswer{}, fmt.Errorf("game: read stats: %w", err)
	}
	return odds(s, st, lang, site.Locale), nil
}

// odds are the chances of the next draw given what was given (st).
func odds(s *Settings, st store.GameStats, lang, siteLocale string) chancesAnswer {
	total := float64(s.totalWeight())
	ans := chancesAnswer{Campaign: s.Campaign, Prizes: []chance{}}
	lost := float64(s.NoPrizeWeight)
	for _, p := range s.Prizes {
		ch := chance{ID: p.ID, Title: p.Title.In(lang, siteLocale), Stock: "unlimited"}
		weight := float64(p.Weight)
		if p.Stock != nil {
			left := max(0, *p.Stock-st.Given[p.ID])
			ch.Stock = "limited"
			if left == 0 {
				ch.Stock = "out"
				lost += weight
				weight = 0
			}
			if s.ShowStockLeft {
				ch.Left = &left
			}
		}
		ch.Percent = percent(weight, total)
		ans.Prizes = append(ans.Prizes, ch)
	}
	ans.NoPrizePercent = percent(lost, total)
	return ans
}

// percent is part of total in percent, to two decimals.
func percent(part, total float64) float64 {
	if total <= 0 {
		return 0
	}
	return math.Round(part/total*10000) / 100
}
