package dashboard_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// anyRows finds every row of an inbox page, whatever its lead's id.
var anyRows = regexp.MustCompile(`<tr id="lead-([^"]+)">`)

func anyRowsOf(p page) []string {
	var ids []string
	for _, m := range anyRows.FindAllStringSubmatch(p.Body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// seedCallback stores a callback request of widget wid that nobody will
// work (due in a year), taken by name <email> when name is set, and its
// inbox lead; it returns the lead's id.
func (s *inboxSite) seedCallback(t *testing.T, n int, wid, name, email string) string {
	t.Helper()
	at := time.Date(2026, 11, 20, 9, n, 0, 0, time.UTC)
	c := store.Callback{ID: "cbk" + string(rune('a'+n)), SiteID: s.siteID, WidgetID: wid, Phone: "+7916555000" + string(rune('0'+n)),
		VisitorID: "v-cb", Source: "direct", Status: "queued", DueAt: at.AddDate(1, 0, 0), FirstDueAt: at.AddDate(1, 0, 0),
		Manager: name, ManagerEmail: email, CreatedAt: at, UpdatedAt: at}
	stored, _, err := s.d.Store.CreateCallback(t.Context(), c, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	l := store.Lead{ID: "cb_" + stored.ID, SiteID: s.siteID, WidgetID: wid, Type: "callback", Status: store.LeadNew,
		VisitorID: "v-cb", Contact: store.LeadContact{Phone: c.Phone}, CallbackID: stored.ID, CreatedAt: at, UpdatedAt: at}
	if _, _, err := s.d.Store.CreateLead(t.Context(), l); err != nil {
		t.Fatal(err)
	}
	return l.ID
}

// TestManagerSeesOwnCallbacks, on both stores: a manager's inbox holds
// the calls they took and, on the callback widgets that list their
// e-mail, the ones nobody took yet, beside every other lead; someone
// else's call is not in their list, page, export or the API, while the
// owner's side sees everything.
func TestManagerSeesOwnCallbacks(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newInboxSite(t, newStore(t))
		team := s.d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": map[string]any{"managers": []map[string]any{
			{"name": "Anna", "phone": "+79000000010", "email": " Manager@Example.COM"},
			{"name": "Boris", "phone": "+79000000020", "email": "boris@example.com"},
			{"name": "Dima", "phone": "+79000000030"},
		}}})
		if got := team["settings"].(map[string]any)["managers"].([]any)[0].(map[string]any)["email"]; got != "manager@example.com" {
			t.Fatalf("a manager's e-mail is kept as %q, want it trimmed and lower-case", got)
		}
		elsewhere := s.d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": map[string]any{"managers": []map[string]any{
			{"name": "Carl", "phone": "+79000000040"},
		}}})
		wTeam, wElse := team["id"].(string), elsewhere["id"].(string)

		mine := s.seedCallback(t, 1, wTeam, "Anna", "manager@example.com")
		boris := s.seedCallback(t, 2, wTeam, "Boris", "boris@example.com")
		waiting := s.seedCallback(t, 3, wTeam, "", "")
		otherTeam := s.seedCallback(t, 4, wElse, "", "")
		dima := s.seedCallback(t, 5, wTeam, "Dima", "")
		quiz := s.seedLead(t, 6, time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), "quiz", "w-quiz", "direct")

		want := []string{quiz, mine, waiting}
		slices.Sort(want)
		got := anyRowsOf(s.inbox(s.manager, ""))
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("the manager's inbox lists %v, want their call, the one nobody took and the quiz lead: %v", got, want)
		}
		if all := anyRowsOf(s.inbox(s.op, "")); len(all) != 6 {
			t.Fatalf("the operator's inbox lists %v, want all 6 leads", all)
		}

		lead := "/app/sites/" + s.siteID + "/inbox/"
		wantStatus(t, "the manager opens their call", s.manager.get(lead+mine), http.StatusOK)
		for _, id := range []string{boris, otherTeam, dima} {
			wantStatus(t, "the manager opens "+id, s.manager.get(lead+id), http.StatusNotFound)
			p := s.manager.submit(lead+mine, lead+id+"/status", url.Values{"status": {"won"}})
			wantStatus(t, "the manager works "+id, p, http.StatusNotFound)
			if l, _ := s.d.Store.GetLead(t.Context(), s.siteID, id); l.Status != store.LeadNew {
				t.Fatalf("a refused status change changed %s: %s", id, l.Status)
			}
		}
		wantStatus(t, "the operator opens Boris's call", s.op.get(lead+boris), http.StatusOK)

		export := s.manager.get("/app/sites/" + s.siteID + "/inbox/export.jsonl")
		wantStatus(t, "the manager's export", export, http.StatusOK)
		var exported []string
		dec := json.NewDecoder(strings.NewReader(export.Body))
		for dec.More() {
			var row map[string]any
			if err := dec.Decode(&row); err != nil {
				t.Fatalf("export: %v: %s", err, export.Body)
			}
			exported = append(exported, row["id"].(string))
		}
		slices.Sort(exported)
		if !slices.Equal(exported, want) {
			t.Fatalf("the manager's export holds %v, want %v", exported, want)
		}

		csrf := s.manager.pageCSRF("/app/sites/" + s.siteID)
		for _, path := range []string{"/leads", "/leads/" + boris, "/callbacks", "/leads.csv"} {
			wantStatus(t, "the manager reads the API's "+path, s.manager.api("GET", "/api/v1/sites/"+s.siteID+path, csrf, ""), http.StatusForbidden)
		}
		wantStatus(t, "the manager reads widgets", s.manager.api("GET", "/api/v1/sites/"+s.siteID+"/widgets", csrf, ""), http.StatusOK)
	})
}

// TestManagersLiveInboxLeavesOutOthersCalls: a manager's open live inbox
// does not get a new callback request of a widget that does not list
// them, while the pop-up lead that follows it arrives.
func TestManagersLiveInboxLeavesOutOthersCalls(t *testing.T) {
	t.Parallel()
	s := newInboxSite(t, servertest.NewStore(t, "embedded"))
	key, popup := s.popup(t)
	s.d.CreateWidget(s.siteID, map[string]any{"type": "callback", "settings": map[string]any{"managers": []map[string]any{
		{"name": "Carl", "phone": "+79000000040", "email": "carl@example.com"},
	}}})
	events, stop := s.stream(t, "/live?lang=ru")
	defer stop()
	r := s.d.Request("POST", "/w/v1/"+key+"/callbacks", map[string]any{"phone": "+79161234567", "visitor_id": "v-call"},
		"Origin", "https://a.example")
	if r.Status >= 300 {
		t.Fatalf("callback request: %d %s", r.Status, r.Body)
	}
	id := s.postPopupLead(t, popup, key, "Анна", "a-1")
	if ev := nextEvent(t, events); ev.ID != id {
		t.Fatalf("the manager's stream got %s first, want the pop-up lead %s (Carl's call is not theirs)", ev.ID, id)
	}
}
