package socialproof_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// A push the API refuses names what is wrong and reaches nobody.
func TestPushRefused(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startLive(t, newStore(t), fastLive)
		s := newLiveSite(t, ts, nil)
		popup := s.pushPopup(t, pushable)
		manual := s.pushPopup(t, `{"on":[{"type":"manual"}]}`)
		off := s.pushPopup(t, pushable)
		servertest.ExpectStatus(t, ts.Admin("PATCH", "/api/v1/sites/"+s.id+"/widgets/"+off, map[string]any{"enabled": false}), http.StatusOK)
		visitor := s.connect(t, "v1", "/")
		recv(t, visitor, 2*time.Second)

		for _, c := range []struct {
			name, widget string
			body         any
			field        string
		}{
			{"pattern not a path", popup, map[string]any{"pages": map[string]any{"include": []string{"sale"}}}, "pages.include[0]"},
			{"pattern with a query", popup, map[string]any{"pages": map[string]any{"exclude": []string{"/", "/cart?x=1"}}}, "pages.exclude[1]"},
			{"no push trigger", manual, nil, "widget_id"},
			{"disabled", off, nil, "widget_id"},
			{"social proof has no trigger block", s.widget, nil, "widget_id"},
		} {
			r := s.push(c.widget, c.body)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.ErrorField(t); got != c.field {
				t.Errorf("%s: field %q, want %q (%s)", c.name, got, c.field, r.Body)
			}
		}
		servertest.ExpectStatus(t, s.push(popup, `{"pages":{"include":"/sale"}}`), http.StatusBadRequest)
		servertest.ExpectStatus(t, s.push(popup, `{"page":"/sale"}`), http.StatusBadRequest)
		servertest.ExpectStatus(t, s.push("wg_nope", nil), http.StatusNotFound)
		readOnly := s.ts.CreateKey(s.id, "widgets:read")
		servertest.ExpectStatus(t, ts.Request("POST", "/api/v1/sites/"+s.id+"/widgets/"+popup+"/push", nil,
			"Authorization", "Bearer "+readOnly), http.StatusForbidden)
		expectNoMessage(t, visitor, 300*time.Millisecond)
		if _, show := s.pollShow(t, "p1", ""); len(show) != 0 {
			t.Fatalf("refused pushes are kept for polls: %+v", show)
		}

		// Six pushes a minute per widget; the seventh waits.
		for i := range 6 {
			s.mustPush(t, popup, nil)
			if m := readShow(t, visitor, 2*time.Second); m.Widget != popup {
				t.Fatalf("push %d: show %+v", i, m)
			}
		}
		r := s.push(popup, nil)
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if after, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || after < 1 || after > 60 {
			t.Fatalf("Retry-After %q, want 1-60 seconds", r.Header.Get("Retry-After"))
		}
		expectNoMessage(t, visitor, 300*time.Millisecond)
		if _, show := s.pollShow(t, "p1", ""); len(show) != 6 {
			t.Fatalf("a poll got %d pushes, want the 6 accepted", len(show))
		}
	})
}

// A push reaches every live connection of the site, WebSocket, SSE and
// poll, social proof widgets and push-only members alike, and answers how
// many visitors are on the site now.
func TestPushReachesEveryConnection(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		st := newStore(t)
		ts := startLive(t, st, fastLive)
		s := newLiveSite(t, ts, nil)
		popup := s.pushPopup(t, `{"on":[{"type":"push"}],"pages":{"include":["/catalog"]}}`)
		s.post(t, purchaseEvent("order-1", "Maria", time.Hour))

		ws := s.connect(t, "v-ws", "/")
		if hello := recv(t, ws, 2*time.Second); len(hello.Events) != 1 {
			t.Fatalf("the social proof hello has %v, want order-1", eventIDs(hello.Events))
		}
		stream := openStream(t, s, s.query("v-sse", "/"))
		readSSE(t, stream, 2*time.Second) // hello
		// A page whose only live widget is the pop-up: it connects with the
		// pop-up's id, and gets no events.
		only := s
		only.widget = popup
		member := only.connect(t, "v-push", "/catalog/boilers")
		if hello := recv(t, member, 2*time.Second); hello.Type != "hello" || len(hello.Events) != 0 || hello.Viewers != nil {
			t.Fatalf("a push-only member's hello %+v, want no events and no counts", hello)
		}
		if _, show := s.pollShow(t, "v-poll", ""); len(show) != 0 {
			t.Fatalf("a poll before any push has %+v", show)
		}
		if evs, _ := s.pollShow(t, "v-poll-push", popup); len(evs) != 0 {
			t.Fatalf("a push-only poll got events %v", eventIDs(evs))
		}
		waitOnline(t, st, s.id, 5)

		start := time.Now()
		p := s.mustPush(t, popup, map[string]any{"pages": map[string]any{"include": []string{"/catalog/*"}, "exclude": []string{"/catalog/old"}}})
		if p.Online != 5 {
			t.Fatalf("online %d, want 5 (WebSocket, SSE, push-only and two pollers)", p.Online)
		}
		for name, m := range map[string]liveMsg{"social proof": readShow(t, ws, 2*time.Second), "push-only": readShow(t, member, 2*time.Second)} {
			if m.PushID != p.ID || m.Widget != popup || !slices.Equal(m.Pages["include"], []string{"/catalog/*"}) ||
				!slices.Equal(m.Pages["exclude"], []string{"/catalog/old"}) {
				t.Fatalf("%s WebSocket: show %+v, want push %s of %s with its pages", name, m, p.ID, popup)
			}
		}
		if m := sseShow(t, stream, 2*time.Second); m.ID != p.ID || m.Widget != popup || !slices.Equal(m.Pages.Include, []string{"/catalog/*"}) {
			t.Fatalf("SSE: show %+v, want push %s", m, p.ID)
		}
		t.Logf("the push reached the open connections %s after the POST began", time.Since(start))
		for _, widget := range []string{"", popup} {
			_, show := s.pollShow(t, "v-poll", widget)
			if len(show) != 1 || show[0].ID != p.ID || show[0].Widget != popup || show[0].Type != "show" {
				t.Fatalf("poll of %q: show %+v, want push %s", widget, show, p.ID)
			}
		}

		// Events still reach the social proof widget, not the push-only member.
		s.post(t, purchaseEvent("order-2", "Ivan", 0))
		readUntil(t, ws, 2*time.Second, "order-2", func(m liveMsg) bool { return m.Type == "event" })
		expectNoMessage(t, member, 300*time.Millisecond)

		// A push without pages is for every page.
		servertest.ExpectStatus(t, s.push(popup, `{}`), http.StatusAccepted)
		if m := readShow(t, member, 2*time.Second); len(m.Pages["include"]) != 0 || len(m.Pages["exclude"]) != 0 {
			t.Fatalf("push without pages: %+v", m.Pages)
		}
	})
}

// The live routes take a widget of another type only when it accepts
// pushes and is enabled.
func TestPushOnlyMemberNeedsPushTrigger(t *testing.T) {
	ts := startLive(t, servertest.NewStore(t, "embedded"), fastLive)
	s := newLiveSite(t, ts, nil)
	manual := s
	manual.widget = s.pushPopup(t, `{"on":[{"type":"manual"}]}`)
	if _, resp, err := manual.dial(t, "v1", "/"); err == nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a pop-up without a push trigger: %v; want 404 before the upgrade", err)
	}
	r := ts.Request("GET", "/w/v1/"+s.key+"/live/poll?"+manual.query("v1", "/"), nil, "Origin", shopOrigin)
	servertest.ExpectStatus(t, r, http.StatusNotFound)
}

// A social proof widget on a page where it shows no notices (left out by
// its pages, or a phone) still carries the pushes: it connects with
// only=push, gets no events, and is told when no widget accepts pushes.
func TestPushOnlySocialProof(t *testing.T) {
	ts := startLive(t, servertest.NewStore(t, "embedded"), fastLive)
	s := newLiveSite(t, ts, nil)
	s.post(t, purchaseEvent("order-1", "Maria", time.Hour))
	if hello := recv(t, s.connect(t, "v1", "/checkout", "only", "push"), 2*time.Second); !hello.NoPushes || len(hello.Events) != 0 {
		t.Fatalf("hello without pushable widgets %+v, want no_pushes and no events", hello)
	}
	popup := s.pushPopup(t, pushable)
	member := s.connect(t, "v1", "/checkout", "only", "push")
	if hello := recv(t, member, 2*time.Second); hello.NoPushes || len(hello.Events) != 0 || hello.Viewers != nil {
		t.Fatalf("hello with a pushable pop-up %+v, want pushes and no events or counts", hello)
	}
	// It is filed under no widget: neither the event nor the counts of the
	// social proof widget reach it, only the push.
	s.post(t, purchaseEvent("order-2", "Ivan", 0))
	p := s.mustPush(t, popup, nil)
	if m := recv(t, member, 2*time.Second); m.Type != "show" || m.PushID != p.ID {
		t.Fatalf("next message %+v, want push %s (and no event before it)", m, p.ID)
	}
	expectNoMessage(t, member, 300*time.Millisecond)
	r := ts.Request("GET", "/w/v1/"+s.key+"/live/poll?"+s.query("v2", "/", "only", "everything"), nil, "Origin", shopOrigin)
	servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
	if got := r.ErrorField(t); got != "only" {
		t.Fatalf("field %q, want only", got)
	}
}
