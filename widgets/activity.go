package widgets

import (
	"context"
	"sync"
	"time"
)

// Activity is something a visitor did through one widget that another
// widget may show, without personal data: the social-proof widget turns
// "callback.connected" into "Someone requested a call".
type Activity struct {
	SiteID string
	Kind   string // ActivityCallbackConnected, …
	// ID is unique per site and kind (the request's id), so telling one
	// activity twice makes one notice.
	ID string
	At time.Time
}

// Kinds of Activity.
const (
	ActivityCallbackConnected = "callback.connected"
	ActivityLeadSubmitted     = "lead.submitted"
)

// Activities passes a replica's activities from the modules that do them
// to the modules that listen, in process: a listener that stores what it
// hears (social proof stores an event) reaches the other replicas through
// the store. Modules know the kinds, never each other.
type Activities struct {
	mu        sync.RWMutex
	listeners []func(context.Context, Activity)
}

// Listen adds fn, called for every activity from then on, synchronously:
// it must be quick, and bound its own store calls.
func (a *Activities) Listen(fn func(context.Context, Activity)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.listeners = append(a.listeners, fn)
}

// Tell passes act to every listener.
func (a *Activities) Tell(ctx context.Context, act Activity) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	for _, fn := range a.listeners {
		fn(ctx, act)
	}
}
