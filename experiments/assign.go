// Package experiments runs A/B (and A/A) tests of any widget: which
// variant a visitor sees (a hash, no store read), the variants' settings,
// who was exposed and who converted (store.Experiments), the owner's API
// and the statistics of the results. See docs/EXPERIMENTS.md.
package experiments

import (
	"crypto/sha256"
	"encoding/binary"
	"regexp"

	"github.com/beckonhq/beckon/store"
)

// visitorIDPattern is the loader's visitor id: 32 lowercase hex digits.
var visitorIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ValidVisitorID reports whether id looks like a visitor id the loader makes.
func ValidVisitorID(id string) bool { return visitorIDPattern.MatchString(id) }

// Bucket places a visitor of an experiment in [0, 1): the first 8 bytes of
// SHA-256(experiment id, visitor id). The same visitor lands in the same
// place on every page and every replica; another experiment (a restart)
// shuffles everyone anew.
func Bucket(experimentID, visitorID string) float64 {
	sum := sha256.Sum256([]byte(experimentID + "\x00" + visitorID))
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

// Assign is the index of the variant visitorID sees in e: its bucket
// against the variants' cumulative weights.
func Assign(e *store.Experiment, visitorID string) int {
	total := 0
	for _, v := range e.Variants {
		total += v.Weight
	}
	at := Bucket(e.ID, visitorID) * float64(total)
	sum := 0
	for i, v := range e.Variants {
		sum += v.Weight
		if at < float64(sum) {
			return i
		}
	}
	return len(e.Variants) - 1
}
