package socialproof_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets/socialproof"
)

// backend is a running server with one site (origin https://shop.example).
type backend struct {
	ts     *servertest.Server
	siteID string
	key    string // the site's public key
}

const shopOrigin = "https://shop.example"

func newBackend(t *testing.T, st store.Store) *backend {
	t.Helper()
	ts := servertest.Start(t, st, servertest.Options{})
	site := ts.CreateSite("Shop")
	return &backend{ts: ts, siteID: site["id"].(string), key: site["key"].(string)}
}

// widget creates a social-proof widget with settings and returns its JSON.
func (b *backend) widget(t *testing.T, settings any) map[string]any {
	t.Helper()
	return b.ts.CreateWidget(b.siteID, map[string]any{"type": "social_proof", "settings": settings})
}

// events lists the site's events as the owner sees them.
func (b *backend) events(t *testing.T) []store.Event {
	t.Helper()
	r := b.ts.Admin("GET", "/api/v1/sites/"+b.siteID+"/events?limit=500", nil)
	servertest.ExpectStatus(t, r, http.StatusOK)
	var out struct{ Events []store.Event }
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Events
}

// listen subscribes to the site's live channel as a replica would and
// returns the messages as they come.
func (b *backend) listen(t *testing.T) <-chan socialproof.Message {
	t.Helper()
	ch := make(chan socialproof.Message, 100)
	err := b.ts.Store.Subscribe(t.Context(), socialproof.Channel(b.siteID), func(p []byte) {
		var m socialproof.Message
		if err := json.Unmarshal(p, &m); err != nil {
			t.Errorf("channel message %s: %v", p, err)
		}
		ch <- m
	})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// next waits for the channel's next message.
func next(t *testing.T, ch <-chan socialproof.Message) socialproof.Message {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message on the site's channel within 5 s")
	}
	return socialproof.Message{}
}

// quiet fails if a message arrives within a short while.
func quiet(t *testing.T, ch <-chan socialproof.Message) {
	t.Helper()
	select {
	case m := <-ch:
		t.Fatalf("unexpected message on the site's channel: %+v", m)
	case <-time.After(200 * time.Millisecond):
	}
}

func ids(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}
