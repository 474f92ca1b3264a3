package leads_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// slowPages is a store whose inbox pages after the first take delay each
// to read, like a store under load.
type slowPages struct {
	store.Store
	delay time.Duration
}

func (s slowPages) ListLeads(ctx context.Context, siteID string, f store.LeadFilter) ([]store.Lead, error) {
	if !f.After.CreatedAt.IsZero() {
		time.Sleep(s.delay)
	}
	return s.Store.ListLeads(ctx, siteID, f)
}

// TestExportOutlivesWriteTimeout: an export that takes longer than the
// server's write timeout as a whole (here three pages, two of them slow to
// read) still arrives whole: each write has its own deadline.
func TestExportOutlivesWriteTimeout(t *testing.T) {
	const writeTimeout = 300 * time.Millisecond
	st := slowPages{Store: servertest.NewStore(t, "embedded"), delay: 2 * writeTimeout}
	ts := servertest.Start(t, st, servertest.Options{Server: server.Options{WriteTimeout: writeTimeout}})
	siteID, _, _ := ts.CallbackSite("")
	ib := &inbox{Server: ts, siteID: siteID}
	const n = 1001 // three pages of 500
	for i := range n {
		ib.put(quizLead(siteID, fmt.Sprintf("ld_%04d", i), "v1", i))
	}
	start := time.Now()
	rows := readCSV(t, ts.Admin("GET", "/api/v1/sites/"+siteID+"/leads.csv", nil), ',')
	if took := time.Since(start); took < writeTimeout {
		t.Fatalf("the export took %v, not longer than the write timeout %v: the test proves nothing", took, writeTimeout)
	}
	if len(rows) != n+1 {
		t.Fatalf("%d rows, want a header and %d", len(rows), n)
	}
}
