package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store"
)

func TestDemoPage(t *testing.T) {
	st := storeFactories["embedded"](t)
	cfg := testConfig()
	ctx := context.Background()
	key, created, err := EnsureDemoSite(ctx, st, cfg)
	if err != nil || !created || key == "" {
		t.Fatalf("EnsureDemoSite: %q %v %v", key, created, err)
	}
	site, err := st.GetSiteByKey(ctx, key)
	if err != nil || !slices.Equal(site.Origins, []string{"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"}) {
		t.Fatalf("demo site must allow its own origin, by each name of this machine: %+v %v", site, err)
	}
	if again, created, _ := EnsureDemoSite(ctx, st, cfg); again != key || created {
		t.Fatalf("second start made another demo site: %q %v", again, created)
	}
	hash, _, _ := EnsureAdminToken(ctx, st, cfg)
	srv, err := New(ctx, cfg, st, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AdminTokenHash: hash, DemoSiteKey: key})
	if err != nil {
		t.Fatal(err)
	}
	ts := serve(t, srv, st)
	for lang, want := range map[string]string{"ru": "Перезвоните мне", "uk": "Передзвоніть мені", "en": "Call me back"} {
		r := ts.request("GET", "/demo?lang="+lang, nil)
		expectStatus(t, r, http.StatusOK)
		body := string(r.Body)
		if !strings.Contains(body, `data-site="`+key+`"`) || !strings.Contains(body, want) || !strings.Contains(body, `lang="`+lang+`"`) {
			t.Fatalf("demo page in %s lacks the snippet or its texts:\n%s", lang, body)
		}
	}
	r := ts.request("GET", "/demo", nil, "Accept-Language", "uk-UA,uk;q=0.9,en;q=0.5")
	if !strings.Contains(string(r.Body), "Передзвоніть мені") {
		t.Fatal("Accept-Language not honoured")
	}
	r = ts.request("GET", "/w/v1/"+key+"/config", nil, "Origin", "http://localhost:8080")
	expectStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), `"countdown"`) || !strings.Contains(string(r.Body), `"callback"`) {
		t.Fatalf("demo config: %s", r.Body)
	}
}

func TestDemoSiteRespectsDeletion(t *testing.T) {
	st := storeFactories["embedded"](t)
	ctx := context.Background()
	cfg := config.Config{PublicURL: "http://localhost:8080"}
	key, _, _ := EnsureDemoSite(ctx, st, cfg)
	site, _ := st.GetSiteByKey(ctx, key)
	if err := st.DeleteSite(ctx, site.ID); err != nil {
		t.Fatal(err)
	}
	if key, created, err := EnsureDemoSite(ctx, st, cfg); key != "" || created || err != nil {
		t.Fatalf("deleted demo site came back: %q %v %v", key, created, err)
	}
}

func TestAdminTokenGeneratedOnce(t *testing.T) {
	st := storeFactories["embedded"](t)
	ctx := context.Background()
	cfg := config.Config{}
	hash, token, err := EnsureAdminToken(ctx, st, cfg)
	if err != nil || token == "" || hash != hashSecret(token) {
		t.Fatalf("first start: %q %q %v", hash, token, err)
	}
	stored, _ := st.GetSetting(ctx, settingAdminTokenHash)
	if strings.Contains(stored, token) || stored != hash {
		t.Fatal("the store must keep only the token's hash")
	}
	hash2, token2, err := EnsureAdminToken(ctx, st, cfg)
	if err != nil || token2 != "" || hash2 != hash {
		t.Fatalf("second start printed a token again or changed it: %q %v", token2, err)
	}
	cfg.AdminToken = "from-env"
	if h, tok, _ := EnsureAdminToken(ctx, st, cfg); h != hashSecret("from-env") || tok != "" {
		t.Fatal("BECKON_ADMIN_TOKEN must win")
	}
}

// TestStoredOriginsAreNormalizedOnce: sites saved before origins were
// normalised (with a default port, capitals) are served to the browsers
// they were meant for after the next start; an origin no browser can send
// is kept as it was, not dropped.
func TestStoredOriginsAreNormalizedOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ctx := context.Background()
		old := store.Site{ID: "site_old", Key: "oldkey", Name: "Old shop", Timezone: "UTC", Locale: "en", Region: "US",
			Origins: []string{"https://Shop.Example:443", "https://shop.example", "https://*.shop.example"}}
		if err := st.CreateSite(ctx, old); err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		if err := NormalizeStoredOrigins(ctx, st, log); err != nil {
			t.Fatal(err)
		}
		site, err := st.GetSite(ctx, old.ID)
		if err != nil || !slices.Equal(site.Origins, []string{"https://shop.example", "https://*.shop.example"}) {
			t.Fatalf("origins after a start: %q %v", site.Origins, err)
		}
		ts := newTestServer(t, st, nil)
		ts.createWidget(old.ID, map[string]any{"type": "social_proof"})
		expectStatus(t, ts.request("GET", "/w/v1/oldkey/config", nil, "Origin", "https://shop.example"), http.StatusOK)

		// Once per store: the mark is stored, so later starts do not list
		// every site again.
		if _, err := st.UpdateSite(ctx, old.ID, func(s *store.Site) error { s.Origins = []string{"https://shop.example:443"}; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := NormalizeStoredOrigins(ctx, st, log); err != nil {
			t.Fatal(err)
		}
		if site, _ := st.GetSite(ctx, old.ID); site.Origins[0] != "https://shop.example:443" {
			t.Fatalf("a second start rewrote origins again: %q", site.Origins)
		}
	})
}
