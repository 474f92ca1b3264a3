package callback_test

// What the manager and the visitor hear through the real Twilio provider
// and twiliofake.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback/twilio"
	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
	"github.com/beckonhq/beckon/server/servertest"
)

// managerHeard waits until the manager's call (to phone) has said a text
// containing part, and returns everything it said.
func managerHeard(t *testing.T, fake *twiliofake.Fake, phone, part string) []twiliofake.Said {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, c := range fake.Calls() {
			if c.To == phone && slices.ContainsFunc(c.Said, func(s twiliofake.Said) bool { return strings.Contains(s.Text, part) }) {
				return c.Said
			}
		}
		if time.Now().After(deadline) {
			var all [][]string
			for _, c := range fake.Calls() {
				all = append(all, c.SaidTexts())
			}
			t.Fatalf("no manager heard %q; heard %q", part, all)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTwilioManagerHearsRetryInWords: through the real provider, a visitor
// who does not answer gets the manager told when the next attempt is, in
// the site's language with correct plural forms, whole minutes as minutes,
// in the language's pinned voice.
func TestTwilioManagerHearsRetryInWords(t *testing.T) {
	const anna, visitor = "+79000000010", "+79161234567"
	for _, tc := range []struct {
		lang  string
		delay int
		want  string
	}{
		{"ru", 21, "Клиент не ответил. Попробуем ещё раз через 21 секунду: сначала позвоним менеджеру, потом клиенту."},
		{"ru", 22, "Клиент не ответил. Попробуем ещё раз через 22 секунды: сначала позвоним менеджеру, потом клиенту."},
		{"ru", 60, "Клиент не ответил. Попробуем ещё раз через минуту: сначала позвоним менеджеру, потом клиенту."},
		{"ru", 90, "Клиент не ответил. Попробуем ещё раз через 90 секунд: сначала позвоним менеджеру, потом клиенту."},
		{"ru", 3600, "Клиент не ответил. Попробуем ещё раз через час: сначала позвоним менеджеру, потом клиенту."},
		{"uk", 22, "Клієнт не відповів. Спробуємо ще раз за 22 секунди: спершу зателефонуємо менеджерові, потім клієнтові."},
		{"en", 120, "The client did not answer. We'll try again in 2 minutes, ringing a manager first and then the client."},
	} {
		t.Run(fmt.Sprintf("%s/%ds", tc.lang, tc.delay), func(t *testing.T) {
			ts, fake := twilioServer(t, servertest.NewStore(t, "embedded"))
			fake.Script(visitor, twiliofake.Behavior{NoAnswer: true})
			siteID, key, _ := ts.CallbackSite(fmt.Sprintf(`,"visitor_retries":1,"retry_delay_seconds":%d,"visitor_ring_seconds":5`, tc.delay))
			servertest.ExpectStatus(t, ts.Admin("PATCH", "/api/v1/sites/"+siteID, map[string]any{"locale": tc.lang}), http.StatusOK)
			servertest.ExpectStatus(t, ts.PostCallback(key, map[string]any{"phone": visitor, "visitor_id": "v1"}), http.StatusAccepted)
			said := managerHeard(t, fake, anna, tc.want[:20])
			last := said[len(said)-1]
			if last.Text != tc.want {
				t.Fatalf("manager heard %q\nwant %q", last.Text, tc.want)
			}
			if lang := map[string]string{"ru": "ru-RU", "uk": "uk-UA", "en": "en-US"}[tc.lang]; last.Language != lang || last.Voice != twilio.DefaultVoices[tc.lang] {
				t.Errorf("said with language %q voice %q", last.Language, last.Voice)
			}
		})
	}
}

// TestTwilioWhisperPageAndRecording: the manager hears the page's title
// trimmed to its first part, and, when recording is on, that the call may
// be recorded; so does the visitor, on answering.
func TestTwilioWhisperPageAndRecording(t *testing.T) {
	const anna, visitor = "+79000000010", "+79161234567"
	ts, fake := twilioServer(t, servertest.NewStore(t, "embedded"))
	_, key, _ := ts.CallbackSite(`,"record":true`)
	servertest.ExpectStatus(t, ts.PostCallback(key, map[string]any{"phone": visitor, "visitor_id": "v1", "name": "Иван",
		"page_url": "https://shop.example/boilers/buderus", "page_title": "Котлы Buderus Logamax — купить в Москве | Shop"}), http.StatusAccepted)
	want := "Заявка на обратный звонок с сайта Shop. Страница: Котлы Buderus Logamax. Клиента зовут Иван. Разговор может записываться. Нажмите 1, чтобы соединиться с клиентом."
	said := managerHeard(t, fake, anna, "Заявка на обратный звонок")
	if said[0].Text != want {
		t.Fatalf("whisper %q\nwant %q", said[0].Text, want)
	}
	// The visitor hears it too, from the <Number url>, before the bridge.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var heard []string
		for _, c := range fake.Calls() {
			if c.To == visitor {
				heard = c.SaidTexts()
			}
		}
		if slices.Equal(heard, []string{"Разговор может записываться."}) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the visitor heard %q, want the recording notice", heard)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
