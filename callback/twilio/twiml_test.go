package twilio

import (
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/callback"
)

func testProvider(t *testing.T) *Provider {
	t.Helper()
	p, err := New(Options{
		AccountSID: "AC1", AuthToken: "t", PublicURL: "https://b.example/", From: "+15005550006",
		Voices: map[string]string{"uk": "Google.uk-UA-Wavenet-A"},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRender(t *testing.T) {
	p := testProvider(t)
	// A webhook of the manager's leg whose URL said uk and digit 2.
	w := &webhook{ref: callback.LegRef{SiteID: "s1", CallbackID: "c1", LegID: "m1"}, query: url.Values{"lang": {"uk"}, "digit": {"2"}}}
	const hdr = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	for _, tc := range []struct {
		name  string
		reply callback.Reply
		want  string
	}{
		{
			"confirm: the URL's digit and language, text escaped",
			callback.Reply{Action: callback.ActionConfirm, Say: "Hi <you> & co"},
			`<Response><Gather input="dtmf" numDigits="1" action="https://b.example/hooks/twilio/confirm?callback_id=c1&amp;digit=2&amp;lang=uk&amp;leg_id=m1&amp;site_id=s1&amp;try=1" method="POST" timeout="10">` +
				`<Say language="uk-UA" voice="Google.uk-UA-Wavenet-A">Hi &lt;you&gt; &amp; co</Say></Gather>` +
				`<Gather input="dtmf" numDigits="1" action="https://b.example/hooks/twilio/confirm?callback_id=c1&amp;digit=2&amp;lang=uk&amp;leg_id=m1&amp;site_id=s1&amp;try=2" method="POST" timeout="10">` +
				`<Say language="uk-UA" voice="Google.uk-UA-Wavenet-A">Натисніть 2, щоб зʼєднатися з клієнтом.</Say></Gather>` +
				`<Say language="uk-UA" voice="Google.uk-UA-Wavenet-A">Клавішу не натиснуто. До побачення.</Say><Hangup></Hangup></Response>`,
		},
		{
			"confirm: the reply's digit and language win",
			callback.Reply{Action: callback.ActionConfirm, Say: "Press 5", Language: "en", ConfirmDigit: "5"},
			`<Response><Gather input="dtmf" numDigits="1" action="https://b.example/hooks/twilio/confirm?callback_id=c1&amp;digit=5&amp;lang=en&amp;leg_id=m1&amp;site_id=s1&amp;try=1" method="POST" timeout="10">` +
				`<Say language="en-US" voice="Google.en-US-Standard-C">Press 5</Say></Gather>` +
				`<Gather input="dtmf" numDigits="1" action="https://b.example/hooks/twilio/confirm?callback_id=c1&amp;digit=5&amp;lang=en&amp;leg_id=m1&amp;site_id=s1&amp;try=2" method="POST" timeout="10">` +
				`<Say language="en-US" voice="Google.en-US-Standard-C">Press 5 to connect to the client.</Say></Gather>` +
				`<Say language="en-US" voice="Google.en-US-Standard-C">No key was pressed. Goodbye.</Say><Hangup></Hangup></Response>`,
		},
		{
			"dial with recording and machine detection",
			callback.Reply{Action: callback.ActionDial, Say: "Connecting", Language: "en", VisitorLegID: "v1", VisitorPhone: "+79990000002",
				CallerID: "+74950000000", DialTimeout: 25 * time.Second, DetectMachine: true, Record: true},
			`<Response><Say language="en-US" voice="Google.en-US-Standard-C">Connecting</Say>` +
				`<Dial answerOnBridge="true" callerId="+74950000000" timeout="25" action="https://b.example/hooks/twilio/dialed?amd=1&amp;callback_id=c1&amp;lang=en&amp;leg_id=v1&amp;site_id=s1" method="POST" record="record-from-answer-dual">` +
				`<Number statusCallback="https://b.example/hooks/twilio/visitor-status?amd=1&amp;callback_id=c1&amp;leg_id=v1&amp;site_id=s1" statusCallbackEvent="initiated ringing answered completed" statusCallbackMethod="POST" ` +
				`url="https://b.example/hooks/twilio/visitor-notice?amd=1&amp;callback_id=c1&amp;lang=en&amp;leg_id=v1&amp;site_id=s1" ` +
				`machineDetection="Enable" amdStatusCallback="https://b.example/hooks/twilio/amd?amd=1&amp;callback_id=c1&amp;leg_id=v1&amp;site_id=s1" amdStatusCallbackMethod="POST">+79990000002</Number></Dial></Response>`,
		},
		{
			"dial: the provider's number, Twilio's default timeout, nothing said",
			callback.Reply{Action: callback.ActionDial, Language: "ru", VisitorLegID: "v1", VisitorPhone: "+79990000002"},
			`<Response><Dial answerOnBridge="true" callerId="+15005550006" timeout="30" action="https://b.example/hooks/twilio/dialed?callback_id=c1&amp;lang=ru&amp;leg_id=v1&amp;site_id=s1" method="POST">` +
				`<Number statusCallback="https://b.example/hooks/twilio/visitor-status?callback_id=c1&amp;leg_id=v1&amp;site_id=s1" statusCallbackEvent="initiated ringing answered completed" statusCallbackMethod="POST">+79990000002</Number></Dial></Response>`,
		},
		{
			"dial without a visitor hangs up",
			callback.Reply{Action: callback.ActionDial, Say: "Connecting", Language: "en"},
			`<Response><Say language="en-US" voice="Google.en-US-Standard-C">Connecting</Say><Hangup></Hangup></Response>`,
		},
		{
			"hangup",
			callback.Reply{Action: callback.ActionHangup, Say: "Пока", Language: "ru"},
			`<Response><Say language="ru-RU" voice="Google.ru-RU-Standard-A">Пока</Say><Hangup></Hangup></Response>`,
		},
		{"none", callback.Reply{}, `<Response></Response>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(p.render(w, tc.reply))
			if got != hdr+tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, hdr+tc.want)
			}
		})
	}
}

func TestHookURLsAreEscaped(t *testing.T) {
	p := testProvider(t)
	u := p.hookURL(hookAnswer, refQuery(callback.LegRef{SiteID: "a&b", CallbackID: "c d", LegID: "é"}))
	if want := "https://b.example/hooks/twilio/answer?callback_id=c+d&leg_id=%C3%A9&site_id=a%26b"; u != want {
		t.Errorf("%s, want %s", u, want)
	}
}

func TestOutcomeOf(t *testing.T) {
	for _, tc := range []struct {
		status, answeredBy string
		out                callback.Outcome
		ended              bool
	}{
		{"queued", "", "", false},
		{"initiated", "", "", false},
		{"ringing", "", "", false},
		{"in-progress", "", "", false},
		{"something-new", "", "", false},
		{"completed", "", callback.OutcomeCompleted, true},
		{"completed", "human", callback.OutcomeCompleted, true},
		{"answered", "", callback.OutcomeCompleted, true},
		{"completed", "machine_start", callback.OutcomeMachine, true},
		{"completed", "machine_end_beep", callback.OutcomeMachine, true},
		{"completed", "fax", callback.OutcomeMachine, true},
		{"busy", "", callback.OutcomeBusy, true},
		{"no-answer", "", callback.OutcomeNoAnswer, true},
		{"failed", "", callback.OutcomeFailed, true},
		{"canceled", "", callback.OutcomeCanceled, true},
	} {
		out, ended := outcomeOf(tc.status, tc.answeredBy)
		if out != tc.out || ended != tc.ended {
			t.Errorf("outcomeOf(%q, %q) = %q %v, want %q %v", tc.status, tc.answeredBy, out, ended, tc.out, tc.ended)
		}
	}
}

func TestSayLanguage(t *testing.T) {
	for in, want := range map[string]string{"ru": "ru-RU", "uk": "uk-UA", "en": "en-US", "": "", "de": ""} {
		if got := sayLanguage(in); got != want {
			t.Errorf("sayLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSeconds(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want int
	}{{0, 0}, {-time.Second, 0}, {time.Millisecond, 5}, {20 * time.Second, 20}, {20*time.Second + 1, 21}, {time.Hour, 600}} {
		if got := seconds(tc.d, 5, 600); got != tc.want {
			t.Errorf("seconds(%s) = %d, want %d", tc.d, got, tc.want)
		}
	}
}

func TestValidSid(t *testing.T) {
	for s, want := range map[string]bool{
		"CA0123456789abcdef0123456789abcdef": true,
		"":                                   false,
		"../Accounts":                        false,
		"CA1/../x":                           false,
		"CA1.json":                           false,
		strings.Repeat("a", 65):              false,
	} {
		if got := validSid(s); got != want {
			t.Errorf("validSid(%q) = %v", s, got)
		}
	}
}
