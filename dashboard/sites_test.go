package dashboard_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// wantText is wantBody on the page's text, HTML escapes undone.
func wantText(t testing.TB, what string, p page, texts ...string) {
	t.Helper()
	p.Body = html.UnescapeString(p.Body)
	wantBody(t, what, p, texts...)
}

// publicSite is the site part of the public config, as the widgets see it.
func publicSite(t *testing.T, d *dash, key string) map[string]any {
	t.Helper()
	r := d.Request(http.MethodGet, "/w/v1/"+key+"/config", nil)
	servertest.ExpectStatus(t, r, http.StatusOK)
	var cfg struct {
		Site map[string]any `json:"site"`
	}
	if err := json.Unmarshal(r.Body, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.Site
}

func siteForm(name, origins, tz, locale, region string) url.Values {
	return url.Values{"name": {name}, "origins": {origins}, "timezone": {tz}, "locale": {locale}, "region": {region}}
}

// TestSiteCreateAndEdit, on both stores: the operator creates a site and
// edits it on its page. A bad origin, time zone or region is named at its
// field, in the page's language, and changes nothing; a good edit shows in
// the public config at once (the same cache invalidation as the admin API).
func TestSiteCreateAndEdit(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		d := startDash(t, newStore(t), nil)
		op := d.browser(t, "operator")
		op.setup()
		wantBody(t, "no sites yet", op.get("/app/"), "Create the first one", `href="/app/sites/new"`)

		p := op.submit("/app/sites/new", "/app/sites", siteForm("Shop", "https://shop.example\nftp://shop.example/path", "Europe/Kyiv", "uk", "UA"))
		wantStatus(t, "create with a bad origin", p, http.StatusUnprocessableEntity)
		wantBody(t, "create with a bad origin", p, `id="err-origins"`, "“ftp://shop.example/path” is not a site address", `aria-invalid="true"`,
			"https://shop.example\nftp://shop.example/path</textarea>", `<option selected>Europe/Kyiv</option>`)
		if sites, _ := d.Store.ListSites(t.Context()); len(sites) != 0 {
			t.Fatalf("a refused form created %d sites", len(sites))
		}

		p = op.submit("/app/sites/new", "/app/sites", siteForm("Магазин", "https://shop.example/\n\nhttps://www.shop.example", "Europe/Kyiv", "uk", "ua"))
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location(), "/app/sites/site_") {
			t.Fatalf("create: %d to %q: %.500s", p.Status, p.Location(), p.Body)
		}
		path := p.Location()
		id := strings.TrimPrefix(path, "/app/sites/")
		site, err := d.Store.GetSite(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(site.Origins, []string{"https://shop.example", "https://www.shop.example"}) || site.Region != "UA" || site.Timezone != "Europe/Kyiv" || site.Locale != "uk" {
			t.Fatalf("created site: %+v", site)
		}
		page := op.get(path)
		wantText(t, "site page", page, "Site created.", `<script async src="`+d.Base+`/embed.js" data-site="`+site.Key+`"></script>`, "Not seen on https://shop.example yet.")

		// Ukrainian page: the error is in Ukrainian, at the region field.
		p = op.submit(path+"?lang=uk", path, siteForm("Магазин", "https://shop.example", "Europe/Kyiv", "ru", "ZZ"))
		wantStatus(t, "edit with a bad region", p, http.StatusUnprocessableEntity)
		wantBody(t, "edit with a bad region", p, `id="err-region"`, "Вкажіть країну двома літерами", `value="ZZ"`)
		p = op.submit(path, path, siteForm("Магазин", "https://shop.example", "Mars/Olympus", "ru", "UA"))
		wantStatus(t, "edit with a bad time zone", p, http.StatusUnprocessableEntity)
		wantBody(t, "edit with a bad time zone", p, `id="err-timezone"`)
		p = op.submit(path, path, siteForm("", "https://shop.example", "Europe/Kyiv", "ru", "UA"))
		wantStatus(t, "edit without a name", p, http.StatusUnprocessableEntity)
		wantBody(t, "edit without a name", p, `id="err-name"`)
		if after, _ := d.Store.GetSite(t.Context(), id); after.Locale != "uk" || after.Region != "UA" || after.Name != "Магазин" || len(after.Origins) != 2 {
			t.Fatalf("refused edits changed the site: %+v", after)
		}

		if got := publicSite(t, d, site.Key)["locale"]; got != "uk" {
			t.Fatalf("config locale before the edit: %v", got)
		}
		form := siteForm("Магазин", "https://shop.example", "Europe/Moscow", "ru", "RU")
		form.Set("follow_browser_language", "on")
		wantRedirect(t, "edit", op.submit(path, path, form), path)
		pub := publicSite(t, d, site.Key)
		if pub["locale"] != "ru" || pub["timezone"] != "Europe/Moscow" || pub["region"] != "RU" {
			t.Fatalf("the public config after the edit: %v", pub)
		}
		// The removed origin is no longer allowed: the same CORS list.
		r := d.Request(http.MethodGet, "/w/v1/"+site.Key+"/config", nil, "Origin", "https://www.shop.example")
		servertest.ExpectStatus(t, r, http.StatusForbidden)
		wantBody(t, "after the edit", op.get(path+"?lang=en"), "Settings saved.", `name="follow_browser_language" checked`, "<option selected>Europe/Moscow</option>")

		audit, _ := d.Store.ListAudit(t.Context(), "site:"+id, 10)
		var actions []string
		for _, e := range audit {
			actions = append(actions, e.Action)
		}
		if !slices.Contains(actions, "site.created") || !slices.Contains(actions, "site.updated") {
			t.Errorf("site audit: %v", actions)
		}
	})
}

// TestSiteManagerReadOnly: a manager sees the settings and the snippet but
// cannot change them, make keys or sites; refused POSTs change nothing.
func TestSiteManagerReadOnly(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	created := d.CreateSite("Shop", "https://shop.example")
	id := created["id"].(string)
	op := d.browser(t, "operator")
	op.setup()
	link := op.invite(id, "manager@example.com", store.RoleManager)
	m := d.browser(t, "manager")
	wantRedirect(t, "accept", m.submit(link, link, url.Values{"password": {"manager-pass-1"}}), "/app/sites/"+id)

	page := m.get("/app/sites/" + id)
	wantStatus(t, "manager's site page", page, http.StatusOK)
	wantText(t, "manager's site page", page, "Only the site's owners can change the settings.", "<fieldset class=\"plain\" disabled>", `data-site="`+created["key"].(string)+`"`)
	if strings.Contains(page.Body, "/keys") || strings.Contains(page.Body, `type="submit">Save`) {
		t.Fatal("a manager is offered keys or a save button")
	}
	if strings.Contains(m.get("/app/").Body, "/app/sites/new") {
		t.Fatal("a manager is offered to create sites")
	}
	token := csrfField.FindStringSubmatch(page.Body)[1]
	for path, form := range map[string]url.Values{
		"/app/sites/" + id:           siteForm("Taken", "https://evil.example", "UTC", "en", "US"),
		"/app/sites":                 siteForm("New", "https://new.example", "UTC", "en", "US"),
		"/app/sites/" + id + "/keys": {"name": {"mine"}, "scopes": {"leads:read"}},
	} {
		form.Set("csrf", token)
		wantStatus(t, "manager posts "+path, m.post(path, form), http.StatusNotFound)
	}
	wantStatus(t, "manager opens keys", m.get("/app/sites/"+id+"/keys"), http.StatusNotFound)
	wantStatus(t, "manager opens new site", m.get("/app/sites/new"), http.StatusNotFound)
	site, _ := d.Store.GetSite(t.Context(), id)
	keys, _ := d.Store.ListAPIKeys(t.Context(), id)
	sites, _ := d.Store.ListSites(t.Context())
	if site.Name != "Shop" || len(keys) != 0 || len(sites) != 1 {
		t.Fatalf("refused posts changed things: %+v, %d keys, %d sites", site, len(keys), len(sites))
	}
}

var secretValue = regexp.MustCompile(`id="secret" class="secret" type="text" readonly value="(bk_[A-Za-z0-9_-]+)"`)

// TestSiteKeys, on both stores: an owner makes a key with the scopes
// ticked, sees its secret once, and revokes it after confirming; the
// revoked key stops working on the admin API.
func TestSiteKeys(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		d := startDash(t, newStore(t), nil)
		id := d.CreateSite("Shop", "https://shop.example")["id"].(string)
		op := d.browser(t, "operator")
		op.setup()
		keys := "/app/sites/" + id + "/keys"
		wantBody(t, "keys page", op.get(keys), "No keys yet.", `value="leads:read"`)

		p := op.submit(keys, keys, url.Values{"name": {"CRM sync"}})
		wantStatus(t, "key without scopes", p, http.StatusUnprocessableEntity)
		wantBody(t, "key without scopes", p, `id="err-scopes"`, "Tick at least one permission.", `value="CRM sync"`)
		p = op.submit(keys, keys, url.Values{"name": {""}, "scopes": {"leads:read"}})
		wantStatus(t, "key without a name", p, http.StatusUnprocessableEntity)
		wantBody(t, "key without a name", p, `id="err-key-name"`, `value="leads:read" checked`)
		p = op.submit(keys, keys, url.Values{"name": {"x"}, "scopes": {"everything"}})
		wantStatus(t, "key with an unknown scope", p, http.StatusUnprocessableEntity)
		if ks, _ := d.Store.ListAPIKeys(t.Context(), id); len(ks) != 0 {
			t.Fatalf("refused forms made %d keys", len(ks))
		}

		p = op.submit(keys, keys, url.Values{"name": {"CRM sync"}, "scopes": {"site:read", "leads:read"}})
		wantStatus(t, "create key", p, http.StatusOK)
		m := secretValue.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("no secret on the page: %.2000s", p.Body)
		}
		secret := m[1]
		wantBody(t, "create key", p, "shown only this once", "<code>"+secret[:9]+"…</code>", "<code>site:read</code>", "<code>leads:read</code>")
		again := op.get(keys)
		if strings.Contains(again.Body, secret) {
			t.Fatal("the secret is shown again")
		}
		bearer := []string{"Authorization", "Bearer " + secret}
		servertest.ExpectStatus(t, d.Request(http.MethodGet, "/api/v1/sites/"+id, nil, bearer...), http.StatusOK)
		servertest.ExpectStatus(t, d.Request(http.MethodGet, "/api/v1/sites/"+id+"/widgets", nil, bearer...), http.StatusForbidden)

		ks, _ := d.Store.ListAPIKeys(t.Context(), id)
		if len(ks) != 1 || ks[0].Name != "CRM sync" {
			t.Fatalf("stored keys: %+v", ks)
		}
		revoke := keys + "/" + ks[0].ID + "/revoke"
		wantBody(t, "confirm page", op.get(revoke), "Revoke the key?", "CRM sync", secret[:9])
		wantRedirect(t, "revoke", op.submit(revoke, revoke, nil), keys)
		wantBody(t, "after revoking", op.get(keys), "Key revoked", "No keys yet.")
		servertest.ExpectStatus(t, d.Request(http.MethodGet, "/api/v1/sites/"+id, nil, bearer...), http.StatusUnauthorized)
		wantStatus(t, "revoke again", op.submit(keys, revoke, nil), http.StatusNotFound)

		audit, _ := d.Store.ListAudit(t.Context(), "site:"+id, 10)
		var actions []string
		for _, e := range audit {
			actions = append(actions, e.Action)
		}
		if !slices.Contains(actions, "api_key.created") || !slices.Contains(actions, "api_key.revoked") {
			t.Errorf("site audit: %v", actions)
		}
	})
}

// TestNewSiteFormFollowsLanguage: the new-site form starts from the zone,
// language and region its reader most likely sells in.
func TestNewSiteFormFollowsLanguage(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	op := d.browser(t, "operator")
	op.setup()
	for lang, want := range map[string][]string{
		"ru": {"<option selected>Europe/Moscow</option>", `<option value="ru" selected>`, `value="RU"`},
		"uk": {"<option selected>Europe/Kyiv</option>", `<option value="uk" selected>`, `value="UA"`},
		"en": {"<option selected>UTC</option>", `<option value="en" selected>`, `value="US"`},
	} {
		wantBody(t, "new site in "+lang, op.get("/app/sites/new?lang="+lang), want...)
	}
}
