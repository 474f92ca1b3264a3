package dashboard_test

import (
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
)

// BenchmarkPages times signed-in pages through the real server on the
// embedded store (the issue asks ≤ 200 ms per page); figures in
// docs/BENCHMARKS.md.
func BenchmarkPages(b *testing.B) {
	for _, path := range []string{"/app/", "/app/account", "/app/login"} {
		b.Run(path, func(b *testing.B) {
			d := startDashB(b)
			br := d.browser(b, "bench")
			br.setup()
			b.ResetTimer()
			for b.Loop() {
				if p := br.get(path); p.Status != http.StatusOK && p.Status != http.StatusSeeOther {
					b.Fatalf("%s: %d", path, p.Status)
				}
			}
		})
	}
}

func startDashB(b *testing.B) *dash {
	clk := newClock()
	opts := servertest.Options{OwnPublicURL: true}
	opts.Server.Clock = clk.Now
	return &dash{Server: servertest.Start(b, servertest.NewStore(b, "embedded"), opts), clock: clk}
}
