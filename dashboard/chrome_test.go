package dashboard_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// tab is a Chromium tab a browser test drives (the journey has several);
// each step fails the test with what it was doing.
type tab struct {
	t   testing.TB
	ctx context.Context
}

func (b tab) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// value is the value of js, a promise's once it settles.
func (b tab) value(js string) any {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[any](js, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// eval is value as text.
func (b tab) eval(js string) string {
	b.t.Helper()
	return fmt.Sprint(b.value(js))
}

// check looks at the page as a person would at width: every control
// under scope ("" for the whole page) has a label, nothing makes the page
// scroll sideways; then it takes the page's screenshot named what.
func (b tab) check(what string, width int, scope string) {
	b.t.Helper()
	controls := scope + " input:not([type=hidden]), " + scope + " select, " + scope + " textarea, " + scope + " button"
	if n := b.eval(`[...document.querySelectorAll(` + strconv.Quote(controls) + `)].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML).join(' ')`); n != "" {
		b.t.Errorf("%s: controls without a label: %s", what, n)
	}
	if scroll, _ := strconv.Atoi(b.eval(`document.documentElement.scrollWidth`)); scroll > width {
		b.t.Errorf("%s: the page is %d px wide in a %d-px window", what, scroll, width)
	}
	servertest.Screenshot(b.ctx, b.t, what)
}
