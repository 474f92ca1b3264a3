package popup_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// formPopup asks for a name, a phone and the consent.
const formPopup = `{"title":"Перезвоним за 5 минут","form":{"fields":[{"name":"name"},{"name":"phone","required":true}],
	"consent":{"required":true}}}`

func leadBody(submission string) map[string]any {
	return map[string]any{"visitor_id": "v1", "submission_id": submission, "name": "Анна", "phone": "8 (912) 345-67-89",
		"consent": true, "lang": "ru", "page_url": "https://shop.example/sale"}
}

// TestLeadReachesTheInboxOnce: a sent form is a lead of type popup in the
// site's inbox, with the phone read in the site's region and the consent
// kept; the owner's webhook gets lead.submitted; a retry with the same
// submission id is the same lead, and no second notice.
func TestLeadReachesTheInboxOnce(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) { c.WebhookAllowPrivate = true }}))
		owner := newHooks(t)
		r := e.Admin("PUT", "/api/v1/sites/"+e.siteID+"/channels", map[string]any{"webhook": map[string]any{"url": owner.URL + "/hook"}})
		servertest.ExpectStatus(t, r, http.StatusOK)
		wid := e.popup(formPopup)

		r = e.lead(wid, leadBody("s-1"))
		servertest.ExpectStatus(t, r, http.StatusCreated)
		id := r.JSON(t)["lead_id"]
		again := e.lead(wid, leadBody("s-1"))
		servertest.ExpectStatus(t, again, http.StatusCreated)
		if again.JSON(t)["lead_id"] != id {
			t.Fatalf("a retry made lead %v, want the same %v", again.JSON(t)["lead_id"], id)
		}

		leads := e.inbox()
		if len(leads) != 1 {
			t.Fatalf("inbox has %d pop-up leads after a send and its retry, want 1", len(leads))
		}
		l := leads[0]
		contact, _ := l["contact"].(map[string]any)
		if l["id"] != id || l["widget_id"] != wid || l["type"] != "popup" || contact["phone"] != "+79123456789" || contact["name"] != "Анна" {
			t.Fatalf("stored lead %v", l)
		}
		if c, _ := l["consent"].(map[string]any); c == nil || c["version"] != "1" {
			t.Fatalf("the consent is not kept with the lead: %v", l["consent"])
		}
		if l["page_url"] != "https://shop.example/sale" {
			t.Errorf("page_url %v", l["page_url"])
		}

		hook := owner.next(t)
		if hook["type"] != "lead.submitted" || !strings.Contains(fmt.Sprint(hook["data"]), id.(string)) {
			t.Fatalf("webhook %v, want lead.submitted", hook)
		}
		// The retry republished the same event: at most a redelivery of the
		// same webhook-id, never a second lead.submitted.
		for {
			select {
			case more := <-owner.got:
				if more["webhook-id"] != hook["webhook-id"] {
					t.Fatalf("a retry sent a second notice %v", more)
				}
				continue
			default:
			}
			break
		}

		// Another submission of the same visitor is another lead.
		servertest.ExpectStatus(t, e.lead(wid, leadBody("s-2")), http.StatusCreated)
		if n := len(e.inbox()); n != 2 {
			t.Fatalf("inbox has %d leads after a second submission, want 2", n)
		}
	})
}

// TestLeadRefusedWithItsField: each wrong form is 422 naming its field,
// and nothing reaches the inbox.
func TestLeadRefusedWithItsField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"no phone", func(b map[string]any) { delete(b, "phone") }, "phone"},
		{"bad phone", func(b map[string]any) { b["phone"] = "12" }, "phone"},
		{"no consent", func(b map[string]any) { b["consent"] = false }, "consent"},
		{"no visitor", func(b map[string]any) { delete(b, "visitor_id") }, "visitor_id"},
		{"no submission id", func(b map[string]any) { delete(b, "submission_id") }, "submission_id"},
		{"unknown language", func(b map[string]any) { b["lang"] = "de" }, "lang"},
		{"name on two lines", func(b map[string]any) { b["name"] = "Анна\nБорисовна" }, "name"},
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.popup(formPopup)
		email := e.popup(`{"form":{"fields":[{"name":"email","required":true}]}}`)
		for i, c := range cases {
			b := leadBody(fmt.Sprint("bad-", i))
			c.edit(b)
			r := e.lead(wid, b)
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.ErrorField(t); got != c.field {
				t.Errorf("%s: field %q, want %q", c.name, got, c.field)
			}
		}
		r := e.lead(email, map[string]any{"visitor_id": "v1", "submission_id": "e1", "email": "anna@@shop"})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.ErrorField(t); got != "email" {
			t.Errorf("bad e-mail: field %q", got)
		}
		if n := len(e.inbox()); n != 0 {
			t.Fatalf("refused forms left %d leads", n)
		}
		// A pop-up without a form takes no leads.
		plain := e.popup(`{"title":"Hi"}`)
		servertest.ExpectStatus(t, e.lead(plain, leadBody("x")), http.StatusNotFound)
	})
}

// TestLeadLimitAndHoneypot: a bot that fills the hidden field is told
// what a person is told and nothing is stored; one address gets 4 new
// leads per 20 minutes, then 429 with Retry-After, and the 5th is not
// stored.
func TestLeadLimitAndHoneypot(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.popup(formPopup)

		bot := leadBody("bot")
		bot["website"] = "http://spam.example"
		r := e.lead(wid, bot)
		servertest.ExpectStatus(t, r, http.StatusCreated)
		if n := len(e.inbox()); n != 0 {
			t.Fatalf("the honeypot's submission was stored (%d leads)", n)
		}

		for i := range 4 {
			b := leadBody(fmt.Sprint("s", i))
			b["visitor_id"] = fmt.Sprint("visitor-", i) // one address, several visitors
			servertest.ExpectStatus(t, e.lead(wid, b), http.StatusCreated)
		}
		b := leadBody("s5")
		b["visitor_id"] = "visitor-5"
		r = e.lead(wid, b)
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		if n := len(e.inbox()); n != 4 {
			t.Fatalf("inbox has %d leads, want the 4 allowed", n)
		}
		// A retry of a stored lead is answered even past the limit.
		first := leadBody("s0")
		first["visitor_id"] = "visitor-0"
		servertest.ExpectStatus(t, e.lead(wid, first), http.StatusCreated)
	})
}

// TestLeadLimitPerVisitor: one visitor gets 4 new leads per 20 minutes
// even from several addresses (a phone that changes networks, a script
// behind proxies), then 429.
func TestLeadLimitPerVisitor(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		}}))
		wid := e.popup(formPopup)
		from := func(n int, submission string) servertest.Response {
			return e.Request("POST", "/w/v1/"+e.siteKey+"/popups/"+wid+"/leads", leadBody(submission),
				"Origin", origin, "X-Forwarded-For", "203.0.113."+strconv.Itoa(n))
		}
		for i := range 4 {
			servertest.ExpectStatus(t, from(i, fmt.Sprint("s", i)), http.StatusCreated)
		}
		servertest.ExpectStatus(t, from(9, "s9"), http.StatusTooManyRequests)
		if n := len(e.inbox()); n != 4 {
			t.Fatalf("inbox has %d leads, want the 4 allowed", n)
		}
	})
}

// TestConcurrentRetriesAreOneLead: the same submission sent many times at
// once (a flaky network retrying) is one lead; every answer that is not a
// refusal by the limits names it.
func TestConcurrentRetriesAreOneLead(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.popup(formPopup)
		const n = 8
		answers := make(chan servertest.Response, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers <- e.Request("POST", "/w/v1/"+e.siteKey+"/popups/"+wid+"/leads", leadBody("same"), "Origin", origin)
			}()
		}
		wg.Wait()
		close(answers)
		ids := map[any]bool{}
		for r := range answers {
			switch r.Status {
			case http.StatusCreated:
				ids[r.JSON(t)["lead_id"]] = true
			case http.StatusTooManyRequests:
			default:
				t.Errorf("a retry got %d %s", r.Status, r.Body)
			}
		}
		leads := e.inbox()
		if len(leads) != 1 || len(ids) != 1 || !ids[leads[0]["id"]] {
			t.Fatalf("%d concurrent sends of one form: %d leads stored, answers named %v", n, len(leads), ids)
		}
	})
}
