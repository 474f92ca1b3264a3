package storetest

import (
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// quizCallers are the numbers of callers in flight the quiz benchmarks run
// with: 32, the load of BenchmarkIntake and cmd/beckonbench's default, and
// 128, a busier server. The embedded store shares each commit among the
// writes waiting for it, so its throughput grows with the callers.
var quizCallers = []int{32, 128}

// runCallers runs body under b.RunParallel once per entry of quizCallers,
// each as a sub-benchmark named by its number of callers, and reports
// b.N per second as unit.
func runCallers(b *testing.B, unit string, body func(pb *testing.PB)) {
	for _, callers := range quizCallers {
		perProc := max(callers/runtime.GOMAXPROCS(0), 1)
		b.Run(fmt.Sprintf("callers=%d", perProc*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			b.SetParallelism(perProc)
			b.RunParallel(body)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
		})
	}
}

// BenchmarkCreateLead measures storing new leads. Target: 3,000 leads/s on
// the embedded store, 1,500 on Redis.
func BenchmarkCreateLead(b *testing.B, st store.Store) {
	ctx := b.Context()
	site := newSite()
	if err := st.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	runCallers(b, "leads/s", func(pb *testing.PB) {
		for pb.Next() {
			if _, created, err := st.CreateLead(ctx, newLead(site.ID)); err != nil || !created {
				b.Fatalf("CreateLead: created=%v, %v", created, err)
			}
		}
	})
}

// BenchmarkQuizSession measures what one visitor's quiz asks of the store:
// a session, five answers (each an update) and the lead. Target: 1,000
// sessions/s on the embedded store, 500 on Redis.
func BenchmarkQuizSession(b *testing.B, st store.Store) {
	ctx := b.Context()
	site := newSite()
	if err := st.CreateSite(ctx, site); err != nil {
		b.Fatal(err)
	}
	runCallers(b, "sessions/s", func(pb *testing.PB) {
		for pb.Next() {
			q := newQuizSession(site.ID)
			if err := st.CreateQuizSession(ctx, q); err != nil {
				b.Fatalf("CreateQuizSession: %v", err)
			}
			for i := range 5 {
				step := fmt.Sprintf("step%d", i)
				_, err := st.UpdateQuizSession(ctx, site.ID, q.ID, func(cur *store.QuizSession) error {
					cur.Answers[step] = json.RawMessage(`"option"`)
					cur.Path = append(cur.Path, step)
					cur.Current = fmt.Sprintf("step%d", i+1)
					cur.UpdatedAt = now()
					return nil
				})
				if err != nil {
					b.Fatalf("UpdateQuizSession: %v", err)
				}
			}
			l := newLead(site.ID)
			l.SessionID, l.VisitorID = q.ID, q.VisitorID
			if _, _, err := st.CreateLead(ctx, l); err != nil {
				b.Fatalf("CreateLead: %v", err)
			}
		}
	})
}
