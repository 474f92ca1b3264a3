package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

const botToken = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// fakeTelegram is the Bot API's sendMessage for one bot: it records the
// JSON bodies posted to /bot<token>/sendMessage and answers as Telegram
// does.
type fakeTelegram struct {
	*httptest.Server
	mu   sync.Mutex
	sent []map[string]any
}

func newFakeTelegram(t *testing.T) *fakeTelegram {
	f := &fakeTelegram{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/bot"+botToken+"/sendMessage" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
			return
		}
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		f.mu.Lock()
		f.sent = append(f.sent, m)
		f.mu.Unlock()
		io.WriteString(w, `{"ok":true,"result":{"message_id":1}}`)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTelegram) messages() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.sent...)
}

// TestSiteChannels: an owner sets the site's channels, reads them back
// with every secret masked (also in the site itself), sends the GET's
// answer back unchanged without losing a secret, is told which field is
// wrong (and nothing changes), and a test message goes through the outbox
// to the bot and shows in the delivery log under its id.
func TestSiteChannels(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		bot := newFakeTelegram(t)
		owner := newOwnerEndpoint(t, http.StatusOK)
		ts := servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) {
			c.WebhookAllowPrivate = true
			c.TelegramAPIURL = bot.URL
		}})
		siteID := ts.CreateSite("Ремонт")["id"].(string)
		path := "/api/v1/sites/" + siteID + "/channels"

		r := ts.Admin("PUT", path, map[string]any{
			"webhook":  map[string]any{"url": owner.URL + "/site"},
			"telegram": map[string]any{"bot_token": botToken, "chat_id": -1001234567890, "lang": "ru"},
			"bitrix24": map[string]any{"url": "https://shop.bitrix24.ru/rest/1/s3cr3tk3y/", "fields": map[string]string{"hidden.city": "UF_CRM_CITY"}},
		})
		servertest.ExpectStatus(t, r, http.StatusOK)
		put := r.JSON(t)
		secret, _ := put["webhook"].(map[string]any)["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("the generated secret is not shown once: %s", r.Body)
		}
		owner.secret.Store(secret)

		for _, p := range []string{path, "/api/v1/sites/" + siteID, "/api/v1/sites"} {
			r = ts.Admin("GET", p, nil)
			servertest.ExpectStatus(t, r, http.StatusOK)
			for _, hidden := range []string{botToken, "s3cr3tk3y", secret} {
				if strings.Contains(string(r.Body), hidden) {
					t.Fatalf("GET %s shows a secret: %s", p, r.Body)
				}
			}
		}
		got := ts.Admin("GET", path, nil).JSON(t)
		if tg := got["telegram"].(map[string]any); tg["chat_id"] != "-1001234567890" || tg["lang"] != "ru" ||
			!strings.HasSuffix(tg["bot_token"].(string), botToken[len(botToken)-4:]) {
			t.Fatalf("telegram %v", tg)
		}
		if b := got["bitrix24"].(map[string]any); b["url"] != "https://shop.bitrix24.ru/rest/****/" || len(b["events"].([]any)) == 0 {
			t.Fatalf("bitrix24 %v", b)
		}

		// The GET's answer sent back: the secrets stay.
		servertest.ExpectStatus(t, ts.Admin("PUT", path, got), http.StatusOK)

		// A wrong value: 422 naming it, and nothing changes.
		bad := map[string]any{"telegram": map[string]any{"bot_token": botToken, "chat_id": "my chat"}}
		r = ts.Admin("PUT", path, bad)
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if r.ErrorField(t) != "telegram.chat_id" {
			t.Fatalf("422 names %q", r.ErrorField(t))
		}
		r = ts.Admin("PUT", path, map[string]any{"email": map[string]any{"to": []string{"owner@shop.example"}}})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		if r.ErrorField(t) != "email" || !strings.Contains(string(r.Body), "BECKON_SMTP_URL") {
			t.Fatalf("e-mail without SMTP: %s", r.Body)
		}
		if after := ts.Admin("GET", path, nil).JSON(t); after["bitrix24"] == nil || after["webhook"] == nil {
			t.Fatalf("a refused PUT changed the channels: %v", after)
		}

		// Send a test to the bot: the stored token (never sent back in
		// clear) is used; the message is in the log under its id.
		r = ts.Admin("POST", path+"/telegram/test", nil)
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		id := r.JSON(t)["notification_id"].(string)
		entry := deliveries(ts, siteID, 1)[0]
		if entry["webhook_id"] != id || entry["channel"] != "telegram" || entry["event_type"] != "lead.submitted" ||
			entry["status_code"] != 200.0 || entry["url"] != "telegram:-1001234567890" {
			t.Fatalf("log entry %v", entry)
		}
		sent := bot.messages()
		if len(sent) != 1 || sent[0]["chat_id"] != "-1001234567890" || !strings.Contains(sent[0]["text"].(string), "<b>Новая заявка</b>") ||
			!strings.Contains(sent[0]["text"].(string), "Test Visitor") {
			t.Fatalf("bot got %v", sent)
		}
		// The site webhook's test is the same lead.submitted a receiver gets.
		servertest.ExpectStatus(t, ts.Admin("POST", path+"/webhook/test", nil), http.StatusAccepted)
		if entry := deliveries(ts, siteID, 2)[0]; entry["channel"] != "webhook" || entry["status_code"] != 200.0 {
			t.Fatalf("webhook test %v", entry)
		}

		servertest.ExpectStatus(t, ts.Admin("POST", path+"/email/test", nil), http.StatusNotFound)
		servertest.ExpectStatus(t, ts.Admin("POST", path+"/sms/test", nil), http.StatusNotFound)

		// Scopes: site:read reads (masked), widgets:write changes and tests.
		reader := ts.CreateKey(siteID, "site:read")
		servertest.ExpectStatus(t, ts.Request("GET", path, nil, "Authorization", "Bearer "+reader), http.StatusOK)
		servertest.ExpectStatus(t, ts.Request("PUT", path, got, "Authorization", "Bearer "+reader), http.StatusForbidden)
		servertest.ExpectStatus(t, ts.Request("POST", path+"/telegram/test", nil, "Authorization", "Bearer "+reader), http.StatusForbidden)
		writer := ts.CreateKey(siteID, "widgets:write")
		servertest.ExpectStatus(t, ts.Request("PUT", path, map[string]any{}, "Authorization", "Bearer "+writer), http.StatusOK)
		if after := ts.Admin("GET", path, nil).JSON(t); len(after) != 0 {
			t.Fatalf("channels after an empty PUT: %v", after)
		}
	})
}
