package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestHealthz(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ts := servertest.Start(t, st, servertest.Options{})
		r := ts.Request("GET", "/healthz", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if got := r.JSON(t); got["status"] != "ok" || got["store"] != st.Kind() {
			t.Fatalf("healthz: %s", r.Body)
		}
		st.Close()
		r = ts.Request("GET", "/healthz", nil)
		servertest.ExpectStatus(t, r, http.StatusServiceUnavailable)
		if got := r.JSON(t); got["status"] != "unavailable" || got["store"] != st.Kind() {
			t.Fatalf("healthz with a closed store: %s", r.Body)
		}
	})
}

func TestMetrics(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	key := ts.CreateSite("Shop")["key"].(string)
	ts.Request("GET", "/w/v1/"+key+"/config", nil)
	ts.Request("GET", "/w/v1/"+key+"/config", nil, "Origin", "https://evil.example")
	ts.Request("GET", "/no/such/page/42", nil)
	r := ts.Request("GET", "/metrics", nil)
	servertest.ExpectStatus(t, r, http.StatusOK)
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
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	r := ts.Request("GET", "/nowhere", nil)
	servertest.ExpectStatus(t, r, http.StatusNotFound)
	if r.ErrorCode(t) != "not_found" {
		t.Fatal(string(r.Body))
	}
	if r.Header.Get("X-Request-ID") == "" {
		t.Fatal("no X-Request-ID on the servertest.Response")
	}
	r = ts.Admin("PUT", "/api/v1/sites", map[string]any{})
	if r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
		t.Fatalf("PUT: %d", r.Status)
	}
	r.ErrorCode(t)
}
