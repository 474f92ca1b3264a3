package leads_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestInboxPages: paging with the cursor gives every lead once, newest
// first (leads of one instant by id, descending), whatever the page size;
// the filters page the same way; a lead created while paging does not
// shift the pages.
func TestInboxPages(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		var want []string // newest first
		for i := range 23 {
			l := quizLead(ib.siteID, fmt.Sprintf("ld_%02d", i), "v1", i/2) // pairs share their instant
			if i%3 == 0 {
				l.Type = "callback"
			}
			if i%4 == 0 {
				l.Status = store.LeadWon
			}
			ib.put(l)
			want = append([]string{l.ID}, want...)
		}
		// ld_01 and ld_00 share an instant: ld_01 (the greater id) first.
		if want[len(want)-2] != "ld_01" {
			t.Fatalf("test setup: %v", want)
		}
		for _, limit := range []int{1, 5, 7, 23, 500} {
			if got := ib.all(nil, limit); !slices.Equal(got, want) {
				t.Fatalf("limit %d:\n got %v\nwant %v", limit, got, want)
			}
		}
		filtered := func(keep func(i int) bool) []string {
			var out []string
			for _, id := range want {
				var i int
				fmt.Sscanf(id, "ld_%d", &i)
				if keep(i) {
					out = append(out, id)
				}
			}
			return out
		}
		if got, w := ib.all(url.Values{"type": {"callback"}}, 3), filtered(func(i int) bool { return i%3 == 0 }); !slices.Equal(got, w) {
			t.Fatalf("type=callback:\n got %v\nwant %v", got, w)
		}
		if got, w := ib.all(url.Values{"status": {"won"}}, 2), filtered(func(i int) bool { return i%4 == 0 }); !slices.Equal(got, w) {
			t.Fatalf("status=won:\n got %v\nwant %v", got, w)
		}
		if got, w := ib.all(url.Values{"type": {"quiz"}, "status": {"new"}}, 4), filtered(func(i int) bool { return i%3 != 0 && i%4 != 0 }); !slices.Equal(got, w) {
			t.Fatalf("type=quiz&status=new:\n got %v\nwant %v", got, w)
		}

		// A newer lead arriving between pages is not on the later pages.
		first := ib.list(url.Values{"limit": {"10"}})
		ib.put(quizLead(ib.siteID, "ld_99", "v2", 100))
		rest := ib.all(url.Values{"cursor": {first.NextCursor}}, 10)
		var got []string
		for _, l := range first.Leads {
			got = append(got, l.ID)
		}
		if got = append(got, rest...); !slices.Equal(got, want) {
			t.Fatalf("paging while a lead arrived:\n got %v\nwant %v", got, want)
		}
		if last := ib.list(url.Values{"limit": {"24"}}); last.NextCursor != "" || len(last.Leads) != 24 {
			t.Fatalf("a page holding the rest has a cursor %q (%d leads)", last.NextCursor, len(last.Leads))
		}
	})
}

// TestInboxBadQueries: bad parameters get 422 naming the parameter.
func TestInboxBadQueries(t *testing.T) {
	ts := servertest.Start(t, servertest.NewStore(t, "embedded"), servertest.Options{})
	site := ts.CreateSite("Shop")["id"].(string)
	for query, field := range map[string]string{
		"limit=0":                         "limit",
		"limit=501":                       "limit",
		"limit=ten":                       "limit",
		"status=done":                     "status",
		"cursor=bm90LWEtY3Vy":             "cursor",
		"cursor=%%%":                      "cursor",
		"type=" + strings.Repeat("q", 41): "type",
	} {
		r := ts.Admin("GET", "/api/v1/sites/"+site+"/leads?"+query, nil)
		if r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != field {
			t.Errorf("?%s: %d %s, want 422 naming %s", query, r.Status, r.Body, field)
		}
	}
	for _, path := range []string{"/leads.csv?sep=|", "/leads.jsonl?status=open"} {
		r := ts.Admin("GET", "/api/v1/sites/"+site+path, nil)
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
	}
	r := ts.Admin("GET", "/api/v1/sites/site_nope/leads", nil)
	servertest.ExpectStatus(t, r, http.StatusNotFound)
}

// TestLeadReadAndWork: one lead shows everything the quiz kept; the
// owner sets its status and note; bad input changes nothing.
func TestLeadReadAndWork(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		ib.put(quizLead(ib.siteID, "ld_a", "v1", 1))
		l, status := ib.lead("ld_a")
		if status != http.StatusOK {
			t.Fatalf("GET: %d", status)
		}
		if len(l.Answers) != 2 || l.Answers[0].Text != "3 комнаты" || l.Result == nil || l.Result.Values["price"] != 420000 ||
			l.PageURL != "https://shop.example/remont" || l.Referrer != "https://yandex.ru/search" || l.UTM["utm_campaign"] != "autumn" ||
			l.Hidden["city"] != "Москва" || l.VisitorID != "v1" || l.Consent == nil || l.Consent.Version != "v3" ||
			l.Consent.IP != "203.0.113.7" || !l.Consent.At.Equal(base.Add(1e9)) {
			t.Fatalf("the lead lacks what was kept: %+v", l)
		}
		path := "/api/v1/sites/" + ib.siteID + "/leads/ld_a"
		for _, c := range []struct {
			body   string
			status int
			field  string
		}{
			{`{"status":"done"}`, http.StatusUnprocessableEntity, "status"},
			{`{"status":"won","note":"` + strings.Repeat("я", 2001) + `"}`, http.StatusUnprocessableEntity, "note"},
			{`{"note":"bad \u0000 byte"}`, http.StatusUnprocessableEntity, "note"},
			{`{}`, http.StatusUnprocessableEntity, ""},
			{`{"status":"won","color":"red"}`, http.StatusBadRequest, "color"}, // as every body of the API
			{`{"status":3}`, http.StatusBadRequest, "status"},
		} {
			r := ib.Admin("PATCH", path, c.body)
			if r.Status != c.status || r.ErrorField(t) != c.field {
				t.Errorf("PATCH %.60s: %d %s, want %d naming %q", c.body, r.Status, r.Body, c.status, c.field)
			}
		}
		if after, _ := ib.lead("ld_a"); after.Status != store.LeadNew || after.Note != "" {
			t.Fatalf("refused patches changed the lead: %s %q", after.Status, after.Note)
		}
		note := "Перезвонить после 18:00;\nспросить про \"лофт\""
		r := ib.Admin("PATCH", path, map[string]any{"status": "in_progress", "note": note})
		servertest.ExpectStatus(t, r, http.StatusOK)
		r = ib.Admin("PATCH", path, map[string]any{"status": "won"}) // the note stays
		servertest.ExpectStatus(t, r, http.StatusOK)
		after, _ := ib.lead("ld_a")
		if after.Status != store.LeadWon || after.Note != note || !after.UpdatedAt.After(after.CreatedAt) {
			t.Fatalf("after PATCH: %s %q updated %v", after.Status, after.Note, after.UpdatedAt)
		}
		if got := ib.all(url.Values{"status": {"won"}}, 10); !slices.Equal(got, []string{"ld_a"}) {
			t.Fatalf("status=won lists %v", got)
		}
		r = ib.Admin("PATCH", "/api/v1/sites/"+ib.siteID+"/leads/ld_nope", map[string]any{"status": "won"})
		servertest.ExpectStatus(t, r, http.StatusNotFound)
	})
}

// TestLeadDelete: a deleted lead is gone from the inbox and its page, and
// so are the copies of its visitor's data beside it: the quiz session's
// contacts, the callback request's phone number, name, IP address and page.
func TestLeadDelete(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		ctx := context.Background()
		ib.put(quizLead(ib.siteID, "ld_a", "v1", 1), quizLead(ib.siteID, "ld_b", "v1", 2))
		now := time.Now().UTC()
		session := store.QuizSession{ID: "qs_ld_a", SiteID: ib.siteID, WidgetID: "wdg_quiz", Version: 1, VisitorID: "v1", LeadID: "ld_a",
			Contact: &store.LeadContact{Name: "Олена", Phone: "+79161234567"}, IP: "203.0.113.7", CreatedAt: now, UpdatedAt: now}
		if err := ib.Store.CreateQuizSession(ctx, session); err != nil {
			t.Fatal(err)
		}
		r := ib.PostCallback(ib.key, map[string]any{"phone": "+79161234599", "visitor_id": "v1", "name": "Иван", "page_url": "https://shop.example/p"})
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		cbID := r.JSON(t)["id"].(string)

		for _, id := range []string{"ld_a", "cb_" + cbID} {
			r := ib.Admin("DELETE", "/api/v1/sites/"+ib.siteID+"/leads/"+id, nil)
			servertest.ExpectStatus(t, r, http.StatusNoContent)
			if _, status := ib.lead(id); status != http.StatusNotFound {
				t.Fatalf("deleted lead %s: %d", id, status)
			}
		}
		if got := ib.all(nil, 10); !slices.Equal(got, []string{"ld_b"}) {
			t.Fatalf("inbox after delete: %v", got)
		}
		if s, err := ib.Store.GetQuizSession(ctx, ib.siteID, "qs_ld_a"); err != nil || s.Contact != nil || s.IP != "" {
			t.Fatalf("the quiz session keeps the contacts: %+v, %v", s, err)
		}
		for _, cb := range ib.ListCallbacks(ib.siteID) {
			if cb.ID == cbID && (cb.Phone != "" || cb.Name != "" || cb.IP != "" || cb.PageURL != "") {
				t.Fatalf("the callback request keeps personal data: %+v", cb)
			}
		}
		r = ib.Admin("DELETE", "/api/v1/sites/"+ib.siteID+"/leads/ld_a", nil)
		servertest.ExpectStatus(t, r, http.StatusNotFound)
	})
}

// TestLeadScopes: a leads:read key reads and exports but cannot change
// or delete; leads:write can; another site's key sees nothing at all.
func TestLeadScopes(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ib := newInbox(t, newStore(t))
		ib.put(quizLead(ib.siteID, "ld_a", "v1", 1))
		reader := bearer(ib.CreateKey(ib.siteID, "leads:read"))
		writer := bearer(ib.CreateKey(ib.siteID, "leads:write"))
		other := ib.CreateSite("Other")["id"].(string)
		stranger := bearer(ib.CreateKey(other, "leads:read", "leads:write"))
		site := "/api/v1/sites/" + ib.siteID
		patch := map[string]any{"status": "lost"}
		for _, c := range []struct {
			who    []string
			method string
			path   string
			body   any
			want   int
		}{
			{reader, "GET", "/leads", nil, http.StatusOK},
			{reader, "GET", "/leads/ld_a", nil, http.StatusOK},
			{reader, "GET", "/leads.csv", nil, http.StatusOK},
			{reader, "GET", "/leads.jsonl", nil, http.StatusOK},
			{reader, "PATCH", "/leads/ld_a", patch, http.StatusForbidden},
			{reader, "DELETE", "/leads/ld_a", nil, http.StatusForbidden},
			{reader, "DELETE", "/visitors/v1", nil, http.StatusForbidden},
			{writer, "GET", "/leads", nil, http.StatusForbidden},
			{stranger, "GET", "/leads", nil, http.StatusNotFound},
			{stranger, "GET", "/leads/ld_a", nil, http.StatusNotFound},
			{stranger, "GET", "/leads.csv", nil, http.StatusNotFound},
			{stranger, "PATCH", "/leads/ld_a", patch, http.StatusNotFound},
			{stranger, "DELETE", "/visitors/v1", nil, http.StatusNotFound},
			{writer, "PATCH", "/leads/ld_a", patch, http.StatusOK},
		} {
			r := ib.Request(c.method, site+c.path, c.body, c.who...)
			if r.Status != c.want {
				t.Errorf("%s %s with %s: %d %s, want %d", c.method, c.path, c.who[1][:12], r.Status, r.Body, c.want)
			}
		}
		if l, _ := ib.lead("ld_a"); l.Status != store.LeadLost {
			t.Fatalf("only the writer's PATCH should have landed: %s", l.Status)
		}
		r := ib.Request("GET", site+"/leads", nil)
		servertest.ExpectStatus(t, r, http.StatusUnauthorized)
	})
}
