package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newLead(siteID string) store.Lead {
	t := now()
	return store.Lead{
		ID:        newID("ld"),
		SiteID:    siteID,
		WidgetID:  newID("widget"),
		Type:      "quiz",
		Status:    store.LeadNew,
		VisitorID: newID("visitor"),
		Contact:   store.LeadContact{Name: "Олена <b>", Phone: newPhone(), Email: "o@example.com"},
		Answers: []store.LeadAnswer{
			{Step: "rooms", Title: "Сколько комнат?", Value: json.RawMessage(`"r3"`), Text: "3"},
			{Step: "area", Title: "Площадь", Value: json.RawMessage(`72.5`), Text: "72,5 м²"},
		},
		Result:      &store.LeadResult{Screen: "big", Title: "Большой ремонт", Values: map[string]float64{"price": 420000.5}},
		Summary:     "3-room renovation, estimate 420 000 ₽",
		QuizVersion: 2,
		SessionID:   newID("session"),
		Lang:        "ru",
		PageURL:     "https://shop.example/quiz?x=1",
		UTM:         map[string]string{"utm_source": "ads"},
		Hidden:      map[string]string{"city": "Kyiv"},
		Source:      "ads",
		IP:          "203.0.113.7",
		Consent:     &store.Consent{Version: "v1", At: t, IP: "203.0.113.7"},
		CreatedAt:   t,
		UpdatedAt:   t,
	}
}

// createLead stores l, which must be new.
func createLead(t *testing.T, st store.Store, l store.Lead) store.Lead {
	t.Helper()
	stored, created, err := st.CreateLead(ctx(t), l)
	must(t, "CreateLead", err)
	if !created {
		t.Fatalf("CreateLead of new lead %s returned created=false", l.ID)
	}
	wantLead(t, "CreateLead result", stored, l)
	return l
}

// leadJSON is l as JSON with its times in UTC, so equal leads give equal
// text whatever a store's round trip did to the times' representation.
func leadJSON(l store.Lead) string {
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	if l.Consent != nil {
		c := *l.Consent
		c.At = c.At.UTC()
		l.Consent = &c
	}
	raw, err := json.Marshal(l)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

func wantLead(t *testing.T, what string, got, want store.Lead) {
	t.Helper()
	if g, w := leadJSON(got), leadJSON(want); g != w {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

func leadIDs(list []store.Lead) []string {
	ids := make([]string, len(list))
	for i, l := range list {
		ids[i] = l.ID
	}
	return ids
}

func listLeads(t *testing.T, st store.Store, siteID string, f store.LeadFilter) []string {
	t.Helper()
	list, err := st.ListLeads(ctx(t), siteID, f)
	must(t, "ListLeads", err)
	return leadIDs(list)
}

func wantIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s:\n got %q\nwant %q", what, got, want)
	}
}

// cursorOf is the cursor that continues after l.
func cursorOf(l store.Lead) store.LeadCursor {
	return store.LeadCursor{CreatedAt: l.CreatedAt, ID: l.ID}
}

var leadTests = []test{
	{"create and get", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		l := createLead(t, st, newLead(site.ID))
		got, err := st.GetLead(ctx(t), site.ID, l.ID)
		must(t, "GetLead", err)
		wantLead(t, "GetLead", got, l)
	}},
	{"a repeated create returns the stored lead and changes nothing", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		l := createLead(t, st, newLead(site.ID))
		retry := newLead(site.ID)
		retry.ID, retry.Contact.Name, retry.Status = l.ID, "Someone else", store.LeadWon
		stored, created, err := st.CreateLead(ctx(t), retry)
		must(t, "CreateLead again", err)
		if created {
			t.Fatal("a second CreateLead of one ID returned created=true")
		}
		wantLead(t, "CreateLead of a taken ID", stored, l)
		got, err := st.GetLead(ctx(t), site.ID, l.ID)
		must(t, "GetLead", err)
		wantLead(t, "GetLead after the repeat", got, l)
		wantIDs(t, "ListLeads", listLeads(t, st, site.ID, store.LeadFilter{}), []string{l.ID})
	}},
	{"concurrent creates of one ID make one lead", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		id := newID("ld")
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []string // contact names of the calls that created
			stored  []string
		)
		for i := range concurrency {
			wg.Go(func() {
				l := newLead(site.ID)
				l.ID, l.Contact.Name = id, fmt.Sprintf("caller %d", i)
				got, created, err := st.CreateLead(ctx(t), l)
				if err != nil {
					t.Errorf("CreateLead: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if created {
					winners = append(winners, l.Contact.Name)
				}
				stored = append(stored, got.Contact.Name)
			})
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("%d of %d concurrent creates say they created the lead: %q", len(winners), concurrency, winners)
		}
		for _, name := range stored {
			if name != winners[0] {
				t.Fatalf("a create returned the lead of %q, but %q created it", name, winners[0])
			}
		}
		got, err := st.GetLead(ctx(t), site.ID, id)
		must(t, "GetLead", err)
		if got.Contact.Name != winners[0] {
			t.Fatalf("stored lead is %q's, want the creator %q's", got.Contact.Name, winners[0])
		}
		wantIDs(t, "ListLeads", listLeads(t, st, site.ID, store.LeadFilter{}), []string{id})
	}},
	{"unknown site or lead is not found", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		_, _, err := st.CreateLead(ctx(t), newLead("no-such-site"))
		wantErr(t, "CreateLead for a missing site", err, store.ErrNotFound)
		_, err = st.GetLead(ctx(t), site.ID, "no-such-lead")
		wantErr(t, "GetLead", err, store.ErrNotFound)
		_, err = st.UpdateLead(ctx(t), site.ID, "no-such-lead", func(*store.Lead) error {
			t.Error("UpdateLead called fn for a missing lead")
			return nil
		})
		wantErr(t, "UpdateLead", err, store.ErrNotFound)
		wantErr(t, "DeleteLead", st.DeleteLead(ctx(t), site.ID, "no-such-lead"), store.ErrNotFound)
		wantIDs(t, "ListLeads of the missing site", listLeads(t, st, "no-such-site", store.LeadFilter{}), nil)
	}},
	{"list newest first, equal times by ID descending", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		base := now()
		// Created in an order that is neither the time nor the ID order.
		var leads []store.Lead
		for _, c := range []struct {
			id     string
			offset time.Duration
		}{{"ld-b", time.Second}, {"ld-c", 0}, {"ld-a", time.Second}, {"ld-d", 2 * time.Second}, {"ld-e", time.Nanosecond}} {
			l := newLead(site.ID)
			l.ID, l.CreatedAt = c.id, base.Add(c.offset)
			leads = append(leads, createLead(t, st, l))
		}
		want := []string{"ld-d", "ld-b", "ld-a", "ld-e", "ld-c"}
		list, err := st.ListLeads(ctx(t), site.ID, store.LeadFilter{})
		must(t, "ListLeads", err)
		wantIDs(t, "ListLeads", leadIDs(list), want)
		for _, got := range list {
			i := slices.IndexFunc(leads, func(l store.Lead) bool { return l.ID == got.ID })
			wantLead(t, "ListLeads entry", got, leads[i])
		}
		wantIDs(t, "ListLeads limit 2", listLeads(t, st, site.ID, store.LeadFilter{Limit: 2}), want[:2])
	}},
	{"filters by type and status follow updates", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		base := now()
		kinds := []struct{ typ, status string }{
			{"quiz", store.LeadNew}, {"callback", store.LeadNew}, {"quiz", store.LeadWon},
			{"callback", store.LeadInProgress}, {"quiz", store.LeadNew},
		}
		ids := make([]string, len(kinds))
		for i, k := range kinds {
			l := newLead(site.ID)
			l.Type, l.Status, l.CreatedAt = k.typ, k.status, base.Add(time.Duration(i)*time.Second)
			ids[i] = createLead(t, st, l).ID
		}
		wantIDs(t, "type quiz", listLeads(t, st, site.ID, store.LeadFilter{Type: "quiz"}), []string{ids[4], ids[2], ids[0]})
		wantIDs(t, "type callback", listLeads(t, st, site.ID, store.LeadFilter{Type: "callback"}), []string{ids[3], ids[1]})
		wantIDs(t, "status new", listLeads(t, st, site.ID, store.LeadFilter{Status: store.LeadNew}), []string{ids[4], ids[1], ids[0]})
		wantIDs(t, "quiz and new", listLeads(t, st, site.ID, store.LeadFilter{Type: "quiz", Status: store.LeadNew}), []string{ids[4], ids[0]})
		wantIDs(t, "quiz and new, limit 1", listLeads(t, st, site.ID, store.LeadFilter{Type: "quiz", Status: store.LeadNew, Limit: 1}), []string{ids[4]})
		wantIDs(t, "type form", listLeads(t, st, site.ID, store.LeadFilter{Type: "form"}), nil)

		_, err := st.UpdateLead(ctx(t), site.ID, ids[0], func(l *store.Lead) error {
			l.Status = store.LeadLost
			return nil
		})
		must(t, "UpdateLead", err)
		wantIDs(t, "status new after the update", listLeads(t, st, site.ID, store.LeadFilter{Status: store.LeadNew}), []string{ids[4], ids[1]})
		wantIDs(t, "status lost after the update", listLeads(t, st, site.ID, store.LeadFilter{Status: store.LeadLost}), []string{ids[0]})
		wantIDs(t, "quiz and lost", listLeads(t, st, site.ID, store.LeadFilter{Type: "quiz", Status: store.LeadLost}), []string{ids[0]})
	}},
	{"pages neither skip nor repeat while newer leads arrive", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		base := now().Add(-time.Hour)
		var want, won []string // newest first
		for i := range 23 {
			l := newLead(site.ID)
			// Groups of three share a time, so pages end within ties.
			l.ID, l.CreatedAt = fmt.Sprintf("old-%02d", i), base.Add(time.Duration(i/3)*time.Second)
			l.Status = []string{store.LeadNew, store.LeadWon}[i%2]
			createLead(t, st, l)
			want = append([]string{l.ID}, want...)
			if l.Status == store.LeadWon {
				won = append([]string{l.ID}, won...)
			}
		}
		insert := func() error {
			l := newLead(site.ID)
			l.Status = store.LeadWon
			_, _, err := st.CreateLead(ctx(t), l)
			return err
		}
		// Newer leads arrive all the while the pages are read, and at least
		// one between any two pages.
		stop := make(chan struct{})
		var inserter sync.WaitGroup
		inserter.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := insert(); err != nil {
					t.Errorf("CreateLead: %v", err)
					return
				}
			}
		})
		defer inserter.Wait()
		defer close(stop)
		pages := func(f store.LeadFilter) []string {
			var got []string
			for {
				list, err := st.ListLeads(ctx(t), site.ID, f)
				must(t, "ListLeads", err)
				if len(list) > f.Limit {
					t.Fatalf("a page of %d leads, limit %d", len(list), f.Limit)
				}
				if len(list) == 0 {
					return got
				}
				got = append(got, leadIDs(list)...)
				f.After = cursorOf(list[len(list)-1])
				must(t, "CreateLead", insert())
			}
		}
		// The first page may hold new leads; after them come the old ones,
		// each once.
		old := func(ids []string) []string {
			for i, id := range ids {
				if slices.Contains(ids[:i], id) {
					t.Fatalf("lead %s listed twice", id)
				}
			}
			return slices.DeleteFunc(ids, func(id string) bool { return id[:4] != "old-" })
		}
		wantIDs(t, "pages of 4", old(pages(store.LeadFilter{Limit: 4})), want)
		wantIDs(t, "pages of 3 won leads", old(pages(store.LeadFilter{Limit: 3, Status: store.LeadWon})), won)
	}},
	{"update keeps the lead's identity and changes the rest", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		l := createLead(t, st, newLead(site.ID))
		want := l
		want.Status, want.Note, want.Partial, want.UpdatedAt = store.LeadInProgress, "called back, thinking", true, l.UpdatedAt.Add(time.Minute)
		got, err := st.UpdateLead(ctx(t), site.ID, l.ID, func(cur *store.Lead) error {
			wantLead(t, "fn's lead", *cur, l)
			cur.Status, cur.Note, cur.Partial, cur.UpdatedAt = want.Status, want.Note, want.Partial, want.UpdatedAt
			// None of these may move.
			cur.ID, cur.SiteID, cur.Type, cur.VisitorID, cur.CreatedAt = "other", "other-site", "callback", "other-visitor", l.CreatedAt.Add(time.Hour)
			return nil
		})
		must(t, "UpdateLead", err)
		wantLead(t, "UpdateLead result", got, want)
		got, err = st.GetLead(ctx(t), site.ID, l.ID)
		must(t, "GetLead", err)
		wantLead(t, "GetLead after update", got, want)
		wantIDs(t, "ListLeads of its type", listLeads(t, st, site.ID, store.LeadFilter{Type: "quiz"}), []string{l.ID})
		visitor, err := st.VisitorLeads(ctx(t), site.ID, l.VisitorID)
		must(t, "VisitorLeads", err)
		wantIDs(t, "VisitorLeads", leadIDs(visitor), []string{l.ID})
		_, err = st.GetLead(ctx(t), site.ID, "other")
		wantErr(t, "GetLead of the ID fn set", err, store.ErrNotFound)
	}},
	{"update fn error changes nothing", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		l := createLead(t, st, newLead(site.ID))
		errRefused := errors.New("refused by fn")
		_, err := st.UpdateLead(ctx(t), site.ID, l.ID, func(cur *store.Lead) error {
			cur.Status = store.LeadWon
			return errRefused
		})
		if err != errRefused {
			t.Fatalf("UpdateLead returned %v, want fn's error unchanged", err)
		}
		got, err := st.GetLead(ctx(t), site.ID, l.ID)
		must(t, "GetLead", err)
		wantLead(t, "lead after a refused update", got, l)
		wantIDs(t, "won leads", listLeads(t, st, site.ID, store.LeadFilter{Status: store.LeadWon}), nil)
	}},
	{"concurrent updates lose nothing", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		l := createLead(t, st, newLead(site.ID))
		var wg sync.WaitGroup
		var want []string
		for i := range concurrency {
			step := fmt.Sprintf("s%d", i)
			want = append(want, step)
			wg.Go(func() {
				_, err := st.UpdateLead(ctx(t), site.ID, l.ID, func(cur *store.Lead) error {
					cur.Answers = append(cur.Answers, store.LeadAnswer{Step: step, Value: json.RawMessage(`1`)})
					return nil
				})
				if err != nil {
					t.Errorf("UpdateLead: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := st.GetLead(ctx(t), site.ID, l.ID)
		must(t, "GetLead", err)
		var steps []string
		for _, a := range got.Answers[len(l.Answers):] {
			steps = append(steps, a.Step)
		}
		if !sameStrings(steps, want) {
			t.Fatalf("after %d concurrent updates: answers %q, want %q", concurrency, steps, want)
		}
	}},
	{"delete", func(t *testing.T, st store.Store) {
		site := createSite(t, st)
		l := createLead(t, st, newLead(site.ID))
		kept := createLead(t, st, newLead(site.ID))
		must(t, "DeleteLead", st.DeleteLead(ctx(t), site.ID, l.ID))
		_, err := st.GetLead(ctx(t), site.ID, l.ID)
		wantErr(t, "GetLead after delete", err, store.ErrNotFound)
		wantErr(t, "DeleteLead again", st.DeleteLead(ctx(t), site.ID, l.ID), store.ErrNotFound)
		wantIDs(t, "ListLeads after delete", listLeads(t, st, site.ID, store.LeadFilter{}), []string{kept.ID})
		wantIDs(t, "ListLeads of its type", listLeads(t, st, site.ID, store.LeadFilter{Type: l.Type, Status: l.Status}), []string{kept.ID})
		visitor, err := st.VisitorLeads(ctx(t), site.ID, l.VisitorID)
		must(t, "VisitorLeads", err)
		wantIDs(t, "VisitorLeads after delete", leadIDs(visitor), nil)
		// The ID is free again.
		createLead(t, st, l)
	}},
	{"visitor leads, newest first", func(t *testing.T, st store.Store) {
		site, other := createSite(t, st), createSite(t, st)
		visitor, base := newID("visitor"), now()
		var want []string
		for i, offset := range []time.Duration{time.Second, 0, 2 * time.Second} {
			l := newLead(site.ID)
			l.VisitorID, l.CreatedAt, l.Type = visitor, base.Add(offset), []string{"quiz", "callback"}[i%2]
			createLead(t, st, l)
			want = append(want, l.ID)
		}
		want = []string{want[2], want[0], want[1]}
		createLead(t, st, newLead(site.ID)) // another visitor
		elsewhere := newLead(other.ID)      // the same visitor on another site
		elsewhere.VisitorID = visitor
		createLead(t, st, elsewhere)
		prefix := newLead(site.ID) // a visitor whose ID starts with this one's
		prefix.VisitorID = visitor + "x"
		createLead(t, st, prefix)

		list, err := st.VisitorLeads(ctx(t), site.ID, visitor)
		must(t, "VisitorLeads", err)
		wantIDs(t, "VisitorLeads", leadIDs(list), want)
		list, err = st.VisitorLeads(ctx(t), site.ID, newID("visitor"))
		must(t, "VisitorLeads", err)
		wantIDs(t, "VisitorLeads of a visitor with none", leadIDs(list), nil)
	}},
	{"another site's lead is not found", func(t *testing.T, st store.Store) {
		site, other := createSite(t, st), createSite(t, st)
		l := createLead(t, st, newLead(site.ID))
		_, err := st.GetLead(ctx(t), other.ID, l.ID)
		wantErr(t, "GetLead from another site", err, store.ErrNotFound)
		_, err = st.UpdateLead(ctx(t), other.ID, l.ID, func(cur *store.Lead) error {
			t.Error("UpdateLead called fn for another site's lead")
			return nil
		})
		wantErr(t, "UpdateLead from another site", err, store.ErrNotFound)
		wantErr(t, "DeleteLead from another site", st.DeleteLead(ctx(t), other.ID, l.ID), store.ErrNotFound)
		wantIDs(t, "ListLeads of the other site", listLeads(t, st, other.ID, store.LeadFilter{}), nil)
		visitor, err := st.VisitorLeads(ctx(t), other.ID, l.VisitorID)
		must(t, "VisitorLeads", err)
		wantIDs(t, "VisitorLeads of the other site", leadIDs(visitor), nil)
		// The other site may use the same ID for a lead of its own.
		mine := newLead(other.ID)
		mine.ID = l.ID
		createLead(t, st, mine)
		got, err := st.GetLead(ctx(t), site.ID, l.ID)
		must(t, "GetLead", err)
		wantLead(t, "the first site's lead", got, l)
	}},
}
