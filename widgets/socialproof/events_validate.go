package socialproof

import (
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// eventInput is one event as the owner's server sends it. Time is a
// string, so a bad one is reported as events[i].time, not as a decoding
// error of the whole body.
type eventInput struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	City    string `json:"city"`
	Product string `json:"product"`
	URL     string `json:"url"`
	Image   string `json:"image"`
	Text    string `json:"text"`
	Time    string `json:"time"`
}

// clockSkew is how far in the future an event's time may be: the owner's
// clock may run a little ahead of ours. Anything later has not happened.
const clockSkew = time.Minute

// toEvent checks in and makes it an event received now; errors name the
// field under prefix ("events[3]").
func (in eventInput) toEvent(prefix string, now time.Time) (store.Event, error) {
	f := func(name string) string { return prefix + "." + name }
	checks := []error{
		validate.Line(f("id"), in.ID, true, 128),
		validate.Line(f("name"), in.Name, false, 100),
		validate.Line(f("city"), in.City, false, 100),
		validate.Line(f("product"), in.Product, false, 200),
		link(f("url"), in.URL),
		link(f("image"), in.Image),
	}
	if !slices.Contains(eventTypes, in.Type) {
		checks = append(checks, validate.OneOf(f("type"), in.Type, eventTypes...))
	}
	if in.Type == "custom" {
		checks = append(checks, validate.Line(f("text"), in.Text, true, maxTemplateLen))
	} else if in.Text != "" {
		checks = append(checks, validate.Field(f("text"), "only custom events carry their own text"))
	}
	for _, err := range checks {
		if err != nil {
			return store.Event{}, err
		}
	}
	at := now
	if in.Time != "" {
		t, err := time.Parse(time.RFC3339, in.Time)
		if err != nil {
			return store.Event{}, validate.Field(f("time"), "must be an RFC 3339 time such as 2026-11-30T10:00:00Z")
		}
		if t.After(now.Add(clockSkew)) {
			return store.Event{}, validate.Field(f("time"), "is in the future; an event is shown only once it has happened")
		}
		at = t.UTC()
	}
	return store.Event{ID: in.ID, Type: in.Type, Name: StripContacts(in.Name), City: in.City, Product: in.Product,
		URL: in.URL, Image: in.Image, Text: in.Text, Time: at, CreatedAt: now}, nil
}

// link checks an optional absolute http(s) URL.
func link(field, raw string) error {
	if raw == "" {
		return nil
	}
	if err := validate.Line(field, raw, true, 2000); err != nil {
		return err
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return validate.Field(field, "must be an absolute http(s) URL")
	}
	return nil
}

// eventsField names the i-th event of a call.
func eventsField(i int) string { return fmt.Sprintf("events[%d]", i) }
