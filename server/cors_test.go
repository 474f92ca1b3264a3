package server_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
)

// expectCORS: the widget on shopOrigin may read the servertest.Response and its
// Retry-After and X-Request-ID.
func expectCORS(t *testing.T, what string, r servertest.Response) {
	t.Helper()
	if got := r.Header.Get("Access-Control-Allow-Origin"); got != shopOrigin {
		t.Fatalf("%s (%d): Access-Control-Allow-Origin %q; headers %v", what, r.Status, got, r.Header)
	}
	exposed := r.Header.Get("Access-Control-Expose-Headers")
	if !strings.Contains(exposed, "Retry-After") || !strings.Contains(exposed, "X-Request-ID") {
		t.Fatalf("%s (%d): Access-Control-Expose-Headers %q", what, r.Status, exposed)
	}
}

// TestPublicErrorsCarryCORS: every answer of the public API to an allowed
// origin, refusals included, is readable by the widget; a foreign origin
// gets no CORS headers. (503 is covered by TestStoreOutage.)
func TestPublicErrorsCarryCORS(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{Config: func(c *config.Config) { c.PublicRate, c.PublicBurst = 0.01, 6 }})
	_, key, _ := ts.CallbackSite("")
	base := "/w/v1/" + key
	get := func(path string) servertest.Response { return ts.Request("GET", base+path, nil, "Origin", shopOrigin) }

	r := get("/config")
	servertest.ExpectStatus(t, r, http.StatusOK)
	expectCORS(t, "config", r)

	r = get("/callbacks/cb_nosuchrequest?visitor_id=vis-1")
	servertest.ExpectStatus(t, r, http.StatusNotFound)
	expectCORS(t, "unknown request", r)

	r = get("/no/such/route")
	servertest.ExpectStatus(t, r, http.StatusNotFound)
	expectCORS(t, "unknown route", r)

	r = ts.PostCallback(key, map[string]any{"phone": "12", "visitor_id": "vis-1"})
	servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
	expectCORS(t, "invalid phone", r)

	r = ts.Request("POST", base+"/callbacks", strings.Repeat(" ", publicBodyLimit+1), "Origin", shopOrigin)
	servertest.ExpectStatus(t, r, http.StatusRequestEntityTooLarge)
	expectCORS(t, "oversized body", r)

	r = ts.Request("GET", base+"/config", nil, "Origin", "https://evil.example")
	servertest.ExpectStatus(t, r, http.StatusForbidden)
	if r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("a foreign origin got CORS headers: %v", r.Header)
	}

	for i := 0; ; i++ {
		r = get("/config")
		if r.Status == http.StatusTooManyRequests {
			break
		}
		if i > 10 {
			t.Fatal("no 429 after the burst")
		}
	}
	expectCORS(t, "rate limited", r)
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// Over the limit, the preflight still passes, so the browser sends the
	// request and the widget reads its 429.
	r = ts.Request("OPTIONS", base+"/callbacks", nil, "Origin", shopOrigin, "Access-Control-Request-Method", "POST")
	servertest.ExpectStatus(t, r, http.StatusNoContent)
	expectCORS(t, "preflight over the limit", r)
	r = ts.Request("OPTIONS", base+"/callbacks", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if r.Status == http.StatusNoContent || r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("a foreign origin's preflight passed: %d %v", r.Status, r.Header)
	}
}

// rawRequest writes head (and then body, if any) on a fresh connection
// and reads the answer, failing if none comes within 5 s.
func rawRequest(t *testing.T, ts *servertest.Server, head, body string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.Base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprint(conn, head, body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestPublicBodyLimitBeforeReading: a 1 MiB body to the public API is
// refused from its Content-Length before a byte of it is sent, and a
// chunked one as soon as it passes 16 KiB; a small chunked body is served.
func TestPublicBodyLimitBeforeReading(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	_, key, _ := ts.CallbackSite("")
	servertest.ExpectStatus(t, ts.Request("GET", "/w/v1/"+key+"/config", nil), http.StatusOK)
	head := "POST /w/v1/" + key + "/callbacks HTTP/1.1\r\nHost: x\r\nOrigin: " + shopOrigin + "\r\nContent-Type: application/json\r\n"

	// Only the head is sent: a server waiting for the body would not answer.
	resp := rawRequest(t, ts, head+fmt.Sprintf("Content-Length: %d\r\n\r\n", 1<<20), "")
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Access-Control-Allow-Origin") != shopOrigin {
		t.Fatalf("announced 1 MiB: %s %v", resp.Status, resp.Header)
	}

	// 20 KiB of chunks and no last chunk: answered once the limit is passed.
	chunk := fmt.Sprintf("400\r\n%s\r\n", strings.Repeat(" ", 1024))
	resp = rawRequest(t, ts, head+"Transfer-Encoding: chunked\r\n\r\n", strings.Repeat(chunk, 20))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("chunked past the limit: %s", resp.Status)
	}

	body := `{"phone":"+79161234567","visitor_id":"vis-chunked"}`
	resp = rawRequest(t, ts, head+"Transfer-Encoding: chunked\r\n\r\n", fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("small chunked body: %s", resp.Status)
	}
}
