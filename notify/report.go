package notify

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/store"
)

// reportTexts are the words of messages to people (Telegram, e-mail,
// Bitrix24's comments), from i18n/notifications.json.
type reportTexts struct {
	Events    map[string]string `json:"events"`
	Site      string            `json:"site"`
	Name      string            `json:"name"`
	Phone     string            `json:"phone"`
	Email     string            `json:"email"`
	Messenger string            `json:"messenger"`
	Answers   string            `json:"answers"`
	Result    string            `json:"result"`
	Summary   string            `json:"summary"`
	Page      string            `json:"page"`
	Referrer  string            `json:"referrer"`
	Source    string            `json:"source"`
	Fields    string            `json:"fields"`
	Reason    string            `json:"reason"`
	Reasons   map[string]string `json:"reasons"` // a missed call's reason code → words
	Budget    string            `json:"budget"`
	Day       string            `json:"day"`
	Open      string            `json:"open"`
	Footer    string            `json:"footer"`
	// A review's words (review.created).
	Rating     string `json:"rating"`
	Review     string `json:"review"`
	About      string `json:"about"`
	Order      string `json:"order"`
	Verified   string `json:"verified"`
	OpenReview string `json:"open_review"`
}

var texts = i18n.MustLoad[reportTexts]("notifications")

// maxValueRunes bounds one value in a message (a long free-text answer),
// so a message stays within what Telegram takes.
const maxValueRunes = 300

// eventBody is a stored notification's body as the channels read it: the
// webhook envelope (see eventPayload), with the fields messages show.
type eventBody struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      struct {
		SiteID      string      `json:"site_id"`
		Lead        *store.Lead `json:"lead"`
		Reason      string      `json:"reason"`
		DailyBudget int         `json:"daily_budget"`
		Day         string      `json:"day"`
		Review      *reviewBody `json:"review"`
	} `json:"data"`
}

func readEvent(body []byte) (eventBody, error) {
	var e eventBody
	if err := json.Unmarshal(body, &e); err != nil {
		return e, fmt.Errorf("notify: stored body: %w", err)
	}
	return e, nil
}

// reviewBody is what messages show of a review.created's review
// (store.Review, as widgets/reviews publishes it).
type reviewBody struct {
	ID       string `json:"id"`
	SiteID   string `json:"site_id"`
	Rating   int    `json:"rating"`
	Text     string `json:"text"`
	Name     string `json:"name"`
	About    string `json:"about"`
	Verified bool   `json:"verified"`
	OrderID  string `json:"order_id"`
}

// row is one "label: value" line of a message.
type row struct{ Label, Value string }

// report is an event as a person reads it, before Telegram's HTML or an
// e-mail's parts shape it.
type report struct {
	Lang     string
	Title    string // what happened: "New lead"
	Headline string // the lead's summary, or its contact
	Site     string
	Contact  []row
	Answers  []row
	Result   []row
	Details  []row // page, referrer, source, UTM, the page's fields
	Link     string
	LinkText string // the link's words: "Open the lead"
	Texts    reportTexts
}

// channelLang is the language of a channel's messages: its own, else the
// site's, else English.
func channelLang(lang string, site SiteInfo) string {
	for _, l := range []string{lang, site.Locale} {
		if _, ok := texts[l]; ok {
			return l
		}
	}
	return "en"
}

// newReport reads e for a person in lang.
func (s *Sender) newReport(e eventBody, site SiteInfo, lang string) report {
	t := texts[lang]
	r := report{Lang: lang, Title: t.Events[e.Type], Site: site.Name, Texts: t, LinkText: t.Open}
	if r.Title == "" {
		r.Title = e.Type
	}
	add := func(rows *[]row, label, value string) {
		if value = strings.TrimSpace(value); value != "" {
			*rows = append(*rows, row{label, clip(value)})
		}
	}
	if code := e.Data.Reason; code != "" {
		if words := t.Reasons[code]; words != "" {
			code = words
		}
		add(&r.Details, t.Reason, code)
	}
	if e.Data.DailyBudget > 0 {
		add(&r.Details, t.Budget, strconv.Itoa(e.Data.DailyBudget))
		add(&r.Details, t.Day, e.Data.Day)
	}
	if rv := e.Data.Review; rv != nil {
		s.reviewReport(&r, rv, add)
	}
	l := e.Data.Lead
	if l == nil {
		return r
	}
	c := l.Contact
	add(&r.Contact, t.Name, c.Name)
	add(&r.Contact, t.Phone, c.Phone)
	add(&r.Contact, t.Email, c.Email)
	add(&r.Contact, t.Messenger, c.Messenger)
	r.Headline = clip(l.Summary)
	if r.Headline == "" {
		r.Headline = strings.TrimSpace(c.Name + " " + c.Phone)
	}
	for _, a := range l.Answers {
		add(&r.Answers, a.Title, a.Text)
	}
	if res := l.Result; res != nil {
		add(&r.Result, t.Result, res.Title)
		add(&r.Result, "", res.Text)
		for _, name := range slices.Sorted(maps.Keys(res.Values)) {
			add(&r.Result, name, formatNumber(res.Values[name], lang))
		}
	}
	add(&r.Result, t.Summary, l.Summary)
	add(&r.Details, t.Page, l.PageURL)
	add(&r.Details, t.Referrer, l.Referrer)
	add(&r.Details, t.Source, l.Source)
	for _, k := range slices.Sorted(maps.Keys(l.UTM)) {
		add(&r.Details, k, l.UTM[k])
	}
	for _, k := range slices.Sorted(maps.Keys(l.Hidden)) {
		add(&r.Details, t.Fields+": "+k, l.Hidden[k])
	}
	if s.opts.PublicURL != "" && l.ID != "" {
		r.Link = strings.TrimSuffix(s.opts.PublicURL, "/") + "/api/v1/sites/" + l.SiteID + "/leads/" + l.ID
	}
	return r
}

// reviewReport fills r with a new review: the stars and the name as the
// headline, the customer's words, what it is about, and a link to the
// reviews waiting for moderation.
func (s *Sender) reviewReport(r *report, rv *reviewBody, add func(*[]row, string, string)) {
	t := r.Texts
	stars := ""
	if rv.Rating >= 1 && rv.Rating <= 5 {
		stars = strings.Repeat("★", rv.Rating) + strings.Repeat("☆", 5-rv.Rating)
		add(&r.Contact, t.Rating, fmt.Sprintf("%s %d/5", stars, rv.Rating))
	}
	r.Headline = strings.TrimSpace(stars + " " + clip(rv.Name))
	add(&r.Contact, t.Name, rv.Name)
	add(&r.Result, t.Review, rv.Text)
	add(&r.Details, t.About, rv.About)
	if rv.Verified {
		add(&r.Details, t.Order, strings.TrimSpace(rv.OrderID+" ("+t.Verified+")"))
	}
	if s.opts.PublicURL != "" && rv.SiteID != "" {
		r.Link = strings.TrimSuffix(s.opts.PublicURL, "/") + "/api/v1/sites/" + rv.SiteID + "/reviews?status=pending"
		r.LinkText = t.OpenReview
	}
}

// plain is the report as plain text: the e-mail's text part and
// Bitrix24's comments.
func (r report) plain() string {
	var b strings.Builder
	b.WriteString(r.Title)
	if r.Headline != "" {
		b.WriteString(": " + r.Headline)
	}
	b.WriteString("\n")
	if r.Site != "" {
		fmt.Fprintf(&b, "%s: %s\n", r.Texts.Site, r.Site)
	}
	section := func(title string, rows []row) {
		if len(rows) == 0 {
			return
		}
		b.WriteString("\n")
		if title != "" {
			b.WriteString(title + "\n")
		}
		for _, x := range rows {
			if x.Label == "" {
				b.WriteString(x.Value + "\n")
			} else {
				fmt.Fprintf(&b, "%s: %s\n", x.Label, x.Value)
			}
		}
	}
	section("", r.Contact)
	section(r.Texts.Answers, r.Answers)
	section("", r.Result)
	section("", r.Details)
	if r.Link != "" {
		fmt.Fprintf(&b, "\n%s: %s\n", r.LinkText, r.Link)
	}
	return b.String()
}

// clip shortens s to maxValueRunes runes.
func clip(s string) string {
	if len(s) <= maxValueRunes { // bytes ≥ runes
		return s
	}
	runes := []rune(s)
	if len(runes) <= maxValueRunes {
		return s
	}
	return string(runes[:maxValueRunes-1]) + "…"
}

// formatNumber writes v the way lang groups digits: "420 000" (ru, uk)
// or "420,000" (en), with at most two decimals.
func formatNumber(v float64, lang string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	sep, dec := "\u00a0", ","
	if lang == "en" {
		sep, dec = ",", "."
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = strconv.FormatFloat(math.Round(math.Abs(v)*100)/100, 'f', -1, 64)
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, d := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}
