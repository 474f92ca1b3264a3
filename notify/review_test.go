package notify

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// reviewEvent is a review.created as widgets/reviews publishes it.
func reviewEvent(siteID string) Event {
	r := store.Review{ID: "rv_1", SiteID: siteID, WidgetID: "wdg_rev", Rating: 2, Text: "Курьер опоздал <b>на день</b>.",
		Name: "Ирина & Co", About: "Котёл X200", Verified: true, OrderID: "A-1042", Status: store.ReviewPending,
		CreatedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	return Event{Type: EventReviewCreated, SiteID: siteID, WidgetID: r.WidgetID, Key: r.ID, At: r.CreatedAt,
		Data: map[string]any{"review": r}}
}

// TestReviewReachesTelegramAndEmail: a new review reaches the site's
// Telegram chat (in Ukrainian) and its e-mail (in English) with the
// stars, the customer's words escaped, what it is about, the order of a
// verified review and a link to the reviews waiting for moderation;
// Bitrix24, which takes leads only, gets nothing.
func TestReviewReachesTelegramAndEmail(t *testing.T) {
	bot := newFakeBotAPI(t, testBotToken, func(int) (int, string) { return http.StatusOK, telegramOK })
	portal := newFakeBitrix24(t, func(int) (int, string) { return http.StatusOK, `{"result":1}` })
	srv := newSMTPServer(t, "beckon", "s3cret", nil)
	st := backings["embedded"](t)()
	s, _ := channelSender(t, st, newClock(), Channels{
		Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42", Events: []string{EventReviewCreated}, Lang: "uk"},
		Email:    &EmailChannel{To: []string{"owner@shop.example"}, Events: []string{EventReviewCreated}, Lang: "en"},
		Bitrix24: &Bitrix24Channel{URL: portal.url(), Events: []string{EventLeadSubmitted}},
	}, func(o *Options) {
		o.TelegramAPI = bot.srv.URL
		o.SMTP = srv.config("beckon", "s3cret")
	})
	run(t, s)
	publish(t, s, reviewEvent("site-1"))
	log := waitLog(t, st, "site-1", 2)
	var kinds []string
	for _, a := range log {
		if a.Error != "" {
			t.Fatalf("delivery %+v", a)
		}
		kinds = append(kinds, a.Channel)
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{ChannelEmail, ChannelTelegram}) {
		t.Fatalf("delivered to %v, want e-mail and Telegram only", kinds)
	}

	text := bot.messages()[0].Text
	for _, want := range []string{"<b>Новий відгук: опублікуйте, дайте відповідь або приховайте</b>", "★★☆☆☆ Ирина &amp; Co",
		"Оцінка: ★★☆☆☆ 2/5", "Відгук: Курьер опоздал &lt;b&gt;на день&lt;/b&gt;.", "Про що: Котёл X200",
		"Замовлення: A-1042 (залишено за посиланням, надісланим після замовлення)",
		`<a href="https://beckon.example/api/v1/sites/site-1/reviews?status=pending">Відкрити відгуки на модерації</a>`} {
		if !strings.Contains(text, want) {
			t.Errorf("Telegram message lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "<b>на день") {
		t.Fatalf("the customer's words are not escaped:\n%s", text)
	}

	msg, err := mail.ReadMessage(bytes.NewReader(srv.messages()[0].data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "New review: publish, answer or hide it: ★★☆☆☆ Ирина & Co — Ремонт & Co" {
		t.Errorf("Subject %q", subject)
	}
	body, _ := io.ReadAll(msg.Body)
	for _, want := range []string{"Rating: ", "About: ", "Open the reviews waiting for moderation"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("e-mail lacks %q:\n%s", want, body)
		}
	}
	if n := len(portal.leads()); n != 0 {
		t.Fatalf("Bitrix24 got %d leads for a review", n)
	}
}

// TestReviewEventChoices: Telegram and e-mail channels saved without
// events get review.created, a site webhook too; Bitrix24 refuses it by
// the field's path.
func TestReviewEventChoices(t *testing.T) {
	in := Channels{Webhook: &WebhookChannel{URL: "https://crm.example/hook"},
		Telegram: &TelegramChannel{BotToken: testBotToken, ChatID: "42"}, Email: &EmailChannel{To: []string{"o@shop.example"}}}
	if err := in.Normalize(Channels{}, CheckOptions{EmailEnabled: true}); err != nil {
		t.Fatal(err)
	}
	for kind, events := range map[string][]string{"webhook": in.Webhook.Events, "telegram": in.Telegram.Events, "email": in.Email.Events} {
		if !slices.Contains(events, EventReviewCreated) {
			t.Errorf("%s channel's default events %v lack %s", kind, events, EventReviewCreated)
		}
	}
	b := Channels{Bitrix24: &Bitrix24Channel{URL: "https://x.bitrix24.ru/rest/1/abc/", Events: []string{EventReviewCreated}}}
	var ve *validate.Error
	if err := b.Normalize(Channels{}, CheckOptions{}); !errors.As(err, &ve) || ve.Field != "bitrix24.events[0]" {
		t.Fatalf("Bitrix24 subscribed to reviews: %v, want an error on bitrix24.events[0]", err)
	}
}
