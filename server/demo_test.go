package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// demoModules are the default modules, for EnsureDemoSite.
func demoModules(cfg config.Config) []widgets.Module {
	return servertest.Modules(cfg, sim.New(servertest.FastCalls))
}

// TestDemoPage: the first start makes one demo site for this machine's
// origins, whose page embeds it and speaks the visitor's language.
func TestDemoPage(t *testing.T) {
	st := servertest.NewStore(t, "embedded")
	cfg := servertest.Config()
	ctx := context.Background()
	key, created, err := server.EnsureDemoSite(ctx, st, cfg, demoModules(cfg))
	if err != nil || !created || key == "" {
		t.Fatalf("EnsureDemoSite: %q %v %v", key, created, err)
	}
	site, err := st.GetSiteByKey(ctx, key)
	if err != nil || !slices.Equal(site.Origins, []string{"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"}) {
		t.Fatalf("demo site must allow its own origin, by each name of this machine: %+v %v", site, err)
	}
	if again, created, _ := server.EnsureDemoSite(ctx, st, cfg, demoModules(cfg)); again != key || created {
		t.Fatalf("second start made another demo site: %q %v", again, created)
	}
	ts := servertest.Start(t, st, servertest.Options{Server: server.Options{DemoSiteKey: key}})
	for lang, want := range map[string]string{"ru": "Перезвоните мне", "uk": "Передзвоніть мені", "en": "Call me back"} {
		r := ts.Request("GET", "/demo?lang="+lang, nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		body := string(r.Body)
		if !strings.Contains(body, `data-site="`+key+`"`) || !strings.Contains(body, want) || !strings.Contains(body, `lang="`+lang+`"`) {
			t.Fatalf("demo page in %s lacks the snippet or its texts:\n%s", lang, body)
		}
	}
	r := ts.Request("GET", "/demo", nil, "Accept-Language", "uk-UA,uk;q=0.9,en;q=0.5")
	if !strings.Contains(string(r.Body), "Передзвоніть мені") {
		t.Fatal("Accept-Language not honoured")
	}
	r = ts.Request("GET", "/w/v1/"+key+"/config", nil, "Origin", "http://localhost:8080")
	servertest.ExpectStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), `"countdown"`) || !strings.Contains(string(r.Body), `"callback"`) {
		t.Fatalf("demo config: %s", r.Body)
	}
}

// TestDemoSiteRespectsDeletion: a demo site the operator deleted is not
// made again at the next start.
func TestDemoSiteRespectsDeletion(t *testing.T) {
	st := servertest.NewStore(t, "embedded")
	ctx := context.Background()
	cfg := config.Config{PublicURL: "http://localhost:8080"}
	key, _, _ := server.EnsureDemoSite(ctx, st, cfg, demoModules(cfg))
	site, _ := st.GetSiteByKey(ctx, key)
	if err := st.DeleteSite(ctx, site.ID); err != nil {
		t.Fatal(err)
	}
	if key, created, err := server.EnsureDemoSite(ctx, st, cfg, demoModules(cfg)); key != "" || created || err != nil {
		t.Fatalf("deleted demo site came back: %q %v %v", key, created, err)
	}
}

// TestStoredOriginsAreNormalizedOnce: sites saved before origins were
// normalised (with a default port, capitals) are served to the browsers
// they were meant for after the next start; an origin no browser can send
// is kept as it was, not dropped.
func TestStoredOriginsAreNormalizedOnce(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ctx := context.Background()
		old := store.Site{ID: "site_old", Key: "oldkey", Name: "Old shop", Timezone: "UTC", Locale: "en", Region: "US",
			Origins: []string{"https://Shop.Example:443", "https://shop.example", "https://*.shop.example"}}
		if err := st.CreateSite(ctx, old); err != nil {
			t.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		if err := server.NormalizeStoredOrigins(ctx, st, log); err != nil {
			t.Fatal(err)
		}
		site, err := st.GetSite(ctx, old.ID)
		if err != nil || !slices.Equal(site.Origins, []string{"https://shop.example", "https://*.shop.example"}) {
			t.Fatalf("origins after a start: %q %v", site.Origins, err)
		}
		ts := servertest.Start(t, st, servertest.Options{})
		ts.CreateWidget(old.ID, map[string]any{"type": "callback"})
		servertest.ExpectStatus(t, ts.Request("GET", "/w/v1/oldkey/config", nil, "Origin", "https://shop.example"), http.StatusOK)

		// Once per store: the mark is stored, so later starts do not list
		// every site again.
		if _, err := st.UpdateSite(ctx, old.ID, func(s *store.Site) error { s.Origins = []string{"https://shop.example:443"}; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := server.NormalizeStoredOrigins(ctx, st, log); err != nil {
			t.Fatal(err)
		}
		if site, _ := st.GetSite(ctx, old.ID); site.Origins[0] != "https://shop.example:443" {
			t.Fatalf("a second start rewrote origins again: %q", site.Origins)
		}
	})
}
