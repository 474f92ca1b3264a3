// Package triggerstats is the analytics of widgets' triggers
// (docs/TRIGGERS.md, "Analytics"): the trigger engine in the visitor's
// browser reports what became of each showing it caused, and the owner
// reads it per trigger, per page and per source.
//
// Public route (/w/v1/{siteKey}):
//
//	POST /widgets/{wid}/trigger-events {"visitor_id","event","trigger","page","source"} → 204
//
// Admin route (/api/v1, scope widgets:read):
//
//	GET /sites/{id}/widgets/{wid}/trigger-stats?from=&to= → totals, by_trigger, by_page, by_source
//
// Counts live in store.Tallies, one tally per widget and day of the site's
// time zone ("trg:<widget>:<YYYY-MM-DD>"), so a range of days is a sum.
// Each event is written at once (a triggered showing makes one to three
// events: little next to the page views the widgets themselves count).
package triggerstats

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// Scope of site API keys for reading the stats: they describe widgets,
// not people.
const ScopeRead = "widgets:read"

// Deps are what the package needs from the server.
type Deps struct {
	Store store.Store
	// Sites finds a site with its widgets' parsed settings (the server's
	// config cache).
	Sites widgets.Sites
	Log   *slog.Logger
	// Now is the clock (the day an event counts in); time.Now when nil.
	Now func() time.Time
	// ClientIP is the visitor's address, through trusted proxies only
	// (events are rate limited per address).
	ClientIP func(c *fiber.Ctx) string
}

type stats struct {
	d      Deps
	limit  *ipLimiter
	fields *distinct
}

// Mount adds the admin route to admin (/api/v1, behind authentication)
// and the events route to public (/w/v1/{siteKey}, behind the site lookup
// and the server's per-IP rate limit).
func Mount(admin, public widgets.Router, d Deps) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.ClientIP == nil {
		d.ClientIP = func(c *fiber.Ctx) string { return c.IP() }
	}
	s := &stats{d: d, limit: newIPLimiter(eventsPerSecond, eventsBurst), fields: newDistinct(maxDistinct)}
	public.Add(fiber.MethodPost, "/widgets/:wid/trigger-events", s.event)
	admin.Add(fiber.MethodGet, "/sites/:id/widgets/:wid/trigger-stats", s.read)
}

// tallyName is the tally of widgetID's events on day (YYYY-MM-DD).
func tallyName(widgetID, day string) string { return "trg:" + widgetID + ":" + day }
