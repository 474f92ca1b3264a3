package socialproof_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
)

func TestSettingsDefaultsAndChoices(t *testing.T) {
	b := newBackend(t, servertest.NewStore(t, "embedded"))
	set := b.widget(t, map[string]any{})["settings"].(map[string]any)
	want := map[string]any{"position": "bottom-left", "theme": "light", "delay_seconds": 5.0, "display_seconds": 6.0,
		"interval_seconds": 10.0, "max_per_visit": 5.0, "name_display": "first_name", "max_age_hours": 168.0,
		"mobile": true, "include_pages": []any{}, "exclude_pages": []any{},
		"viewers":       map[string]any{"enabled": true, "threshold": 3.0, "scope": "page", "round_down_to": 0.0},
		"beckon_events": map[string]any{"callback_connected": false, "lead_submitted": false}}
	for k, v := range want {
		if got, _ := json.Marshal(set[k]); string(got) != mustJSON(t, v) {
			t.Errorf("default %s = %s, want %s", k, got, mustJSON(t, v))
		}
	}
	if _, ok := set["inbound"]; ok {
		t.Errorf("a widget without a shop webhook got inbound: %v", set["inbound"])
	}
	// 0 and false are choices, not "use the default".
	set = b.widget(t, map[string]any{"delay_seconds": 0, "interval_seconds": 0, "max_per_visit": 0, "mobile": false,
		"viewers": map[string]any{"enabled": false}})["settings"].(map[string]any)
	v := set["viewers"].(map[string]any)
	if set["delay_seconds"] != 0.0 || set["interval_seconds"] != 0.0 || set["max_per_visit"] != 0.0 || set["mobile"] != false ||
		v["enabled"] != false || v["threshold"] != 3.0 {
		t.Fatalf("explicit zeros were replaced: %v", set)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestSettingsRefusedWithTheirField(t *testing.T) {
	b := newBackend(t, servertest.NewStore(t, "embedded"))
	cases := []struct {
		settings map[string]any
		field    string
	}{
		{map[string]any{"position": "top-left"}, "settings.position"},
		{map[string]any{"theme": "blue"}, "settings.theme"},
		{map[string]any{"display_seconds": 1}, "settings.display_seconds"},
		{map[string]any{"max_age_hours": 0}, "settings.max_age_hours"},
		{map[string]any{"name_display": "full"}, "settings.name_display"},
		{map[string]any{"include_pages": []string{"/catalog", "catalog"}}, "settings.include_pages[1]"},
		{map[string]any{"exclude_pages": []string{""}}, "settings.exclude_pages[0]"},
		{map[string]any{"templates": map[string]any{"purchase": map[string]string{"ru": "{nmae} купил {product}"}}}, "settings.templates.purchase.ru"},
		{map[string]any{"templates": map[string]any{"sale": map[string]string{"en": "{name}"}}}, "settings.templates.sale"},
		{map[string]any{"templates": map[string]any{"purchase": map[string]string{"de": "{name}"}}}, "settings.templates.purchase.de"},
		{map[string]any{"viewers": map[string]any{"round_down_to": 3}}, "settings.viewers.round_down_to"},
		{map[string]any{"viewers": map[string]any{"scope": "world"}}, "settings.viewers.scope"},
		{map[string]any{"viewers": map[string]any{"threshold": 0}}, "settings.viewers.threshold"},
		{map[string]any{"inbound": map[string]any{"platform": "shopify"}}, "settings.inbound.platform"},
		{map[string]any{"inbound": map[string]any{"platform": "woocommerce"}}, "settings.inbound.signing_secret"},
		{map[string]any{"inbound": map[string]any{"platform": "tilda", "secret": "short"}}, "settings.inbound.secret"},
		{map[string]any{"inbound": map[string]any{"platform": "custom"}}, "settings.inbound.mapping.id"},
		{map[string]any{"inbound": map[string]any{"platform": "custom", "mapping": map[string]string{"id": "order id"}}}, "settings.inbound.mapping.id"},
		{map[string]any{"inbound": map[string]any{"platform": "custom", "mapping": map[string]string{"id": "a", "phone": "b"}}}, "settings.inbound.mapping.phone"},
		{map[string]any{"inbound": map[string]any{"platform": "custom", "mapping": map[string]string{"id": "a", "status": "s"}}}, "settings.inbound.paid_statuses"},
	}
	for _, tc := range cases {
		r := b.ts.Admin("POST", "/api/v1/sites/"+b.siteID+"/widgets", map[string]any{"type": "social_proof", "settings": tc.settings})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.ErrorField(t); f != tc.field {
			t.Errorf("%v: field %q, want %q (%s)", tc.settings, f, tc.field, r.Body)
		}
	}
	r := b.ts.Admin("GET", "/api/v1/sites/"+b.siteID+"/widgets", nil)
	if n := len(r.JSON(t)["widgets"].([]any)); n != 0 {
		t.Fatalf("refused settings stored %d widgets", n)
	}
}

// TestPublicConfigKeepsSecrets: browsers get the look and timing, never the
// webhook's secrets, its mapping, or the Beckon-event switches.
func TestPublicConfigKeepsSecrets(t *testing.T) {
	b := newBackend(t, servertest.NewStore(t, "embedded"))
	w := b.widget(t, map[string]any{"theme": "dark", "templates": map[string]any{"purchase": map[string]string{"en": "{name} got {product}"}},
		"inbound": map[string]any{"platform": "woocommerce", "signing_secret": "wc-signing-secret"}})
	in := w["settings"].(map[string]any)["inbound"].(map[string]any)
	secret, _ := in["secret"].(string)
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(secret) {
		t.Fatalf("generated secret %q", secret)
	}
	r := b.ts.Request("GET", "/w/v1/"+b.key+"/config", nil, "Origin", shopOrigin)
	servertest.ExpectStatus(t, r, http.StatusOK)
	body := string(r.Body)
	for _, leak := range []string{secret, "wc-signing-secret", "inbound", "mapping", "beckon_events", "paid_statuses"} {
		if strings.Contains(body, leak) {
			t.Errorf("public config holds %q: %s", leak, body)
		}
	}
	for _, shown := range []string{`"theme":"dark"`, `{name} got {product}`, `"social_proof"`} {
		if !strings.Contains(body, shown) {
			t.Errorf("public config lacks %s: %s", shown, body)
		}
	}
}
