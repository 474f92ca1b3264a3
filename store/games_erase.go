package store

import "context"

// GameErasure forgets players of the game widget (a visitor's erasure,
// DELETE /api/v1/sites/{id}/visitors/{visitor_id}).
type GameErasure interface {
	// EraseGamePlayer deletes, in every game and campaign of the site, the
	// draw recorded under key ("v:<visitor id>") and the same draw under
	// every other key it was recorded under (the contacts' hashes the
	// player gave), and returns how many draws it found. The counts stay:
	// a prize given stays given (its stock stays consumed) and the
	// campaign's draws count keeps the draw. A key that never drew erases
	// nothing and is no error.
	EraseGamePlayer(ctx context.Context, siteID, key string) (int, error)
}
