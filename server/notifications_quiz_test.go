package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/consent"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/notify/notifytest"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// quizForLeads is a two-question quiz with a price, asking every contact.
const quizForLeads = `{
  "start": {"title": {"en": "Renovation"}},
  "steps": [
    {"id": "rooms", "type": "single", "title": {"en": "Rooms?"},
     "options": [{"id": "r1", "label": {"en": "One"}, "value": 1}, {"id": "r3", "label": {"en": "Three"}, "value": 3}]},
    {"id": "area", "type": "number", "title": {"en": "Area?"}, "min": 10, "max": 300}
  ],
  "formulas": [{"name": "price", "expr": "area * 3500 * (rooms == 3 ? 2 : 1)"}],
  "results": [{"id": "all", "title": {"en": "Your estimate"}, "text": {"en": "About {price}"}, "summary": {"en": "{rooms} rooms, estimate {price}"}}],
  "form": {"fields": [{"name": "name"}, {"name": "phone", "required": true}, {"name": "email"}, {"name": "messenger"}],
           "consent": {"required": true, "version": "2026-11", "text": {"en": "I agree"}}}
}`

// siteHook records the bodies of the site channel's webhooks.
type siteHook struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
}

func newSiteHook(t *testing.T) *siteHook {
	h := &siteHook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, body)
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *siteHook) wait(t *testing.T, n int) [][]byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		got := append([][]byte(nil), h.bodies...)
		h.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the site's webhook got %d bodies after 10s, want %d", len(got), n)
		}
		time.Sleep(10 * time.Millisecond) // polling a receiver until a deadline
	}
}

// TestQuizLeadReachesTheChannels: a visitor's quiz lead, with the UTM and
// the page's own fields it was started with, reaches the site's webhook,
// its Telegram chat and its Bitrix24 portal; "send a test" then posts a
// lead.submitted with every field the real one has.
func TestQuizLeadReachesTheChannels(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		bot := newFakeTelegram(t)
		hook := newSiteHook(t)
		var portalMu sync.Mutex
		var portal []map[string]any
		bitrix := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body struct {
				Fields map[string]any `json:"fields"`
			}
			json.NewDecoder(r.Body).Decode(&body)
			if r.URL.Path != "/rest/7/hooksecret/crm.lead.add.json" {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"INVALID_CREDENTIALS"}`)
				return
			}
			portalMu.Lock()
			portal = append(portal, body.Fields)
			portalMu.Unlock()
			io.WriteString(w, `{"result":101}`)
		}))
		defer bitrix.Close()
		ts := servertest.Start(t, newStore(t), servertest.Options{OwnPublicURL: true, Config: func(c *config.Config) {
			c.WebhookAllowPrivate = true
			c.TelegramAPIURL = bot.URL
		}})
		site := ts.CreateSite("Shop", "https://shop.example")
		siteID, key := site["id"].(string), site["key"].(string)
		wid := ts.CreateWidget(siteID, map[string]any{"type": "quiz", "settings": json.RawMessage(quizForLeads)})["id"].(string)
		servertest.ExpectStatus(t, ts.Admin("PUT", "/api/v1/sites/"+siteID+"/channels", map[string]any{
			"webhook":  map[string]any{"url": hook.URL, "events": []string{"lead.submitted"}},
			"telegram": map[string]any{"bot_token": botToken, "chat_id": 42, "lang": "en"},
			"bitrix24": map[string]any{"url": bitrix.URL + "/rest/7/hooksecret/", "fields": map[string]string{"hidden.city": "UF_CRM_CITY"}},
		}), http.StatusOK)

		public := func(method, path string, body any) servertest.Response {
			return ts.Request(method, "/w/v1/"+key+"/quizzes/"+wid+path, body, "Origin", "https://shop.example")
		}
		r := public("POST", "/sessions", map[string]any{"visitor_id": "v1", "page_url": "https://shop.example/remont",
			"referrer": "https://ya.ru/", "lang": "en", "utm": map[string]string{"utm_source": "yandex"}, "hidden": map[string]string{"city": "Kazan"}})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		sid := r.JSON(t)["session_id"].(string)
		servertest.ExpectStatus(t, public("PUT", "/sessions/"+sid+"/answers/rooms", map[string]any{"visitor_id": "v1", "value": "r3"}), http.StatusOK)
		servertest.ExpectStatus(t, public("PUT", "/sessions/"+sid+"/answers/area", map[string]any{"visitor_id": "v1", "value": 60}), http.StatusOK)
		r = public("POST", "/sessions/"+sid+"/lead", map[string]any{"visitor_id": "v1", "name": "Olga <3", "phone": "8 916 123-45-67",
			"email": "olga@example.com", "messenger": "@olga", "consent": true, "consent_text_id": consent.TextID("I agree"), "lang": "en"})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		leadID := r.JSON(t)["lead_id"].(string)

		// Three channels, one attempt each, in the delivery log.
		var channels []string
		for _, d := range deliveries(ts, siteID, 3) {
			if d["event_type"] != notify.EventLeadSubmitted || d["status_code"] == nil || d["error"] != nil {
				t.Fatalf("delivery %v", d)
			}
			channels = append(channels, d["channel"].(string))
		}
		sort.Strings(channels)
		if !slices.Equal(channels, []string{"bitrix24", "telegram", "webhook"}) {
			t.Fatalf("delivered to %v", channels)
		}
		sent := bot.messages()
		text, _ := sent[0]["text"].(string)
		for _, want := range []string{"<b>New lead</b>", "Name: Olga &lt;3", "Phone: +79161234567", "Rooms?: Three", "price: 420,000",
			"utm_source: yandex", "Page fields: city: Kazan", "/api/v1/sites/" + siteID + "/leads/" + leadID} {
			if !strings.Contains(text, want) {
				t.Errorf("Telegram message lacks %q:\n%s", want, text)
			}
		}
		portalMu.Lock()
		fields := portal[0]
		portalMu.Unlock()
		if fields["NAME"] != "Olga <3" || fields["UTM_SOURCE"] != "yandex" || fields["UF_CRM_CITY"] != "Kazan" ||
			!strings.Contains(fields["TITLE"].(string), "estimate") {
			t.Errorf("Bitrix24 fields %v", fields)
		}

		// The test of the site's webhook has the real lead's shape.
		servertest.ExpectStatus(t, ts.Admin("POST", "/api/v1/sites/"+siteID+"/channels/webhook/test", nil), http.StatusAccepted)
		bodies := hook.wait(t, 2)
		real, test := notifytest.Shape(t, bodies[0]), notifytest.Shape(t, bodies[1])
		for _, p := range real {
			if !slices.Contains(test, p) {
				t.Errorf("the test payload lacks %s, which a real lead has", p)
			}
		}
		for _, p := range test {
			if !slices.Contains(real, p) {
				t.Errorf("the test payload has %s, which a real lead has not", p)
			}
		}
	})
}
