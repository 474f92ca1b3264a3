package server

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/store"
)

// BenchmarkConfigForVisitor is the work a config request with a visitor
// id adds while an experiment runs, without the network: the hash, the
// choice of parts and the lookup of the combination's body (the exposure
// of a returning visitor is one more map lookup, left out here).
func BenchmarkConfigForVisitor(b *testing.B) {
	cv := &configVariants{head: []byte(`{"site":{"key":"k"},"widgets":[`), hash: "0123456789abcdef01234567"}
	for i := range 5 {
		cv.parts = append(cv.parts, []byte(fmt.Sprintf(`{"id":"w%d","settings":{"title":%q}}`, i, strings.Repeat("x", 400))))
	}
	e := &store.Experiment{ID: "exp_1", Mode: "ab", Variants: []store.ExperimentVariant{{ID: "control", Weight: 50}, {ID: "b", Weight: 50}}}
	cv.tests = []configTest{{part: 2, experiment: e, arms: [][]byte{[]byte(`{"variant":"control"}`), []byte(`{"variant":"b"}`)}}}
	visitors := make([]string, 1000)
	for i := range visitors {
		visitors[i] = fmt.Sprintf("%032x", i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		cv.forVisitor(ctx, "site", visitors[i%len(visitors)])
	}
}
