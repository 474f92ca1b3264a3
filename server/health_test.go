package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/store"
)

func TestHealthz(t *testing.T) {
	forEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ts := newTestServer(t, st, nil)
		r := ts.request("GET", "/healthz", nil)
		expectStatus(t, r, http.StatusOK)
		if got := r.json(t); got["status"] != "ok" || got["store"] != st.Kind() {
			t.Fatalf("healthz: %s", r.Body)
		}
		st.Close()
		r = ts.request("GET", "/healthz", nil)
		expectStatus(t, r, http.StatusServiceUnavailable)
		if got := r.json(t); got["status"] != "unavailable" || got["store"] != st.Kind() {
			t.Fatalf("healthz with a closed store: %s", r.Body)
		}
	})
}

func TestMetrics(t *testing.T) {
	ts := newTestServer(t, storeFactories["embedded"](t), nil)
	key := ts.createSite("Shop")["key"].(string)
	ts.request("GET", "/w/v1/"+key+"/config", nil)
	ts.request("GET", "/w/v1/"+key+"/config", nil, "Origin", "https://evil.example")
	ts.request("GET", "/no/such/page/42", nil)
	r := ts.request("GET", "/metrics", nil)
	expectStatus(t, r, http.StatusOK)
	body := string(r.Body)
	for _, want := range []string{
		`beckon_http_requests_total{method="GET",route="/w/v1/:siteKey/config",status="200"}`,
		`beckon_http_requests_total{method="GET",route="/w/v1/:siteKey/config",status="403"}`,
		`beckon_http_requests_total{method="GET",route="unmatched",status="404"}`,
		`beckon_http_request_duration_seconds_bucket{method="GET",route="/w/v1/:siteKey/config",le="0.005"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "/no/such/page/42") {
		t.Error("raw paths in metric labels: cardinality is unbounded")
	}
}

func TestErrorsAreJSONWithRequestID(t *testing.T) {
	ts := newTestServer(t, storeFactories["embedded"](t), nil)
	r := ts.request("GET", "/nowhere", nil)
	expectStatus(t, r, http.StatusNotFound)
	if r.errorCode(t) != "not_found" {
		t.Fatal(string(r.Body))
	}
	if r.Header.Get("X-Request-ID") == "" {
		t.Fatal("no X-Request-ID on the response")
	}
	r = ts.admin("PUT", "/api/v1/sites", map[string]any{})
	if r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: %d", r.Status)
	}
	r.errorCode(t)
}
