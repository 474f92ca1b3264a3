package dashboard_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// clock is the dashboard's clock in tests: it stands still until moved.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now().UTC()} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// dash is a server with the dashboard, a moving clock and its store.
type dash struct {
	*servertest.Server
	clock *clock
}

func startDash(t testing.TB, st store.Store, cfg func(*config.Config)) *dash {
	t.Helper()
	clk := newClock()
	opts := servertest.Options{Config: cfg, OwnPublicURL: true}
	opts.Server.Clock = clk.Now
	return &dash{Server: servertest.Start(t, st, opts), clock: clk}
}

// browser is one person's browser: its own cookies, redirects not
// followed, so each step's answer can be checked.
type browser struct {
	t      testing.TB
	d      *dash
	client *http.Client
	// UA names the browser in the sessions list.
	UA string
}

func (d *dash) browser(t testing.TB, ua string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, d: d, UA: ua, client: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	Status int
	Header http.Header
	Body   string
}

// Location is where a redirect points, as a path.
func (p page) Location() string {
	u, _ := url.Parse(p.Header.Get("Location"))
	if u == nil {
		return ""
	}
	return u.Path
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	req.Header.Set("User-Agent", b.UA)
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if m := missingText.FindString(string(body)); m != "" && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		b.t.Fatalf("%s %s shows a text missing from i18n/dashboard.json: %s", req.Method, req.URL.Path, m)
	}
	return page{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.d.Base+path, nil)
	return b.do(req)
}

// post sends a form as is (no CSRF token added), with extra headers.
func (b *browser) post(path string, form url.Values, headers ...string) page {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.d.Base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(req)
}

// missingText is how Lang.T shows a key it has no text for.
var missingText = regexp.MustCompile(`\[[a-z0-9_]+\]`)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// submit opens from (a page with a form), takes its CSRF token and posts
// form to action, as a person filling the form in would.
func (b *browser) submit(from, action string, form url.Values) page {
	b.t.Helper()
	p := b.get(from)
	m := csrfField.FindStringSubmatch(p.Body)
	if m == nil {
		b.t.Fatalf("GET %s (%d) has no form with a CSRF token: %s", from, p.Status, p.Body)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", m[1])
	return b.post(action, form)
}

func wantStatus(t testing.TB, what string, p page, status int) {
	t.Helper()
	if p.Status != status {
		t.Fatalf("%s: status %d, want %d; body: %.600s", what, p.Status, status, p.Body)
	}
}

func wantRedirect(t testing.TB, what string, p page, to string) {
	t.Helper()
	if p.Status != http.StatusSeeOther || p.Location() != to {
		t.Fatalf("%s: %d to %q, want 303 to %q; body: %.300s", what, p.Status, p.Location(), to, p.Body)
	}
}

func wantBody(t testing.TB, what string, p page, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(p.Body, s) {
			t.Fatalf("%s: page lacks %q: %.1500s", what, s, p.Body)
		}
	}
}

const (
	opEmail    = "operator@example.com"
	opPassword = "operator-pass-1"
)

// setup creates the operator's account in b, which stays signed in.
func (b *browser) setup() {
	b.t.Helper()
	p := b.submit("/app/setup", "/app/setup", url.Values{"token": {servertest.AdminToken}, "email": {opEmail}, "password": {opPassword}})
	wantRedirect(b.t, "setup", p, "/app/")
}

func (b *browser) login(email, password string) page {
	b.t.Helper()
	return b.submit("/app/login", "/app/login", url.Values{"email": {email}, "password": {password}})
}

var secretField = regexp.MustCompile(`name="secret" value="([A-Z2-7]+)"`)

// enrolTOTP turns two-step sign-in on and returns the secret and the
// recovery codes.
func (b *browser) enrolTOTP() (string, []string) {
	b.t.Helper()
	p := b.get("/app/account/2fa")
	wantStatus(b.t, "enrol page", p, http.StatusOK)
	m := secretField.FindStringSubmatch(p.Body)
	if m == nil {
		b.t.Fatalf("enrol page has no secret: %s", p.Body)
	}
	if !strings.Contains(p.Body, `src="data:image/png;base64,`) {
		b.t.Fatal("enrol page has no QR code image")
	}
	p = b.submit("/app/account/2fa", "/app/account/2fa", url.Values{"secret": {m[1]}, "code": {b.code(m[1], 0)}})
	wantStatus(b.t, "confirm enrolment", p, http.StatusOK)
	codes := regexp.MustCompile(`<li><code>([a-z0-9-]{11})</code></li>`).FindAllStringSubmatch(p.Body, -1)
	var out []string
	for _, c := range codes {
		out = append(out, c[1])
	}
	return m[1], out
}

// code is the TOTP code of secret at the dashboard's clock plus steps
// 30-second steps.
func (b *browser) code(secret string, steps int) string {
	b.t.Helper()
	at := b.d.clock.Now().Add(time.Duration(steps) * 30 * time.Second)
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		b.t.Fatal(err)
	}
	return c
}
