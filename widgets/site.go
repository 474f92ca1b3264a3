package widgets

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
)

// Site is a site as the server's cache holds it: the site, its time zone,
// and its widgets with their settings parsed once. Entries are shared by
// concurrent requests and never changed in place.
type Site struct {
	store.Site
	// Loc is the site's time zone, UTC when its name does not load.
	Loc *time.Location
	// Widgets are all the site's widgets of known types, enabled or not,
	// oldest first.
	Widgets []Widget
}

// Widget is a stored widget with its settings parsed (Parsed holds the
// module's settings type, e.g. *callback.Settings).
type Widget struct {
	store.Widget
	Parsed Settings
}

// Enabled finds the site's enabled widget of type typ with id, or the
// first enabled one of the type when id is "".
func (s *Site) Enabled(typ, id string) (Widget, bool) {
	for _, w := range s.Widgets {
		if w.Type == typ && w.Enabled && (id == "" || w.ID == id) {
			return w, true
		}
	}
	return Widget{}, false
}

// Widget finds a widget of the site by id, enabled or not: background
// work finishes what a widget started even after it is switched off.
func (s *Site) Widget(id string) (Widget, bool) {
	for _, w := range s.Widgets {
		if w.ID == id {
			return w, true
		}
	}
	return Widget{}, false
}

// Sites finds sites in the server's cache. Both return store.ErrNotFound
// for a site that does not exist.
type Sites interface {
	// ByKey finds a site by its public key (the widget API's {siteKey}).
	ByKey(ctx context.Context, key string) (*Site, error)
	// ByID finds a site by its id (background work, webhooks).
	ByID(ctx context.Context, id string) (*Site, error)
}

const siteLocal = "beckon.site"

// SetSite records the site of a public API request; the server's site
// lookup does it before any module's handler runs.
func SetSite(c *fiber.Ctx, s *Site) { c.Locals(siteLocal, s) }

// SiteOf is the site of a request on Routes.Public.
func SiteOf(c *fiber.Ctx) *Site {
	s, _ := c.Locals(siteLocal).(*Site)
	return s
}

// Load reads a site and its widgets from the store and parses the
// settings of every widget whose type is among modules; widgets of other
// types (a type this binary does not serve) are left out.
func Load(ctx context.Context, st store.Store, site store.Site, modules map[string]Module) (*Site, error) {
	list, err := st.ListWidgets(ctx, site.ID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(site.Timezone)
	if err != nil {
		loc = time.UTC
	}
	s := &Site{Site: site, Loc: loc}
	for _, w := range list {
		m, ok := modules[w.Type]
		if !ok {
			continue
		}
		set, err := Parse(m, w.Settings)
		if err != nil {
			return nil, fmt.Errorf("widgets: settings of %s widget %s: %w", w.Type, w.ID, err)
		}
		s.Widgets = append(s.Widgets, Widget{Widget: w, Parsed: set})
	}
	return s, nil
}
