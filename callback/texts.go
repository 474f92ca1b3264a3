package callback

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beckonhq/beckon/i18n"
)

// What managers hear, per language, from the catalogue (i18n/voice.json).
// Visitors never hear Beckon's words, except that the call may be recorded.
type voiceTexts struct {
	Request    string `json:"request"`     // {site}
	Page       string `json:"page"`        // {page}
	HomePage   string `json:"home_page"`   // the page when its path is /
	Named      string `json:"named"`       // {name}
	Quiz       string `json:"quiz"`        // {summary}: the quiz lead's the request came from
	Recorded   string `json:"recorded"`    // said to both parties when recording is on
	PressDigit string `json:"press_digit"` // {digit}
	Connecting string `json:"connecting"`
	Taken      string `json:"taken"`
	NoAnswer   string `json:"no_answer"`
	Busy       string `json:"busy"`
	Machine    string `json:"machine"`
	Unreached  string `json:"unreached"` // the visitor's leg failed
	Retry      string `json:"retry"`     // {in}: «через 2 минуты»
	GivenUp    string `json:"given_up"`
}

var texts = i18n.MustLoad[voiceTexts]("voice")

// textsFor is the catalogue's language for a site's locale.
func textsFor(lang string) string { return i18n.Lang(lang) }

// whisper is what a manager hears on picking up: where the request came
// from, what the visitor's quiz worked out (summary, when the request was
// made from a quiz's result screen) and who asked, that the call may be
// recorded, then which digit connects. It is short on purpose: the
// manager has a few seconds before the prompt times out.
func whisper(lang, siteName, pageTitle, pageURL, name, summary, digit string, recorded bool) string {
	lang = textsFor(lang)
	t := texts[lang]
	parts := []string{i18n.Fill(t.Request, map[string]string{"site": siteName})}
	if page := spokenPage(t, pageTitle, pageURL); page != "" {
		parts = append(parts, i18n.Fill(t.Page, map[string]string{"page": page}))
	}
	if summary = strings.TrimRight(cutWords(summary, maxSpokenSummary), " .!?;,"); summary != "" {
		parts = append(parts, i18n.Fill(t.Quiz, map[string]string{"summary": summary}))
	}
	if name != "" {
		parts = append(parts, i18n.Fill(t.Named, map[string]string{"name": name}))
	}
	if recorded {
		parts = append(parts, t.Recorded)
	}
	parts = append(parts, i18n.Fill(t.PressDigit, map[string]string{"digit": digit}))
	return strings.Join(parts, " ")
}

// maxSpokenTitle bounds a page title read aloud, in characters.
const maxSpokenTitle = 60

// maxSpokenSummary bounds a quiz's summary read aloud, in characters: one
// line for a manager, not the answers.
const maxSpokenSummary = 160

// titleSeparators end the part of a page title that names the page; what
// follows is usually the site's name or SEO words.
var titleSeparators = []string{" | ", " — ", " – ", " - ", " · "}

// spokenPage is the page as a manager hears it: the title up to its first
// separator and at most maxSpokenTitle characters (cut at a word), the home
// page for "/" without a title, and nothing otherwise: a URL path read
// aloud is noise.
func spokenPage(t voiceTexts, title, pageURL string) string {
	title = strings.Join(strings.Fields(title), " ")
	for _, sep := range titleSeparators {
		if i := strings.Index(title, sep); i > 0 {
			title = title[:i]
		}
	}
	if title != "" {
		return cutWords(title, maxSpokenTitle)
	}
	if u, err := url.Parse(pageURL); err == nil && u.Host != "" && strings.Trim(u.Path, "/") == "" {
		return t.HomePage
	}
	return ""
}

// cutWords shortens s to at most n characters, at a space when there is one.
func cutWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > 0 {
		return strings.TrimRight(string(r)[:i], " ,;:.")
	}
	return string(r)
}

// afterVisitorSay is what the manager hears after the visitor's leg ended
// with outcome: why the visitor was not reached, then when the next attempt
// is (it rings a manager first, maybe another one) or that the request is
// closed. A finished conversation needs no words.
func afterVisitorSay(lang string, outcome Outcome, willRetry bool, retryIn time.Duration) string {
	lang = textsFor(lang)
	t := texts[lang]
	var why string
	switch outcome {
	case OutcomeCompleted, OutcomeCanceled:
		return ""
	case OutcomeNoAnswer:
		why = t.NoAnswer
	case OutcomeBusy:
		why = t.Busy
	case OutcomeMachine:
		why = t.Machine
	default:
		why = t.Unreached
	}
	if !willRetry {
		return why + " " + t.GivenUp
	}
	return why + " " + i18n.Fill(t.Retry, map[string]string{"in": i18n.In(lang, retryIn)})
}
