package multibutton_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/beckonhq/beckon/widgets/multibutton"
)

// TestEveryIconIsDrawn: each icon name the settings accept has a glyph in
// the bundle, so no channel shows an empty circle.
func TestEveryIconIsDrawn(t *testing.T) {
	src, err := os.ReadFile("../../embed/src/widgets/multibutton/icons.ts")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range multibutton.Icons {
		if !regexp.MustCompile(`(?m)^\s*` + name + `:\s*(\n\s*)?'M`).Match(src) {
			t.Errorf("icon %q has no path in icons.ts", name)
		}
	}
}
