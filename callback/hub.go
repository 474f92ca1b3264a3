package callback

import "sync"

// hub tells this replica's open progress streams that their request
// changed. The engine publishes every change on the store's pub/sub
// (callback.ChangesChannel); each replica subscribes once and fans out here,
// so a thousand open streams cost one subscription, not a thousand.
type hub struct {
	mu       sync.Mutex
	watchers map[string]map[chan struct{}]struct{}
}

func newHub() *hub {
	return &hub{watchers: map[string]map[chan struct{}]struct{}{}}
}

// watch returns a channel that receives a signal after each change of key
// ("siteID/callbackID"). Signals coalesce: a slow reader sees one, then
// reads the latest state.
func (h *hub) watch(key string) chan struct{} {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.watchers[key] == nil {
		h.watchers[key] = map[chan struct{}]struct{}{}
	}
	h.watchers[key][ch] = struct{}{}
	return ch
}

func (h *hub) unwatch(key string, ch chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.watchers[key], ch)
	if len(h.watchers[key]) == 0 {
		delete(h.watchers, key)
	}
}

func (h *hub) notify(key string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.watchers[key] {
		select {
		case ch <- struct{}{}:
		default: // a signal is already pending
		}
	}
}
