package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/*
var staticFS embed.FS

// texts are the dashboard's words, per language: one catalogue per part
// of the dashboard (i18n/dashboard.json, dashboard_sites.json, …), so that
// the parts are written and reviewed apart.
var texts = mergeCatalogues("dashboard", "dashboard_nav", "dashboard_sites", "dashboard_inbox", "dashboard_moderation", "dashboard_notifications", "dashboard_analytics", "dashboard_widgets", "dashboard_quiz", "dashboard_telephony")

// mergeCatalogues joins catalogues into one map per language; a key in two
// of them is a mistake that would show one part's words in another, so it
// stops the binary at start (and every test).
func mergeCatalogues(names ...string) map[string]map[string]string {
	all := map[string]map[string]string{}
	for _, name := range names {
		for lang, words := range i18n.MustLoad[map[string]string](name) {
			if all[lang] == nil {
				all[lang] = map[string]string{}
			}
			for k, v := range words {
				if _, dup := all[lang][k]; dup {
					panic(fmt.Sprintf("dashboard: text %q of %s is in another catalogue too", k, name))
				}
				all[lang][k] = v
			}
		}
	}
	return all
}

// Lang is one language's texts, for templates: {{.L.T "key"}}, and
// {{.L.F "key" "name" value}} for a text with {name} in it.
type Lang struct {
	Code  string
	texts map[string]string
}

// T is the text of key; a missing key shows itself, which tests catch.
func (l Lang) T(key string) string {
	if s, ok := l.texts[key]; ok {
		return s
	}
	return "[" + key + "]"
}

// F is T with {name} placeholders replaced by the pairs' values.
func (l Lang) F(key string, pairs ...any) string {
	s := l.T(key)
	for i := 0; i+1 < len(pairs); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(pairs[i])+"}", fmt.Sprint(pairs[i+1]))
	}
	return s
}

// RoleName is a role's name in this language.
func (l Lang) RoleName(role string) string { return l.T("role_" + role) }

// Time shows a time in UTC, the same for every reader of a page.
func (l Lang) Time(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

var langs = []string{"en", "ru", "uk"}

// lang picks the page's language: ?lang= (remembered in a cookie), then
// as Language does.
func (h *handler) lang(c *fiber.Ctx) Lang {
	code := Language(c, user(c).Locale)
	if q := c.Query("lang"); q != "" && texts[q] != nil {
		h.setCookie(c, langCookie, q, 365*24*time.Hour)
		code = q
	}
	return Lang{Code: code, texts: texts[code]}
}

// Language is the dashboard's language for a request: the reader's
// choice (a cookie), then their account's locale, then the browser's
// Accept-Language, then en. The API speaks it to dashboard pages too.
func Language(c *fiber.Ctx, accountLocale string) string {
	for _, code := range []string{c.Cookies(langCookie), accountLocale} {
		if texts[code] != nil {
			return code
		}
	}
	if code := c.AcceptsLanguages(langs...); texts[code] != nil {
		return code
	}
	return "en"
}

// funcs are the templates' helpers. safeURL passes the QR code's data:
// URL, which this package makes itself, through html/template's filter.
var funcs = template.FuncMap{
	"browser": browserName,
	"safeURL": func(s string) template.URL {
		if strings.HasPrefix(s, "data:image/png;base64,") {
			return template.URL(s)
		}
		return ""
	},
}

// pages are the templates, each parsed with the layout.
type pages struct{ byName map[string]*template.Template }

func loadPages() (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("dashboard: template %s: %w", base, err)
		}
		p.byName[strings.TrimSuffix(base, ".html")] = t
	}
	return p, nil
}

// Page is what every template gets; Data is the page's own.
type Page struct {
	L        Lang
	Title    string
	User     store.User
	SignedIn bool
	CSRF     string
	Flash    string
	Error    string
	Path     string
	Style    string
	// OIDCName is the provider's name when OIDC sign-in is on.
	OIDCName string
	// Nav is the site's sections on pages under /app/sites/{id}/.
	Nav  *SiteNav
	Data any
}

// render writes page name with status.
func (h *handler) render(c *fiber.Ctx, status int, name, titleKey string, data any, errKey ...string) error {
	l := h.lang(c)
	s, ok := session(c)
	p := Page{L: l, Title: l.T(titleKey), User: user(c), SignedIn: ok && !s.Pending2FA,
		CSRF: h.csrfToken(c), Flash: h.takeFlash(c, l), Path: c.Path(), Style: StyleURL(), Data: data}
	if p.SignedIn {
		p.Nav = h.siteNav(c)
	}
	if h.oidc != nil {
		p.OIDCName = h.oidc.Name
	}
	if len(errKey) > 0 && errKey[0] != "" {
		p.Error = l.T(errKey[0])
	}
	return h.renderPage(c, status, name, p)
}

func (h *handler) renderPage(c *fiber.Ctx, status int, name string, p Page) error {
	t, ok := h.pages.byName[name]
	if !ok {
		return fmt.Errorf("dashboard: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		return fmt.Errorf("dashboard: render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentLanguage, p.L.Code)
	c.Type("html", "utf-8")
	return c.Status(status).Send(buf.Bytes())
}

// flash remembers a message key for the next page (after a redirect).
func (h *handler) flash(c *fiber.Ctx, key string) { h.setCookie(c, flashCookie, key, time.Minute) }

func (h *handler) takeFlash(c *fiber.Ctx, l Lang) string {
	key := c.Cookies(flashCookie)
	if key == "" {
		return ""
	}
	h.setCookie(c, flashCookie, "", -1)
	if _, ok := l.texts[key]; !ok {
		return ""
	}
	return l.T(key)
}

// errorPage answers with a page that says what went wrong in words.
func (h *handler) errorPage(c *fiber.Ctx, status int, key string) error {
	return h.render(c, status, "error", key, nil, key)
}

func (h *handler) notFound(c *fiber.Ctx) error {
	return h.errorPage(c, http.StatusNotFound, "not_found")
}

// fail logs an unexpected error and shows the 500 page, or the 503 page
// when the store does not answer: that passes, and the reader may retry.
func (h *handler) fail(c *fiber.Ctx, err error) error {
	if store.Unavailable(err) {
		h.Log.Warn("dashboard: store unavailable", "method", c.Method(), "path", c.Path(), "err", err)
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(unavailableRetryAfter))
		return h.errorPage(c, http.StatusServiceUnavailable, "store_unavailable")
	}
	h.Log.Error("dashboard", "method", c.Method(), "path", c.Path(), "err", err)
	return h.errorPage(c, http.StatusInternalServerError, "server_error")
}

// unavailableRetryAfter is the 503 page's Retry-After, in seconds: the
// API's, long enough for a failover or a restarted Redis.
const unavailableRetryAfter = 5

// static files with their content hash as ETag.
var staticETags = func() map[string]string {
	m := map[string]string{}
	entries, _ := staticFS.ReadDir("static")
	for _, e := range entries {
		b, _ := staticFS.ReadFile("static/" + e.Name())
		sum := sha256.Sum256(b)
		m[e.Name()] = `"` + hex.EncodeToString(sum[:8]) + `"`
	}
	return m
}()

// StyleURL is the stylesheet's address, versioned by its hash so it can
// be cached for long.
func StyleURL() string { return staticURL("app.css") }

// staticURL is the address of a file of static/, versioned by its hash
// like the stylesheet, so a page always gets the script it was made with.
func staticURL(name string) string {
	return "/app/static/" + name + "?v=" + strings.Trim(staticETags[name], `"`)
}

func serveStatic(c *fiber.Ctx) error {
	name := c.Params("file")
	etag, ok := staticETags[name]
	if !ok {
		return c.SendStatus(http.StatusNotFound)
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(http.StatusNotModified)
	}
	b, _ := staticFS.ReadFile("static/" + name)
	c.Type(path.Ext(name))
	return c.Send(b)
}
