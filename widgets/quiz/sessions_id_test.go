package quiz

import (
	"strings"
	"testing"
	"time"
)

// Session ids sort by their creation time (the embedded store's writes of
// new sessions and leads then share the B-tree's last pages), and their
// random part differs between ids of one millisecond.
func TestSessionIDsFollowTime(t *testing.T) {
	at := time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)
	a, b := newSessionID(at), newSessionID(at)
	later := newSessionID(at.Add(time.Millisecond))
	if len(a) != 25 || strings.Trim(a, idAlphabet) != "" {
		t.Fatalf("id %q: want 25 characters of %q", a, idAlphabet)
	}
	if a[:9] != b[:9] || a == b {
		t.Fatalf("ids of one millisecond %q, %q: want the same time and different random parts", a, b)
	}
	if !(a < later && b < later) {
		t.Fatalf("%q and %q sort after %q, made a millisecond later", a, b, later)
	}
	if old := newSessionID(at.Add(-366 * 24 * time.Hour)); old >= a {
		t.Fatalf("an id of a year before, %q, sorts after %q", old, a)
	}
}
