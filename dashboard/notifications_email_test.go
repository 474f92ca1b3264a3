package dashboard_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
)

// TestNotificationEmailChannel: with the operator's mail relay set, the
// e-mail card is offered; a wrong address is refused at its line of the
// recipients, and the recipients saved get the test letter.
func TestNotificationEmailChannel(t *testing.T) {
	t.Parallel()
	mb := newMailbox(t)
	s := newNTSite(t, servertest.NewStore(t, "embedded"), func(c *config.Config) {
		c.SMTPURL, c.SMTPFrom = "smtp://"+mb.addr, "Beckon <beckon@example.com>"
	})
	page := s.path("/notifications")
	csrf := s.owner.pageCSRF(page)
	p := s.owner.get(page + "?lang=en")
	wantBody(t, "the page", p, `id="nt-email-to"`)
	wantNoBody(t, "the page", p, "nt-unavailable")

	channels := "/api/v1/sites/" + s.siteID + "/channels"
	r := s.owner.api("PUT", channels, csrf, `{"email":{"to":["shop@flowers.example","not an address"]}}`)
	wantStatus(t, "a wrong address", r, http.StatusUnprocessableEntity)
	var e struct{ Error struct{ Field string } }
	if json.Unmarshal([]byte(r.Body), &e); e.Error.Field != "email.to[1]" {
		t.Fatalf("the error names %q", e.Error.Field)
	}
	wantNoBody(t, "after the refusal", s.owner.get(page), "shop@flowers.example")

	wantStatus(t, "save", s.owner.api("PUT", channels, csrf, `{"email":{"to":["shop@flowers.example","boss@flowers.example"],"lang":"uk"}}`), http.StatusOK)
	wantBody(t, "after saving", s.owner.get(page), "shop@flowers.example\nboss@flowers.example</textarea>", `value="uk" selected`)
	if o := s.outcome(t, s.owner, testMessage(t, s, csrf, "email"), 0, "uk"); !o.OK || o.Text != "Доставлено." {
		t.Fatalf("e-mail test: %+v", o)
	}
	var letters int
	for _, m := range mb.messages() {
		if (strings.HasPrefix(m, "shop@flowers.example\n") || strings.HasPrefix(m, "boss@flowers.example\n")) && strings.Contains(m, "Test Visitor") {
			letters++
		}
	}
	if letters != 1 { // one letter, both recipients; the session keeps the last
		t.Fatalf("the relay got %d letters to the channel's recipients: %q", letters, mb.messages())
	}
}
