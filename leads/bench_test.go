package leads_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkExport streams an inbox of 10,000 quiz leads (answers, result,
// UTM, hidden fields, consent) as CSV and as JSONL over real HTTP; leads/s
// is the export's speed end to end. Run:
//
//	go test ./leads -run '^$' -bench Export -benchtime 5x
//	BECKON_TEST_REDIS_URL=redis://127.0.0.1:6379/0 go test ./leads -run '^$' -bench Export -benchtime 5x
func BenchmarkExport(b *testing.B) {
	const n = 10000
	for _, kind := range servertest.StoreKinds {
		ts := servertest.Start(b, servertest.NewStore(b, kind), servertest.Options{})
		siteID, _, _ := ts.CallbackSite("")
		ib := &inbox{Server: ts, siteID: siteID}
		for i := range n {
			ib.put(quizLead(siteID, fmt.Sprintf("ld_%05d", i), fmt.Sprintf("v%d", i), i))
		}
		for _, format := range []string{"csv", "jsonl"} {
			b.Run(kind+"/"+format, func(b *testing.B) {
				var size int64
				for b.Loop() {
					req, _ := http.NewRequest("GET", ts.Base+"/api/v1/sites/"+siteID+"/leads."+format, nil)
					req.Header.Set("Authorization", "Bearer "+servertest.AdminToken)
					res, err := servertest.Client.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					size, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err != nil || res.StatusCode != http.StatusOK {
						b.Fatalf("%d %v", res.StatusCode, err)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "leads/s")
				b.ReportMetric(float64(size)/n, "bytes/lead")
			})
		}
	}
}
