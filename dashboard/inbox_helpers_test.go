package dashboard_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// inboxSite is a site with leads, and a manager of it signed in.
type inboxSite struct {
	d       *dash
	siteID  string
	op      *browser // the operator
	manager *browser // a manager of the site, signed in
}

// newInboxSite makes a site, signs the operator in and invites a manager.
func newInboxSite(t testing.TB, st store.Store) *inboxSite {
	t.Helper()
	d := startDash(t, st, nil)
	s := &inboxSite{d: d, siteID: d.CreateSite("Shop A", "https://a.example")["id"].(string), op: d.browser(t, "operator")}
	s.op.setup()
	link := s.op.invite(s.siteID, "manager@example.com", store.RoleManager)
	s.manager = d.browser(t, "manager")
	wantRedirect(t, "manager accepts", s.manager.submit(link, link, url.Values{"password": {"manager-pass-1"}}), "/app/sites/"+s.siteID)
	return s
}

// seedLead stores a lead made at at, straight in the store (as a widget
// would), and returns its id.
func (s *inboxSite) seedLead(t testing.TB, n int, at time.Time, typ, widget, source string) string {
	t.Helper()
	l := store.Lead{ID: fmt.Sprintf("lead-%05d", n), SiteID: s.siteID, WidgetID: widget, Type: typ, Status: store.LeadNew,
		VisitorID: fmt.Sprintf("v%d", n), Contact: store.LeadContact{Name: fmt.Sprintf("Visitor %d", n), Phone: "+7912345" + fmt.Sprintf("%04d", n)},
		Summary: "summary " + fmt.Sprint(n), Source: source, CreatedAt: at.UTC(), UpdatedAt: at.UTC()}
	if _, _, err := s.d.Store.CreateLead(t.Context(), l); err != nil {
		t.Fatalf("seed lead %d: %v", n, err)
	}
	return l.ID
}

func (s *inboxSite) inbox(b *browser, query string) page {
	b.t.Helper()
	return b.get("/app/sites/" + s.siteID + "/inbox" + query)
}

func wantNoBody(t testing.TB, what string, p page, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(p.Body, s) {
			t.Fatalf("%s: page has %q, want it not", what, s)
		}
	}
}
