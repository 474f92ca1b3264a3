package dashboard_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestNotificationChannels, on both stores: an owner saves a Telegram
// channel from the page's session as its script does, and "Send a test"
// reaches the fake bot and reads "Delivered." A webhook whose receiver
// refuses shows why in plain words and is listed as failed in the log;
// after the receiver recovers, a replay delivers and the log says so. A
// bad address is refused at its field and changes nothing. Secrets are
// never on the page in full.
func TestNotificationChannels(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newNTSite(t, newStore(t))
		recv := newNTReceiver(t, http.StatusBadRequest)
		page := s.path("/notifications")
		csrf := s.owner.pageCSRF(page + "?lang=en")
		channels := "/api/v1/sites/" + s.siteID + "/channels"

		p := s.owner.get(page)
		wantStatus(t, "the page", p, http.StatusOK)
		wantBody(t, "the page", p, `id="ch-webhook"`, `id="ch-telegram"`, `id="ch-bitrix24"`, "A visitor left a lead",
			"A new review waits for moderation", `class="muted nt-unavailable"`)
		wantNoBody(t, "the page", p, `name="on" checked`) // nothing set yet

		put := `{"telegram":{"bot_token":"` + ntBotToken + `","chat_id":"-1001234567890","lang":"ru","events":["lead.submitted","review.created"]},
			"webhook":{"url":"` + recv.URL + `/hook","events":["lead.submitted"]}}`
		r := s.owner.api("PUT", channels, csrf, put)
		wantStatus(t, "save", r, http.StatusOK)
		var saved struct{ Webhook struct{ Secret string } }
		if json.Unmarshal([]byte(r.Body), &saved); !strings.HasPrefix(saved.Webhook.Secret, "whsec_") {
			t.Fatalf("the new webhook secret is not shown once: %s", r.Body)
		}
		p = s.owner.get(page)
		wantBody(t, "after saving", p, `value="****Dsaw"`, `value="-1001234567890"`, `value="ru" selected`, recv.URL+"/hook")
		wantNoBody(t, "after saving", p, ntBotToken, saved.Webhook.Secret)
		// A ticked event and one left out, on the Telegram card.
		tg := p.Body[strings.Index(p.Body, `id="ch-telegram"`):strings.Index(p.Body, `id="ch-email"`)]
		if !strings.Contains(tg, `value="review.created" checked`) || strings.Contains(tg, `value="callback.missed" checked`) {
			t.Fatalf("the Telegram card's events: %s", tg)
		}

		// Send a test to the bot: delivered, and the bot got it.
		id := testMessage(t, s, csrf, "telegram")
		if o := s.outcome(t, s.owner, id, 0, "en"); !o.OK || o.State != "delivered" || o.Text != "Delivered." {
			t.Fatalf("telegram test: %+v", o)
		}
		if s.bot.count() != 1 {
			t.Fatalf("the bot got %d messages", s.bot.count())
		}

		// The webhook's receiver refuses: the reason in words, failed in the log.
		hook := testMessage(t, s, csrf, "webhook")
		o := s.outcome(t, s.owner, hook, 0, "ru")
		if o.OK || o.State != "failed" || !strings.Contains(o.Text, "Получатель отклонил сообщение (HTTP 400)") || !strings.Contains(o.Detail, "400") {
			t.Fatalf("refused webhook: %+v", o)
		}
		failed := s.owner.get(s.path("/notifications/log?failed=1&lang=en"))
		wantStatus(t, "failed only", failed, http.StatusOK)
		wantBody(t, "failed only", failed, `id="msg-`+hook+`"`, "Failed", "The receiver refused the message (HTTP 400).", "Webhook")
		wantNoBody(t, "failed only", failed, `id="msg-`+id+`"`)
		wantBody(t, "the whole log", s.owner.get(s.path("/notifications/log")), `id="msg-`+id+`"`, `id="msg-`+hook+`"`, "Delivered")

		// The receiver recovers; a replay delivers.
		recv.status.Store(http.StatusOK)
		wantStatus(t, "replay", s.owner.api("POST", "/api/v1/sites/"+s.siteID+"/deliveries/"+hook+"/replay", csrf, ""), http.StatusAccepted)
		if o := s.outcome(t, s.owner, hook, 1, "en"); !o.OK || o.Attempts != 2 {
			t.Fatalf("replay: %+v", o)
		}
		if recv.got.Load() != 2 {
			t.Fatalf("the receiver got %d requests", recv.got.Load())
		}
		wantNoBody(t, "failed only after the replay", s.owner.get(s.path("/notifications/log?failed=1")), `id="msg-`+hook+`"`)
		log := s.owner.get(s.path("/notifications/log?lang=en"))
		row := log.Body[strings.Index(log.Body, `id="msg-`+hook+`"`):]
		row = row[:strings.Index(row, "</li>")]
		if !strings.Contains(row, "Delivered") || !strings.Contains(row, "attempts: 2") {
			t.Fatalf("the replayed message's row: %s", row)
		}

		// A bad address: refused at its field, nothing saved.
		r = s.owner.api("PUT", channels, csrf, `{"webhook":{"url":"ftp://crm.example/hook"}}`)
		wantStatus(t, "bad url", r, http.StatusUnprocessableEntity)
		var e struct{ Error struct{ Field string } }
		if json.Unmarshal([]byte(r.Body), &e); e.Error.Field != "webhook.url" {
			t.Fatalf("the error names %q: %s", e.Error.Field, r.Body)
		}
		wantBody(t, "after the refusal", s.owner.get(page), recv.URL+"/hook", `value="****Dsaw"`)
		// The page has the words for that field in the reader's language.
		wantBody(t, "texts", s.owner.get(page+"?lang=uk"), "Вкажіть повну публічну адресу")

		// A token the bot API does not know: said in words.
		r = s.owner.api("PUT", channels, csrf, `{"telegram":{"bot_token":"123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","chat_id":"@flowers_shop"},
			"webhook":{"url":"`+recv.URL+`/hook"}}`)
		wantStatus(t, "another token", r, http.StatusOK)
		if o := s.outcome(t, s.owner, testMessage(t, s, csrf, "telegram"), 0, "en"); o.OK ||
			!strings.Contains(o.Text, "Telegram did not accept the bot token") || !strings.Contains(o.Detail, "401") {
			t.Fatalf("wrong token: %+v", o)
		}

		// Turning a channel off removes it; its test is then refused.
		r = s.owner.api("PUT", channels, csrf, `{"webhook":{"url":"`+recv.URL+`/hook"}}`)
		wantStatus(t, "telegram off", r, http.StatusOK)
		wantStatus(t, "test of a channel that is off", s.owner.api("POST", channels+"/telegram/test", csrf, ""), http.StatusNotFound)
	})
}

// testMessage sends a test to the channel of kind as the page's button
// does and returns the message's id.
func testMessage(t *testing.T, s *ntSite, csrf, kind string) string {
	t.Helper()
	r := s.owner.api("POST", "/api/v1/sites/"+s.siteID+"/channels/"+kind+"/test", csrf, "")
	wantStatus(t, "test "+kind, r, http.StatusAccepted)
	var v struct {
		ID string `json:"notification_id"`
	}
	if err := json.Unmarshal([]byte(r.Body), &v); err != nil || v.ID == "" {
		t.Fatalf("test %s: %s", kind, r.Body)
	}
	return v.ID
}

// TestNotificationPagesKeepOut: a manager of the site, and an owner of
// another site, get 404 from every notifications and audit address of
// it, as for a site that does not exist.
func TestNotificationPagesKeepOut(t *testing.T) {
	t.Parallel()
	s := newNTSite(t, servertest.NewStore(t, "embedded"))
	csrf := s.owner.pageCSRF(s.path("/notifications"))
	wantStatus(t, "save", s.owner.api("PUT", "/api/v1/sites/"+s.siteID+"/channels", csrf,
		`{"telegram":{"bot_token":"`+ntBotToken+`","chat_id":"-1001234567890"}}`), http.StatusOK)
	id := testMessage(t, s, csrf, "telegram")
	wantStatus(t, "owner's log", s.owner.get(s.path("/notifications/log")), http.StatusOK)
	wantStatus(t, "owner's audit", s.owner.get(s.path("/audit")), http.StatusOK)

	other := s.d.CreateSite("Other", "https://other.example")["id"].(string)
	stranger := s.d.browser(t, "stranger")
	link := s.op.invite(other, "stranger@other.example", store.RoleOwner)
	wantRedirect(t, "stranger accepts", stranger.submit(link, link, map[string][]string{"password": {"stranger-pass-1"}}), "/app/sites/"+other)

	for _, path := range []string{"/notifications", "/notifications/log", "/notifications/outcome/" + id, "/audit"} {
		wantStatus(t, "manager "+path, s.manager.get(s.path(path)), http.StatusNotFound)
		wantStatus(t, "another site's owner "+path, stranger.get(s.path(path)), http.StatusNotFound)
	}
	// Nor may the site's own message be read under another site's address.
	wantStatus(t, "message under another site", stranger.get("/app/sites/"+other+"/notifications/outcome/"+id), http.StatusNotFound)
	wantNoBody(t, "manager's site page", s.manager.get(s.path("")), s.path("/notifications"), s.path("/audit"))
}
