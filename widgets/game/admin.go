package game

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
)

// prizeStats is one prize in the owner's report.
type prizeStats struct {
	ID     string `json:"id"`
	Weight int    `json:"weight"`
	Stock  *int   `json:"stock"`
	Given  int    `json:"given"`
	// Left is the stock left; null for an unlimited prize.
	Left *int `json:"left"`
}

// stats is GET /api/v1/sites/{id}/widgets/{wid}/game: the current
// campaign's draws, and each prize's stock, given and left.
func (m *Module) stats(c *fiber.Ctx) error {
	siteID := c.Params("id")
	if err := api.Authorize(c, siteID, "widgets:read"); err != nil {
		return err
	}
	site, err := m.deps.Sites.ByID(c.UserContext(), siteID)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	w, ok := site.Widget(c.Params("wid"))
	if !ok || w.Type != widgetType {
		return api.NotFound("game widget")
	}
	s := w.Parsed.(*Settings)
	st, err := m.deps.Store.GameStats(c.UserContext(), siteID, w.ID, s.Campaign)
	if err != nil {
		return fmt.Errorf("game: read stats: %w", err)
	}
	return c.JSON(report(s, st))
}

type statsAnswer struct {
	Campaign string       `json:"campaign"`
	Draws    int          `json:"draws"`
	Wins     int          `json:"wins"`
	Prizes   []prizeStats `json:"prizes"`
}

func report(s *Settings, st store.GameStats) statsAnswer {
	ans := statsAnswer{Campaign: s.Campaign, Draws: st.Draws, Prizes: []prizeStats{}}
	for _, p := range s.Prizes {
		ps := prizeStats{ID: p.ID, Weight: p.Weight, Stock: p.Stock, Given: st.Given[p.ID]}
		if p.Stock != nil {
			left := max(0, *p.Stock-ps.Given)
			ps.Left = &left
		}
		ans.Wins += ps.Given
		ans.Prizes = append(ans.Prizes, ps)
	}
	return ans
}
