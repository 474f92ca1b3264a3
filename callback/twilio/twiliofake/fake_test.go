package twiliofake_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	twclient "github.com/twilio/twilio-go/client"

	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
)

// app is a webhook receiver that checks every signature with twilio-go's
// validator and answers the answer URL with twiml.
type app struct {
	t     *testing.T
	srv   *httptest.Server
	token string
	twiml string

	mu   sync.Mutex
	hits []url.Values // by arrival, with "hook" set to the path
}

func newApp(t *testing.T, token, twiml string) *app {
	a := &app{t: t, token: token, twiml: twiml}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		v := twclient.NewRequestValidator(a.token)
		if !v.Validate("http://"+r.Host+r.URL.RequestURI(), valuesMap(r.PostForm), r.Header.Get("X-Twilio-Signature")) {
			t.Errorf("bad signature on %s", r.URL)
			w.WriteHeader(http.StatusForbidden)
			return
		}
		hit := r.PostForm
		hit.Set("hook", r.URL.Path)
		a.mu.Lock()
		a.hits = append(a.hits, hit)
		a.mu.Unlock()
		if r.URL.Path == "/answer" {
			w.Header().Set("Content-Type", "text/xml")
			_, _ = io.WriteString(w, a.twiml)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *app) Hits() []url.Values {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.hits)
}

func valuesMap(v url.Values) map[string]string {
	m := make(map[string]string, len(v))
	for k := range v {
		m[k] = v.Get(k)
	}
	return m
}

func newFake(t *testing.T) *twiliofake.Fake {
	f := twiliofake.New(twiliofake.Options{Second: 10 * time.Millisecond})
	t.Cleanup(f.Close)
	return f
}

func api(t *testing.T, f *twiliofake.Fake, method, path string, form url.Values, token string) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, f.URL()+"/2010-04-01/Accounts/"+f.AccountSID()+path, body)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(f.AccountSID(), token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func TestSignMatchesTwilioGo(t *testing.T) {
	v := twclient.NewRequestValidator("12345")
	u := "https://mycompany.com/myapp.php?foo=1&bar=2"
	form := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+12349013030"}, "Digits": {"1234"}, "From": {"+12349013030"}, "To": {"+18005551212"}}
	sig := twiliofake.Sign("12345", u, form)
	if !v.Validate(u, valuesMap(form), sig) {
		t.Errorf("twilio-go rejects %s", sig)
	}
	if v.Validate(u+"&x=1", valuesMap(form), sig) {
		t.Error("twilio-go accepts a signature over another URL")
	}
}

func TestCallLifecycle(t *testing.T) {
	f := newFake(t)
	a := newApp(t, f.AuthToken(), `<Response><Say language="en-US">Hello &amp; bye</Say></Response>`)
	f.Script("+100", twiliofake.Behavior{Answer: true, Machine: true})
	code, res := api(t, f, "POST", "/Calls.json", url.Values{
		"To": {"+100"}, "From": {"+200"}, "Url": {a.srv.URL + "/answer?x=1"},
		"StatusCallback": {a.srv.URL + "/status"}, "StatusCallbackEvent": {"initiated", "ringing", "answered", "completed"},
		"MachineDetection": {"Enable"},
	}, f.AuthToken())
	sid, _ := res["sid"].(string)
	if code != http.StatusCreated || res["status"] != "queued" || len(sid) != 34 || !strings.HasPrefix(sid, "CA") {
		t.Fatalf("create: %d %v", code, res)
	}
	c, ok := f.WaitEnded(sid, 5*time.Second)
	if !ok || c.Status != "completed" || c.AnsweredBy != "machine_start" || !slices.Equal(c.SaidTexts(), []string{"Hello & bye"}) {
		t.Fatalf("call %+v", c)
	}
	if len(c.Errors) > 0 {
		t.Errorf("errors %v", c.Errors)
	}
	f.WaitFor(func() bool { return len(a.Hits()) == 5 }, 5*time.Second)
	var seq []string
	for _, h := range a.Hits() {
		seq = append(seq, h.Get("hook")+":"+h.Get("CallStatus"))
		if h.Get("CallSid") != sid || h.Get("AccountSid") != f.AccountSID() || h.Get("To") != "+100" || h.Get("From") != "+200" {
			t.Errorf("params %v", h)
		}
	}
	want := []string{"/status:initiated", "/status:ringing", "/status:in-progress", "/answer:in-progress", "/status:completed"}
	if !slices.Equal(seq, want) {
		t.Errorf("webhooks %v, want %v", seq, want)
	}
	last := a.Hits()[4]
	if last.Get("CallDuration") == "" || last.Get("AnsweredBy") != "machine_start" {
		t.Errorf("completed callback %v", last)
	}

	code, res = api(t, f, "GET", "/Calls/"+sid+".json", nil, f.AuthToken())
	if code != http.StatusOK || res["status"] != "completed" || res["answered_by"] != "machine_start" {
		t.Errorf("fetch: %d %v", code, res)
	}
	// An ended call cannot be changed.
	code, res = api(t, f, "POST", "/Calls/"+sid+".json", url.Values{"Status": {"completed"}}, f.AuthToken())
	if code != http.StatusBadRequest || res["code"] != float64(21220) {
		t.Errorf("update an ended call: %d %v", code, res)
	}
	if creates := f.Creates(); len(creates) != 1 || creates[0].SID != sid || creates[0].At.IsZero() {
		t.Errorf("creates %+v", creates)
	}
}

func TestAPIErrors(t *testing.T) {
	f := newFake(t)
	if code, res := api(t, f, "POST", "/Calls.json", url.Values{"To": {"+1"}, "From": {"+2"}, "Url": {"http://x"}}, "wrong"); code != http.StatusUnauthorized || res["code"] != float64(20003) {
		t.Errorf("wrong token: %d %v", code, res)
	}
	if code, res := api(t, f, "GET", "/Calls/CA0000.json", nil, f.AuthToken()); code != http.StatusNotFound || res["code"] != float64(20404) {
		t.Errorf("unknown sid: %d %v", code, res)
	}
	if code, res := api(t, f, "POST", "/Calls.json", url.Values{"From": {"+2"}, "Url": {"http://x"}}, f.AuthToken()); code != http.StatusBadRequest || res["code"] != float64(21201) {
		t.Errorf("no To: %d %v", code, res)
	}
	f.FailNextCreates(2, http.StatusServiceUnavailable)
	for range 2 {
		if code, res := api(t, f, "POST", "/Calls.json", url.Values{"To": {"+1"}, "From": {"+2"}, "Url": {"http://x"}}, f.AuthToken()); code != http.StatusServiceUnavailable || res["code"] != float64(20503) {
			t.Errorf("injected failure: %d %v", code, res)
		}
	}
	if len(f.Calls()) != 0 {
		t.Error("a failed create placed a call")
	}
}

func TestRedirectAndHangup(t *testing.T) {
	f := newFake(t)
	a := newApp(t, f.AuthToken(), `<Response><Pause length="1000"/></Response>`)
	create := func() string {
		_, res := api(t, f, "POST", "/Calls.json", url.Values{"To": {"+100"}, "From": {"+200"}, "Url": {a.srv.URL + "/answer"}}, f.AuthToken())
		sid, _ := res["sid"].(string)
		f.WaitFor(func() bool { c, _ := f.Call(sid); return c.Status == "in-progress" }, 5*time.Second)
		return sid
	}

	sid := create()
	if code, _ := api(t, f, "POST", "/Calls/"+sid+".json", url.Values{"Twiml": {"<Response><Say>Moved</Say></Response>"}}, f.AuthToken()); code != http.StatusOK {
		t.Fatalf("redirect: %d", code)
	}
	if c, ok := f.WaitEnded(sid, 5*time.Second); !ok || !slices.Equal(c.SaidTexts(), []string{"Moved"}) {
		t.Errorf("redirected call %+v", c)
	}

	sid = create()
	if code, res := api(t, f, "POST", "/Calls/"+sid+".json", url.Values{"Status": {"completed"}}, f.AuthToken()); code != http.StatusOK || res["status"] != "completed" {
		t.Fatalf("hang up: %d %v", code, res)
	}
	if c, ok := f.WaitEnded(sid, 5*time.Second); !ok || c.Status != "completed" {
		t.Errorf("hung up call %+v", c)
	}
}

func TestCloseStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	f := twiliofake.New(twiliofake.Options{Second: 10 * time.Millisecond})
	a := newApp(t, f.AuthToken(), `<Response><Dial><Number>+300</Number></Dial></Response>`)
	f.Script("+300", twiliofake.Behavior{Answer: true, TalkFor: time.Hour})
	for range 5 {
		api(t, f, "POST", "/Calls.json", url.Values{"To": {"+100"}, "From": {"+200"}, "Url": {a.srv.URL + "/answer"}}, f.AuthToken())
	}
	if !f.WaitFor(func() bool {
		var talking int
		for _, c := range f.Calls() {
			if c.Direction == "outbound-dial" && c.Status == "in-progress" {
				talking++
			}
		}
		return talking == 5
	}, 5*time.Second) {
		t.Fatalf("calls %+v", f.Calls())
	}
	start := time.Now()
	f.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %s", d)
	}
	a.srv.Close()
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before+2 {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
