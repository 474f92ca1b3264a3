package socialproof_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// listenPushes records the page's live:show events (the loader's
// beckon:<name> DOM events): run before the page's scripts.
const listenPushes = `window.__pushes = [];
addEventListener('beckon:live:show', (e) => window.__pushes.push(e.detail));`

// pageEvent is a live:show event's detail.
type pageEvent struct {
	ID     string              `json:"id"`
	PushID string              `json:"push_id"`
	Pages  map[string][]string `json:"pages"`
}

// The social proof bundle passes each push on to the page as live:show,
// once, both where it shows notices and where its pages leave it out (a
// push-only feed); with no widget to push, that feed closes. (Where no
// widget has a trigger block it opens none: TestBrowserNoFeedWhereNotShown.)
func TestBrowserPushReemitted(t *testing.T) {
	popup := map[string]any{"type": "popup", "settings": json.RawMessage(`{"title":{"ru":"Скидка 10% сегодня","uk":"Знижка 10% сьогодні","en":"10% off today"},
		"triggers":{"on":[{"type":"push"}],"caps":{"per_visit":0,"max_dismissals":0}}}`)}
	s := newShop(t, map[string]any{"exclude_pages": []string{"/checkout"},
		"viewers": map[string]any{"enabled": true, "threshold": 1, "scope": "site"}}, popup)
	var popupID string
	r := s.ts.Admin("GET", "/api/v1/sites/"+s.siteID+"/widgets", nil)
	var list struct{ Widgets []struct{ ID, Type string } }
	if err := json.Unmarshal(r.Body, &list); err != nil {
		t.Fatal(err)
	}
	for _, w := range list.Widgets {
		if w.Type == "popup" {
			popupID = w.ID
		}
	}
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, watch)
	servertest.OnNewDocument(ctx, t, listenPushes)
	servertest.ReduceMotion(ctx, t) // screenshots of the pop-up open, not fading in
	push := func(body any) string {
		t.Helper()
		r := s.ts.Admin("POST", "/api/v1/sites/"+s.siteID+"/widgets/"+popupID+"/push", body)
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		var p pushed
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	pushes := func(n int) []pageEvent {
		t.Helper()
		var got []pageEvent
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			var err error
			if got, err = chromedp.Run(ctx, chromedp.Evaluate[[]pageEvent](`window.__pushes`)); err != nil {
				t.Fatal(err)
			}
			if len(got) >= n {
				return got
			}
			time.Sleep(30 * time.Millisecond)
		}
		t.Fatalf("%d live:show events within 5 s, want %d", len(got), n)
		return nil
	}

	// A page with notices: the push comes with them, and leaves the count.
	s.open(ctx, t, "/", "ru", 1280, 800)
	until(ctx, t, 10*time.Second, "the count", func(n notice) bool { return n.Sockets == 1 && n.BadgeOn })
	id := push(map[string]any{"pages": map[string]any{"include": []string{"/"}}})
	if got := pushes(1); got[0].ID != popupID || got[0].PushID != id || len(got[0].Pages["include"]) != 1 {
		t.Fatalf("live:show %+v, want the pop-up %s of push %s with its pages", got[0], popupID, id)
	}
	servertest.Screenshot(ctx, t, "push-desktop-1280")
	if n := until(ctx, t, time.Second, "", func(notice) bool { return true }); !n.BadgeOn {
		t.Error("the push took the count away")
	}

	// A page the widget leaves out: a push-only feed carries the push.
	s.open(ctx, t, "/checkout", "ru", 360, 740)
	n := until(ctx, t, 10*time.Second, "the push-only feed", func(n notice) bool { return n.Sockets == 1 && n.Bundle })
	urls, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__bk_ws`))
	if err != nil || len(urls) != 1 || !strings.Contains(urls[0], "only=push") {
		t.Fatalf("the feed on a left-out page: %v (%v), want one with only=push", urls, err)
	}
	if len(n.IDs) != 0 || n.BadgeOn {
		t.Fatalf("a left-out page shows notices %v or the count", n.IDs)
	}
	// Let the socket open before pushing (a push is for those on the site now).
	waitSocketsOpen(ctx, t)
	id = push(nil)
	if got := pushes(1); got[0].PushID != id || got[0].ID != popupID {
		t.Fatalf("live:show on a left-out page %+v, want push %s", got[0], id)
	}
	servertest.Screenshot(ctx, t, "push-phone-360")

	// Without a widget that accepts pushes (a pop-up with another trigger
	// keeps the trigger engine on the page) the push-only feed closes.
	servertest.ExpectStatus(t, s.ts.Admin("PATCH", "/api/v1/sites/"+s.siteID+"/widgets/"+popupID, map[string]any{"enabled": false}), http.StatusOK)
	s.ts.CreateWidget(s.siteID, map[string]any{"type": "popup", "settings": json.RawMessage(`{"title":"Подписка","triggers":{"on":[{"type":"exit_intent"}]}}`)})
	s.open(ctx, t, "/checkout", "ru", 1280, 800)
	until(ctx, t, 10*time.Second, "the push-only feed", func(n notice) bool { return n.Sockets == 1 })
	deadline := time.Now().Add(5 * time.Second)
	for {
		closed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__bk_sockets.every((w) => w.readyState === 3)`))
		if err != nil {
			t.Fatal(err)
		}
		if closed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the push-only feed of a site without pushable widgets is still open after 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a reconnect would come within the first backoff
	if n := until(ctx, t, time.Second, "", func(notice) bool { return true }); n.Sockets != 1 || n.Sources != 0 || n.Polls != 0 {
		t.Fatalf("after no_pushes: %d sockets, %d streams, %d polls; want the one closed socket", n.Sockets, n.Sources, n.Polls)
	}
	servertest.NoProblems(t, problems())
}

// waitSocketsOpen waits until the page's WebSockets are open.
func waitSocketsOpen(ctx context.Context, t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__bk_sockets.length > 0 && window.__bk_sockets.every((w) => w.readyState === 1)`))
		if err != nil {
			t.Fatal(err)
		}
		if open {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the page's WebSocket did not open within 5 s")
		}
		time.Sleep(30 * time.Millisecond)
	}
}
