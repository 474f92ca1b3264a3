package twilio_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/callback/twilio"
	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
)

// Every <Say> the manager hears carries the language and its pinned voice.
func TestSayHasVoiceAndLanguage(t *testing.T) {
	e := newEnv(t, envConfig{})
	e.fake.Script(managerPhone, twiliofake.Behavior{Answer: true, Digits: ""})
	m, _ := e.call(managerCall())
	e.noErrors()
	if len(m.Said) < 3 {
		t.Fatalf("heard %+v", m.Said)
	}
	for _, s := range m.Said {
		if s.Language != "ru-RU" || s.Voice != twilio.DefaultVoices["ru"] {
			t.Errorf("%q said with language %q voice %q", s.Text, s.Language, s.Voice)
		}
	}
}

// A recorded call tells the visitor so before the bridge: the <Number> has
// a url, and that webhook says it in the call's language and voice.
func TestVisitorHearsRecording(t *testing.T) {
	e := newEnv(t, envConfig{engine: engine{record: true}})
	m, _ := e.call(managerCall())
	e.noErrors()
	notice := m.Dials[0].NumberAttrs["url"]
	if !strings.HasPrefix(notice, e.public+"/hooks/twilio/visitor-notice?") {
		t.Fatalf("number url %q", notice)
	}
	// The fake plays the <Number url> to the visitor, as Twilio does.
	if v := e.child(m); len(v.Said) != 1 || v.Said[0].Text != "Разговор может записываться." ||
		v.Said[0].Language != "ru-RU" || v.Said[0].Voice != twilio.DefaultVoices["ru"] {
		t.Errorf("the visitor heard %+v", v.Said)
	}
	u, _ := url.Parse(notice)
	for lang, want := range map[string]string{"ru": "Разговор может записываться.", "uk": "Розмова може записуватися.", "en": "This call may be recorded."} {
		q := u.Query()
		q.Set("lang", lang)
		res, body := e.post("/hooks/twilio/visitor-notice?"+q.Encode(), url.Values{"CallSid": {"CA1"}}, true)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, ">"+want+"</Say>") ||
			!strings.Contains(body, `voice="`+twilio.DefaultVoices[lang]+`"`) {
			t.Errorf("%s: %d %s", lang, res.StatusCode, body)
		}
	}
	if res, _ := e.post("/hooks/twilio/visitor-notice?"+u.Query().Encode(), nil, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned: %d", res.StatusCode)
	}

	// Without recording, nothing is said to the visitor.
	e2 := newEnv(t, envConfig{})
	m2, _ := e2.call(managerCall())
	if url := m2.Dials[0].NumberAttrs["url"]; url != "" || len(e2.child(m2).Said) != 0 {
		t.Errorf("unrecorded call has a notice: %q, the visitor heard %q", url, e2.child(m2).SaidTexts())
	}
}

func TestVoicesConfigurable(t *testing.T) {
	if _, err := twilio.New(twilio.Options{AccountSID: "AC1", AuthToken: "t", PublicURL: "https://b.example",
		Voices: map[string]string{"de": "Google.de-DE-Standard-A"}}); err == nil || !strings.Contains(err.Error(), `"de"`) {
		t.Errorf("a voice for a language Beckon does not speak: %v", err)
	}
	e := newEnv(t, envConfig{voices: map[string]string{"ru": "Polly.Tatyana"}})
	m, _ := e.call(managerCall())
	e.noErrors()
	if len(m.Said) == 0 || m.Said[0].Voice != "Polly.Tatyana" || m.Said[0].Language != "ru-RU" {
		t.Errorf("heard %+v", m.Said)
	}
}
