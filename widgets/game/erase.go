package game

import (
	"context"
	"fmt"
)

// EraseVisitor implements leads.VisitorEraser: the visitor's draws in
// every game and campaign of the site are forgotten, under the visitor id
// and under the hashes of the contacts they gave. The prizes given stay
// given: a prize's stock stays consumed, and the campaign's counts keep
// the draw. The game's lead (with the contact itself) is the inbox's to
// erase; a promo code claimed for the draw stays claimed in its pool.
func (m *Module) EraseVisitor(ctx context.Context, siteID, visitorID string) (map[string]int, error) {
	n, err := m.deps.Store.EraseGamePlayer(ctx, siteID, "v:"+visitorID)
	if err != nil {
		return nil, fmt.Errorf("game: erase the draws of a visitor: %w", err)
	}
	return map[string]int{"game_draws_deleted": n}, nil
}
