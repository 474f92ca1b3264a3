package reviews

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestPageCacheBound: about comes from visitors' requests, so a site keeps
// at most maxPagesPerSite pages; past that, new keys are read through each
// time, until a change expires the kept ones and makes room.
func TestPageCacheBound(t *testing.T) {
	pc, s, now := newPageCache(), &Settings{}, time.Now()
	loads := 0
	load := func(context.Context) ([]byte, error) { loads++; return []byte(`{}`), nil }
	get := func(about string) {
		if _, err := pc.get(context.Background(), "site", "w", about, s, now, load); err != nil {
			t.Fatal(err)
		}
	}
	for i := range maxPagesPerSite {
		get(fmt.Sprint("sku-", i))
	}
	get("sku-0")
	if loads != maxPagesPerSite {
		t.Fatalf("%d loads for %d keys and a repeat, want %d", loads, maxPagesPerSite, maxPagesPerSite)
	}
	get("one-too-many")
	get("one-too-many")
	if loads != maxPagesPerSite+2 || pc.total != maxPagesPerSite {
		t.Fatalf("past the bound: %d loads, %d kept; want every view read through and nothing more kept", loads, pc.total)
	}
	pc.invalidate("site")
	get("one-too-many")
	get("one-too-many")
	if loads != maxPagesPerSite+3 || pc.total != 1 {
		t.Fatalf("after a change: %d loads, %d kept; want the expired pages dropped and the new one kept", loads, pc.total)
	}
}
