package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// settingRacers is how many replicas start at once in the race test.
const settingRacers = 10

var settingTests = []test{
	{"absent is not found", func(t *testing.T, st store.Store) {
		_, err := st.GetSetting(ctx(t), newID("setting"))
		wantErr(t, "GetSetting", err, store.ErrNotFound)
	}},
	{"set if absent", func(t *testing.T, st store.Store) {
		name := newID("setting")
		set, err := st.SetSettingIfAbsent(ctx(t), name, "first")
		must(t, "SetSettingIfAbsent", err)
		if !set {
			t.Fatal("SetSettingIfAbsent on an absent name reported false")
		}
		set, err = st.SetSettingIfAbsent(ctx(t), name, "second")
		must(t, "SetSettingIfAbsent", err)
		if set {
			t.Fatal("SetSettingIfAbsent on a present name reported true")
		}
		got, err := st.GetSetting(ctx(t), name)
		must(t, "GetSetting", err)
		if got != "first" {
			t.Fatalf("GetSetting: %q, want the first value", got)
		}
	}},
	{"exactly one of many racers wins", func(t *testing.T, st store.Store) {
		name := newID("setting")
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			winners []string
			seen    = make([]string, settingRacers)
		)
		for i := range settingRacers {
			value := fmt.Sprintf("value-%d", i)
			wg.Go(func() {
				set, err := st.SetSettingIfAbsent(ctx(t), name, value)
				if err != nil {
					t.Errorf("SetSettingIfAbsent: %v", err)
					return
				}
				if set {
					mu.Lock()
					winners = append(winners, value)
					mu.Unlock()
				}
				// Like a replica that lost: it goes on with the stored value.
				if seen[i], err = st.GetSetting(ctx(t), name); err != nil {
					t.Errorf("GetSetting: %v", err)
				}
			})
		}
		wg.Wait()
		if len(winners) != 1 {
			t.Fatalf("%d racers won, want exactly one: %v", len(winners), winners)
		}
		for i, v := range seen {
			if v != winners[0] {
				t.Errorf("racer %d read %q, want the winner's %q", i, v, winners[0])
			}
		}
	}},
}
