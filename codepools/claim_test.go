package codepools_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestClaim: a visitor gets a code and the same code again; another
// visitor the next; once none is left, 410 pool_empty, while those who
// have one still get theirs.
func TestClaim(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := start(t, newStore(t))
		id := e.createPool("p", []string{"FIRST", "SECOND"})
		w := e.couponWidget(map[string]any{"pool_id": id})
		if code := e.claimed(w, "anna"); code != "FIRST" {
			t.Fatalf("anna got %q, want FIRST (the oldest code)", code)
		}
		if code := e.claimed(w, "anna"); code != "FIRST" {
			t.Fatalf("anna's repeat got %q, want FIRST again", code)
		}
		if code := e.claimed(w, "boris"); code != "SECOND" {
			t.Fatalf("boris got %q, want SECOND", code)
		}
		r := e.claim(w, "clara")
		servertest.ExpectStatus(t, r, http.StatusGone)
		if code := r.ErrorCode(t); code != "pool_empty" {
			t.Fatalf("clara: error code %q, want pool_empty", code)
		}
		if code := e.claimed(w, "boris"); code != "SECOND" {
			t.Fatalf("boris from the empty pool got %q, want SECOND", code)
		}
		e.wantCounts(id, 2, 2)
		// New codes serve those who found the pool empty.
		servertest.ExpectStatus(t, e.Admin("POST", e.pools()+"/"+id+"/codes", map[string]any{"codes": []string{"THIRD"}}), http.StatusOK)
		if code := e.claimed(w, "clara"); code != "THIRD" {
			t.Fatalf("clara after the refill got %q, want THIRD", code)
		}
	})
}

// TestClaimSharedAndNoCode: a widget with one shared code gives it to
// everyone; widgets that give no code, are off or do not exist are 404;
// a bad visitor id is 422.
func TestClaimSharedAndNoCode(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := start(t, newStore(t))
		shared := e.couponWidget(map[string]any{"shared": "WELCOME10"})
		for _, v := range []string{"v1", "v2", "v1"} {
			if code := e.claimed(shared, v); code != "WELCOME10" {
				t.Fatalf("%s got %q, want the shared WELCOME10", v, code)
			}
		}
		none := e.couponWidget(map[string]any{})
		plain := e.CreateWidget(e.siteID, map[string]any{"type": "plain"})["id"].(string)
		off := e.CreateWidget(e.siteID, map[string]any{"type": "coupon", "enabled": false, "settings": map[string]any{"shared": "X"}})["id"].(string)
		for _, w := range []string{none, plain, off, "wdg_missing"} {
			r := e.claim(w, "v1")
			servertest.ExpectStatus(t, r, http.StatusNotFound)
			if code := r.ErrorCode(t); code != "not_found" {
				t.Fatalf("widget %s: code %q", w, code)
			}
		}
		for _, bad := range []string{"", "line\nbreak", string(bytes.Repeat([]byte("v"), 65))} {
			r := e.claim(shared, bad)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != "visitor_id" {
				t.Fatalf("visitor id %q: field %q", bad, f)
			}
		}
		r := e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+shared+"/claim", map[string]any{"visitor_id": "v1"}, "Origin", "https://evil.example")
		servertest.ExpectStatus(t, r, http.StatusForbidden)
	})
}

// claimOutcome is one racing visitor's answer.
type claimOutcome struct {
	status int
	code   string
	err    error
}

// rawClaim is a claim made from a goroutine: it reports instead of failing
// the test, which only the test's goroutine may do.
func rawClaim(e *env, widgetID, visitor string) claimOutcome {
	body, _ := json.Marshal(map[string]string{"visitor_id": visitor})
	req, err := http.NewRequest("POST", e.Base+"/w/v1/"+e.siteKey+"/widgets/"+widgetID+"/claim", bytes.NewReader(body))
	if err != nil {
		return claimOutcome{err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://shop.example")
	res, err := servertest.Client.Do(req)
	if err != nil {
		return claimOutcome{err: err}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out struct {
		Code  string `json:"code"`
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return claimOutcome{status: res.StatusCode, err: fmt.Errorf("body %s: %w", raw, err)}
	}
	if res.StatusCode == http.StatusGone && out.Error.Code != "pool_empty" {
		return claimOutcome{status: res.StatusCode, err: fmt.Errorf("410 with error code %q", out.Error.Code)}
	}
	return claimOutcome{status: res.StatusCode, code: out.Code}
}

// raceClaims has n visitors claim at once and returns their outcomes.
func raceClaims(e *env, widgetID string, n int) []claimOutcome {
	out := make([]claimOutcome, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { out[i] = rawClaim(e, widgetID, "visitor-"+strconv.Itoa(i)) })
	}
	wg.Wait()
	return out
}

// TestConcurrentClaims: 150 visitors at once on a pool of 100 codes get 100
// distinct codes and 50 answers pool_empty (issue 12's case); racing again,
// each gets what it got.
func TestConcurrentClaims(t *testing.T) {
	const visitors, stock = 150, 100
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := start(t, newStore(t))
		id := e.createPool("race", numbered("R", stock))
		w := e.couponWidget(map[string]any{"pool_id": id, "claims_per_ip": 1000})
		first := raceClaims(e, w, visitors)
		owner := map[string]int{}
		empty := 0
		for i, o := range first {
			switch {
			case o.err != nil:
				t.Fatalf("visitor %d: %v", i, o.err)
			case o.status == http.StatusGone:
				empty++
			case o.status != http.StatusOK || o.code == "":
				t.Fatalf("visitor %d: status %d, code %q", i, o.status, o.code)
			default:
				if prev, taken := owner[o.code]; taken {
					t.Fatalf("code %s went to visitors %d and %d", o.code, prev, i)
				}
				owner[o.code] = i
			}
		}
		if len(owner) != stock || empty != visitors-stock {
			t.Fatalf("%d distinct codes and %d × 410, want %d and %d", len(owner), empty, stock, visitors-stock)
		}
		e.wantCounts(id, stock, stock)
		again := raceClaims(e, w, visitors)
		for i := range visitors {
			if again[i].err != nil || again[i].status != first[i].status || again[i].code != first[i].code {
				t.Fatalf("visitor %d: repeat got %d %q (%v), first %d %q", i, again[i].status, again[i].code, again[i].err, first[i].status, first[i].code)
			}
		}
	})
}

// TestClaimGuard: one address inventing visitor ids gets the widget's
// bound of claims per hour and then 429 with Retry-After; the pool keeps
// the rest, and another address still gets codes.
func TestClaimGuard(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := start(t, newStore(t))
		id := e.createPool("p", numbered("G", 10))
		w := e.couponWidget(map[string]any{"pool_id": id, "claims_per_ip": 3})
		for i := range 3 {
			e.claimed(w, fmt.Sprintf("invented-%d", i))
		}
		r := e.claim(w, "invented-3")
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if code := r.ErrorCode(t); code != "rate_limited" {
			t.Fatalf("code %q, want rate_limited", code)
		}
		if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 3000 || ra > 3600 {
			t.Fatalf("Retry-After %q, want about an hour", r.Header.Get("Retry-After"))
		}
		e.wantCounts(id, 10, 3)
		// Repeats count too: the widget keeps its code and asks once.
		servertest.ExpectStatus(t, e.claim(w, "invented-0"), http.StatusTooManyRequests)
		// Another address is another count.
		r = e.claim(w, "neighbour", "X-Forwarded-For", "198.51.100.7")
		servertest.ExpectStatus(t, r, http.StatusOK)
		if code := r.JSON(t)["code"]; code != "G-3" {
			t.Fatalf("the other address got %v, want the next code G-3", code)
		}
		e.wantCounts(id, 10, 4)
	})
}
