package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/beckonhq/beckon/store"
)

const testBotToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"

// quizLead is a lead as the quiz stores it, with text that must be
// escaped on its way into HTML.
func quizLead(siteID string) *store.Lead {
	now := time.Now().UTC().Truncate(time.Second)
	return &store.Lead{
		ID: "ld_abc", SiteID: siteID, WidgetID: "wq", Type: "quiz", Status: store.LeadNew, VisitorID: "v1",
		Contact: store.LeadContact{Name: "Ольга <b>&</b>", Phone: "+79161234567", Email: "olga@example.com", Messenger: "@olga"},
		Answers: []store.LeadAnswer{
			{Step: "rooms", Title: "Сколько комнат?", Value: json.RawMessage(`"r3"`), Text: "3 комнаты"},
			{Step: "wish", Title: "Пожелания", Value: json.RawMessage(`"<script>"`), Text: "<script>alert(1)</script>"},
		},
		Result:      &store.LeadResult{Screen: "big", Title: "Капитальный ремонт", Text: "От 420 000 ₽", Values: map[string]float64{"price": 420000}},
		QuizVersion: 2, SessionID: "qs_1", Lang: "ru", IP: "203.0.113.7",
		Consent: &store.Consent{Version: "2026-11", TextID: "t1", Lang: "ru", Text: "Согласен", At: now, IP: "203.0.113.7"},
		Summary: "3-комнатная, оценка 420 000 ₽",
		PageURL: "https://shop.example/remont?utm_source=yandex", Referrer: "https://ya.ru/",
		UTM: map[string]string{"utm_source": "yandex", "utm_campaign": "spring"}, Hidden: map[string]string{"city": "Казань"},
		Source: "yandex", CreatedAt: now, UpdatedAt: now,
	}
}

func leadEvent(siteID string) Event {
	l := quizLead(siteID)
	return Event{Type: EventLeadSubmitted, SiteID: siteID, WidgetID: l.WidgetID, Key: l.ID, Lead: l}
}

func publish(t *testing.T, s *Sender, e Event) {
	t.Helper()
	if err := s.Publish(context.Background(), e); err != nil {
		t.Fatalf("Publish: %v", err)
	}
}

// channelSender is a sender whose site-1 has the given channels.
func channelSender(t *testing.T, st store.Store, clk *clock, ch Channels, tune func(*Options)) (*Sender, *siteTable) {
	var sites siteTable
	sites.set("site-1", SiteInfo{Name: "Ремонт & Co", Locale: "ru", Channels: ch})
	opts := testOptions(clk)
	opts.Sites = sites.lookup
	opts.PublicURL = "https://beckon.example"
	if tune != nil {
		tune(&opts)
	}
	var eps endpoints
	return New(st, eps.lookup, opts), &sites
}

// TestTelegramMessage: a lead reaches the chat through sendMessage as the
// owner's bot, in the channel's language, every value HTML-escaped, with
// the answers, the result, the page's fields and a link to the lead; the
// log shows the chat, never the token.
func TestTelegramMessage(t *testing.T) {
	bot := newFakeBotAPI(t, testBotToken, func(int) (int, string) { return http.StatusOK, telegramOK })
	st := backings["embedded"](t)()
	clk := newClock()
	s, _ := channelSender(t, st, clk, Channels{Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "-1001234567890",
		Events: []string{EventLeadSubmitted}, Lang: "uk"}}, func(o *Options) { o.TelegramAPI = bot.srv.URL })
	run(t, s)
	publish(t, s, leadEvent("site-1"))
	a := waitLog(t, st, "site-1", 1)[0]
	if a.Channel != ChannelTelegram || a.Status != http.StatusOK || a.Error != "" || a.URL != "telegram:-1001234567890" {
		t.Fatalf("log entry %+v", a)
	}
	msgs := bot.messages()
	if len(msgs) != 1 || msgs[0].ChatID != "-1001234567890" {
		t.Fatalf("bot got %+v", msgs)
	}
	text := msgs[0].Text
	for _, want := range []string{
		"<b>Нова заявка</b>", "3-комнатная, оценка 420 000 ₽", "Ремонт &amp; Co",
		"Ім’я: Ольга &lt;b&gt;&amp;&lt;/b&gt;", "Телефон: +79161234567", "<b>Відповіді</b>",
		"Сколько комнат?: 3 комнаты", "Пожелания: &lt;script&gt;alert(1)&lt;/script&gt;",
		"Результат: Капитальный ремонт", "price: 420\u00a0000", "utm_source: yandex", "Поля сторінки: city: Казань",
		`<a href="https://beckon.example/api/v1/sites/site-1/leads/ld_abc">Відкрити заявку</a>`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("message lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "<script>") || strings.Contains(a.Error+a.URL, testBotToken) {
		t.Fatalf("unescaped or leaked: %s / %+v", text, a)
	}
}

// TestTelegramAnswers: 429 waits the retry_after Telegram gives; 5xx is
// tried again; a wrong token or a chat the bot cannot write to is final.
func TestTelegramAnswers(t *testing.T) {
	answers := map[string]struct {
		status int
		body   string
	}{
		"flood":     {429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 120","parameters":{"retry_after":120}}`},
		"down":      {502, `<html>Bad Gateway</html>`},
		"blocked":   {403, telegramError(403, "Forbidden: bot was blocked by the user")},
		"no chat":   {400, telegramError(400, "Bad Request: chat not found")},
		"bad token": {401, telegramError(401, "Unauthorized")},
	}
	for name, tc := range answers {
		t.Run(name, func(t *testing.T) {
			bot := newFakeBotAPI(t, testBotToken, func(int) (int, string) { return tc.status, tc.body })
			st := backings["embedded"](t)()
			clk := newClock()
			s, _ := channelSender(t, st, clk, Channels{Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42",
				Events: []string{EventLeadSubmitted}}}, func(o *Options) { o.TelegramAPI = bot.srv.URL })
			run(t, s)
			publish(t, s, leadEvent("site-1"))
			a := waitLog(t, st, "site-1", 1)[0]
			n := notification(t, st, "site-1", a.NotificationID)
			retry := tc.status == 429 || tc.status >= 500
			if (n.State == store.NotificationPending) != retry || a.Status != tc.status {
				t.Fatalf("state %s after %+v, want retry=%v", n.State, a, retry)
			}
			if tc.status == 429 && a.NextAt.Sub(a.At) < 120*time.Second {
				t.Fatalf("retry_after 120 ignored: next in %v", a.NextAt.Sub(a.At))
			}
			if tc.status < 500 && !strings.Contains(a.Error, strings.Split(tc.body, `"description":"`)[1][:10]) {
				t.Fatalf("error %q does not quote Telegram's description", a.Error)
			}
		})
	}
}

// TestChannelRetryAcrossRestart: a message that the Bot API refused with
// 5xx is kept through a restart (the store closed and opened again) and
// delivered once by the next process to a Bot API that works, with the
// same text.
func TestChannelRetryAcrossRestart(t *testing.T) {
	forEachStore(t, func(t *testing.T, open opener) {
		failing := newFakeBotAPI(t, testBotToken, func(int) (int, string) {
			return http.StatusInternalServerError, telegramError(500, "Internal Server Error")
		})
		healthy := newFakeBotAPI(t, testBotToken, func(int) (int, string) { return http.StatusOK, telegramOK })
		ch := Channels{Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42", Events: []string{EventLeadSubmitted}}}
		clk := newClock()

		before := open()
		s1, _ := channelSender(t, before, clk, ch, func(o *Options) { o.TelegramAPI = failing.srv.URL })
		stop := run(t, s1)
		publish(t, s1, leadEvent("site-1"))
		first := waitLog(t, before, "site-1", 1)[0]
		stop()
		if err := before.Close(); err != nil {
			t.Fatal(err)
		}
		if first.NextAt.IsZero() || first.Status != 500 {
			t.Fatalf("first attempt %+v, want a retry", first)
		}

		after := open()
		clk.set(first.NextAt)
		s2, _ := channelSender(t, after, clk, ch, func(o *Options) { o.TelegramAPI = healthy.srv.URL })
		run(t, s2)
		// Publishing the same event again (a module that was not sure it had) adds nothing.
		publish(t, s2, leadEvent("site-1"))
		last := waitLog(t, after, "site-1", 2)[0]
		if last.NotificationID != first.NotificationID || last.Attempt != 2 || last.Status != 200 || !last.NextAt.IsZero() {
			t.Fatalf("second attempt %+v", last)
		}
		got, failed := healthy.messages(), failing.messages()
		if len(got) != 1 || len(failed) != 1 || got[0].Text != failed[0].Text {
			t.Fatalf("healthy got %d, failing got %d messages (want 1 each, same text)", len(got), len(failed))
		}
		if n := notification(t, after, "site-1", first.NotificationID); n.State != store.NotificationDelivered || n.Channel != ChannelTelegram {
			t.Fatalf("notification %+v", n)
		}
	})
}

// TestBitrix24Lead: crm.lead.add gets the lead's fields under Bitrix24's
// names (phone and e-mail as multi-fields), the owner's own mapping on
// top; the log hides the webhook's secret.
func TestBitrix24Lead(t *testing.T) {
	portal := newFakeBitrix24(t, func(int) (int, string) { return 200, `{"result":4711,"time":{"start":1764500000.1}}` })
	st := backings["embedded"](t)()
	clk := newClock()
	s, _ := channelSender(t, st, clk, Channels{Bitrix24: &Bitrix24Channel{URL: portal.url(), Events: []string{EventLeadSubmitted},
		Fields: map[string]string{"hidden.city": "UF_CRM_CITY", "value.price": "OPPORTUNITY", "answer.rooms": "UF_CRM_ROOMS", "utm_campaign": ""}}}, nil)
	run(t, s)
	publish(t, s, leadEvent("site-1"))
	a := waitLog(t, st, "site-1", 1)[0]
	if a.Channel != ChannelBitrix24 || a.Status != 200 || a.Error != "" || strings.Contains(a.URL, portal.secret) ||
		!strings.HasSuffix(a.URL, "/rest/****/crm.lead.add.json") {
		t.Fatalf("log entry %+v", a)
	}
	leads := portal.leads()
	if len(leads) != 1 {
		t.Fatalf("portal got %d leads", len(leads))
	}
	f := leads[0]
	phone, _ := json.Marshal(f["PHONE"])
	email, _ := json.Marshal(f["EMAIL"])
	for k, want := range map[string]string{
		"TITLE": "Beckon: Новая заявка — 3-комнатная, оценка 420 000 ₽", "NAME": "Ольга <b>&</b>",
		"UTM_SOURCE": "yandex", "UF_CRM_CITY": "Казань", "OPPORTUNITY": "420000", "UF_CRM_ROOMS": "3 комнаты",
		"SOURCE_DESCRIPTION": "https://shop.example/remont?utm_source=yandex\nhttps://ya.ru/\nyandex",
	} {
		if f[k] != want {
			t.Errorf("%s = %v, want %q", k, f[k], want)
		}
	}
	if string(phone) != `[{"VALUE":"+79161234567","VALUE_TYPE":"WORK"}]` || string(email) != `[{"VALUE":"olga@example.com","VALUE_TYPE":"WORK"}]` {
		t.Errorf("PHONE %s EMAIL %s", phone, email)
	}
	if c, _ := f["COMMENTS"].(string); !strings.Contains(c, "Сколько комнат?: 3 комнаты<br>") || !strings.Contains(c, "&lt;script&gt;") || strings.Contains(c, "<script>") {
		t.Errorf("COMMENTS %q", c)
	}
	if _, ok := f["UTM_CAMPAIGN"]; ok {
		t.Errorf("UTM_CAMPAIGN sent though the owner's mapping dropped it")
	}
}

// TestBitrix24Answers: the portal's limits and its own trouble are tried
// again; wrong credentials, a missing scope or a refused field are final.
func TestBitrix24Answers(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		retry  bool
	}{
		{503, `{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}`, true},
		{500, `{"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"}`, true},
		{502, `<html>Bad Gateway</html>`, true},
		{401, `{"error":"INVALID_CREDENTIALS","error_description":"Invalid request credentials"}`, false},
		{403, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the webhook token"}`, false},
		{400, `{"error":"","error_description":"Parameter 'fields' must be array."}`, false},
		{200, `{"result":false}`, false},
	} {
		t.Run(fmt.Sprint(tc.status, tc.body[:12]), func(t *testing.T) {
			portal := newFakeBitrix24(t, func(int) (int, string) { return tc.status, tc.body })
			st := backings["embedded"](t)()
			s, _ := channelSender(t, st, newClock(), Channels{Bitrix24: &Bitrix24Channel{URL: portal.url(), Events: []string{EventLeadSubmitted}}}, nil)
			run(t, s)
			publish(t, s, leadEvent("site-1"))
			a := waitLog(t, st, "site-1", 1)[0]
			n := notification(t, st, "site-1", a.NotificationID)
			if (n.State == store.NotificationPending) != tc.retry || a.Status != tc.status || a.Error == "" {
				t.Fatalf("state %s after %+v, want retry=%v", n.State, a, tc.retry)
			}
		})
	}
}

// TestTelegramMissedCallback: a missed call reads as what to do, with the
// visitor's number and the reason in the channel's language.
func TestTelegramMissedCallback(t *testing.T) {
	bot := newFakeBotAPI(t, testBotToken, func(int) (int, string) { return http.StatusOK, telegramOK })
	st := backings["embedded"](t)()
	s, _ := channelSender(t, st, newClock(), Channels{Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42",
		Events: []string{EventCallbackMissed}}}, func(o *Options) { o.TelegramAPI = bot.srv.URL })
	run(t, s)
	lead := &store.Lead{ID: "cb_x1", SiteID: "site-1", Type: "callback", Contact: store.LeadContact{Name: "Ольга", Phone: "+79161234567"},
		PageURL: "https://shop.example/contacts"}
	publish(t, s, Event{Type: EventCallbackMissed, SiteID: "site-1", WidgetID: "wc", Key: "x1", Lead: lead,
		Data: map[string]any{"callback_id": "x1", "reason": "manager_no_answer"}})
	waitLog(t, st, "site-1", 1)
	text := bot.messages()[0].Text
	for _, want := range []string{"<b>Пропущенный обратный звонок: перезвоните посетителю</b>", "Ольга +79161234567",
		"Причина: ни один менеджер не ответил", "Страница: https://shop.example/contacts"} {
		if !strings.Contains(text, want) {
			t.Errorf("message lacks %q:\n%s", want, text)
		}
	}
}

// TestReplayAfterTheOwnerFixesTheChannel: a message that failed for good
// (the bot was not in the chat) is delivered by a replay once the owner
// fixed the channel: the replay reads the channel as it is now.
func TestReplayAfterTheOwnerFixesTheChannel(t *testing.T) {
	bot := newFakeBotAPI(t, testBotToken, func(n int) (int, string) {
		if n == 1 {
			return http.StatusForbidden, telegramError(403, "Forbidden: bot is not a member of the channel chat")
		}
		return http.StatusOK, telegramOK
	})
	st := backings["embedded"](t)()
	clk := newClock()
	ch := Channels{Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "@wrongchannel", Events: []string{EventLeadSubmitted}}}
	s, sites := channelSender(t, st, clk, ch, func(o *Options) { o.TelegramAPI = bot.srv.URL })
	run(t, s)
	publish(t, s, leadEvent("site-1"))
	first := waitLog(t, st, "site-1", 1)[0]
	if n := notification(t, st, "site-1", first.NotificationID); n.State != store.NotificationFailed {
		t.Fatalf("after 403: %+v", n)
	}
	sites.set("site-1", SiteInfo{Name: "Ремонт & Co", Locale: "ru", Channels: Channels{Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "@rightchannel",
		Events: []string{EventLeadSubmitted}}}})
	if _, err := st.ReplayNotification(context.Background(), "site-1", first.NotificationID, clk.Now(), clk.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	s.Wake()
	last := waitLog(t, st, "site-1", 2)[0]
	msgs := bot.messages()
	if last.Status != 200 || last.URL != "telegram:@rightchannel" || len(msgs) != 2 || msgs[1].ChatID != "@rightchannel" || msgs[1].Text != msgs[0].Text {
		t.Fatalf("replay %+v, bot got %+v", last, msgs)
	}
}

// TestChannelMetric: each attempt is counted under its channel.
func TestChannelMetric(t *testing.T) {
	var m dto.Metric
	count := func() float64 {
		_ = channelAttempts.WithLabelValues(ChannelTelegram, OutcomeOK).Write(&m)
		return m.GetCounter().GetValue()
	}
	before := count()
	bot := newFakeBotAPI(t, testBotToken, func(int) (int, string) { return http.StatusOK, telegramOK })
	st := backings["embedded"](t)()
	s, _ := channelSender(t, st, newClock(), Channels{Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42",
		Events: []string{EventLeadSubmitted}}}, func(o *Options) { o.TelegramAPI = bot.srv.URL })
	run(t, s)
	publish(t, s, leadEvent("site-1"))
	waitLog(t, st, "site-1", 1)
	waitFor(t, "the counter", func() bool { return count() == before+1 })
}
