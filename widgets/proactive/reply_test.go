package proactive_test

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

// boiler is a proactive message that asks a phone or an e-mail and the
// consent after the reply.
var boiler = least(`"consent":{"required":true}`)

func replyBody(submission string) map[string]any {
	return map[string]any{"visitor_id": "v1", "submission_id": submission,
		"text":    "Дом 120 м², нужен газовый котёл.\nСколько стоит монтаж?",
		"contact": map[string]any{"name": "Анна", "phone": "8 (912) 345-67-89"},
		"consent": true, "lang": "ru", "page_url": "https://shop.example/boilers?utm_source=ya",
		"referrer": "https://yandex.ru/search", "utm": map[string]any{"utm_source": "ya", "utm_campaign": "winter", "x": "dropped"}}
}

// TestReplyReachesTheInboxOnce: a reply is a lead of type proactive in
// the site's inbox, with the message it answered, the reply, the phone
// read in the site's region, the consent and where the visitor came from;
// the owner's webhook gets lead.submitted; a retry with the same
// submission id is the same lead, and no second notice.
func TestReplyReachesTheInboxOnce(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) { c.WebhookAllowPrivate = true }}))
		owner := newHooks(t)
		r := e.Admin("PUT", "/api/v1/sites/"+e.siteID+"/channels", map[string]any{"webhook": map[string]any{"url": owner.URL + "/hook"}})
		servertest.ExpectStatus(t, r, http.StatusOK)
		wid := e.proactive(boiler)

		r = e.reply(wid, replyBody("r-1"))
		servertest.ExpectStatus(t, r, http.StatusCreated)
		id := r.JSON(t)["lead_id"]
		again := e.reply(wid, replyBody("r-1"))
		servertest.ExpectStatus(t, again, http.StatusCreated)
		if again.JSON(t)["lead_id"] != id {
			t.Fatalf("a retry made lead %v, want the same %v", again.JSON(t)["lead_id"], id)
		}

		leads := e.inbox()
		if len(leads) != 1 {
			t.Fatalf("inbox has %d proactive leads after a reply and its retry, want 1", len(leads))
		}
		l := leads[0]
		contact, _ := l["contact"].(map[string]any)
		if l["id"] != id || l["widget_id"] != wid || l["type"] != "proactive" || contact["phone"] != "+79123456789" || contact["name"] != "Анна" {
			t.Fatalf("stored lead %v", l)
		}
		answers, _ := l["answers"].([]any)
		if len(answers) != 1 {
			t.Fatalf("answers %v, want the reply", l["answers"])
		}
		a := answers[0].(map[string]any)
		if a["title"] != "Ищете котёл? Подберу за 2 минуты" || a["text"] != "Дом 120 м², нужен газовый котёл.\nСколько стоит монтаж?" {
			t.Errorf("the answer %v: want the message as the visitor saw it and the whole reply", a)
		}
		if l["summary"] != "Дом 120 м², нужен газовый котёл." {
			t.Errorf("summary %q, want the reply's first line", l["summary"])
		}
		if c, _ := l["consent"].(map[string]any); c == nil || c["version"] != "1" {
			t.Errorf("the consent is not kept with the lead: %v", l["consent"])
		}
		utm, _ := l["utm"].(map[string]any)
		if l["page_url"] != "https://shop.example/boilers?utm_source=ya" || l["source"] != "ya" || utm["utm_campaign"] != "winter" || utm["x"] != nil {
			t.Errorf("page, source and UTM: %v %v %v", l["page_url"], l["source"], l["utm"])
		}

		hook := owner.next(t)
		if hook["type"] != "lead.submitted" || !strings.Contains(fmt.Sprint(hook["data"]), id.(string)) {
			t.Fatalf("webhook %v, want lead.submitted", hook)
		}
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

		// Another reply of the same visitor is another lead.
		servertest.ExpectStatus(t, e.reply(wid, replyBody("r-2")), http.StatusCreated)
		if n := len(e.inbox()); n != 2 {
			t.Fatalf("inbox has %d leads after a second reply, want 2", n)
		}
	})
}

// TestReplyRefusedWithItsField: each wrong reply is 422 naming its field,
// and nothing reaches the inbox.
func TestReplyRefusedWithItsField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(map[string]any)
		field string
	}{
		{"no text", func(b map[string]any) { delete(b, "text") }, "text"},
		{"blank text", func(b map[string]any) { b["text"] = "  \n " }, "text"},
		{"text too long", func(b map[string]any) { b["text"] = strings.Repeat("к", 1001) }, "text"},
		{"no phone nor e-mail", func(b map[string]any) { b["contact"] = map[string]any{"name": "Анна"} }, "contact.phone"},
		{"bad phone", func(b map[string]any) { b["contact"] = map[string]any{"phone": "12"} }, "contact.phone"},
		{"bad e-mail", func(b map[string]any) { b["contact"] = map[string]any{"email": "anna@@shop"} }, "contact.email"},
		{"name on two lines", func(b map[string]any) { b["contact"].(map[string]any)["name"] = "Анна\nБорисовна" }, "contact.name"},
		{"no consent", func(b map[string]any) { b["consent"] = false }, "consent"},
		{"no visitor", func(b map[string]any) { delete(b, "visitor_id") }, "visitor_id"},
		{"no submission id", func(b map[string]any) { delete(b, "submission_id") }, "submission_id"},
		{"unknown language", func(b map[string]any) { b["lang"] = "de" }, "lang"},
		{"utm on two lines", func(b map[string]any) { b["utm"] = map[string]any{"utm_source": "a\nb"} }, "utm.utm_source"},
	}
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) {
			// Every case from its own address: the refusals' own limit is another test's.
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		}}))
		wid := e.proactive(boiler)
		for i, c := range cases {
			b := replyBody(fmt.Sprint("bad-", i))
			c.edit(b)
			r := e.reply(wid, b, "X-Forwarded-For", "203.0.113."+strconv.Itoa(i+1))
			servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
			if got := r.ErrorField(t); got != c.field {
				t.Errorf("%s: field %q, want %q (%s)", c.name, got, c.field, r.Body)
			}
		}
		// Only the e-mail is asked: a phone alone is not enough.
		email := e.proactive(least(`"ask_contact":"email"`))
		b := replyBody("e1")
		b["contact"] = map[string]any{"phone": "+79123456789"}
		r := e.reply(email, b, "X-Forwarded-For", "198.51.100.1")
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if got := r.ErrorField(t); got != "contact.email" {
			t.Errorf("e-mail asked, phone given: field %q", got)
		}
		if n := len(e.inbox()); n != 0 {
			t.Fatalf("refused replies left %d leads", n)
		}
		// A message without a reply field takes no replies.
		noReply := e.proactive(least(`"reply":false,"action":{"type":"link","url":"/boilers"}`))
		servertest.ExpectStatus(t, e.reply(noReply, replyBody("x"), "X-Forwarded-For", "198.51.100.2"), http.StatusNotFound)
	})
}

// TestReplyWithoutContact: a message that asks no contact keeps the reply
// alone, and drops contacts a client sends anyway.
func TestReplyWithoutContact(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.proactive(least(`"ask_contact":"none"`))
		b := replyBody("n1")
		delete(b, "consent")
		servertest.ExpectStatus(t, e.reply(wid, b), http.StatusCreated)
		leads := e.inbox()
		if len(leads) != 1 {
			t.Fatalf("inbox has %d leads, want the reply", len(leads))
		}
		if c, _ := leads[0]["contact"].(map[string]any); len(c) != 0 {
			t.Errorf("contacts not asked were kept: %v", c)
		}
		if leads[0]["summary"] != "Дом 120 м², нужен газовый котёл." {
			t.Errorf("summary %v", leads[0]["summary"])
		}
	})
}

// TestReplyLimitAndHoneypot: a bot that fills the hidden field is told
// what a person is told and nothing is stored; one address gets 4 new
// replies per 20 minutes, then 429 with Retry-After, and the 5th is not
// stored; one visitor gets 4 even from several addresses.
func TestReplyLimitAndHoneypot(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) {
			c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		}}))
		wid := e.proactive(boiler)
		from := func(ip, visitor, submission string) servertest.Response {
			b := replyBody(submission)
			b["visitor_id"] = visitor
			return e.reply(wid, b, "X-Forwarded-For", ip)
		}

		bot := replyBody("bot")
		bot["website"] = "http://spam.example"
		servertest.ExpectStatus(t, e.reply(wid, bot, "X-Forwarded-For", "192.0.2.99"), http.StatusCreated)
		if n := len(e.inbox()); n != 0 {
			t.Fatalf("the honeypot's reply was stored (%d leads)", n)
		}

		for i := range 4 {
			servertest.ExpectStatus(t, from("192.0.2.1", fmt.Sprint("visitor-", i), fmt.Sprint("s", i)), http.StatusCreated)
		}
		r := from("192.0.2.1", "visitor-5", "s5")
		servertest.ExpectStatus(t, r, http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		if n := len(e.inbox()); n != 4 {
			t.Fatalf("inbox has %d leads, want the 4 allowed", n)
		}
		// A retry of a stored reply is answered even past the limit.
		servertest.ExpectStatus(t, from("192.0.2.1", "visitor-0", "s0"), http.StatusCreated)

		// One visitor from several addresses.
		for i := range 4 {
			servertest.ExpectStatus(t, from("198.51.100."+strconv.Itoa(i+1), "roamer", fmt.Sprint("m", i)), http.StatusCreated)
		}
		servertest.ExpectStatus(t, from("198.51.100.9", "roamer", "m9"), http.StatusTooManyRequests)
		if n := len(e.inbox()); n != 8 {
			t.Fatalf("inbox has %d leads, want 8", n)
		}
	})
}

// TestConcurrentRetriesAreOneReply: the same reply sent many times at once
// (a flaky network retrying) is one lead; every answer that is not a
// refusal by the limits names it.
func TestConcurrentRetriesAreOneReply(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.proactive(boiler)
		const n = 8
		answers := make(chan servertest.Response, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers <- e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+wid+"/replies", replyBody("same"), "Origin", origin)
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
			t.Fatalf("%d concurrent sends of one reply: %d leads stored, answers named %v", n, len(leads), ids)
		}
	})
}
