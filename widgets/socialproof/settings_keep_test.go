package socialproof_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// Saving the widget's settings without inbound.secret keeps the webhook
// URL the owner pasted into the shop: the shop's next order still gets in.
// Only a secret the owner sends changes it.
func TestSavingSettingsKeepsTheWebhookSecret(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		b := newBackend(t, newStore(t))
		w := b.widget(t, map[string]any{"inbound": map[string]any{"platform": "tilda"}})
		wid := w["id"].(string)
		secret := w["settings"].(map[string]any)["inbound"].(map[string]any)["secret"].(string)

		save := func(settings map[string]any) map[string]any {
			t.Helper()
			body, _ := json.Marshal(map[string]any{"settings": settings})
			r := b.ts.Admin("PATCH", "/api/v1/sites/"+b.siteID+"/widgets/"+wid, body)
			servertest.ExpectStatus(t, r, http.StatusOK)
			var out struct{ Settings map[string]any }
			if err := json.Unmarshal(r.Body, &out); err != nil {
				t.Fatal(err)
			}
			return out.Settings
		}
		got := save(map[string]any{"theme": "dark", "inbound": map[string]any{"platform": "tilda"}})
		if s := got["inbound"].(map[string]any)["secret"]; s != secret {
			t.Fatalf("after a save without the secret it is %v, want the stored %s", s, secret)
		}
		if got["theme"] != "dark" {
			t.Fatalf("theme %v: the save was not applied", got["theme"])
		}
		if r := result(t, b.hook(t, secret, docExample(t, "tilda-paid"), "application/x-www-form-urlencoded")); r != "created" {
			t.Fatalf("the shop's webhook after the save: %s", r)
		}

		chosen := "owner-chosen-secret-0123456789"
		got = save(map[string]any{"inbound": map[string]any{"platform": "tilda", "secret": chosen}})
		if s := got["inbound"].(map[string]any)["secret"]; s != chosen {
			t.Fatalf("secret %v, want the one the owner sent", s)
		}
		if r := b.hook(t, secret, "test=test", "application/x-www-form-urlencoded"); r.Status != http.StatusNotFound {
			t.Fatalf("the old URL after the owner changed the secret: %d, want 404", r.Status)
		}

		// Without a webhook nothing is kept; a new one gets a new secret.
		got = save(map[string]any{})
		if got["inbound"] != nil {
			t.Fatalf("inbound %v after a save without it, want none", got["inbound"])
		}
		got = save(map[string]any{"inbound": map[string]any{"platform": "tilda"}})
		if s := got["inbound"].(map[string]any)["secret"].(string); s == chosen || s == secret || len(s) < 24 {
			t.Fatalf("a new webhook's secret %q, want a new generated one", s)
		}
	})
}
