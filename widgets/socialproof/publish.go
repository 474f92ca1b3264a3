package socialproof

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// Channel is the store pub/sub channel of a site's live changes.
func Channel(siteID string) string { return "sp:" + siteID }

// Message is what a site's channel carries: {"kind":"event","event":{…}}
// for a new event (the stored event, name as sent: each replica formats
// it for its widgets), {"kind":"delete","id":"…"}, or
// {"kind":"show","push_id":"…","widget":"…","pages":{…}} for a widget
// the owner pushed (push.go).
type Message struct {
	Kind   string          `json:"kind"`
	Event  *store.Event    `json:"event,omitempty"`
	ID     string          `json:"id,omitempty"`
	PushID string          `json:"push_id,omitempty"`
	Widget string          `json:"widget,omitempty"`
	Pages  *triggers.Pages `json:"pages,omitempty"`
}

// Kinds of Message.
const (
	KindEvent  = "event"
	KindDelete = "delete"
	KindShow   = "show"
)

// addEvents stores evs and tells every replica about the ones that were
// new. A publish that fails is logged, not returned: the events are
// stored, and pages that missed the message get them on their next
// connect or poll.
func (m *Module) addEvents(ctx context.Context, siteID string, evs []store.Event) ([]store.Event, error) {
	added, err := m.deps.Store.AddEvents(ctx, siteID, evs)
	if err != nil {
		return nil, fmt.Errorf("socialproof: add events: %w", err)
	}
	for i := range added {
		m.publish(ctx, siteID, Message{Kind: KindEvent, Event: &added[i]})
	}
	return added, nil
}

// deleteEvent removes an event and takes it off every open page.
func (m *Module) deleteEvent(ctx context.Context, siteID, id string) error {
	if err := m.deps.Store.DeleteEvent(ctx, siteID, id); err != nil {
		return fmt.Errorf("socialproof: delete event: %w", err)
	}
	m.publish(ctx, siteID, Message{Kind: KindDelete, ID: id})
	return nil
}

func (m *Module) publish(ctx context.Context, siteID string, msg Message) {
	raw, err := json.Marshal(msg)
	if err == nil {
		err = m.deps.Store.Publish(ctx, Channel(siteID), raw)
	}
	if err != nil {
		m.deps.Log.Warn("social proof: publish failed", "site", siteID, "kind", msg.Kind, "err", err)
	}
}
