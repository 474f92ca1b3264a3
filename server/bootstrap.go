package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

const (
	settingAdminTokenHash    = "admin_token_hash"
	settingDemoSiteKey       = "demo_site_key"
	settingOriginsNormalized = "origins_normalized_v1"
)

// EnsureAdminToken returns the hash the admin API checks bearer tokens
// against. A token given in the configuration wins. Otherwise the first start
// generates one, stores only its hash and returns the token itself in
// generated so the caller can print it once; later starts return "".
func EnsureAdminToken(ctx context.Context, st store.Settings, cfg config.Config) (hash, generated string, err error) {
	if cfg.AdminToken != "" {
		return hashSecret(cfg.AdminToken), "", nil
	}
	token := "bka_" + randomToken(24)
	created, err := st.SetSettingIfAbsent(ctx, settingAdminTokenHash, hashSecret(token))
	if err != nil {
		return "", "", fmt.Errorf("store admin token: %w", err)
	}
	if created {
		return hashSecret(token), token, nil
	}
	hash, err = st.GetSetting(ctx, settingAdminTokenHash)
	if err != nil {
		return "", "", fmt.Errorf("read admin token: %w", err)
	}
	return hash, "", nil
}

// EnsureDemoSite creates, on a store without sites, a demo site whose origin
// is the server itself, with a widget of every module that has a demo (see
// widgets.Demo), so /demo shows Beckon working. At every later start the demo site's origins follow the
// public URL again, so moving the server to another port or host does not
// leave the demo page refused by its own site. It returns the demo site's
// key ("" when there is none) and whether it was created now.
func EnsureDemoSite(ctx context.Context, st store.Store, cfg config.Config, modules []widgets.Module) (key string, created bool, err error) {
	key, err = st.GetSetting(ctx, settingDemoSiteKey)
	if err == nil {
		site, err := st.GetSiteByKey(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return "", false, nil // the operator deleted it; respect that
		}
		if err != nil {
			return "", false, fmt.Errorf("read demo site: %w", err)
		}
		if slices.Equal(site.Origins, demoOrigins(cfg)) {
			return key, false, nil
		}
		_, err = st.UpdateSite(ctx, site.ID, func(s *store.Site) error {
			s.Origins, s.UpdatedAt = demoOrigins(cfg), time.Now().UTC()
			return nil
		})
		if err != nil {
			return "", false, fmt.Errorf("demo site origins: %w", err)
		}
		return key, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return "", false, err
	}
	sites, err := st.ListSites(ctx)
	if err != nil || len(sites) > 0 {
		return "", false, err
	}
	now := time.Now().UTC()
	site := store.Site{ID: newID("site"), Key: randomToken(10), Name: "Beckon demo", Origins: demoOrigins(cfg),
		Timezone: "Europe/Moscow", Locale: "ru", Region: "RU", CreatedAt: now, UpdatedAt: now}
	if ok, err := st.SetSettingIfAbsent(ctx, settingDemoSiteKey, site.Key); err != nil || !ok {
		return "", false, err // another replica is creating it
	}
	if err := st.CreateSite(ctx, site); err != nil {
		return "", false, fmt.Errorf("create demo site: %w", err)
	}
	for i, m := range modules {
		demo, ok := m.(widgets.Demo)
		if !ok {
			continue
		}
		settings, err := widgets.Normalize(m, json.RawMessage(demo.DemoSettings()), site)
		if err != nil {
			return "", false, fmt.Errorf("demo %s settings: %w", m.Type(), err)
		}
		w := store.Widget{ID: newID("wdg"), SiteID: site.ID, Type: m.Type(), Enabled: true,
			Settings: settings, CreatedAt: now.Add(time.Duration(i) * time.Millisecond), UpdatedAt: now}
		if err := st.CreateWidget(ctx, w); err != nil {
			return "", false, fmt.Errorf("create demo widget: %w", err)
		}
	}
	return site.Key, true, nil
}

// demoOrigins are the pages the demo site serves: the public URL's origin,
// and when that is this machine (localhost, 127.0.0.1, [::1]), the other
// two names of it too, since a newcomer may type any of them.
func demoOrigins(cfg config.Config) []string {
	origin := cfg.PublicOrigin()
	u, err := url.Parse(origin)
	if err != nil {
		return []string{origin}
	}
	if host := u.Hostname(); host != "localhost" && !net.ParseIP(host).IsLoopback() {
		return []string{origin}
	}
	out := []string{origin}
	for _, host := range []string{"localhost", "127.0.0.1", "[::1]"} {
		o := u.Scheme + "://" + host
		if p := u.Port(); p != "" {
			o += ":" + p
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// NormalizeStoredOrigins rewrites, once per store, the origins of sites
// saved before origins were normalised: "https://shop.example:443" was kept
// as typed and never matched what browsers send. An entry that no browser
// can send is kept as it is and logged, so nothing an owner typed vanishes.
func NormalizeStoredOrigins(ctx context.Context, st store.Store, log *slog.Logger) error {
	if _, err := st.GetSetting(ctx, settingOriginsNormalized); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("read %s: %w", settingOriginsNormalized, err)
	}
	sites, err := st.ListSites(ctx)
	if err != nil {
		return fmt.Errorf("normalise origins: %w", err)
	}
	for _, site := range sites {
		if slices.Equal(site.Origins, browserOrigins(site.Origins, nil)) {
			continue
		}
		_, err := st.UpdateSite(ctx, site.ID, func(s *store.Site) error {
			s.Origins = browserOrigins(s.Origins, func(raw string, err error) {
				log.Warn("a site's origin can never match a browser's; fix it through the admin API",
					slog.String("site", s.ID), slog.String("origin", raw), slog.Any("err", err))
			})
			return nil
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("normalise origins of %s: %w", site.ID, err)
		}
	}
	_, err = st.SetSettingIfAbsent(ctx, settingOriginsNormalized, time.Now().UTC().Format(time.RFC3339))
	return err
}

// browserOrigins is origins in the form browsers send, without duplicates;
// an entry that cannot be put in that form stays as it was, told to bad.
func browserOrigins(origins []string, bad func(raw string, err error)) []string {
	out := make([]string, 0, len(origins))
	for _, raw := range origins {
		o, err := validate.Origin("", raw)
		if err != nil {
			if bad != nil {
				bad(raw, err)
			}
			o = raw
		}
		if !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}
