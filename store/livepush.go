package store

import (
	"context"
	"time"
)

// LivePushesKept bounds the pushes a site keeps at once: the newest stay.
// A push lives a minute and each widget may be pushed six times a minute,
// so this is more than a site's pushes of one minute in practice.
const LivePushesKept = 20

// LivePushes keep the widgets an owner showed to the visitors on a site
// now (social proof's server push) for a short while: browsers that poll
// the live feed instead of holding a connection find them on their next
// poll, whichever replica answers it.
type LivePushes interface {
	// AddLivePush keeps push (opaque bytes; each push's own, so no two are
	// equal) of site for ttl by the store's clock, with the site's other
	// pushes; past LivePushesKept the oldest make room.
	AddLivePush(ctx context.Context, siteID string, push []byte, ttl time.Duration) error
	// LivePushes are the site's pushes whose ttl has not run out, oldest
	// first; none (nil) when it has none.
	LivePushes(ctx context.Context, siteID string) ([][]byte, error)
}
