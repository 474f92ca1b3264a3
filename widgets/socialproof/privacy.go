package socialproof

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/beckonhq/beckon/store"
)

// PublicEventView is an event as browsers get it: the name already cut down
// by the widget's name_display, no phone, no e-mail, no other field.
type PublicEventView struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Name    string `json:"name"` // "" when the widget says "Someone"
	City    string `json:"city"`
	Product string `json:"product"`
	URL     string `json:"url"`
	Image   string `json:"image"`
	Text    string `json:"text"`
	Time    string `json:"time"` // RFC 3339 with the stored fraction, UTC
	// Seq is the event's place in the site's order of storing: a client
	// resumes with since=<the largest seq it got> (0 for events stored
	// before sequences existed).
	Seq int64 `json:"seq,omitempty"`
}

// PublicEvent is e as set's widget shows it. Every event that leaves the
// server for a browser goes through here.
func PublicEvent(e store.Event, set *Settings) PublicEventView {
	return PublicEventView{ID: e.ID, Type: e.Type, Name: DisplayName(e.Name, set.NameDisplay),
		City: e.City, Product: e.Product, URL: e.URL, Image: e.Image, Text: e.Text,
		Time: e.Time.UTC().Format(time.RFC3339Nano), Seq: e.Seq}
}

// DisplayName formats a customer's name for visitors: "first_name" keeps
// the first word ("Maria Ivanova" → "Maria"), "first_initial" adds the
// initial of the last word ("Maria I."), "someone" keeps nothing. Words
// that look like an e-mail address or a phone number never get through.
func DisplayName(name, display string) string {
	words := strings.Fields(StripContacts(name))
	if display == "someone" || len(words) == 0 {
		return ""
	}
	first := words[0]
	if display != "first_initial" || len(words) == 1 {
		return first
	}
	// The last word's first letter: "(Masha)" gives "M", not "(".
	last := words[len(words)-1]
	i := strings.IndexFunc(last, unicode.IsLetter)
	r, _ := utf8.DecodeRuneInString(last[i:])
	return first + " " + string(unicode.ToUpper(r)) + "."
}

// StripContacts drops the words of a name that hold an '@' (an e-mail
// address) or a digit (a phone number, or part of one: names have no
// digits), so a shop that puts "Maria maria@mail.ru" or "+7 999 123-45-67"
// in a name field shows "Maria" and stores no contact. Intake applies it
// before an event is stored, and PublicEvent again before one is shown.
func StripContacts(name string) string {
	words := strings.Fields(name)
	kept := words[:0]
	for _, w := range words {
		if strings.ContainsRune(w, '@') || strings.ContainsFunc(w, unicode.IsDigit) || !strings.ContainsFunc(w, unicode.IsLetter) {
			continue
		}
		kept = append(kept, w)
	}
	return strings.Join(kept, " ")
}
