package dashboard_test

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

var leadLinks = regexp.MustCompile(`<tr id="lead-(lead-\d+)">`)

func rowsOf(p page) []string {
	var ids []string
	for _, m := range leadLinks.FindAllStringSubmatch(p.Body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

var nextLink = regexp.MustCompile(`rel="next" href="([^"]+)"`)

// TestInboxFiltersAndPages, on both stores: a manager sees the site's
// leads newest first, 50 a page with "Older leads" going on without
// repeats or gaps; each filter (type, status, widget, source, dates)
// narrows the list; a wrong filter is 422 naming it.
func TestInboxFiltersAndPages(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		day := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		// 120 leads, one every hour from day on: every 3rd a callback of
		// widget w-call from google, the rest quiz leads of w-quiz, direct.
		for i := range 120 {
			typ, wid, src := "quiz", "w-quiz", "direct"
			if i%3 == 0 {
				typ, wid, src = "callback", "w-call", "google"
			}
			s.seedLead(t, i, day.Add(time.Duration(i)*time.Hour), typ, wid, src)
		}
		p := s.inbox(s.manager, "")
		wantStatus(t, "inbox", p, http.StatusOK)
		rows := rowsOf(p)
		if len(rows) != 50 || rows[0] != "lead-00119" || rows[49] != "lead-00070" {
			t.Fatalf("first page: %d rows %v…, want 50 from lead-00119 down", len(rows), rows[:min(3, len(rows))])
		}
		seen := map[string]bool{}
		for pages := 1; ; pages++ {
			for _, id := range rows {
				if seen[id] {
					t.Fatalf("page %d repeats %s", pages, id)
				}
				seen[id] = true
			}
			m := nextLink.FindStringSubmatch(p.Body)
			if m == nil {
				if pages != 3 {
					t.Fatalf("%d pages, want 3", pages)
				}
				break
			}
			p = s.manager.get(strings.ReplaceAll(m[1], "&amp;", "&"))
			wantStatus(t, "next page", p, http.StatusOK)
			rows = rowsOf(p)
		}
		if len(seen) != 120 {
			t.Fatalf("the pages showed %d leads, want all 120", len(seen))
		}

		count := func(query string) int {
			t.Helper()
			p := s.inbox(s.manager, query)
			wantStatus(t, query, p, http.StatusOK)
			return len(rowsOf(p))
		}
		if n := count("?type=callback"); n != 40 {
			t.Errorf("type=callback: %d rows, want 40", n)
		}
		if n := count("?widget=w-quiz&source=direct"); n != 50 {
			t.Errorf("widget=w-quiz&source=direct: %d rows, want a full page of 50", n)
		}
		if n := count("?source=GOOGLE&type=quiz"); n != 0 {
			t.Errorf("google quiz leads: %d rows, want 0", n)
		}
		// Day 2026-11-21 holds leads 15…38: 24 of them.
		p = s.inbox(s.manager, "?from=2026-11-21&to=2026-11-21")
		if got := rowsOf(p); len(got) != 24 || got[0] != "lead-00038" || got[23] != "lead-00015" {
			t.Errorf("one day: %v, want lead-00038 … lead-00015", got)
		}
		wantBody(t, "no match", s.inbox(s.manager, "?widget=nope"), "No leads match these filters.")

		// Status is a filter once a lead has one.
		lead := "/app/sites/" + s.siteID + "/inbox/lead-00007"
		wantRedirect(t, "status", s.manager.submit(lead, lead+"/status", url.Values{"status": {"won"}}), lead)
		if got := rowsOf(s.inbox(s.manager, "?status=won")); len(got) != 1 || got[0] != "lead-00007" {
			t.Errorf("status=won: %v", got)
		}

		for q, msg := range map[string]string{
			"?status=done":                   "Choose a status from the list.",
			"?from=yesterday":                `&#34;From&#34; must be a date`,
			"?from=2026-11-22&to=2026-11-21": `&#34;To&#34; is before &#34;From&#34;.`,
			"?cursor=%%%":                    "This page link is broken",
		} {
			p := s.inbox(s.manager, q)
			wantStatus(t, q, p, http.StatusUnprocessableEntity)
			wantBody(t, q, p, msg)
		}
	})
}

// TestLeadStatusNoteAndRoles, on both stores: a manager opens a lead,
// changes its status and note (kept in the store, shown after the
// redirect); a bad status or a too long note is refused and changes
// nothing; a POST without the CSRF token is 403; a member of site A gets
// 404 for everything of site B's inbox, lead and exports.
func TestLeadStatusNoteAndRoles(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		id := s.seedLead(t, 1, time.Now().Add(-time.Hour), "quiz", "w1", "direct")
		lead := "/app/sites/" + s.siteID + "/inbox/" + id
		wantBody(t, "lead page", s.manager.get(lead), "Visitor 1", "79123450001", "summary 1", "No consent was asked")

		wantRedirect(t, "status", s.manager.submit(lead, lead+"/status", url.Values{"status": {"in_progress"}}), lead)
		wantRedirect(t, "note", s.manager.submit(lead, lead+"/note", url.Values{"note": {"Called back, wants a quote\r\n"}}), lead)
		p := s.manager.get(lead)
		wantBody(t, "after", p, "Note saved.", "Called back, wants a quote</textarea>", `<option value="in_progress" selected>`)
		stored, err := s.d.Store.GetLead(t.Context(), s.siteID, id)
		if err != nil || stored.Status != "in_progress" || stored.Note != "Called back, wants a quote" {
			t.Fatalf("stored lead %+v, %v", stored, err)
		}

		p = s.manager.submit(lead, lead+"/status", url.Values{"status": {"done"}})
		wantStatus(t, "bad status", p, http.StatusUnprocessableEntity)
		wantBody(t, "bad status", p, "Choose a status from the list.")
		long := strings.Repeat("я", 2001)
		p = s.manager.submit(lead, lead+"/note", url.Values{"note": {long}})
		wantStatus(t, "long note", p, http.StatusUnprocessableEntity)
		wantBody(t, "long note keeps the text typed", p, "longer than 2,000 characters", long)
		wantStatus(t, "no csrf", s.manager.post(lead+"/note", url.Values{"note": {"x"}}), http.StatusForbidden)
		if again, _ := s.d.Store.GetLead(t.Context(), s.siteID, id); again.Status != "in_progress" || again.Note != stored.Note {
			t.Fatalf("a refused change changed the lead: %+v", again)
		}

		siteB := s.d.CreateSite("Shop B", "https://b.example")["id"].(string)
		if _, _, err := s.d.Store.CreateLead(t.Context(), store.Lead{ID: "b-lead", SiteID: siteB, WidgetID: "w", Type: "quiz", Status: "new", VisitorID: "v", CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		b := "/app/sites/" + siteB + "/inbox"
		for _, path := range []string{b, b + "/b-lead", b + "/export.csv", b + "/export.jsonl", b + "/live", "/app/sites/" + s.siteID + "/inbox/b-lead"} {
			wantStatus(t, "manager of A opens "+path, s.manager.get(path), http.StatusNotFound)
		}
		p = s.manager.submit(lead, b+"/b-lead/status", url.Values{"status": {"won"}})
		wantStatus(t, "manager of A works B's lead", p, http.StatusNotFound)
		if l, _ := s.d.Store.GetLead(t.Context(), siteB, "b-lead"); l.Status != "new" {
			t.Fatalf("B's lead changed: %+v", l)
		}
		wantBody(t, "operator sees B", s.op.get(b), "b-lead")
	})
}

// TestInboxExports, on both stores: the page's CSV and JSONL links stream
// the site's leads under the session (no bearer token), with the type and
// status filters applied; signed out, they lead to the sign-in page.
func TestInboxExports(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		at := time.Now().Add(-2 * time.Hour)
		for i := range 7 {
			typ := "quiz"
			if i%2 == 1 {
				typ = "callback"
			}
			s.seedLead(t, i, at.Add(time.Duration(i)*time.Minute), typ, "w", "direct")
		}
		base := s.d.Base + "/app/sites/" + s.siteID + "/inbox/export"
		resp, err := s.manager.client.Get(base + ".jsonl?type=quiz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
			t.Fatalf("jsonl: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var ids []string
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			var l store.Lead
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("jsonl line %q: %v", sc.Text(), err)
			}
			if l.Type != "quiz" {
				t.Fatalf("type=quiz export has %s", l.Type)
			}
			ids = append(ids, l.ID)
		}
		if strings.Join(ids, ",") != "lead-00006,lead-00004,lead-00002,lead-00000" {
			t.Fatalf("jsonl ids %v", ids)
		}

		resp2, err := s.manager.client.Get(base + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		defer resp2.Body.Close()
		body, _ := io.ReadAll(resp2.Body)
		recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil || resp2.StatusCode != http.StatusOK {
			t.Fatalf("csv: %d %v %s", resp2.StatusCode, err, body)
		}
		if len(recs) != 8 || strings.TrimPrefix(recs[0][0], "\ufeff") != "id" || recs[1][0] != "lead-00006" {
			t.Fatalf("csv: %d records, first %v", len(recs), recs[:min(2, len(recs))])
		}
		out := s.d.browser(t, "stranger").get("/app/sites/" + s.siteID + "/inbox/export.csv")
		if out.Status != http.StatusSeeOther || out.Location() != "/app/login" {
			t.Fatalf("signed out export: %d to %s", out.Status, out.Location())
		}
	})
}

// TestLeadPageShowsCallbackTimeline, on both stores: a callback request
// sent through the public API is a lead whose page shows the request's
// timeline (its statuses with times) and attempts.
func TestLeadPageShowsCallbackTimeline(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		siteID, key, _ := s.d.CallbackSite("")
		r := s.d.PostCallback(key, map[string]any{"phone": "+79161234567", "visitor_id": "vis-1", "name": "Пётр"})
		if r.Status != http.StatusAccepted && r.Status != http.StatusCreated && r.Status != http.StatusOK {
			t.Fatalf("callback request: %d %s", r.Status, r.Body)
		}
		var cb store.Callback
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			list, err := s.d.Store.ListCallbacks(t.Context(), siteID, time.Time{}, 10)
			if err == nil && len(list) == 1 && len(list[0].Timeline) > 0 {
				if _, err := s.d.Store.GetLead(t.Context(), siteID, "cb_"+list[0].ID); err == nil {
					cb = list[0]
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("no callback request with its lead: %v %v", list, err)
			}
		}
		if cb.Timeline[0].Status != "queued" {
			t.Fatalf("a request's first status is %q, want queued", cb.Timeline[0].Status)
		}
		p := s.op.get("/app/sites/" + siteID + "/inbox/cb_" + cb.ID + "?lang=en")
		wantStatus(t, "callback lead", p, http.StatusOK)
		wantBody(t, "callback lead", p, "Callback timeline", "Attempts", "<strong>Waiting</strong>", "79161234567")
		wantBody(t, "inbox lists it", s.op.get("/app/sites/"+siteID+"/inbox?type=callback"), `id="lead-cb_`+cb.ID+`"`)
	})
}
