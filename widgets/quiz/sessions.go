package quiz

import (
	"crypto/rand"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// visit is where a visitor was when the widget spoke: the page, how they
// came, and the page's own values. It travels from the session to the lead
// and to every place the lead goes.
type visit struct {
	VisitorID string            `json:"visitor_id"`
	PageURL   string            `json:"page_url"`
	Referrer  string            `json:"referrer"`
	UTM       map[string]string `json:"utm"`
	Hidden    map[string]string `json:"hidden"`
	Lang      string            `json:"lang"`
}

// Bounds of what a visit may carry.
const (
	maxURL         = 2048
	maxUTM         = 200
	maxHidden      = 20
	maxHiddenValue = 500
	maxSource      = 64
	maxVisitorID   = 64
)

// utmKeys are the tags recorded; others are dropped.
var utmKeys = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}

// check validates v and drops what is not kept (unknown UTM tags, empty
// values); errors name the field.
func (v *visit) check() error {
	if err := validate.Line("visitor_id", v.VisitorID, true, maxVisitorID); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"page_url", v.PageURL}, {"referrer", v.Referrer}} {
		if err := checkURL(f.name, f.v); err != nil {
			return err
		}
	}
	if v.Lang != "" {
		if err := validate.OneOf("lang", v.Lang, i18n.Langs...); err != nil {
			return err
		}
	}
	utm := map[string]string{}
	for k, val := range v.UTM {
		if !slices.Contains(utmKeys, k) {
			continue
		}
		if err := validate.Line("utm."+k, val, false, maxUTM); err != nil {
			return err
		}
		if val != "" {
			utm[k] = val
		}
	}
	v.UTM = utm
	if len(v.Hidden) > maxHidden {
		return validate.Field("hidden", "holds more than %d values", maxHidden)
	}
	hidden := map[string]string{}
	for k, val := range v.Hidden {
		if !hiddenKey(k) {
			return validate.Field("hidden", "names must be 1-40 of a-z, 0-9, _ and -: %q is not", k)
		}
		if err := validate.Line("hidden."+k, val, false, maxHiddenValue); err != nil {
			return err
		}
		if val != "" {
			hidden[k] = val
		}
	}
	v.Hidden = hidden
	return nil
}

func checkURL(field, raw string) error {
	if raw == "" {
		return nil
	}
	if len(raw) > maxURL {
		return validate.Field(field, "is longer than %d characters", maxURL)
	}
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return validate.Field(field, "must be an http(s) URL")
	}
	return nil
}

// hiddenKey: the name of a data- attribute as the page passes it.
func hiddenKey(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// source names where the visitor came from, for analytics and the inbox:
// utm_source, else the referrer's host when it is another site, else
// "direct". Lower case and bounded, as it becomes a tally's field.
func (v *visit) source() string {
	src := v.UTM["utm_source"]
	if src == "" {
		ref, err := url.Parse(v.Referrer)
		if err != nil || ref.Host == "" {
			return "direct"
		}
		if page, err := url.Parse(v.PageURL); err == nil && page.Host == ref.Host {
			return "direct"
		}
		src = strings.TrimPrefix(ref.Hostname(), "www.")
	}
	src = strings.ToLower(strings.TrimSpace(src))
	if utf8.RuneCountInString(src) > maxSource {
		src = string([]rune(src)[:maxSource])
	}
	if src == "" {
		return "direct"
	}
	return src
}

// resumeURL is the page with the fragment that reopens the quiz at the
// visitor's step; "" when the page is not known.
func resumeURL(pageURL, widgetID, sessionID string) string {
	if pageURL == "" {
		return ""
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		return ""
	}
	u.Fragment = "beckon-quiz=" + widgetID + "." + sessionID
	return u.String()
}

// newSessionID is the creation time in milliseconds (9 base32 characters)
// and 80 random bits (16 more): with the visitor id, the random part is all
// that finds a session. Ids follow time because the embedded store keys
// sessions and their leads by id: new ones land on the B-tree's last pages,
// so a commit of many writes dirties a few pages instead of one per write.
func newSessionID(now time.Time) string {
	b := make([]byte, 25)
	ms := uint64(now.UnixMilli())
	for i := 8; i >= 0; i-- {
		b[i] = idAlphabet[ms&31]
		ms >>= 5
	}
	rand.Read(b[9:])
	for i := 9; i < len(b); i++ {
		b[i] = idAlphabet[b[i]%32]
	}
	return string(b)
}

// idAlphabet is base32 in ASCII order, so that ids sort by their time.
const idAlphabet = "234567abcdefghijklmnopqrstuvwxyz"

// leadID is the lead of a session: a retried submission finds it again.
func leadID(sessionID string) string { return "ld_" + sessionID }

// onPath is the session's answers to the steps on its path only: an
// answer the visitor gave before going back and choosing another way
// stays in the session (the widget may offer it again) but counts for
// nothing.
func onPath(s *store.QuizSession) Answers {
	a := make(Answers, len(s.Path))
	for _, id := range s.Path {
		if v, ok := s.Answers[id]; ok {
			a[id] = v
		}
	}
	return a
}

// answer records value as the answer to step in s: step must be the one
// shown now, or one on the path (the visitor went back, and the steps after
// it are no longer on the way). It returns the formulas' values for the
// answers on the new path, and whether the step had never been answered in
// this session (for analytics).
func answer(s *store.QuizSession, def *Definition, step string, value json.RawMessage) (values map[string]float64, first bool, err error) {
	switch i := slices.Index(s.Path, step); {
	case step == s.Current && s.Current != "":
	case i >= 0:
		s.Path = s.Path[:i]
	default:
		return nil, false, errNotOnPath
	}
	_, answered := s.Answers[step]
	if s.Answers == nil {
		s.Answers = map[string]json.RawMessage{}
	}
	s.Answers[step] = value
	s.Path = append(slices.Clip(s.Path), step)
	next, values, err := advance(def, step, onPath(s))
	if err != nil {
		return nil, false, err
	}
	s.Current = next
	return values, !answered, nil
}

// advance is Next and the formulas' values from one run of the calculator
// (Next and Evaluate would each run it): an answer needs both, and the
// result's texts only at the end.
func advance(def *Definition, step string, a Answers) (string, map[string]float64, error) {
	st, ok := def.Step(step)
	if !ok {
		return "", nil, ErrNoStep
	}
	env, values, _ := def.environment(a) // see environment: a formula without a number is left out
	next, err := def.next(st, a, env)
	return next, values, err
}

// progress is how far along the visitor is, 0..1: the steps answered
// over those plus the steps still ahead in the quiz's order from the one
// shown now. Branches that skip steps make it jump forward, never back;
// it is 1 only once the questions are done. (Following the branches
// instead would run the formulas once per step ahead, on every answer.)
func progress(s *store.QuizSession, ver *version) float64 {
	if s.Current == "" {
		return 1
	}
	done := len(s.Path)
	ahead := max(1, ver.steps-ver.order[s.Current])
	return float64(done) / float64(done+ahead)
}

// recentCached bounds the sessions recent keeps; when full it starts
// again empty (about 1 KiB each).
const recentCached = 50_000

// recent keeps each session as this replica last wrote it, so that an
// answer (five of a session's seven requests) does not read the session
// back first. A copy that another replica has moved on from is harmless:
// the update checks that the stored session is still the one the answer
// was worked out from, and reads it again if not (record). Leads and
// reloads always read the store.
type recent struct {
	mu sync.Mutex
	m  map[string]store.QuizSession
}

func newRecent() *recent { return &recent{m: map[string]store.QuizSession{}} }

func (r *recent) get(siteID, id string) (store.QuizSession, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.m[siteID+"/"+id]
	return s, ok
}

// put keeps s; its maps and slices must not be changed afterwards (record
// works on copies).
func (r *recent) put(s store.QuizSession) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.m) >= recentCached {
		clear(r.m)
	}
	r.m[s.SiteID+"/"+s.ID] = s
}
