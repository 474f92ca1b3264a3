package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/notify/notifytest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// TestPublishFansOut: an event becomes one message for the widget's
// webhook and one per site channel subscribed to its type, each stored
// before Publish returns; publishing it again adds nothing.
func TestPublishFansOut(t *testing.T) {
	rc := newReceiver(t, status(http.StatusOK))
	bot := newFakeBotAPI(t, testBotToken, func(int) (int, string) { return http.StatusOK, telegramOK })
	portal := newFakeBitrix24(t, func(int) (int, string) { return 200, `{"result":1}` })
	st := backings["embedded"](t)()
	s, _ := channelSender(t, st, newClock(), Channels{
		Webhook:  &WebhookChannel{URL: rc.srv.URL + "/site-hook", Secret: rc.secret, Events: []string{EventLeadSubmitted, EventCallbackMissed}},
		Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42", Events: []string{EventLeadSubmitted}},
		Bitrix24: &Bitrix24Channel{URL: portal.url(), Events: []string{EventCallbackMissed}}, // not this event
	}, func(o *Options) { o.TelegramAPI = bot.srv.URL })
	var eps endpoints
	eps.set("wq", rc.hook("/widget-hook"))
	s.endpoint = eps.lookup
	e := leadEvent("site-1")
	publish(t, s, e)
	publish(t, s, e)
	if n, _ := st.PendingNotifications(context.Background()); n != 3 {
		t.Fatalf("%d stored before any delivery, want 3 (widget webhook, site webhook, telegram)", n)
	}
	run(t, s)
	log := waitLog(t, st, "site-1", 3)
	var channels []string
	for _, a := range log {
		channels = append(channels, a.Channel)
		if a.Error != "" || a.EventType != EventLeadSubmitted {
			t.Fatalf("log entry %+v", a)
		}
	}
	sort.Strings(channels)
	if !slices.Equal(channels, []string{"", "telegram", "webhook"}) {
		t.Fatalf("delivered to %q", channels)
	}
	got := rc.received()
	if len(got) != 2 || got[0].id == got[1].id || string(got[0].body) != string(got[1].body) {
		t.Fatalf("webhooks %+v: want the same body twice under two ids", got)
	}
	var env struct {
		Type string `json:"type"`
		Data struct {
			SiteID   string     `json:"site_id"`
			WidgetID string     `json:"widget_id"`
			Lead     store.Lead `json:"lead"`
		} `json:"data"`
	}
	if err := json.Unmarshal(got[0].body, &env); err != nil || env.Type != EventLeadSubmitted || env.Data.SiteID != "site-1" ||
		env.Data.WidgetID != "wq" || env.Data.Lead.ID != "ld_abc" || env.Data.Lead.Hidden["city"] != "Казань" {
		t.Fatalf("webhook body %s (%v)", got[0].body, err)
	}
	if len(portal.leads()) != 0 {
		t.Fatal("Bitrix24 got an event it is not subscribed to")
	}
}

// TestPublishKeepsOldPayloads: Data's fields stay where they were (the
// callback webhooks' shape before channels), with site_id and the lead
// added.
func TestPublishKeepsOldPayloads(t *testing.T) {
	raw, err := eventPayload(Event{Type: EventCallbackMissed, SiteID: "s1", WidgetID: "w1", Key: "cb1",
		Lead: &store.Lead{ID: "cb_cb1"}, Data: map[string]any{"callback_id": "cb1", "site_id": "s1", "reason": "manager_no_answer"}})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(raw, &m)
	if m["callback_id"] != "cb1" || m["reason"] != "manager_no_answer" || m["widget_id"] != "w1" || m["lead"].(map[string]any)["id"] != "cb_cb1" {
		t.Fatalf("payload %s", raw)
	}
	if _, err := eventPayload(Event{Type: "x.y", SiteID: "s", Key: "k", Data: []int{1}}); err == nil {
		t.Fatal("a Data that is not an object was taken")
	}
}

// TestSendTestHasTheShapeOfARealLead: "send a test" stores a
// lead.submitted whose body has every field a real quiz lead's has, for
// the channel asked whatever its events, and is delivered like one.
func TestSendTestHasTheShapeOfARealLead(t *testing.T) {
	rc := newReceiver(t, status(http.StatusOK))
	st := backings["embedded"](t)()
	s, sites := channelSender(t, st, newClock(), Channels{
		Webhook: &WebhookChannel{URL: rc.srv.URL + "/site-hook", Secret: rc.secret, Events: []string{EventLeadSubmitted, EventCallbackMissed}},
	}, nil)
	run(t, s)
	publish(t, s, leadEvent("site-1"))
	waitLog(t, st, "site-1", 1)
	sites.set("site-1", SiteInfo{Channels: Channels{Webhook: &WebhookChannel{URL: rc.srv.URL + "/site-hook", Secret: rc.secret, Events: []string{EventCallbackMissed}}}})
	id, err := s.SendTest(context.Background(), "site-1", ChannelWebhook)
	if err != nil {
		t.Fatal(err)
	}
	log := waitLog(t, st, "site-1", 2)
	if log[0].NotificationID != id || log[0].Error != "" || log[0].Channel != ChannelWebhook {
		t.Fatalf("test delivery %+v", log[0])
	}
	got := rc.received()
	real, test := notifytest.Shape(t, got[0].body), notifytest.Shape(t, got[1].body)
	if !slices.Equal(real, test) {
		t.Fatalf("the test's shape differs from a real lead's:\nreal %v\ntest %v", real, test)
	}
	if _, err := s.SendTest(context.Background(), "site-1", ChannelTelegram); !errors.Is(err, ErrNoEndpoint) {
		t.Fatalf("a test for a channel the site has not set: %v", err)
	}
}

// TestNormalizeChannels: what an owner sends is checked field by field
// (422 naming the path), secrets sent back masked keep the stored ones,
// and left-out events and secrets get their defaults.
func TestNormalizeChannels(t *testing.T) {
	o := CheckOptions{EmailEnabled: true}
	for _, tc := range []struct {
		in, field string
	}{
		{`{"webhook":{"url":"ftp://x.example"}}`, "webhook.url"},
		{`{"webhook":{"url":"https://127.0.0.1/h"}}`, "webhook.url"},
		{`{"webhook":{"url":"https://h.example/","secret":"nope"}}`, "webhook.secret"},
		{`{"webhook":{"url":"https://h.example/","events":["lead.deleted"]}}`, "webhook.events[0]"},
		{`{"webhook":{"url":"https://h.example/","events":[]}}`, "webhook.events"},
		{`{"telegram":{"bot_token":"abc","chat_id":1}}`, "telegram.bot_token"},
		{`{"telegram":{"bot_token":"` + testBotToken + `","chat_id":"chat"}}`, "telegram.chat_id"},
		{`{"telegram":{"bot_token":"` + testBotToken + `","chat_id":true}}`, "telegram.chat_id"},
		{`{"telegram":{"bot_token":"` + testBotToken + `","chat_id":{"id":5}}}`, "telegram.chat_id"},
		{`{"telegram":{"bot_token":"` + testBotToken + `","chat_id":5,"lang":"de"}}`, "telegram.lang"},
		{`{"email":{"to":[]}}`, "email.to"},
		{`{"email":{"to":["a@b.example","Bob <bob@b.example>"]}}`, "email.to[1]"},
		{`{"bitrix24":{"url":"https://x.bitrix24.ru/"}}`, "bitrix24.url"},
		{`{"bitrix24":{"url":"https://x.bitrix24.ru/rest/1/abc/","events":["callback.budget_spent"]}}`, "bitrix24.events[0]"},
		{`{"bitrix24":{"url":"https://x.bitrix24.ru/rest/1/abc/","fields":{"password":"NAME"}}}`, "bitrix24.fields.password"},
		{`{"bitrix24":{"url":"https://x.bitrix24.ru/rest/1/abc/","fields":{"hidden.city":"city"}}}`, "bitrix24.fields.hidden.city"},
	} {
		var in Channels
		if err := json.Unmarshal([]byte(tc.in), &in); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		var ve *validate.Error
		if err := in.Normalize(Channels{}, o); !errors.As(err, &ve) || ve.Field != tc.field {
			t.Errorf("%s: %v, want an error on %s", tc.in, err, tc.field)
		}
	}
	var noMail Channels
	json.Unmarshal([]byte(`{"email":{"to":["a@b.example"]}}`), &noMail)
	if err := noMail.Normalize(Channels{}, CheckOptions{}); err == nil || !strings.Contains(err.Error(), "BECKON_SMTP_URL") {
		t.Errorf("e-mail without SMTP: %v", err)
	}

	var first Channels
	json.Unmarshal([]byte(`{"webhook":{"url":"https://h.example/"},"telegram":{"bot_token":"`+testBotToken+`","chat_id":-100123},
		"bitrix24":{"url":"https://x.bitrix24.ru/rest/1/abc/crm.lead.add.json"}}`), &first)
	if err := first.Normalize(Channels{}, o); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first.Webhook.Secret, "whsec_") || first.Telegram.ChatID != "-100123" || first.Bitrix24.URL != "https://x.bitrix24.ru/rest/1/abc/" ||
		!slices.Equal(first.Webhook.Events, EventTypes) || !slices.Equal(first.Bitrix24.Events, []string{EventLeadSubmitted, EventCallbackMissed}) {
		t.Fatalf("normalized %+v %+v %+v", first.Webhook, first.Telegram, first.Bitrix24)
	}
	masked := first.Masked()
	raw, _ := json.Marshal(masked)
	for _, secret := range []string{first.Webhook.Secret, testBotToken, "/rest/1/abc/"} {
		if strings.Contains(string(raw), secret) {
			t.Fatalf("masked view shows %q: %s", secret, raw)
		}
	}
	var again Channels
	json.Unmarshal(raw, &again) // the owner's GET, sent back as it was
	if err := again.Normalize(first, o); err != nil {
		t.Fatal(err)
	}
	if again.Webhook.Secret != first.Webhook.Secret || again.Telegram.BotToken != testBotToken || again.Bitrix24.URL != first.Bitrix24.URL {
		t.Fatalf("masked values sent back replaced the secrets: %+v %+v %+v", again.Webhook, again.Telegram, again.Bitrix24)
	}
}
