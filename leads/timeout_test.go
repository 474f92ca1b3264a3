package leads_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/server"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// slowPages is a store whose inbox pages after the first take delay each
// to read, like a store under load; one that has not answered when the
// caller's deadline passes fails, as a network store would.
type slowPages struct {
	store.Store
	delay time.Duration
}

func (s slowPages) ListLeads(ctx context.Context, siteID string, f store.LeadFilter) ([]store.Lead, error) {
	if !f.After.CreatedAt.IsZero() {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return s.Store.ListLeads(ctx, siteID, f)
}

// TestExportOutlivesWriteTimeout: an export that takes longer than the
// server's write timeout as a whole (here three pages, two of them slow to
// read) still arrives whole: each write has its own deadline.
func TestExportOutlivesWriteTimeout(t *testing.T) {
	const writeTimeout = 500 * time.Millisecond
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

// TestExportBrokenByStore: a page the store cannot give within its
// deadline breaks the download: the client gets an error, not a short
// file that looks complete.
func TestExportBrokenByStore(t *testing.T) {
	st := slowPages{Store: servertest.NewStore(t, "embedded"), delay: api.StoreDeadline + 500*time.Millisecond}
	ts := servertest.Start(t, st, servertest.Options{})
	siteID, _, _ := ts.CallbackSite("")
	ib := &inbox{Server: ts, siteID: siteID}
	for i := range 501 { // the second page is slow
		ib.put(quizLead(siteID, fmt.Sprintf("ld_%04d", i), "v1", i))
	}
	for _, format := range []string{"csv", "jsonl"} {
		req, _ := http.NewRequest("GET", ts.Base+"/api/v1/sites/"+siteID+"/leads."+format, nil)
		req.Header.Set("Authorization", "Bearer "+servertest.AdminToken)
		res, err := servertest.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || err == nil {
			t.Fatalf("%s: status %d, %d bytes read without an error; want a broken download", format, res.StatusCode, len(body))
		}
	}
}
