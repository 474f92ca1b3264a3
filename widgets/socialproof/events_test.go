package socialproof_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestPostEventsIdempotent(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		b := newBackend(t, newStore(t))
		live := b.listen(t)
		key := b.ts.CreateKey(b.siteID, "events:write")
		post := func(body any) servertest.Response {
			return b.ts.Request("POST", "/api/v1/sites/"+b.siteID+"/events", body, "Authorization", "Bearer "+key)
		}
		t0 := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
		first := map[string]any{"events": []map[string]any{
			{"id": "order-123", "type": "purchase", "name": "Maria Ivanova", "city": "Bryansk", "product": "Apple Watch",
				"url": "https://shop.example/watch", "image": "https://shop.example/watch.jpg", "time": t0.Format(time.RFC3339)},
			{"id": "signup-7", "type": "signup", "name": "Oleg"},
		}}
		r := post(first)
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		if got := r.JSON(t); got["accepted"] != 2.0 || got["duplicates"] != 0.0 {
			t.Fatalf("first call: %v", got)
		}
		// Both go to the live channel, each once.
		seen := []string{next(t, live).Event.ID, next(t, live).Event.ID}
		slices.Sort(seen)
		if !slices.Equal(seen, []string{"order-123", "signup-7"}) {
			t.Fatalf("published %q", seen)
		}

		// A retry of the same call, plus one new event: only the new one counts.
		// Its time is a second on: without one it would be now, possibly the
		// same millisecond as signup-7's, and equal times order by id.
		first["events"] = append(first["events"].([]map[string]any), map[string]any{"id": "review-1", "type": "review", "name": "Anna",
			"time": time.Now().UTC().Add(time.Second).Format(time.RFC3339Nano)})
		r = post(first)
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		if got := r.JSON(t); got["accepted"] != 1.0 || got["duplicates"] != 2.0 {
			t.Fatalf("retry: %v", got)
		}
		if m := next(t, live); m.Kind != "event" || m.Event.ID != "review-1" {
			t.Fatalf("published %+v, want only review-1", m)
		}
		quiet(t, live)

		evs := b.events(t)
		if got := ids(evs); !slices.Equal(got, []string{"review-1", "signup-7", "order-123"}) {
			t.Fatalf("events %q, want newest first", got)
		}
		order := evs[2]
		if order.Name != "Maria Ivanova" || order.City != "Bryansk" || order.Product != "Apple Watch" ||
			!order.Time.Equal(t0) || order.Source != "api" || order.SiteID != b.siteID {
			t.Fatalf("stored %+v", order)
		}
		// Without a time an event happened when it was posted.
		if age := time.Since(evs[1].Time); age < 0 || age > time.Minute {
			t.Fatalf("an event without time got %v", evs[1].Time)
		}
	})
}

func TestPostEventsRefusesBadOnesWhole(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		b := newBackend(t, newStore(t))
		good := map[string]any{"id": "ok-1", "type": "purchase", "name": "Maria"}
		many := make([]any, 101)
		for i := range many {
			many[i] = map[string]any{"id": fmt.Sprint("e", i), "type": "signup"}
		}
		future := time.Now().Add(10 * time.Minute).UTC().Format(time.RFC3339)
		cases := []struct {
			name   string
			events []any
			field  string
		}{
			{"no events", []any{}, "events"},
			{"over 100", many, "events"},
			{"unknown type", []any{good, map[string]any{"id": "x", "type": "sale"}}, "events[1].type"},
			{"no id", []any{good, good, map[string]any{"type": "purchase"}}, "events[2].id"},
			{"future time", []any{map[string]any{"id": "x", "type": "purchase", "time": future}}, "events[0].time"},
			{"bad time", []any{good, map[string]any{"id": "x", "type": "purchase", "time": "yesterday"}}, "events[1].time"},
			{"custom without text", []any{map[string]any{"id": "x", "type": "custom"}}, "events[0].text"},
			{"text on a purchase", []any{map[string]any{"id": "x", "type": "purchase", "text": "hi"}}, "events[0].text"},
			{"url not http", []any{map[string]any{"id": "x", "type": "purchase", "url": "javascript:alert(1)"}}, "events[0].url"},
			{"image relative", []any{map[string]any{"id": "x", "type": "purchase", "image": "/a.jpg"}}, "events[0].image"},
			{"name with a line break", []any{map[string]any{"id": "x", "type": "purchase", "name": "Maria\nPress 1"}}, "events[0].name"},
			{"long product", []any{map[string]any{"id": "x", "type": "purchase", "product": strings.Repeat("x", 201)}}, "events[0].product"},
		}
		for _, tc := range cases {
			r := b.ts.Admin("POST", "/api/v1/sites/"+b.siteID+"/events", map[string]any{"events": tc.events})
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if f := r.ErrorField(t); f != tc.field {
				t.Errorf("%s: field %q, want %q (%s)", tc.name, f, tc.field, r.Body)
			}
		}
		r := b.ts.Admin("POST", "/api/v1/sites/"+b.siteID+"/events", `{"events":[{"id":"x","type":"purchase","colour":"red"}]}`)
		servertest.ExpectStatus(t, r, http.StatusBadRequest)
		if evs := b.events(t); len(evs) != 0 {
			t.Fatalf("refused calls stored %q", ids(evs))
		}
	})
}

func TestEventsAPIScopes(t *testing.T) {
	b := newBackend(t, servertest.NewStore(t, "embedded"))
	other := b.ts.CreateSite("Other")["id"].(string)
	path := "/api/v1/sites/" + b.siteID + "/events"
	body := map[string]any{"events": []any{map[string]any{"id": "a", "type": "purchase"}}}
	as := func(key string) []string { return []string{"Authorization", "Bearer " + key} }
	readOnly := b.ts.CreateKey(b.siteID, "widgets:read", "leads:read")
	writer := b.ts.CreateKey(b.siteID, "events:write")
	otherWriter := b.ts.CreateKey(other, "events:write")

	servertest.ExpectStatus(t, b.ts.Request("POST", path, body, as(readOnly)...), http.StatusForbidden)
	servertest.ExpectStatus(t, b.ts.Request("POST", path, body, as(otherWriter)...), http.StatusNotFound)
	servertest.ExpectStatus(t, b.ts.Request("POST", path, body), http.StatusUnauthorized)
	servertest.ExpectStatus(t, b.ts.Request("POST", path, body, as(writer)...), http.StatusAccepted)
	// Reading customers' names takes leads:read, which the writer lacks.
	servertest.ExpectStatus(t, b.ts.Request("GET", path, nil, as(writer)...), http.StatusForbidden)
	servertest.ExpectStatus(t, b.ts.Request("GET", path, nil, as(readOnly)...), http.StatusOK)
	servertest.ExpectStatus(t, b.ts.Request("DELETE", path+"/a", nil, as(readOnly)...), http.StatusForbidden)
	servertest.ExpectStatus(t, b.ts.Request("DELETE", path+"/a", nil, as(otherWriter)...), http.StatusNotFound)
	servertest.ExpectStatus(t, b.ts.Request("DELETE", path+"/a", nil, as(writer)...), http.StatusNoContent)
	servertest.ExpectStatus(t, b.ts.Admin("POST", "/api/v1/sites/site-nope/events", body), http.StatusNotFound)
	servertest.ExpectStatus(t, b.ts.Admin("GET", path+"?limit=0", nil), http.StatusUnprocessableEntity)
}

func TestDeleteEventReachesLivePages(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		b := newBackend(t, newStore(t))
		servertest.ExpectStatus(t, b.ts.Admin("POST", "/api/v1/sites/"+b.siteID+"/events",
			map[string]any{"events": []any{map[string]any{"id": "order-1", "type": "purchase"}, map[string]any{"id": "order-2", "type": "purchase"}}}),
			http.StatusAccepted)
		live := b.listen(t)
		servertest.ExpectStatus(t, b.ts.Admin("DELETE", "/api/v1/sites/"+b.siteID+"/events/order-1", nil), http.StatusNoContent)
		if m := next(t, live); m.Kind != "delete" || m.ID != "order-1" {
			t.Fatalf("published %+v, want the delete of order-1", m)
		}
		if got := ids(b.events(t)); !slices.Equal(got, []string{"order-2"}) {
			t.Fatalf("events after delete: %q", got)
		}
		r := b.ts.Admin("DELETE", "/api/v1/sites/"+b.siteID+"/events/order-1", nil)
		servertest.ExpectStatus(t, r, http.StatusNotFound)
		quiet(t, live)
	})
}

func TestContactsInNamesAreNeverStored(t *testing.T) {
	b := newBackend(t, servertest.NewStore(t, "embedded"))
	servertest.ExpectStatus(t, b.ts.Admin("POST", "/api/v1/sites/"+b.siteID+"/events", map[string]any{"events": []any{
		map[string]any{"id": "a", "type": "purchase", "name": "Maria maria.ivanova@mail.ru Ivanova +7 (999) 123-45-67"},
	}}), http.StatusAccepted)
	evs := b.events(t)
	if len(evs) != 1 || evs[0].Name != "Maria Ivanova" {
		t.Fatalf("stored %+v, want the name without the e-mail and phone", evs)
	}
}

// TestAPIDocEventsExample: the events call docs/API.md shows is accepted
// as written.
func TestAPIDocEventsExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	var example string
	for _, block := range strings.Split(string(doc), "```json\n")[1:] {
		if body, _, _ := strings.Cut(block, "```"); strings.HasPrefix(body, `{"events"`) {
			example = body
		}
	}
	if example == "" {
		t.Fatal(`docs/API.md has no events example ({"events"…)`)
	}
	b := newBackend(t, servertest.NewStore(t, "embedded"))
	r := b.ts.Admin("POST", "/api/v1/sites/"+b.siteID+"/events", example)
	servertest.ExpectStatus(t, r, http.StatusAccepted)
	if got := r.JSON(t); got["accepted"] != 1.0 {
		t.Fatalf("%v", got)
	}
}
