package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// TestConsentURLValidated: consent.url, the owner's privacy policy the form
// links to, must be an https URL; anything else is refused naming the field
// and leaves the widget as it was.
func TestConsentURLValidated(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := newTestServer(t, newStore(t), nil)
		site := ts.createSite("Shop")["id"].(string)
		const good = "https://shop.example/privacy?lang=ru#data"
		w := ts.createWidget(site, map[string]any{"type": "callback", "settings": map[string]any{"consent": map[string]any{"url": good}}})
		path := "/api/v1/sites/" + site + "/widgets/" + w["id"].(string)
		for _, bad := range []string{"http://shop.example/privacy", "javascript:alert(1)", "/privacy", "https://", "https://user:pw@shop.example/", "https://shop.example/" + strings.Repeat("p", 2048)} {
			r := ts.admin("PATCH", path, map[string]any{"settings": map[string]any{"consent": map[string]any{"url": bad}}})
			if r.Status != http.StatusUnprocessableEntity || r.errorField(t) != "settings.consent.url" {
				t.Errorf("consent.url %.40q: %d %s; want 422 naming settings.consent.url", bad, r.Status, r.Body)
			}
		}
		got := ts.admin("GET", path, nil).json(t)["settings"].(map[string]any)["consent"].(map[string]any)["url"]
		if got != good {
			t.Errorf("after refused changes consent.url is %v, want %q", got, good)
		}
	})
}
