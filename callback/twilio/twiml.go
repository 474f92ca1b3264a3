package twilio

import (
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/i18n"
)

// TwiML is built with encoding/xml, so every text and URL is escaped, and
// attributes come out in a fixed order (twilio-go's twiml package writes
// them in map order and pulls in an XML tree library).

type twimlResponse struct {
	XMLName xml.Name `xml:"Response"`
	Verbs   []any
}

type sayVerb struct {
	XMLName  xml.Name `xml:"Say"`
	Language string   `xml:"language,attr,omitempty"`
	Voice    string   `xml:"voice,attr,omitempty"`
	Text     string   `xml:",chardata"`
}

type gatherVerb struct {
	XMLName   xml.Name `xml:"Gather"`
	Input     string   `xml:"input,attr"`
	NumDigits int      `xml:"numDigits,attr"`
	Action    string   `xml:"action,attr"`
	Method    string   `xml:"method,attr"`
	Timeout   int      `xml:"timeout,attr"`
	Say       *sayVerb
}

type dialVerb struct {
	XMLName        xml.Name `xml:"Dial"`
	AnswerOnBridge bool     `xml:"answerOnBridge,attr"`
	CallerID       string   `xml:"callerId,attr,omitempty"`
	Timeout        int      `xml:"timeout,attr"`
	Action         string   `xml:"action,attr"`
	Method         string   `xml:"method,attr"`
	Record         string   `xml:"record,attr,omitempty"`
	Number         numberNoun
}

type numberNoun struct {
	XMLName                 xml.Name `xml:"Number"`
	StatusCallback          string   `xml:"statusCallback,attr"`
	StatusCallbackEvent     string   `xml:"statusCallbackEvent,attr"`
	StatusCallbackMethod    string   `xml:"statusCallbackMethod,attr"`
	URL                     string   `xml:"url,attr,omitempty"` // TwiML the visitor hears on answering
	MachineDetection        string   `xml:"machineDetection,attr,omitempty"`
	AmdStatusCallback       string   `xml:"amdStatusCallback,attr,omitempty"`
	AmdStatusCallbackMethod string   `xml:"amdStatusCallbackMethod,attr,omitempty"`
	Phone                   string   `xml:",chardata"`
}

type hangupVerb struct {
	XMLName xml.Name `xml:"Hangup"`
}

const (
	// gatherTimeout is how long the manager has to press the digit, seconds.
	gatherTimeout = 10
	// defaultDialTimeout is Twilio's own default ring time of <Dial>.
	defaultDialTimeout = 30
)

// twiml is a response under construction.
type twiml struct {
	verbs []any
}

func (t *twiml) say(p *Provider, lang, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	t.verbs = append(t.verbs, p.sayVerb(lang, text))
}

func (t *twiml) hangup() { t.verbs = append(t.verbs, hangupVerb{}) }

func (t *twiml) bytes() []byte {
	out, err := xml.Marshal(twimlResponse{Verbs: t.verbs})
	if err != nil {
		// Only strings and numbers go in: this cannot fail.
		panic(fmt.Sprintf("twilio: marshal TwiML: %v", err))
	}
	return append([]byte(xml.Header), out...)
}

func (p *Provider) sayVerb(lang, text string) *sayVerb {
	return &sayVerb{Language: sayLanguage(lang), Voice: p.voices[lang], Text: text}
}

// sayLanguage maps Beckon's languages to Twilio's <Say language>.
func sayLanguage(lang string) string {
	switch lang {
	case "ru":
		return "ru-RU"
	case "uk":
		return "uk-UA"
	case "en":
		return "en-US"
	}
	return ""
}

// confirmPrompt asks for digit with prompt read inside the <Gather>. The
// first prompt is repeated once, shorter, when no key comes (a <Gather>
// without input falls through to the next verb); then goodbye.
func (p *Provider) confirmPrompt(t *twiml, ref callback.LegRef, lang, digit, prompt string, try int) {
	gather := func(try int, prompt string) gatherVerb {
		q := refQuery(ref)
		q.Set(qDigit, digit)
		q.Set(qTry, strconv.Itoa(try))
		if lang != "" {
			q.Set(qLang, lang)
		}
		g := gatherVerb{
			Input:     "dtmf",
			NumDigits: len(digit),
			Action:    p.hookURL(hookConfirm, q),
			Method:    "POST",
			Timeout:   gatherTimeout,
		}
		if prompt = strings.TrimSpace(prompt); prompt != "" {
			g.Say = p.sayVerb(lang, prompt)
		}
		return g
	}
	ph := phrase(lang)
	t.verbs = append(t.verbs, gather(try, prompt))
	if try == 1 {
		t.verbs = append(t.verbs, gather(2, i18n.Fill(ph.PressAgain, map[string]string{"digit": digit})))
	}
	t.say(p, lang, ph.NoKey)
	t.hangup()
}

// render turns a reply into TwiML for the leg w came in on.
func (p *Provider) render(w *webhook, reply callback.Reply) []byte {
	var t twiml
	lang := reply.Language
	if lang == "" {
		lang = w.query.Get(qLang)
	}
	switch reply.Action {
	case callback.ActionConfirm:
		digit := reply.ConfirmDigit
		if digit == "" {
			digit = w.query.Get(qDigit)
		}
		if !validDigits(digit) {
			digit = "1"
		}
		p.confirmPrompt(&t, w.ref, lang, digit, reply.Say, 1)
	case callback.ActionDial:
		t.say(p, lang, reply.Say)
		if reply.VisitorPhone == "" || reply.VisitorLegID == "" {
			p.log.Error("dial reply without the visitor's phone or leg; hanging up",
				slog.String("site_id", w.ref.SiteID), slog.String("callback_id", w.ref.CallbackID),
				slog.String("leg_id", w.ref.LegID))
			t.hangup()
			break
		}
		t.verbs = append(t.verbs, p.dialVerb(w.ref, lang, reply))
	case callback.ActionHangup:
		t.say(p, lang, reply.Say)
		t.hangup()
	}
	return t.bytes()
}

func (p *Provider) dialVerb(manager callback.LegRef, lang string, reply callback.Reply) dialVerb {
	visitor := callback.LegRef{SiteID: manager.SiteID, CallbackID: manager.CallbackID, LegID: reply.VisitorLegID}
	q := refQuery(visitor)
	if reply.DetectMachine {
		q.Set(qAMD, "1") // in-progress alone is not yet an answer: the verdict follows
	}
	action := copyQuery(q)
	if lang != "" {
		action.Set(qLang, lang)
	}
	callerID := reply.CallerID
	if callerID == "" {
		callerID = p.opts.From
	}
	timeout := seconds(reply.DialTimeout, 5, 600)
	if timeout == 0 {
		timeout = defaultDialTimeout
	}
	d := dialVerb{
		AnswerOnBridge: true,
		CallerID:       callerID,
		Timeout:        timeout,
		Action:         p.hookURL(hookDialed, action),
		Method:         "POST",
		Number: numberNoun{
			StatusCallback:       p.hookURL(hookVisitorStatus, q),
			StatusCallbackEvent:  strings.Join(statusEvents, " "),
			StatusCallbackMethod: "POST",
			Phone:                reply.VisitorPhone,
		},
	}
	if reply.Record {
		d.Record = "record-from-answer-dual"
		// The visitor hears that the call may be recorded before the
		// bridge, as the manager did in the whisper.
		d.Number.URL = p.hookURL(hookVisitorNotice, action)
	}
	if reply.DetectMachine {
		d.Number.MachineDetection = "Enable"
		d.Number.AmdStatusCallback = p.hookURL(hookAMD, q)
		d.Number.AmdStatusCallbackMethod = "POST"
	}
	return d
}

func validDigits(s string) bool {
	if s == "" || len(s) > 4 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '*' || r == '#') {
			return false
		}
	}
	return true
}

// phrases are the provider's own words (i18n/twiml.json): what the manager
// hears after a wrong key or none, and what the visitor hears when the
// call is recorded. Everything else the engine says through replies.
type phrases struct {
	PressAgain string `json:"press_again"` // {digit}: the repeated prompt
	WrongDigit string `json:"wrong_digit"` // {digit}
	NoKey      string `json:"no_key"`      // no key came: goodbye
	Goodbye    string `json:"goodbye"`
	Recorded   string `json:"recorded"` // to the visitor, when the call is recorded
}

var builtin = i18n.MustLoad[phrases]("twiml")

func phrase(lang string) phrases { return builtin[i18n.Lang(lang)] }

// Webhook URLs.

const hookPrefix = "/hooks/twilio/"

const (
	hookAnswer        = "answer"
	hookConfirm       = "confirm"
	hookDialed        = "dialed"
	hookStatus        = "status"
	hookVisitorStatus = "visitor-status"
	hookAMD           = "amd"
	hookVisitorNotice = "visitor-notice"
)

// Query parameters of webhook URLs. Twilio signs the whole URL, so none can
// be changed by anyone without the auth token.
const (
	qSite     = "site_id"
	qCallback = "callback_id"
	qLeg      = "leg_id"
	qDigit    = "digit" // the confirm digit
	qLang     = "lang"  // ru, uk, en
	qTry      = "try"   // which confirm prompt this is: 1, 2
	qAMD      = "amd"   // 1: machine detection runs on the visitor's leg
)

func (p *Provider) hookURL(name string, q url.Values) string {
	return p.public + hookPrefix + name + "?" + q.Encode()
}

func refQuery(ref callback.LegRef) url.Values {
	return url.Values{qSite: {ref.SiteID}, qCallback: {ref.CallbackID}, qLeg: {ref.LegID}}
}

func copyQuery(q url.Values) url.Values {
	out := make(url.Values, len(q)+2)
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
