package storetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// calledCallback is a fresh request that went through one cycle: the
// manager's leg and the visitor's, both ended, the request failed.
func calledCallback(t *testing.T, st store.Store, siteID string) store.Callback {
	t.Helper()
	c := createCallback(t, st, siteID)
	at := c.CreatedAt.Add(time.Second)
	c, err := st.UpdateCallback(ctx(t), siteID, c.ID, func(c *store.Callback) error {
		c.Legs = []store.Leg{
			{ID: "leg_m", CallID: "CA1", Kind: "manager", Attempt: 1, Phone: "+79000000010", Status: "ended", Outcome: "answered", StartedAt: at, EndedAt: at},
			{ID: "leg_v", CallID: "CA2", Kind: "visitor", Attempt: 1, Phone: c.Phone, Status: "ended", Outcome: "no-answer", StartedAt: at, EndedAt: at},
		}
		c.Status, c.Reason, c.EndedAt, c.Attempt, c.Manager = "failed", "no-answer", at, 1, "Анна"
		return nil
	})
	must(t, "UpdateCallback", err)
	return c
}

// wantRedacted fails unless got is c without its visitor's personal data,
// everything else kept.
func wantRedacted(t *testing.T, what string, got, c store.Callback) {
	t.Helper()
	raw, _ := json.Marshal(got)
	for _, personal := range []string{c.Phone, c.Name, c.IP, c.PageURL, c.Referrer, "spring"} {
		if strings.Contains(string(raw), personal) {
			t.Fatalf("%s still holds %q: %s", what, personal, raw)
		}
	}
	want := c
	want.Redact()
	wantCallback(t, what, got, want)
	if got.ID != c.ID || got.VisitorID != c.VisitorID || got.Status != c.Status || len(got.Legs) != 2 ||
		got.Legs[1].Outcome != "no-answer" || got.Legs[0].Phone != "+79000000010" ||
		got.Consent == nil || got.Consent.Version != "v1" || !got.CreatedAt.Equal(c.CreatedAt) {
		t.Fatalf("%s lost what is not personal: %s", what, raw)
	}
}

var callbackRedactTests = []test{
	{"redaction removes the visitor's data and frees the phone", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		c := calledCallback(t, st, s.ID)
		// In progress again (a retry), so it would absorb a repeat.
		c, err := st.UpdateCallback(ctx(t), s.ID, c.ID, func(c *store.Callback) error {
			c.Status, c.EndedAt = "queued", time.Time{}
			return nil
		})
		must(t, "UpdateCallback", err)
		got, err := st.RedactCallback(ctx(t), s.ID, c.ID)
		must(t, "RedactCallback", err)
		wantRedacted(t, "RedactCallback result", got, c)
		stored, err := st.GetCallback(ctx(t), s.ID, c.ID)
		must(t, "GetCallback", err)
		wantRedacted(t, "the stored request", stored, c)

		// The same phone again, inside the window: a new request.
		again := newCallback(s.ID)
		again.Phone, again.CreatedAt = c.Phone, c.CreatedAt.Add(time.Minute)
		res, created, err := st.CreateCallback(ctx(t), again, again.CreatedAt.Add(-dedupeWindow))
		must(t, "CreateCallback", err)
		if !created {
			t.Fatalf("a request for the redacted phone was absorbed by %s", res.ID)
		}
		list, err := st.ListCallbacks(ctx(t), s.ID, time.Time{}, 0)
		must(t, "ListCallbacks", err)
		if want := []string{again.ID, c.ID}; !slices.Equal(callbackIDs(list), want) {
			t.Fatalf("ListCallbacks after redaction: %v, want %v", callbackIDs(list), want)
		}
		wantRedacted(t, "the listed request", list[1], c)
		// The new request took the phone's index: it absorbs its repeat.
		third := newCallback(s.ID)
		third.Phone, third.CreatedAt = c.Phone, again.CreatedAt.Add(time.Second)
		res, created, err = st.CreateCallback(ctx(t), third, third.CreatedAt.Add(-dedupeWindow))
		must(t, "CreateCallback", err)
		if created || res.ID != again.ID {
			t.Fatalf("repeat of the new request: created=%v, stored %s; want %s", created, res.ID, again.ID)
		}

		twice, err := st.RedactCallback(ctx(t), s.ID, c.ID)
		must(t, "RedactCallback again", err)
		wantRedacted(t, "redacted twice", twice, c)
	}},
	{"redacting an older request keeps the newer one's dedupe", func(t *testing.T, st store.Store) {
		s := createSite(t, st)
		old := calledCallback(t, st, s.ID) // ended: the phone's next request is new
		newer := newCallback(s.ID)
		newer.Phone, newer.CreatedAt = old.Phone, old.CreatedAt.Add(time.Minute)
		mustCreateCallback(t, st, newer)
		_, err := st.RedactCallback(ctx(t), s.ID, old.ID)
		must(t, "RedactCallback", err)
		repeat := newCallback(s.ID)
		repeat.Phone, repeat.CreatedAt = old.Phone, newer.CreatedAt.Add(time.Second)
		res, created, err := st.CreateCallback(ctx(t), repeat, repeat.CreatedAt.Add(-dedupeWindow))
		must(t, "CreateCallback", err)
		if created || res.ID != newer.ID {
			t.Fatalf("repeat after redacting an older request: created=%v, stored %s; want %s", created, res.ID, newer.ID)
		}
		got, err := st.GetCallback(ctx(t), s.ID, newer.ID)
		must(t, "GetCallback", err)
		wantCallback(t, "the newer request", got, newer)
	}},
	{"redacting another site's request is ErrNotFound and changes nothing", func(t *testing.T, st store.Store) {
		s, other := createSite(t, st), createSite(t, st)
		c := calledCallback(t, st, s.ID)
		_, err := st.RedactCallback(ctx(t), other.ID, c.ID)
		wantErr(t, "RedactCallback of another site's request", err, store.ErrNotFound)
		_, err = st.RedactCallback(ctx(t), s.ID, newID("callback"))
		wantErr(t, "RedactCallback of no request", err, store.ErrNotFound)
		got, err := st.GetCallback(ctx(t), s.ID, c.ID)
		must(t, "GetCallback", err)
		wantCallback(t, "the request after refusals", got, c)
	}},
}
