package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

// pushTexts are the pushes as strings, for comparing.
func pushTexts(t *testing.T, lp store.LivePushes, siteID string) []string {
	t.Helper()
	list, err := lp.LivePushes(ctx(t), siteID)
	must(t, "LivePushes", err)
	out := []string{}
	for _, p := range list {
		out = append(out, string(p))
	}
	return out
}

var livePushTests = []test{
	{"pushes are kept per site, oldest first", func(t *testing.T, st store.Store) {
		lp := st
		site, other := newID("site"), newID("site")
		if got := pushTexts(t, lp, site); len(got) != 0 {
			t.Fatalf("a site never pushed to has %v", got)
		}
		must(t, "AddLivePush", lp.AddLivePush(ctx(t), site, []byte(`{"id":"p1"}`), time.Minute))
		must(t, "AddLivePush", lp.AddLivePush(ctx(t), other, []byte(`{"id":"x"}`), time.Minute))
		must(t, "AddLivePush", lp.AddLivePush(ctx(t), site, []byte(`{"id":"p2"}`), time.Minute))
		if got, want := pushTexts(t, lp, site), []string{`{"id":"p1"}`, `{"id":"p2"}`}; !slices.Equal(got, want) {
			t.Fatalf("pushes %v, want %v", got, want)
		}
		if got := pushTexts(t, lp, other); !slices.Equal(got, []string{`{"id":"x"}`}) {
			t.Fatalf("the other site's pushes %v", got)
		}
	}},
	{"a push is gone after its ttl", func(t *testing.T, st store.Store) {
		lp := st
		site := newID("site")
		const ttl = 300 * time.Millisecond
		must(t, "AddLivePush", lp.AddLivePush(ctx(t), site, []byte(`{"id":"short"}`), ttl))
		if got := pushTexts(t, lp, site); len(got) != 1 {
			t.Fatalf("right after adding: %v", got)
		}
		deadline := time.Now().Add(ttl + 2*time.Second)
		for len(pushTexts(t, lp, site)) > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("a push of ttl %s still kept 2 s after it", ttl)
			}
			time.Sleep(50 * time.Millisecond)
		}
		// A later push still works, and the expired one does not come back.
		must(t, "AddLivePush", lp.AddLivePush(ctx(t), site, []byte(`{"id":"next"}`), time.Minute))
		if got := pushTexts(t, lp, site); !slices.Equal(got, []string{`{"id":"next"}`}) {
			t.Fatalf("after the expired one: %v", got)
		}
	}},
	{"past the limit the oldest make room", func(t *testing.T, st store.Store) {
		lp := st
		site := newID("site")
		var want []string
		for i := range store.LivePushesKept + 3 {
			p := fmt.Sprintf(`{"id":"p%02d"}`, i)
			must(t, "AddLivePush", lp.AddLivePush(ctx(t), site, []byte(p), time.Minute))
			want = append(want, p)
		}
		want = want[3:]
		if got := pushTexts(t, lp, site); !slices.Equal(got, want) {
			t.Fatalf("pushes %v, want the newest %d: %v", got, store.LivePushesKept, want)
		}
	}},
}
