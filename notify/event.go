package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Event types the owners' channels subscribe to.
const (
	EventLeadSubmitted       = "lead.submitted"
	EventLeadStarted         = "lead.started" // a partial lead: contacts given, the quiz not finished
	EventCallbackCompleted   = "callback.completed"
	EventCallbackMissed      = "callback.missed"
	EventCallbackBudgetSpent = "callback.budget_spent"
	// EventReviewCreated: a visitor wrote a review; it waits, pending, for
	// the owner to publish, answer or hide it. Its data is the review.
	EventReviewCreated = "review.created"
)

// EventTypes are the events a site channel may subscribe to, in the order
// the documentation lists them.
var EventTypes = []string{EventLeadSubmitted, EventLeadStarted, EventCallbackCompleted, EventCallbackMissed, EventCallbackBudgetSpent,
	EventReviewCreated}

// Event is something a site owner is told about on every channel of the site that wants it.
type Event struct {
	Type     string // one of EventTypes
	SiteID   string
	WidgetID string
	Key      string // unique per site and type (a lead's id): publishing twice makes one message per channel
	At       time.Time
	Lead     *store.Lead // lead.* and callback.* events: the inbox entry
	Data     any         // extra fields of the type
}

// Publish stores one message per destination in the durable outbox (the
// widget's notify_url if it has one, and each site channel subscribed to
// e.Type) and returns once they are stored. An event without a WidgetID
// goes to the site's channels only. Every message's id derives from
// the site, the type, the key and the destination, so publishing again
// (after an error, or from another replica) adds nothing.
func (s *Sender) Publish(ctx context.Context, e Event) error {
	if e.SiteID == "" || e.Key == "" {
		return fmt.Errorf("notify: %s event without a site or a key", e.Type)
	}
	body, err := eventPayload(e)
	if err != nil {
		return err
	}
	dests, err := s.destinations(ctx, e)
	if err != nil || len(dests) == 0 {
		return err
	}
	send := func(channel string) error {
		_, err := s.Send(ctx, Message{ID: eventMessageID(e, channel), SiteID: e.SiteID, WidgetID: e.WidgetID,
			Channel: channel, EventType: e.Type, Payload: body, At: e.At})
		return err
	}
	if len(dests) == 1 {
		return send(dests[0])
	}
	// Stored at once, the writes share the store's commits (the embedded
	// store's group commit, Redis's pipelining of concurrent clients):
	// a lead with four destinations waits about one write, not four.
	errs := make([]error, len(dests))
	var wg sync.WaitGroup
	for i, ch := range dests {
		wg.Go(func() { errs[i] = send(ch) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// destinations lists where e goes: "" for the widget's notify_url when it
// has one, and the kind of each site channel subscribed to e.Type.
func (s *Sender) destinations(ctx context.Context, e Event) ([]string, error) {
	var dests []string
	if e.WidgetID != "" {
		_, err := s.endpoint(ctx, e.SiteID, e.WidgetID)
		switch {
		case errors.Is(err, ErrNoEndpoint):
		case err != nil:
			return nil, fmt.Errorf("notify: %s of site %s: read the widget's webhook: %w", e.Type, e.SiteID, err)
		default:
			dests = append(dests, "")
		}
	}
	if s.opts.Sites == nil {
		return dests, nil
	}
	site, err := s.opts.Sites(ctx, e.SiteID)
	if errors.Is(err, ErrNoEndpoint) {
		return dests, nil
	}
	if err != nil {
		return nil, fmt.Errorf("notify: %s of site %s: read the site's channels: %w", e.Type, e.SiteID, err)
	}
	for _, kind := range ChannelKinds {
		if site.Channels.Subscribed(kind, e.Type) {
			dests = append(dests, kind)
		}
	}
	return dests, nil
}

// SendTest stores a sample lead.submitted (SampleEvent) for the site's
// channel of kind, whatever events it subscribes to, and returns the
// message's id: the owner sees it arrive, and in the delivery log.
// ErrNoEndpoint when the site has no such channel.
func (s *Sender) SendTest(ctx context.Context, siteID, kind string) (string, error) {
	if s.opts.Sites == nil {
		return "", channelGone(kind)
	}
	site, err := s.opts.Sites(ctx, siteID)
	if err != nil {
		return "", err
	}
	if !site.Channels.Has(kind) {
		return "", channelGone(kind)
	}
	e := SampleEvent(siteID, s.opts.Now())
	body, err := eventPayload(e)
	if err != nil {
		return "", err
	}
	return s.Send(ctx, Message{SiteID: siteID, WidgetID: e.WidgetID, Channel: kind, EventType: e.Type, Payload: body, At: e.At})
}

// eventMessageID is the message of e for one destination: the widget's
// webhook (channel "", the id such messages always had) or a site channel.
func eventMessageID(e Event, channel string) string {
	key := e.SiteID + "/" + e.Type + "/" + e.Key
	if channel != "" {
		key += "/" + channel
	}
	return MessageID(key)
}

// eventPayload is the webhook data of e: the fields of e.Data (an object),
// with site_id, widget_id and lead added where Data has none, so every
// event of every type names its site and carries its lead.
func eventPayload(e Event) (json.RawMessage, error) {
	fields := map[string]json.RawMessage{}
	if e.Data != nil {
		raw, err := json.Marshal(e.Data)
		if err != nil {
			return nil, fmt.Errorf("notify: encode %s data: %w", e.Type, err)
		}
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, fmt.Errorf("notify: %s data is not a JSON object: %w", e.Type, err)
		}
	}
	add := func(name string, v any) error {
		if _, ok := fields[name]; ok {
			return nil
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("notify: encode %s %s: %w", e.Type, name, err)
		}
		fields[name] = raw
		return nil
	}
	if err := add("site_id", e.SiteID); err != nil {
		return nil, err
	}
	if e.WidgetID != "" {
		if err := add("widget_id", e.WidgetID); err != nil {
			return nil, err
		}
	}
	if e.Lead != nil {
		if err := add("lead", e.Lead); err != nil {
			return nil, err
		}
	}
	return json.Marshal(fields)
}
