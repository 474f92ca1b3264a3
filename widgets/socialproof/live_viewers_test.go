package socialproof_test

import (
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

func TestLiveViewersThresholdAndScope(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startLive(t, newStore(t), fastLive)
		s := newLiveSite(t, ts, map[string]any{"viewers": map[string]any{"enabled": true, "threshold": 3, "scope": "page"}})

		var onA []*liveConn
		for _, v := range []string{"a1", "a2"} {
			ws := s.connect(t, v, "/a")
			if m := recv(t, ws, 2*time.Second); m.Viewers != nil {
				t.Fatalf("hello with %d on the page shows %+v, want nothing below the threshold of 3", len(onA)+1, *m.Viewers)
			}
			onA = append(onA, ws)
		}
		onB := s.connect(t, "b1", "/b")
		recv(t, onB, 2*time.Second)
		// Two on /a, one on /b: the page count of /a (2) is under 3.
		expectNoMessage(t, onA[0], 500*time.Millisecond)

		onA = append(onA, s.connect(t, "a3", "/a"))
		for i, ws := range onA {
			m := readUntil(t, ws, 2*time.Second, "viewers", func(m liveMsg) bool { return m.Type == "viewers" || m.Type == "hello" && m.Viewers != nil })
			if m.Viewers == nil || m.Viewers.Page != 3 || m.Viewers.Site != 4 {
				t.Fatalf("visitor %d of /a: viewers %+v, want page 3 and site 4", i, m.Viewers)
			}
		}
		// /b's own page has 1: nothing shown there (scope page).
		expectNoMessage(t, onB, 300*time.Millisecond)

		onA[2].ws.Close()
		m := readUntil(t, onA[0], 2*time.Second, "viewers", func(m liveMsg) bool { return m.Type == "viewers" })
		if m.Viewers != nil {
			t.Fatalf("after one of three left /a: %+v, want nothing", *m.Viewers)
		}
	})
}

func TestLiveViewersRoundDown(t *testing.T) {
	ts := startLive(t, servertest.NewStore(t, "embedded"), fastLive)
	s := newLiveSite(t, ts, map[string]any{"viewers": map[string]any{"enabled": true, "threshold": 3, "scope": "site", "round_down_to": 5}})
	var first *liveConn
	for i := range 7 {
		ws := s.connect(t, "v", "/p"+string(rune('a'+i)))
		if first == nil {
			first = ws
		}
	}
	m := readUntil(t, first, 3*time.Second, "viewers of 7", func(m liveMsg) bool { return m.Viewers != nil })
	if m.Viewers.Site != 5 || m.Viewers.Page != 0 {
		t.Fatalf("7 visitors on 7 pages, rounded down to 5: %+v, want site 5 and no page count", *m.Viewers)
	}
}

func TestLiveViewersOff(t *testing.T) {
	ts := startLive(t, servertest.NewStore(t, "embedded"), fastLive)
	s := newLiveSite(t, ts, map[string]any{"viewers": map[string]any{"enabled": false, "threshold": 1}})
	first := s.connect(t, "v1", "/")
	for _, v := range []string{"v2", "v3"} {
		s.connect(t, v, "/")
	}
	s.post(t, purchaseEvent("order-1", "Maria", 0))
	for {
		m := recv(t, first, 2*time.Second)
		if m.Viewers != nil {
			t.Fatalf("the count is off, yet %s message shows %+v", m.Type, *m.Viewers)
		}
		if m.Type == "event" {
			break
		}
	}
	expectNoMessage(t, first, 5*fastLive.ViewersEvery)
}
