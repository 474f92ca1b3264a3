package socialproof_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestCallbackConnectedBecomesANotice: with beckon_events.callback_connected
// on, a visitor's call that connects becomes a notice without personal data
// ("Someone requested a call") on that widget's pages, live and on the
// next connect; a widget of the same site with the switch off (the
// default) never shows it.
func TestCallbackConnectedBecomesANotice(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		on := newLiveSite(t, ts, map[string]any{"beckon_events": map[string]any{"callback_connected": true}})
		off := on
		off.widget = ts.CreateWidget(on.id, map[string]any{"type": "social_proof", "settings": map[string]any{}})["id"].(string)
		ts.CreateWidget(on.id, map[string]any{"type": "callback", "settings": map[string]any{
			"managers": []map[string]any{{"name": "Anna", "phone": "+79000000010"}}}})

		live, quiet := on.connect(t, "v1", "/"), off.connect(t, "v2", "/")
		readUntil(t, live, 2*time.Second, "hello", func(m liveMsg) bool { return m.Type == "hello" })
		readUntil(t, quiet, 2*time.Second, "hello", func(m liveMsg) bool { return m.Type == "hello" })

		r := ts.Request("POST", "/w/v1/"+on.key+"/callbacks", map[string]any{"phone": "+79161234567", "visitor_id": "caller", "name": "Maria Ivanova"},
			"Origin", shopOrigin)
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		id := r.JSON(t)["id"].(string)

		got := readUntil(t, live, 10*time.Second, "the connected call's notice", func(m liveMsg) bool {
			return m.Type == "event" && m.Event["id"] == "beckon-callback-"+id
		})
		for _, field := range []string{"name", "city", "product", "url", "image", "text"} {
			if v, _ := got.Event[field].(string); v != "" {
				t.Errorf("Beckon's notice carries %s %q; it must carry no personal data", field, v)
			}
		}
		if got.Event["type"] != "callback" {
			t.Errorf("notice type %v, want callback", got.Event["type"])
		}
		expectNoMessageLike(t, quiet, 500*time.Millisecond, func(m liveMsg) bool { return m.Type == "event" })

		again := on.connect(t, "v3", "/")
		if hello := readUntil(t, again, 2*time.Second, "hello", func(m liveMsg) bool { return m.Type == "hello" }); !slices.Contains(eventIDs(hello.Events), "beckon-callback-"+id) {
			t.Errorf("the next page's hello lists %v, without the connected call", eventIDs(hello.Events))
		}
		other := off.connect(t, "v4", "/")
		if hello := readUntil(t, other, 2*time.Second, "hello", func(m liveMsg) bool { return m.Type == "hello" }); len(hello.Events) != 0 {
			t.Errorf("a widget with callback_connected off shows %v", eventIDs(hello.Events))
		}
	})
}

// TestQuizLeadBecomesANotice: with beckon_events.lead_submitted on, a lead
// a visitor submits through the quiz (which tells widgets.Activities)
// becomes a notice of type "lead" without personal data ("Someone sent a
// request": the widget's lead template, in ru, uk and en), live and on the
// next connect; a widget with the switch off (the default) never shows it.
func TestQuizLeadBecomesANotice(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := servertest.Start(t, newStore(t), servertest.Options{})
		on := newLiveSite(t, ts, map[string]any{"beckon_events": map[string]any{"lead_submitted": true}})
		off := on
		off.widget = ts.CreateWidget(on.id, map[string]any{"type": "social_proof", "settings": map[string]any{}})["id"].(string)
		quiz := ts.CreateWidget(on.id, map[string]any{"type": "quiz", "settings": json.RawMessage(`{
			"steps": [{"id": "rooms", "type": "single", "title": {"en": "Rooms?"},
			           "options": [{"id": "r1", "label": {"en": "One"}, "value": 1}]}],
			"results": [{"id": "any", "title": {"en": "Thank you"}}],
			"form": {"fields": [{"name": "name"}, {"name": "phone", "required": true}],
			         "consent": {"required": true, "version": "2026-11", "text": {"en": "I agree"}}}}`)})["id"].(string)

		live, quiet := on.connect(t, "v1", "/"), off.connect(t, "v2", "/")
		readUntil(t, live, 2*time.Second, "hello", func(m liveMsg) bool { return m.Type == "hello" })
		readUntil(t, quiet, 2*time.Second, "hello", func(m liveMsg) bool { return m.Type == "hello" })

		visitor := func(method, path string, body any, want int) map[string]any {
			t.Helper()
			r := ts.Request(method, "/w/v1/"+on.key+"/quizzes/"+quiz+path, body, "Origin", shopOrigin)
			servertest.ExpectStatus(t, r, want)
			return r.JSON(t)
		}
		sid := visitor("POST", "/sessions", map[string]any{"visitor_id": "quizzer", "page_url": "https://shop.example/", "lang": "en"},
			http.StatusCreated)["session_id"].(string)
		visitor("PUT", "/sessions/"+sid+"/answers/rooms", map[string]any{"visitor_id": "quizzer", "value": "r1"}, http.StatusOK)
		lead := visitor("POST", "/sessions/"+sid+"/lead", map[string]any{"visitor_id": "quizzer", "name": "Maria Ivanova",
			"phone": "+79161234567", "consent": true}, http.StatusCreated)["lead_id"].(string)

		got := readUntil(t, live, 10*time.Second, "the lead's notice", func(m liveMsg) bool {
			return m.Type == "event" && m.Event["id"] == "beckon-lead-"+lead
		})
		for _, field := range []string{"name", "city", "product", "url", "image", "text"} {
			if v, _ := got.Event[field].(string); v != "" {
				t.Errorf("Beckon's notice carries %s %q; it must carry no personal data", field, v)
			}
		}
		if got.Event["type"] != "lead" {
			t.Errorf("notice type %v, want lead", got.Event["type"])
		}
		expectNoMessageLike(t, quiet, 500*time.Millisecond, func(m liveMsg) bool { return m.Type == "event" })

		again := on.connect(t, "v3", "/")
		if hello := readUntil(t, again, 2*time.Second, "hello", func(m liveMsg) bool { return m.Type == "hello" }); !slices.Contains(eventIDs(hello.Events), "beckon-lead-"+lead) {
			t.Errorf("the next page's hello lists %v, without the lead", eventIDs(hello.Events))
		}
	})
}

// expectNoMessageLike fails when c gets a message matching ok within d.
func expectNoMessageLike(t *testing.T, c *liveConn, d time.Duration, ok func(liveMsg) bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		m, err := c.next(time.Until(deadline))
		if err != nil {
			return
		}
		if ok(m) {
			t.Fatalf("unexpected message %+v", m)
		}
	}
}
