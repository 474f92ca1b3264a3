package countdown_test

// The countdown widget (embed/src/widgets/countdown) in a real browser, on
// /demo, against a real server: the deadline comes from the server and
// stays put across reloads, tabs and a visitor's wrong clock; the words
// take the right plural forms; nothing on the page moves.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// countdownState is what countdownProbe reads from the page.
type countdownState struct {
	Found       bool
	Placement   string // top_bar, bottom_bar, floating, inline
	Done        bool   // the expired state is shown
	Rect, Close servertest.Rect
	Fab         servertest.Rect // the callback widget's button
	Title, Text string
	Total       float64 // seconds the digits show
	Placeholder bool    // "--" digits: the server has not answered
	Role, Live  string
	Label       string // the timer's aria-label
	Message     string
	Clipped     []string // parts of the widget outside it or the window, or under the close button
	InPromo     bool     // inline: the widget's host is inside #promo
	OwnShadow   bool     // inline: the host has a shadow root of its own
	NumFont     string   // computed font-size of a number
	MainY       float64  // where the page's <main> starts
	BodyPadding string
	CLS         float64
	Shifts      []string
	PushShifts  []string // shifts of the page by a top bar's room (see layoutShiftObserver)
	Margin      float64  // <html>'s margin-top: the room a top bar in push mode keeps
	Reserved    *bool    // the room was first reserved before the widgets' host existed (nil: never reserved)
	Events      []string
	ViewportW   float64
	ViewportH   float64
	ScrollW     float64
}

const countdownProbe = `(() => {
  const root = document.querySelector('beckon-root');
  const s = root && root.shadowRoot;
  const inlineHost = document.querySelector('beckon-countdown');
  let w = s && s.querySelector('.bkcd');
  if (!w && inlineHost && inlineHost.shadowRoot) w = inlineHost.shadowRoot.querySelector('.bkcd');
  const box = (el) => { if (!el || !el.isConnected) return {X:0,Y:0,W:0,H:0}; const r = el.getBoundingClientRect(); return {X:r.x, Y:r.y, W:r.width, H:r.height}; };
  const main = document.querySelector('main');
  const out = {
    Found: !!w, Fab: box(s && s.querySelector('.bkcb .fab')), CLS: window.__cls || 0, Shifts: window.__shifts || [],
    PushShifts: window.__pushShifts || [], Margin: parseFloat(getComputedStyle(document.documentElement).marginTop) || 0,
    Reserved: window.__reservedEarly === undefined ? null : window.__reservedEarly,
    Events: Array.from(document.querySelectorAll('#events li'), (li) => li.textContent),
    MainY: main ? main.getBoundingClientRect().y + scrollY : 0, BodyPadding: getComputedStyle(document.body).padding,
    ViewportW: innerWidth, ViewportH: innerHeight, ScrollW: document.documentElement.scrollWidth, Clipped: [],
  };
  if (!w) return out;
  const mult = {d: 86400, h: 3600, m: 60, s: 1};
  const parts = [];
  let total = 0, placeholder = false;
  for (const u of w.querySelectorAll('.u')) {
    if (u.hidden) continue;
    const n = u.querySelector('.n').textContent;
    if (n === '--') placeholder = true;
    total += (parseInt(n, 10) || 0) * mult[u.getAttribute('data-unit')];
    parts.push(n + ' ' + u.querySelector('.w').textContent);
  }
  const timer = w.querySelector('.clock');
  const msg = w.querySelector('.msg');
  const close = w.querySelector('.x');
  const wr = w.getBoundingClientRect();
  const cr = close && close.getBoundingClientRect();
  for (const el of w.querySelectorAll('.title, .u, .msg')) {
    if (el.closest('[hidden]') || getComputedStyle(el).visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    const name = el.className + ' "' + el.textContent + '"';
    if (r.left < Math.max(0, wr.left) - 0.5 || r.right > Math.min(innerWidth, wr.right) + 0.5 || r.top < wr.top - 0.5 || r.bottom > wr.bottom + 0.5)
      out.Clipped.push(name + ' outside the widget or the window');
    if (el.scrollWidth > el.clientWidth + 1) out.Clipped.push(name + ' overflows');
    // The message box spans the card; its text must not reach the close button.
    const tr = el.classList.contains('msg') ? (() => { const g = document.createRange(); g.selectNodeContents(el); return g.getBoundingClientRect(); })() : r;
    if (cr && tr.width && tr.left < cr.right && tr.right > cr.left && tr.top < cr.bottom && tr.bottom > cr.top) out.Clipped.push(name + ' under the close button');
  }
  const num = w.querySelector('.n');
  return Object.assign(out, {
    Placement: w.className.replace(/\b(bkcd|done)\b/g, '').trim(), Done: w.classList.contains('done'),
    Rect: box(w), Close: box(close),
    Title: w.querySelector('.title').textContent, Text: parts.join(' '), Total: total, Placeholder: placeholder,
    Role: timer.getAttribute('role') || '', Live: timer.getAttribute('aria-live') || '', Label: timer.getAttribute('aria-label') || '',
    Message: msg.hidden ? '' : msg.textContent,
    InPromo: !!inlineHost && !!inlineHost.closest('#promo'), OwnShadow: !!inlineHost && !!inlineHost.shadowRoot && w.getRootNode() === inlineHost.shadowRoot,
    NumFont: getComputedStyle(num).fontSize,
  });
})()`

// layoutShiftObserver sums the page's layout shifts (the Layout Instability
// API, what Core Web Vitals call CLS) from before the first paint. A shift
// whose every source only changed its own size (the demo page's button
// getting its font a frame late, say) is the page's, not something the
// widget pushed: a widget that takes room moves the content after it
// without resizing it. A shift whose every source moved straight down or up
// by a change of <html>'s margin-top (a top bar in push mode taking or
// giving back its room) is counted apart, in __pushShifts, with whether the
// widgets' host was in the page when the room was first reserved.
const layoutShiftObserver = `
window.__cls = 0; window.__shifts = []; window.__pushShifts = []; window.__margins = [0];
window.__reservedEarly = null;
new MutationObserver(() => {
  const m = parseFloat(document.documentElement.style.marginTop) || 0;
  const last = window.__margins[window.__margins.length - 1];
  if (m === last) return;
  window.__margins.push(m);
  if (window.__reservedEarly === null && m > 0) window.__reservedEarly = !document.querySelector('beckon-root');
}).observe(document, {attributes: true, attributeFilter: ['style'], subtree: true});
const byMargin = (dy) => window.__margins.some((m, i) => i > 0 && Math.abs(Math.abs(dy) - Math.abs(m - window.__margins[i - 1])) < 1);
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      const srcs = e.sources || [];
      const pushed = srcs.some((s) => !s.previousRect || !s.currentRect ||
        (s.previousRect.width === s.currentRect.width && s.previousRect.height === s.currentRect.height));
      if (!pushed) continue;
      const what = e.value.toFixed(4) + ': ' + srcs.map((s) => (s.node ? s.node.nodeName + '.' + (s.node.className || '') : '?') +
        ' ' + JSON.stringify(s.previousRect) + ' -> ' + JSON.stringify(s.currentRect)).join('; ');
      if (srcs.length && srcs.every((s) => s.previousRect && s.currentRect && s.previousRect.x === s.currentRect.x &&
          byMargin(s.currentRect.y - s.previousRect.y))) {
        window.__pushShifts.push(what);
        continue;
      }
      window.__cls += e.value;
      window.__shifts.push(what);
    }
  }).observe({type: 'layout-shift', buffered: true});
} catch (e) { window.__cls = -1; }
`

func readCountdown(ctx context.Context, t *testing.T) countdownState {
	t.Helper()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[countdownState](countdownProbe))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func waitCountdown(ctx context.Context, t *testing.T, what string, timeout time.Duration, until func(countdownState) bool) countdownState {
	t.Helper()
	var st countdownState
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if st = readCountdown(ctx, t); until(st) {
			return st
		}
	}
	t.Fatalf("%s: not within %v; last state: %+v", what, timeout, st)
	return st
}

// running: the widget shows digits from the server.
func running(s countdownState) bool { return s.Found && s.Total > 0 && !s.Placeholder && !s.Done }

// shownDeadline is the deadline of the last countdown:shown event in the
// demo page's event log.
func shownDeadline(t *testing.T, st countdownState) time.Time {
	t.Helper()
	for i := len(st.Events) - 1; i >= 0; i-- {
		name, detail, _ := strings.Cut(st.Events[i], " ")
		if name != "countdown:shown" {
			continue
		}
		var d struct{ ID, Deadline string }
		if err := json.Unmarshal([]byte(detail), &d); err != nil || d.ID == "" {
			t.Fatalf("countdown:shown detail %q: %v", detail, err)
		}
		at, err := time.Parse(time.RFC3339, d.Deadline)
		if err != nil {
			t.Fatalf("countdown:shown deadline %q: %v", d.Deadline, err)
		}
		return at
	}
	t.Fatalf("no countdown:shown event: %q", st.Events)
	return time.Time{}
}

func hasEvent(st countdownState, name string) bool {
	for _, e := range st.Events {
		if strings.HasPrefix(e, name+" ") {
			return true
		}
	}
	return false
}

// checkRemaining: the digits show the server's deadline minus the real
// time, whatever the page's clock says.
func checkRemaining(t *testing.T, st countdownState, deadline time.Time) {
	t.Helper()
	want := time.Until(deadline).Seconds()
	if math.Abs(st.Total-want) > 2 {
		t.Errorf("the timer shows %q (%v s) but %.1f s are left until %v", st.Text, st.Total, want, deadline)
	}
}

// checkLayout: the widget is whole, on the screen, off the callback button,
// and the page has not moved.
func checkLayout(t *testing.T, st countdownState) {
	t.Helper()
	if len(st.Clipped) > 0 {
		t.Errorf("cut-off or covered text: %q", st.Clipped)
	}
	if st.ScrollW > st.ViewportW {
		t.Errorf("the page scrolls sideways: %v wide in a %v viewport", st.ScrollW, st.ViewportW)
	}
	if f := st.Fab; f.W > 0 && st.Placement != "inline" && f.X < st.Rect.Right() && f.Right() > st.Rect.X && f.Y < st.Rect.Bottom() && f.Bottom() > st.Rect.Y {
		t.Errorf("the countdown %+v overlaps the callback button %+v", st.Rect, f)
	}
	if st.CLS != 0 {
		t.Errorf("cumulative layout shift %v, want 0:\n%s", st.CLS, strings.Join(st.Shifts, "\n"))
	}
}

// countdownWords are the widget's words the tests look for
// (i18n/countdown_widget.json).
var countdownWords = map[string]struct {
	title, minutes, expired string
	twoDays, fiveHours      string
	spokenDays              string
}{
	"ru": {"До конца акции:", "14 минут", "Акция завершена", "2 дня", "05 часов", "2 дня 5 часов"},
	"uk": {"До кінця акції:", "14 хвилин", "Акцію завершено", "2 дні", "05 годин", "2 дні 5 годин"},
	"en": {"Offer ends in", "14 minutes", "The offer has ended", "2 days", "05 hours", "2 days 5 hours"},
}

// countdownBrowser is servertest.Browser with the layout shift observer in every
// page, from before its first paint.
func countdownBrowser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	ctx, problems := servertest.Browser(t)
	servertest.OnNewDocument(ctx, t, layoutShiftObserver)
	return ctx, problems
}

var minutesText = regexp.MustCompile(`^1[45] \S+ \d\d \S+$`)

// TestCountdownBarInBrowser: the demo's evergreen 15-minute timer as a bar
// over the top of the page, on a desktop and on a phone. Its deadline is
// the server's: the same after a reload and in a second tab.
func TestCountdownBarInBrowser(t *testing.T) {
	for _, tc := range servertest.DesktopAndPhone {
		t.Run(tc.Name, func(t *testing.T) {
			ctx, problems := countdownBrowser(t)
			base := servertest.StartDemo(t).Base
			words := countdownWords[tc.Lang]
			servertest.ReduceMotion(ctx, t)
			servertest.LoadDemo(ctx, t, base, tc.Lang, tc.Width, tc.Height)
			st := waitCountdown(ctx, t, "the bar", 15*time.Second, running)
			deadline := shownDeadline(t, st)
			if d := time.Until(deadline); d < 880*time.Second || d > 900*time.Second {
				t.Errorf("an evergreen 900 s timer ends in %v", d)
			}
			if st.Placement != "top_bar" || st.Rect.Y != 0 || st.Rect.X != 0 || st.Rect.W != st.ViewportW {
				t.Errorf("not a full-width bar at the top: %s %+v in %vx%v", st.Placement, st.Rect, st.ViewportW, st.ViewportH)
			}
			if st.Rect.H > 64 {
				t.Errorf("the bar is %v px tall; more than the 64 px the page leaves free at its top", st.Rect.H)
			}
			if st.Title != words.title || !minutesText.MatchString(st.Text) {
				t.Errorf("the bar says %q %q; want %q and minutes and seconds", st.Title, st.Text, words.title)
			}
			if st.Role != "timer" || st.Live != "off" || !strings.HasPrefix(st.Label, words.title+" 1") {
				t.Errorf("timer semantics: role %q, aria-live %q, aria-label %q", st.Role, st.Live, st.Label)
			}
			// Push mode, the default: the page starts below the bar.
			if st.MainY != st.Rect.H || st.Margin != st.Rect.H || st.BodyPadding != "0px" {
				t.Errorf("the %v px bar did not push the page down: <main> at %v, <html> margin-top %v, body padding %q", st.Rect.H, st.MainY, st.Margin, st.BodyPadding)
			}
			if len(st.PushShifts) > 1 {
				t.Errorf("the page moved %d times for the bar, want at most once:\n%s", len(st.PushShifts), strings.Join(st.PushShifts, "\n"))
			}
			if n := servertest.WidgetAnimations(ctx, t); n > 0 {
				t.Errorf("%d animations run although the visitor prefers reduced motion", n)
			}
			checkRemaining(t, st, deadline)
			// It ticks.
			first := st.Total
			st = waitCountdown(ctx, t, "the next seconds", 5*time.Second, func(s countdownState) bool { return s.Total <= first-2 })
			checkRemaining(t, st, deadline)
			st = waitCountdown(ctx, t, "14 minutes", 5*time.Second, func(s countdownState) bool { return strings.HasPrefix(s.Text, words.minutes+" ") })
			checkLayout(t, st)
			servertest.Screenshot(ctx, t, "countdown-bar-"+tc.Name)

			// A reload: the same deadline, from the server.
			if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
				t.Fatal(err)
			}
			st = waitCountdown(ctx, t, "the bar after a reload", 15*time.Second, func(s countdownState) bool { return running(s) && hasEvent(s, "countdown:shown") })
			if again := shownDeadline(t, st); again.Sub(deadline).Abs() > time.Second {
				t.Errorf("after a reload the deadline is %v, was %v", again, deadline)
			}
			checkRemaining(t, st, deadline)
			checkLayout(t, st)
			// The loader kept the bar's room from before it asked for the
			// config, so the page did not move again.
			if st.Reserved == nil || !*st.Reserved || st.MainY != st.Rect.H {
				t.Errorf("after a reload the room for the bar was not kept from the start (reserved early: %v; <main> at %v, bar %v px)", st.Reserved, st.MainY, st.Rect.H)
			}
			t.Logf("after a reload: page moved for the bar %d times %q", len(st.PushShifts), st.PushShifts)

			// A second tab of the same browser (same visitor id).
			tab, cancel := chromedp.NewContext(ctx)
			defer cancel()
			servertest.ReduceMotion(tab, t)
			servertest.LoadDemo(tab, t, base, tc.Lang, tc.Width, tc.Height)
			st = waitCountdown(tab, t, "the bar in a second tab", 15*time.Second, func(s countdownState) bool { return running(s) && hasEvent(s, "countdown:shown") })
			if other := shownDeadline(t, st); other.Sub(deadline).Abs() > time.Second {
				t.Errorf("a second tab shows the deadline %v, the first %v", other, deadline)
			}
			checkRemaining(t, st, deadline)
			servertest.NoProblems(t, problems())
		})
	}
}

// TestCountdownWrongClock: a visitor whose clock is hours off still sees
// the server's remaining time.
func TestCountdownWrongClock(t *testing.T) {
	for _, skew := range []time.Duration{2 * time.Hour, -3 * time.Hour} {
		t.Run(skew.String(), func(t *testing.T) {
			ctx, problems := countdownBrowser(t)
			base := servertest.StartDemo(t).Base
			servertest.OnNewDocument(ctx, t, fmt.Sprintf(`(() => { const now = Date.now; Date.now = () => now.call(Date) + %d; })();`, skew.Milliseconds()))
			servertest.LoadDemo(ctx, t, base, "ru", 1280, 800)
			st := waitCountdown(ctx, t, "the bar", 15*time.Second, running)
			if skewed, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](`Date.now() - new Date().getTime()`)); math.Abs(skewed-float64(skew.Milliseconds())) > 1000 {
				t.Fatalf("the page's clock is off by %v ms, want %v", skewed, skew)
			}
			deadline := shownDeadline(t, st)
			checkRemaining(t, st, deadline)
			if !minutesText.MatchString(st.Text) {
				t.Errorf("with a clock %v off the bar says %q", skew, st.Text)
			}
			time.Sleep(1500 * time.Millisecond)
			checkRemaining(t, readCountdown(ctx, t), deadline)
			servertest.NoProblems(t, problems())
		})
	}
}

// TestCountdownPlurals: a fixed deadline two days and five hours away, in
// the three languages: "2 дня 05 часов", "2 дні 05 годин", "2 days 05 hours".
func TestCountdownPlurals(t *testing.T) {
	ctx, problems := countdownBrowser(t)
	base := servertest.StartDemo(t).Base
	servertest.ReduceMotion(ctx, t)
	deadline := time.Now().Add(53*time.Hour + 40*time.Second).Truncate(time.Second)
	servertest.DemoWidget(t, base, "countdown", map[string]any{"mode": "fixed", "deadline": deadline.Format(time.RFC3339)})
	for _, lang := range []string{"ru", "uk", "en"} {
		words := countdownWords[lang]
		servertest.LoadDemo(ctx, t, base, lang, 360, 740)
		st := waitCountdown(ctx, t, lang+": the bar", 15*time.Second, running)
		if !strings.HasPrefix(st.Text, words.twoDays+" "+words.fiveHours+" 00 ") {
			t.Errorf("%s: the bar says %q, want %q %q …", lang, st.Text, words.twoDays, words.fiveHours)
		}
		if want := words.title + " " + words.spokenDays; !strings.HasPrefix(st.Label, want) {
			t.Errorf("%s: aria-label %q, want %q …", lang, st.Label, want)
		}
		checkRemaining(t, st, deadline)
		checkLayout(t, st)
		if lang == "en" {
			servertest.Screenshot(ctx, t, "countdown-days-phone")
		}
	}
	servertest.NoProblems(t, problems())
}

// promoPage adds a <div id="promo"> after the demo page's heading, the way
// a site reserves room for an inline timer (min-height 112px), and styles
// that would wreck the widget if they reached it.
// It runs as the parser inserts the heading, before the first paint.
const promoPage = `new MutationObserver((_, obs) => {
  const h1 = document.querySelector('h1');
  if (!h1) return;
  obs.disconnect();
  const promo = document.createElement('div');
  promo.id = 'promo';
  promo.style.minHeight = '112px';
  promo.style.margin = '1rem 0';
  h1.after(promo);
  const hostile = document.createElement('style');
  hostile.textContent = '#promo { font: italic 40px/3 serif; color: lime; letter-spacing: 4px; text-align: right; word-spacing: 9px }' +
    ' #promo span, #promo p, #promo div, .n, .title { padding: 7px; border: 3px solid lime; display: block }';
  document.head.appendChild(hostile);
  // What the widget puts in at first, before the server has answered.
  new MutationObserver((_, o) => {
    const host = promo.querySelector('beckon-countdown');
    const w = host && host.shadowRoot && host.shadowRoot.querySelector('.bkcd');
    if (!w) return;
    o.disconnect();
    window.__inlineFirst = {Digits: Array.from(w.querySelectorAll('.u:not([hidden]) .n'), (n) => n.textContent).join(' '),
      Height: w.getBoundingClientRect().height};
  }).observe(promo, {childList: true});
}).observe(document, {childList: true, subtree: true});`

// TestCountdownInline: the timer rendered into the page's #promo, in a
// shadow root of its own, at its final height from the start.
func TestCountdownInline(t *testing.T) {
	for _, tc := range []servertest.Viewport{{Name: "desktop", Lang: "ru", Width: 1280, Height: 800}, {Name: "phone", Lang: "en", Width: 360, Height: 740}} {
		t.Run(tc.Name, func(t *testing.T) {
			ctx, problems := countdownBrowser(t)
			base := servertest.StartDemo(t).Base
			servertest.DemoWidget(t, base, "countdown", map[string]any{"placement": "inline", "selector": "#promo"})
			servertest.ReduceMotion(ctx, t)
			servertest.OnNewDocument(ctx, t, promoPage)
			servertest.LoadDemo(ctx, t, base, tc.Lang, tc.Width, tc.Height)
			st := waitCountdown(ctx, t, "the inline timer", 15*time.Second, running)
			if st.Placement != "inline" || !st.InPromo || !st.OwnShadow {
				t.Fatalf("placement %q, inside #promo %v, own shadow root %v", st.Placement, st.InPromo, st.OwnShadow)
			}
			if st.Rect.H != 112 {
				t.Errorf("the inline timer is %v px tall, want the documented 112", st.Rect.H)
			}
			type firstFrame struct {
				Digits string
				Height float64
			}
			if first, err := chromedp.Run(ctx, chromedp.Evaluate[*firstFrame](`window.__inlineFirst || null`)); err != nil || first == nil || first.Digits != "-- --" || first.Height != 112 {
				t.Errorf("the frame as inserted, before the server answered: %+v (%v); want \"-- --\" at 112 px", first, err)
			}
			if st.NumFont != "30px" && st.NumFont != "26px" {
				t.Errorf("the page's styles reached the digits: font-size %s", st.NumFont)
			}
			if !minutesText.MatchString(st.Text) || st.Title != countdownWords[tc.Lang].title {
				t.Errorf("the inline timer says %q %q", st.Title, st.Text)
			}
			checkLayout(t, st)
			leak, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('h1')).fontWeight + ' ' + document.querySelectorAll('style').length`))
			if err != nil || leak != "700 1" {
				t.Errorf("the widget's styles reached the page: h1 weight and <style> count %q (%v)", leak, err)
			}
			servertest.Screenshot(ctx, t, "countdown-inline-"+tc.Name)
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`beckon('open', 'countdown'); true`)); err != nil {
				t.Fatal(err)
			}
			servertest.NoProblems(t, problems())
		})
	}
}

// TestCountdownExpired: a deadline in the past shows the expired message at
// once, never a running timer; one that passes while the page is open
// turns into the message; "hide" removes the bar; "redirect" leaves.
func TestCountdownExpired(t *testing.T) {
	ctx, problems := countdownBrowser(t)
	base := servertest.StartDemo(t).Base
	servertest.ReduceMotion(ctx, t)
	servertest.DemoWidget(t, base, "countdown", map[string]any{"mode": "fixed", "deadline": time.Now().Add(-time.Minute).Format(time.RFC3339), "on_expire": "message"})
	servertest.LoadDemo(ctx, t, base, "ru", 360, 740)
	st := waitCountdown(ctx, t, "the expired message", 15*time.Second, func(s countdownState) bool { return s.Message != "" })
	if st.Message != countdownWords["ru"].expired || !st.Done || st.Placement != "top_bar" {
		t.Errorf("expired: %q (done %v, %s)", st.Message, st.Done, st.Placement)
	}
	if hasEvent(st, "countdown:shown") || !hasEvent(st, "countdown:expired") {
		t.Errorf("events of an expired timer: %q", st.Events)
	}
	checkLayout(t, st)
	servertest.Screenshot(ctx, t, "countdown-expired-phone")

	// Running out while the visitor watches, with the owner's message.
	deadline := time.Now().Add(4 * time.Second).Truncate(time.Second).Add(time.Second)
	servertest.DemoWidget(t, base, "countdown", map[string]any{"deadline": deadline.Format(time.RFC3339), "expired_message": map[string]any{"en": "Too late — see you next time"}})
	servertest.LoadDemo(ctx, t, base, "en", 1280, 800)
	st = waitCountdown(ctx, t, "the last seconds", 10*time.Second, running)
	if !regexp.MustCompile(`^0 minutes 0\d seconds?$`).MatchString(st.Text) {
		t.Errorf("the last seconds read %q", st.Text)
	}
	st = waitCountdown(ctx, t, "the end", 10*time.Second, func(s countdownState) bool { return s.Message != "" })
	if late := time.Since(deadline); late < 0 || late > 1500*time.Millisecond {
		t.Errorf("the message came %v after the deadline", late)
	}
	if st.Message != "Too late — see you next time" || !hasEvent(st, "countdown:expired") {
		t.Errorf("at the end: %q, events %q", st.Message, st.Events)
	}
	checkLayout(t, st)
	servertest.Screenshot(ctx, t, "countdown-expired-desktop")

	// on_expire hide: nothing at all.
	servertest.DemoWidget(t, base, "countdown", map[string]any{"on_expire": "hide", "deadline": time.Now().Add(-time.Minute).Format(time.RFC3339)})
	servertest.LoadDemo(ctx, t, base, "ru", 1280, 800)
	st = waitCountdown(ctx, t, "the expired event", 15*time.Second, func(s countdownState) bool { return hasEvent(s, "countdown:expired") })
	if st.Found {
		t.Errorf("an expired timer with on_expire hide is still there: %+v", st)
	}

	// on_expire redirect: to the owner's page, but never in a loop to this one.
	target := base + "/demo?lang=en&from=countdown"
	servertest.DemoWidget(t, base, "countdown", map[string]any{"on_expire": "redirect", "redirect_url": target})
	servertest.LoadDemo(ctx, t, base, "ru", 1280, 800)
	var url string
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end) && url != target; time.Sleep(100 * time.Millisecond) {
		url, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	}
	if url != target {
		t.Fatalf("no redirect to %s; at %s", target, url)
	}
	st = waitCountdown(ctx, t, "the target page", 15*time.Second, func(s countdownState) bool { return hasEvent(s, "countdown:expired") })
	time.Sleep(500 * time.Millisecond)
	if url, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`)); url != target || st.Found {
		t.Errorf("on the redirect's own page: at %s, widget found %v", url, st.Found)
	}
	servertest.NoProblems(t, problems())
}

// TestCountdownCloseAndBottomBar: the close button hides the bar for the
// session; the page API brings it back. At the bottom, the bar lifts the
// callback button above itself.
func TestCountdownCloseAndBottomBar(t *testing.T) {
	ctx, problems := countdownBrowser(t)
	base := servertest.StartDemo(t).Base
	servertest.ReduceMotion(ctx, t)
	servertest.DemoWidget(t, base, "countdown", map[string]any{"placement": "bottom_bar"})
	servertest.LoadDemo(ctx, t, base, "uk", 360, 740)
	st := waitCountdown(ctx, t, "the bar and the callback button", 15*time.Second, func(s countdownState) bool { return running(s) && s.Fab.W > 0 })
	if st.Placement != "bottom_bar" || st.Rect.Bottom() != st.ViewportH || st.Rect.W != st.ViewportW {
		t.Errorf("not a full-width bar at the bottom: %s %+v", st.Placement, st.Rect)
	}
	if st.Close.W < 44 || st.Close.H < 44 {
		t.Errorf("the close button is %vx%v, under 44 px", st.Close.W, st.Close.H)
	}
	checkLayout(t, st)
	servertest.Screenshot(ctx, t, "countdown-bottom-bar-phone")

	clickCountdown(ctx, t, ".x")
	st = waitCountdown(ctx, t, "the bar closes", 5*time.Second, func(s countdownState) bool { return !s.Found })
	if st.Fab.Bottom() < st.ViewportH-20 {
		t.Errorf("the callback button stays lifted %+v after the bar closed", st.Fab)
	}
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.Sleep(1500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if st = readCountdown(ctx, t); st.Found {
		t.Errorf("the closed bar is back after a reload")
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`beckon('open', 'countdown'); true`)); err != nil {
		t.Fatal(err)
	}
	st = waitCountdown(ctx, t, "the page API opens the bar", 5*time.Second, running)
	checkLayout(t, st)

	// Floating: a card in the bottom-left corner, clear of the callback button.
	servertest.DemoWidget(t, base, "countdown", map[string]any{"placement": "floating"})
	for _, vp := range []struct {
		name string
		w, h int64
	}{{"phone", 360, 740}, {"desktop", 1280, 800}} {
		servertest.LoadDemo(ctx, t, base, "ru", vp.w, vp.h)
		st = waitCountdown(ctx, t, "the floating card", 15*time.Second, func(s countdownState) bool { return running(s) && s.Fab.W > 0 })
		if st.Placement != "floating" || st.Rect.X > 16 || st.Rect.Bottom() < st.ViewportH-20 || st.Rect.W > 360 {
			t.Errorf("%s: not a card in the bottom-left corner: %s %+v", vp.name, st.Placement, st.Rect)
		}
		checkLayout(t, st)
		servertest.Screenshot(ctx, t, "countdown-floating-"+vp.name)
	}
	servertest.NoProblems(t, problems())
}

// clickCountdown clicks the countdown's element sel.
func clickCountdown(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	servertest.ClickInShadow(ctx, t, ".bkcd "+sel)
}

// TestCountdownRecipient: a visitor who came from an e-mail link
// (?bk_r=<recipient>) gets the recipient's deadline, on that page, on later
// pages without the parameter, and in another browser opened from the same
// link: the site's timer and the e-mail's agree.
func TestCountdownRecipient(t *testing.T) {
	base := servertest.StartDemo(t).Base
	const recipient = "rcpt_test-42"
	deadlineAt := func(ctx context.Context, path string) time.Time {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
			t.Fatal(err)
		}
		st := waitCountdown(ctx, t, path, 15*time.Second, func(s countdownState) bool { return running(s) && hasEvent(s, "countdown:shown") })
		if kept, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem('beckon_r')`)); kept != recipient {
			t.Errorf("%s: localStorage beckon_r = %q, want %q", path, kept, recipient)
		}
		return shownDeadline(t, st)
	}
	ctx, problems := countdownBrowser(t)
	first := deadlineAt(ctx, "/demo?lang=ru&bk_r="+recipient)
	time.Sleep(2 * time.Second) // so that a timer of its own would end later
	if later := deadlineAt(ctx, "/demo?lang=en"); later.Sub(first).Abs() > time.Second {
		t.Errorf("a later page without bk_r shows the deadline %v, the first %v", later, first)
	}
	servertest.NoProblems(t, problems())

	other, otherProblems := countdownBrowser(t)
	if again := deadlineAt(other, "/demo?lang=uk&bk_r="+recipient); again.Sub(first).Abs() > time.Second {
		t.Errorf("another browser from the same link shows the deadline %v, the first %v", again, first)
	}
	servertest.NoProblems(t, otherProblems())
}

// shopPage is the body of a shop's page whose header is fixed at the top,
// with a sticky menu further down: what a top bar must not cover.
const shopPage = `<header id="hdr" style="position:fixed;top:0;left:0;right:0;height:56px;display:flex;align-items:center;gap:16px;
padding:0 16px;background:#1e3a8a;color:#fff;z-index:10"><b>Shop</b><a href="#cart" style="color:#fff">Cart</a></header>
<main style="padding:72px 16px 0"><h1 style="margin:0 0 12px">Autumn sale</h1><p>Everything 30% off.</p>
<nav id="menu" style="position:sticky;top:0;height:40px;background:#fde68a;display:flex;align-items:center;padding:0 8px">Boots · Coats · Hats</nav>
<div style="height:2400px;background:linear-gradient(#fff,#ddd)"></div></main>`

// shopState is where the shop page's own parts are.
type shopState struct {
	Header, Menu, Bar servertest.Rect
	HeaderCovered     bool // something else is on top of the header's middle
	MainY             float64
	Margin            string
	Kept              string // localStorage beckon_top_<siteKey>
}

const shopProbe = `(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {X:r.x, Y:r.y, W:r.width, H:r.height}; };
  const hdr = document.getElementById('hdr'), bar = document.querySelector('beckon-root').shadowRoot.querySelector('.bkcd');
  const h = box(hdr);
  const hit = document.elementFromPoint(h.X + h.W / 2, h.Y + h.H / 2);
  return {Header: h, Menu: box(document.getElementById('menu')), Bar: bar ? box(bar) : {X:0,Y:0,W:0,H:0},
    HeaderCovered: !hit || !hdr.contains(hit), MainY: document.querySelector('main').getBoundingClientRect().y + scrollY,
    Margin: document.documentElement.style.marginTop,
    Kept: Object.keys(localStorage).filter((k) => k.startsWith('beckon_top_')).map((k) => k + '=' + localStorage.getItem(k)).join(' ')};
})()`

func readShop(ctx context.Context, t *testing.T) shopState {
	t.Helper()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[shopState](shopProbe))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestCountdownTopBarPush: on a shop page with a fixed header and a sticky
// menu, the top bar (push, the default) moves the page and the header down
// by its height and covers nothing, the menu sticks below it, a reload keeps
// the room from the start, and closing the bar gives the room back. With
// top_bar "overlay" the bar lies over the header and the page stays put.
func TestCountdownTopBarPush(t *testing.T) {
	for _, vp := range []servertest.Viewport{{Name: "desktop", Lang: "en", Width: 1280, Height: 800}, {Name: "phone", Lang: "ru", Width: 360, Height: 740}} {
		t.Run(vp.Name, func(t *testing.T) {
			ctx, problems := countdownBrowser(t)
			srv := servertest.StartDemo(t)
			base := srv.Base
			page := servertest.OwnerPage(t, base, srv.DemoKey) + "/?lang=" + vp.Lang + "&body=" + url.QueryEscape(shopPage)
			servertest.ReduceMotion(ctx, t)
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.Width, vp.Height), chromedp.Navigate(page)); err != nil {
				t.Fatal(err)
			}
			st := waitCountdown(ctx, t, "the bar", 15*time.Second, running)
			shop := readShop(ctx, t)
			bar := shop.Bar.H
			if st.Placement != "top_bar" || shop.Bar.Y != 0 || bar < 40 {
				t.Fatalf("not a bar at the top: %s %+v", st.Placement, shop.Bar)
			}
			if shop.Header.Y != bar || shop.HeaderCovered || shop.MainY != bar || shop.Menu.Y < shop.Header.Bottom() {
				t.Errorf("the %v px bar did not push the page: header %+v (covered %v), <main> at %v, menu %+v", bar, shop.Header, shop.HeaderCovered, shop.MainY, shop.Menu)
			}
			if len(st.PushShifts) > 1 {
				t.Errorf("the page moved %d times for the bar:\n%s", len(st.PushShifts), strings.Join(st.PushShifts, "\n"))
			}
			checkLayout(t, st)
			servertest.ScreenshotViewport(ctx, t, "countdown-push-"+vp.Name)

			// Scrolled: the menu sticks below the bar, not under it.
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`scrollTo(0, 600); true`)); err != nil {
				t.Fatal(err)
			}
			var scrolled shopState
			for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
				if scrolled = readShop(ctx, t); scrolled.Menu.Y == bar {
					break
				}
			}
			if scrolled.Menu.Y != bar || scrolled.Header.Y != bar || scrolled.HeaderCovered {
				t.Errorf("scrolled: the menu sticks at %v and the header is at %v (covered %v), want both at the bar's %v px", scrolled.Menu.Y, scrolled.Header.Y, scrolled.HeaderCovered, bar)
			}
			servertest.ScreenshotViewport(ctx, t, "countdown-push-scrolled-"+vp.Name)

			// A reload: the loader keeps the room before it asks for the config.
			if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
				t.Fatal(err)
			}
			st = waitCountdown(ctx, t, "the bar after a reload", 15*time.Second, running)
			if shop = readShop(ctx, t); st.Reserved == nil || !*st.Reserved || shop.Header.Y != bar || shop.MainY != bar {
				t.Errorf("after a reload: room kept from the start %v, header at %v, <main> at %v; want the bar's %v px from the start", st.Reserved, shop.Header.Y, shop.MainY, bar)
			}
			t.Logf("after a reload the page moved for the bar %d times %q", len(st.PushShifts), st.PushShifts)

			// Closed: the page gets its room back, and keeps it on the next view.
			clickCountdown(ctx, t, ".x")
			waitCountdown(ctx, t, "the bar closes", 5*time.Second, func(s countdownState) bool { return !s.Found })
			if shop = readShop(ctx, t); shop.Header.Y != 0 || shop.MainY != 0 || shop.Margin != "" || shop.Kept != "" {
				t.Errorf("after closing the bar: header at %v, <main> at %v, <html> margin-top %q, remembered %q; want the page as it was", shop.Header.Y, shop.MainY, shop.Margin, shop.Kept)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.Sleep(1500*time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			if st, shop = readCountdown(ctx, t), readShop(ctx, t); st.Found || st.Reserved != nil || shop.Header.Y != 0 {
				t.Errorf("the next view after closing: bar %v, room reserved %v, header at %v", st.Found, st.Reserved, shop.Header.Y)
			}

			// Overlay: the bar over the header, the page where it was.
			servertest.DemoWidget(t, base, "countdown", map[string]any{"top_bar": "overlay"})
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`sessionStorage.clear(); true`)); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
				t.Fatal(err)
			}
			st = waitCountdown(ctx, t, "the overlay bar", 15*time.Second, running)
			if shop = readShop(ctx, t); shop.Header.Y != 0 || !shop.HeaderCovered || shop.MainY != 0 || shop.Margin != "" || len(st.PushShifts) > 0 {
				t.Errorf("overlay: header at %v (covered %v), <main> at %v, <html> margin-top %q, page moved %q; want the bar over the page", shop.Header.Y, shop.HeaderCovered, shop.MainY, shop.Margin, st.PushShifts)
			}
			checkLayout(t, st)
			servertest.ScreenshotViewport(ctx, t, "countdown-overlay-"+vp.Name)
			servertest.NoProblems(t, problems())
		})
	}
}
