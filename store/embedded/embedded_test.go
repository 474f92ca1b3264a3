package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		st, err := Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}

// TestSurvivesReopen: what was acknowledged is on disk after the store is
// closed and opened again (the kill -9 case is tested on the real binary in
// cmd/beckon).
func TestSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	site := store.Site{ID: "s1", Key: "k1", Name: "Shop", CreatedAt: time.Now().UTC()}
	if err := st.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.GetSiteByKey(ctx, "k1")
	if err != nil || got.Name != "Shop" {
		t.Fatalf("after reopen: %+v %v", got, err)
	}
}

// TestSecondProcessIsRefused: two servers on one data directory would
// corrupt nothing (bbolt locks the file) but the second must say why it
// cannot start instead of hanging.
func TestSecondProcessIsRefused(t *testing.T) {
	dir := t.TempDir()
	st, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Open(dir); err == nil {
		t.Fatal("a second open of the same directory succeeded")
	}
}
