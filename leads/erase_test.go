package leads_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestCallbackRequestsInInbox: a callback request through the public
// intake is a lead of the inbox at once, with its contact, page and
// consent; a repeat the dedupe absorbed is the same lead.
func TestCallbackRequestsInInbox(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		body := map[string]any{"phone": "+7 916 123-45-67", "visitor_id": "v1", "name": "Иван",
			"page_url": "https://shop.example/boilers", "referrer": "https://ya.ru/", "utm": map[string]string{"utm_source": "ya"}}
		r := ib.PostCallback(ib.key, body)
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		cbID := r.JSON(t)["id"].(string)
		again := ib.PostCallback(ib.key, body)
		servertest.ExpectStatus(t, again, http.StatusAccepted)
		if again.JSON(t)["id"] != cbID {
			t.Fatalf("the repeat was not absorbed: %s", again.Body)
		}
		got := ib.all(nil, 10)
		if !slices.Equal(got, []string{"cb_" + cbID}) {
			t.Fatalf("inbox %v, want the one callback lead cb_%s", got, cbID)
		}
		l, _ := ib.lead("cb_" + cbID)
		if l.Type != "callback" || l.Status != store.LeadNew || l.CallbackID != cbID || l.Contact.Phone != "+79161234567" ||
			l.Contact.Name != "Иван" || l.VisitorID != "v1" || l.PageURL != "https://shop.example/boilers" ||
			l.Referrer != "https://ya.ru/" || l.UTM["utm_source"] != "ya" || l.Source != "ya" || l.IP == "" || l.WidgetID != ib.widgetID {
			t.Fatalf("callback lead %+v", l)
		}
	})
}

// TestVisitorErasure: erasing a visitor removes their leads of every
// widget and their quiz sessions, and their callback requests keep no
// phone number, name, IP address or page, neither as the owner reads them
// nor in the store, and a new request from that number is a new one;
// another visitor's data is untouched.
func TestVisitorErasure(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		ctx := context.Background()
		call := func(visitor, phone string) string {
			r := ib.PostCallback(ib.key, map[string]any{"phone": phone, "visitor_id": visitor, "name": "Иван " + visitor,
				"page_url": "https://shop.example/p", "page_title": "Котлы", "referrer": "https://ya.ru/",
				"utm": map[string]string{"utm_source": "ya"}})
			servertest.ExpectStatus(t, r, http.StatusAccepted)
			return r.JSON(t)["id"].(string)
		}
		mine, theirs := call("v1", "+79161234567"), call("v2", "+79161234568")
		ib.put(quizLead(ib.siteID, "ld_v1", "v1", 1), quizLead(ib.siteID, "ld_v2", "v2", 2))
		now := time.Now().UTC()
		for _, s := range []store.QuizSession{
			{ID: "qs_1", SiteID: ib.siteID, WidgetID: "wdg_quiz", Version: 1, VisitorID: "v1", CreatedAt: now, UpdatedAt: now},
			{ID: "qs_2", SiteID: ib.siteID, WidgetID: "wdg_quiz", Version: 1, VisitorID: "v1", CreatedAt: now, UpdatedAt: now},
			{ID: "qs_3", SiteID: ib.siteID, WidgetID: "wdg_quiz", Version: 1, VisitorID: "v2", CreatedAt: now, UpdatedAt: now},
		} {
			if err := ib.Store.CreateQuizSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}

		r := ib.Admin("DELETE", "/api/v1/sites/"+ib.siteID+"/visitors/v1", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		got := r.JSON(t)
		if got["leads_deleted"] != 2.0 || got["quiz_sessions_deleted"] != 2.0 || got["callbacks_redacted"] != 1.0 || got["visitor_id"] != "v1" {
			t.Fatalf("erasure reported %v", got)
		}
		if left := ib.all(nil, 10); !slices.Equal(left, []string{"cb_" + theirs, "ld_v2"}) {
			t.Fatalf("inbox after erasing v1: %v", left)
		}
		for id, want := range map[string]error{"qs_1": store.ErrNotFound, "qs_2": store.ErrNotFound, "qs_3": nil} {
			if _, err := ib.Store.GetQuizSession(ctx, ib.siteID, id); !errors.Is(err, want) && err != want {
				t.Fatalf("session %s: %v, want %v", id, err, want)
			}
		}
		byID := map[string]store.Callback{}
		for _, cb := range ib.ListCallbacks(ib.siteID) {
			byID[cb.ID] = cb
		}
		cb := byID[mine]
		if cb.ID == "" || cb.Name != "" || cb.IP != "" || cb.PageURL != "" || cb.PageTitle != "" || cb.Referrer != "" || len(cb.UTM) != 0 {
			t.Fatalf("v1's callback request keeps personal data: %+v", cb)
		}
		if cb.Status == "" || len(cb.Timeline) == 0 || cb.CreatedAt.IsZero() {
			t.Fatalf("v1's callback request lost its history: %+v", cb)
		}
		if other := byID[theirs]; other.Name != "Иван v2" || other.IP == "" || other.PageURL == "" || other.Phone != "+79161234568" {
			t.Fatalf("v2's callback request was touched: %+v", other)
		}
		r = ib.Admin("GET", "/api/v1/sites/"+ib.siteID+"/callbacks/"+mine, nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		stored, err := ib.Store.GetCallback(ctx, ib.siteID, mine)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(stored)
		for what, body := range map[string]string{"GET …/callbacks/{id}": string(r.Body), "the store": string(raw)} {
			if strings.Contains(body, "9161234567") || strings.Contains(body, "Иван v1") || strings.Contains(body, "Котлы") {
				t.Fatalf("%s keeps v1's data: %s", what, body)
			}
		}

		// Again: nothing left, nothing fails.
		r = ib.Admin("DELETE", "/api/v1/sites/"+ib.siteID+"/visitors/v1", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if again := r.JSON(t); again["leads_deleted"] != 0.0 || again["quiz_sessions_deleted"] != 0.0 {
			t.Fatalf("second erasure reported %v", again)
		}

		// The number calls again within the dedupe window: a new request,
		// not one absorbed by the erased request.
		if fresh := call("v1", "+79161234567"); fresh == mine {
			t.Fatalf("a new request from the erased number was absorbed by %s", mine)
		}
	})
}
