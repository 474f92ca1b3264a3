package triggers_test

import (
	"testing"
	"time"
)

// TestTimeOnPage: a quiz set to open after 30 s on the page stays shut at
// 29 s of the engine's clock and opens at 30 s, by that trigger.
func TestTimeOnPage(t *testing.T) {
	p, ids := newPage(t, `{"on":[{"type":"time_on_page","seconds":30}]}`)
	q := ids[0]
	p.visit("/", q)
	p.setClock(29 * time.Second)
	if p.open(q) || p.traced("trigger:show") > 0 {
		t.Fatalf("shown before its time; trace %q", p.trace())
	}
	p.setClock(30 * time.Second)
	p.waitOpen(q)
	if p.traced("trigger:shown "+q+" time_on_page") != 1 {
		t.Errorf("trace %q, want one showing by time_on_page", p.trace())
	}
}
