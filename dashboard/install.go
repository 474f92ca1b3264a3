package dashboard

import (
	"html"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
)

// snippet is the tag an owner pastes into their pages (README, "Install").
func snippet(publicURL, siteKey string) string {
	return `<script async src="` + html.EscapeString(publicURL) + `/embed.js" data-site="` + html.EscapeString(siteKey) + `"></script>`
}

// sightingView is one origin's line of the install check.
type sightingView struct {
	Origin string
	// Ago says when in words ("2 minutes ago"); empty: not seen yet.
	Ago string
	At  time.Time
}

// sightings is the install check of each of the site's origins, from the
// config requests the server recorded (server/snippet_seen.go). Origins
// no longer on the site are left out.
func (h *handler) sightings(c *fiber.Ctx, site store.Site) ([]sightingView, error) {
	seen, err := h.Store.SnippetSightings(c.UserContext(), site.ID)
	if err != nil {
		return nil, err
	}
	l, now := h.lang(c), h.Now()
	out := make([]sightingView, 0, len(site.Origins))
	for _, o := range site.Origins {
		v := sightingView{Origin: o}
		if i := slices.IndexFunc(seen, func(s store.SnippetSighting) bool { return s.Origin == o }); i >= 0 {
			v.At, v.Ago = seen[i].LastSeen, l.Ago(now.Sub(seen[i].LastSeen))
		}
		out = append(out, v)
	}
	return out, nil
}

// Ago says how long ago d was: "just now", "2 minutes ago", "3 hours
// ago", "5 days ago", with each language's plural forms.
func (l Lang) Ago(d time.Duration) string {
	unit, n := "", 0
	switch {
	case d < time.Minute:
		return l.T("ago_now")
	case d < time.Hour:
		unit, n = "min", int(d/time.Minute)
	case d < 48*time.Hour:
		unit, n = "hour", int(d/time.Hour)
	default:
		unit, n = "day", int(d/(24*time.Hour))
	}
	return l.F("ago_"+unit+"_"+i18n.PluralForm(l.Code, n), "n", n)
}

// audit records a change a user made to a site.
func (h *handler) audit(c *fiber.Ctx, siteID, action string, detail ...string) {
	e := store.AuditEntry{Action: action, UserID: user(c).ID, SiteID: siteID, IP: h.ClientIP(c)}
	if len(detail) > 0 {
		e.Detail = detail[0]
	}
	h.acc.Audit(c.UserContext(), e)
}
