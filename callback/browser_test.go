package callback_test

// The callback widget (embed/src/widgets/callback) in a real browser, on
// /demo, against a real server whose telephony is simulated: a visitor
// opens the panel, leaves a number and watches the call's real progress.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
)

// callbackTexts are the widget's words the tests look for
// (i18n/callback_widget.json).
type callbackTexts struct {
	button, callNow, connected, completed, errPhone, errConsent, scheduled string
}

var callbackWords = map[string]callbackTexts{
	"ru": {
		button:     "Перезвоните мне",
		callNow:    "Перезвоните мне сейчас",
		connected:  "Вы на связи с менеджером",
		completed:  "Разговор завершён. Спасибо, что обратились!",
		errPhone:   "Проверьте номер — кажется, в нём ошибка",
		errConsent: "Поставьте галочку: без согласия на обработку данных мы не можем принять заявку.",
		scheduled:  "Договорились! Время звонка: ",
	},
	"uk": {
		button:     "Передзвоніть мені",
		callNow:    "Передзвоніть мені зараз",
		connected:  "Ви на зв’язку з менеджером",
		completed:  "Розмову завершено. Дякуємо, що звернулися!",
		errPhone:   "Перевірте номер — здається, у ньому помилка",
		errConsent: "Поставте позначку: без згоди на обробку даних ми не можемо прийняти заявку.",
		scheduled:  "Домовилися! Час дзвінка: ",
	},
	"en": {
		button:     "Call me back",
		callNow:    "Call me now",
		connected:  "You’re talking to a manager",
		completed:  "The call has ended. Thank you for reaching out!",
		errPhone:   "Please check the number — it doesn’t look right",
		errConsent: "Please tick the box: we can’t take your request without your consent to data processing.",
		scheduled:  "All set! Call time: ",
	},
}

// demoNumber is a valid national number in the demo site's region (RU) that
// the simulated provider answers (see callback/sim: only …01–…03 fail).
const demoNumber = "912 345-67-89"

// callbackState is what callbackProbe reads from the widget's shadow DOM.
type callbackState struct {
	Fab, Panel, Submit       servertest.Rect
	FabLabel, FabExpanded    string
	Open                     bool
	Modal, Title             string
	FocusInPanel, FabFocus   bool
	Active                   string
	Status, Timer            string
	PhoneError, PhoneInvalid string
	FormError, ConsentError  string
	Consent                  bool
	Slots                    []string
	Slot                     string
	Settled                  bool
	Small                    []string
	ViewportW, ViewportH     float64
	ScrollW                  float64
}

const callbackProbe = `(() => {
  const host = document.querySelector('beckon-root');
  const s = host && host.shadowRoot;
  const w = s && s.querySelector('.bkcb');
  if (!w) return null;
  const q = (sel) => w.querySelector(sel);
  const rect = (el) => { if (!el) return {X:0,Y:0,W:0,H:0}; const r = el.getBoundingClientRect(); return {X:r.x, Y:r.y, W:r.width, H:r.height}; };
  const text = (el) => (el && el.textContent) || '';
  const byId = (id) => id ? s.getElementById(id) : null;
  const panel = q('[role="dialog"]');
  const fab = q('.fab');
  const tel = q('input[type="tel"]');
  const box = q('input[type="checkbox"]');
  const active = s.activeElement;
  const small = [];
  if (panel && !panel.hidden) {
    for (const el of panel.querySelectorAll('button, input, select')) {
      if (el.tabIndex < 0 || el.closest('[hidden], [aria-hidden="true"]')) continue;
      // What a finger hits: the label of a checkbox, the box around the code select.
      const target = el.type === 'checkbox' ? el.closest('label') : (el.closest('.cc') || el);
      const r = target.getBoundingClientRect();
      if (r.width < 44 || r.height < 44) small.push((el.name || el.className || el.tagName) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
    }
  }
  return {
    Fab: rect(fab), Panel: rect(panel), Submit: rect(q('button[type="submit"]')),
    FabLabel: fab.getAttribute('aria-label') || '', FabExpanded: fab.getAttribute('aria-expanded') || '',
    Open: !!panel && !panel.hidden, Modal: (panel && panel.getAttribute('aria-modal')) || '',
    Title: text(panel && byId(panel.getAttribute('aria-labelledby'))),
    FocusInPanel: !!active && !!panel && panel.contains(active), FabFocus: active === fab,
    Active: active ? (active.getAttribute('name') || active.className || active.tagName) : (document.activeElement ? document.activeElement.id || document.activeElement.tagName : ''),
    Status: text(q('[role="status"]')), Timer: q('.timer') && !q('.timer').hidden ? text(q('.timer')) : '',
    PhoneError: text(tel && byId(tel.getAttribute('aria-describedby'))), PhoneInvalid: (tel && tel.getAttribute('aria-invalid')) || '',
    FormError: text(q('.formerr')), ConsentError: text(box && byId(box.getAttribute('aria-describedby'))),
    Consent: !!box, Small: small,
    Slots: q('select[name="slot"]') && !q('select[name="slot"]').closest('[hidden]') ? Array.from(q('select[name="slot"]').options, o => o.textContent) : [],
    Slot: (q('select[name="slot"]') && q('select[name="slot"]').selectedOptions[0] || {}).textContent || '',
    Settled: !!panel && !panel.hidden && !(panel.getAnimations && panel.getAnimations().length),
    ViewportW: innerWidth, ViewportH: innerHeight, ScrollW: document.documentElement.scrollWidth,
  };
})()`

func readCallback(ctx context.Context, t *testing.T) *callbackState {
	t.Helper()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[*callbackState](callbackProbe))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// waitCallback polls the widget until until holds; on the way it hands
// every state to seen (may be nil).
func waitCallback(ctx context.Context, t *testing.T, what string, timeout time.Duration, until func(callbackState) bool, seen func(callbackState)) callbackState {
	t.Helper()
	var st *callbackState
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if st = readCallback(ctx, t); st == nil {
			continue
		}
		if seen != nil {
			seen(*st)
		}
		if until(*st) {
			return *st
		}
	}
	t.Fatalf("%s: not within %v; last state: %+v", what, timeout, st)
	return callbackState{}
}

// clickInWidget clicks the callback widget's element sel.
func clickInWidget(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	servertest.ClickInShadow(ctx, t, ".bkcb "+sel)
}

// openDemo loads /demo at the viewport in lang and waits for the callback
// widget's button.
func openDemo(ctx context.Context, t *testing.T, base, lang string, width, height int64) callbackState {
	t.Helper()
	servertest.LoadDemo(ctx, t, base, lang, width, height)
	st := waitCallback(ctx, t, "the callback button", 15*time.Second, func(s callbackState) bool { return s.Fab.W > 0 }, nil)
	if want := callbackWords[lang].button; st.FabLabel != want {
		t.Errorf("button's aria-label %q, want %q (the widget speaks %s?)", st.FabLabel, want, lang)
	}
	if st.Fab.W < 44 || st.Fab.H < 44 || st.Fab.Right() > st.ViewportW || st.Fab.Bottom() > st.ViewportH || st.Fab.X < st.ViewportW/2 {
		t.Errorf("button %+v is not a reachable bottom-right button in %vx%v", st.Fab, st.ViewportW, st.ViewportH)
	}
	return st
}

// pageEvents is the demo page's log of the page API's events.
func pageEvents(ctx context.Context, t *testing.T) string {
	t.Helper()
	events, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#events li')).map(li => li.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(events, "\n")
}

// TestCallbackWidgetInBrowser walks a visitor through a call on a desktop
// and on a phone: open, leave a number, watch the simulated bridge connect.
func TestCallbackWidgetInBrowser(t *testing.T) {
	for _, tc := range servertest.DesktopAndPhone {
		t.Run(tc.Name, func(t *testing.T) {
			ctx, problems := servertest.Browser(t)
			base := servertest.StartDemo(t).Base
			words := callbackWords[tc.Lang]
			servertest.ReduceMotion(ctx, t)
			openDemo(ctx, t, base, tc.Lang, tc.Width, tc.Height)
			if n := servertest.WidgetAnimations(ctx, t); n > 0 {
				t.Errorf("%d animations run although the visitor prefers reduced motion", n)
			}

			clickInWidget(ctx, t, ".fab")
			st := waitCallback(ctx, t, "the panel opens", 5*time.Second, func(s callbackState) bool { return s.Open }, nil)
			if st.Modal != "true" || st.Title == "" || st.FabExpanded != "true" {
				t.Errorf("dialog: aria-modal %q, labelled %q, button aria-expanded %q", st.Modal, st.Title, st.FabExpanded)
			}
			if !st.FocusInPanel || st.Active != "phone" {
				t.Errorf("focus is on %q (in the panel: %v), want the phone field", st.Active, st.FocusInPanel)
			}
			// Let the panel's entrance animation end before measuring it.
			st = waitCallback(ctx, t, "the panel settles", 5*time.Second, func(s callbackState) bool { return s.Settled }, nil)
			switch tc.Name {
			case "phone":
				if st.Panel.X != 0 || st.Panel.W != st.ViewportW || st.Panel.Bottom() != st.ViewportH {
					t.Errorf("on a phone the panel %+v is not a bottom sheet of %vx%v", st.Panel, st.ViewportW, st.ViewportH)
				}
				if len(st.Small) > 0 {
					t.Errorf("tap targets under 44px: %v", st.Small)
				}
			default:
				if st.Panel.W < 300 || st.Panel.W > 380 || st.Panel.Bottom() > st.Fab.Y || st.Panel.Right() > st.ViewportW {
					t.Errorf("on a desktop the panel %+v is not a card above the button %+v", st.Panel, st.Fab)
				}
			}
			if st.ScrollW > st.ViewportW {
				t.Errorf("the page scrolls sideways: %v wide in a %v viewport", st.ScrollW, st.ViewportW)
			}
			servertest.Screenshot(ctx, t, "callback-panel-"+tc.Name)

			if err := chromedp.Do(ctx, chromedp.KeyEvent(demoNumber)); err != nil {
				t.Fatal(err)
			}
			if st.Consent {
				// The box starts unticked, and the form will not go without it.
				clickInWidget(ctx, t, "button[type=submit]")
				st = waitCallback(ctx, t, "the consent message", 5*time.Second, func(s callbackState) bool { return s.ConsentError != "" }, nil)
				if st.ConsentError != words.errConsent {
					t.Errorf("consent message %q, want %q", st.ConsentError, words.errConsent)
				}
				clickInWidget(ctx, t, "input[name=consent]")
			}
			clickInWidget(ctx, t, "button[type=submit]")

			// Follow the call until the visitor is connected (or it is over),
			// noting the counter on the way.
			var timers, statuses []string
			progressShot := false
			note := func(s callbackState) {
				if s.Timer != "" && (len(timers) == 0 || timers[len(timers)-1] != s.Timer) {
					timers = append(timers, s.Timer)
				}
				if s.Status != "" && (len(statuses) == 0 || statuses[len(statuses)-1] != s.Status) {
					statuses = append(statuses, s.Status)
				}
				if !progressShot && len(timers) >= 3 {
					if n := servertest.WidgetAnimations(ctx, t); n > 0 {
						t.Errorf("%d animations run during the call although the visitor prefers reduced motion", n)
					}
					progressShot = true
					servertest.Screenshot(ctx, t, "callback-progress-"+tc.Name)
				}
			}
			st = waitCallback(ctx, t, "connected", 30*time.Second, func(s callbackState) bool {
				return s.Status == words.connected || s.Status == words.completed
			}, note)
			if len(timers) < 2 {
				t.Errorf("the seconds counter did not run: %q", timers)
			}
			if len(statuses) < 2 {
				t.Errorf("no progress shown before the end: %q", statuses)
			}
			t.Logf("statuses %q, counter %q", statuses, timers)
			st = waitCallback(ctx, t, "completed", 30*time.Second, func(s callbackState) bool { return s.Status == words.completed }, nil)
			if !st.FocusInPanel && st.Active != "" {
				t.Errorf("focus left the dialog for %q", st.Active)
			}
			servertest.Screenshot(ctx, t, "callback-outcome-"+tc.Name)

			events := pageEvents(ctx, t)
			for _, want := range []string{"callback:requested", `callback:status {"id"`, `"status":"completed"`} {
				if !strings.Contains(events, want) {
					t.Errorf("page events lack %s:\n%s", want, events)
				}
			}
			servertest.NoProblems(t, problems())
		})
	}
}

// TestCallbackWidgetKeyboard: the widget opens from the keyboard, keeps Tab
// inside the dialog, closes with Escape and gives focus back.
func TestCallbackWidgetKeyboard(t *testing.T) {
	ctx, problems := servertest.Browser(t)
	base := servertest.StartDemo(t).Base
	openDemo(ctx, t, base, "en", 1280, 800)
	if servertest.WidgetAnimations(ctx, t) == 0 {
		t.Errorf("the button does not pulse (no animation in the shadow root)")
	}

	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('beckon-root').shadowRoot.querySelector('.bkcb .fab').focus(); true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	st := waitCallback(ctx, t, "Enter opens the panel", 5*time.Second, func(s callbackState) bool { return s.Open && s.FocusInPanel }, nil)
	if st.Active != "phone" {
		t.Errorf("focus on %q after opening, want the phone field", st.Active)
	}
	time.Sleep(300 * time.Millisecond) // availability may re-render the form
	visited := map[string]bool{}
	for i := 0; i < 12; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		st := readCallback(ctx, t)
		if !st.Open || !st.FocusInPanel {
			t.Fatalf("Tab %d left the dialog: focus on %q", i+1, st.Active)
		}
		visited[st.Active] = true
	}
	for _, want := range []string{"phone", "name", "close", "primary"} {
		if !visited[want] {
			t.Errorf("Tab never reached %q; visited %v", want, visited)
		}
	}
	// Shift+Tab from the first field wraps to the last control.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('beckon-root').shadowRoot.querySelector('.bkcb .close').focus(); true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))); err != nil {
		t.Fatal(err)
	}
	if st := readCallback(ctx, t); !st.FocusInPanel {
		t.Errorf("Shift+Tab from the first control left the dialog: focus on %q", st.Active)
	}

	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	st = waitCallback(ctx, t, "Escape closes", 5*time.Second, func(s callbackState) bool { return !s.Open }, nil)
	if !st.FabFocus || st.FabExpanded != "false" {
		t.Errorf("after Escape focus is on %q (button focused: %v, aria-expanded %q); want the button", st.Active, st.FabFocus, st.FabExpanded)
	}

	// Opened by the page's own button through the page API: focus returns there.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#call-me"))); err != nil {
		t.Fatal(err)
	}
	waitCallback(ctx, t, "the page API opens the panel", 5*time.Second, func(s callbackState) bool { return s.Open && s.FocusInPanel }, nil)
	clickInWidget(ctx, t, ".close")
	waitCallback(ctx, t, "the close button closes", 5*time.Second, func(s callbackState) bool { return !s.Open }, nil)
	if id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || id != "call-me" {
		t.Errorf("focus after closing went to %q, want the page's #call-me (%v)", id, err)
	}
	servertest.NoProblems(t, problems())
}

// TestCallbackWidgetInvalidNumber: a number the server refuses (422) is
// explained next to the phone field, in the visitor's language.
func TestCallbackWidgetInvalidNumber(t *testing.T) {
	ctx, problems := servertest.Browser(t)
	base := servertest.StartDemo(t).Base
	servertest.ReduceMotion(ctx, t)
	openDemo(ctx, t, base, "ru", 1280, 800)
	clickInWidget(ctx, t, ".fab")
	st := waitCallback(ctx, t, "the panel opens", 5*time.Second, func(s callbackState) bool { return s.Open && s.Active == "phone" }, nil)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("123")); err != nil {
		t.Fatal(err)
	}
	if st.Consent {
		clickInWidget(ctx, t, "input[name=consent]")
	}
	clickInWidget(ctx, t, "button[type=submit]")
	st = waitCallback(ctx, t, "the phone message", 10*time.Second, func(s callbackState) bool { return s.PhoneError != "" }, nil)
	if want := callbackWords["ru"].errPhone; st.PhoneError != want || st.PhoneInvalid != "true" {
		t.Errorf("phone message %q (aria-invalid %q), want %q", st.PhoneError, st.PhoneInvalid, want)
	}
	if st.Active != "phone" {
		t.Errorf("focus on %q, want the phone field to fix it", st.Active)
	}
	servertest.Screenshot(ctx, t, "callback-invalid")
	// The browser logs the refused request itself; that one is expected.
	servertest.NoProblems(t, problems(), "status of 422")
}

// TestCallbackWidgetLater: "call me later" offers the server's slots, with
// readable labels, and a scheduled request says when the call will come.
func TestCallbackWidgetLater(t *testing.T) {
	ctx, problems := servertest.Browser(t)
	base := servertest.StartDemo(t).Base
	servertest.ReduceMotion(ctx, t)
	openDemo(ctx, t, base, "ru", 360, 740)
	clickInWidget(ctx, t, ".fab")
	waitCallback(ctx, t, "the panel opens", 5*time.Second, func(s callbackState) bool { return s.Open && s.Active == "phone" }, nil)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(demoNumber)); err != nil {
		t.Fatal(err)
	}
	waitCallback(ctx, t, "the call-later choice", 5*time.Second, func(s callbackState) bool { return s.Open }, nil)
	// The choice keeps its place, unseen, until the server's slots are in.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`(() => { const b = document.querySelector('beckon-root').shadowRoot.querySelector('.bkcb button.secondary');
  return !!b && !b.hidden && getComputedStyle(b).visibility === 'visible'; })()`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("the call-later choice never showed: %v", err)
	}
	clickInWidget(ctx, t, "button.secondary")
	st := waitCallback(ctx, t, "the slots", 5*time.Second, func(s callbackState) bool { return len(s.Slots) > 0 }, nil)
	// "сегодня, 14:30", "завтра, 09:00", "чт, 26 нояб., 09:00": a day and a time.
	for _, label := range st.Slots {
		if !strings.Contains(label, ", ") || !strings.Contains(label, ":") {
			t.Errorf("slot label %q is not a day and a time", label)
		}
	}
	if len(st.Small) > 0 {
		t.Errorf("tap targets under 44px: %v", st.Small)
	}
	if st.Consent {
		clickInWidget(ctx, t, "input[name=consent]")
	}
	servertest.Screenshot(ctx, t, "callback-later-phone")
	clickInWidget(ctx, t, "button[type=submit]")
	want := callbackWords["ru"].scheduled + st.Slot + "."
	st = waitCallback(ctx, t, "the scheduled request", 10*time.Second, func(s callbackState) bool { return strings.HasPrefix(s.Status, callbackWords["ru"].scheduled) }, nil)
	if st.Status != want {
		t.Errorf("status %q, want %q", st.Status, want)
	}
	if st.Timer != "" {
		t.Errorf("a counter runs for a call at a later time: %q", st.Timer)
	}
	servertest.Screenshot(ctx, t, "callback-scheduled-phone")
	if events := pageEvents(ctx, t); !strings.Contains(events, "callback:requested") {
		t.Errorf("no callback:requested event:\n%s", events)
	}
	servertest.NoProblems(t, problems())
}

// closeDemoCallbacks gives the demo's callback widget working hours that
// are far from now, so nobody takes calls when the test runs.
func closeDemoCallbacks(t *testing.T, base string) {
	t.Helper()
	var sites struct {
		Sites []struct{ ID, Timezone string }
	}
	servertest.AdminCall(t, "GET", base+"/api/v1/sites", nil, &sites)
	if len(sites.Sites) != 1 {
		t.Fatalf("want the demo site only, got %+v", sites.Sites)
	}
	site := sites.Sites[0]
	var widgets struct {
		Widgets []struct {
			ID, Type string
			Settings map[string]any
		}
	}
	servertest.AdminCall(t, "GET", base+"/api/v1/sites/"+site.ID+"/widgets", nil, &widgets)
	loc, err := time.LoadLocation(site.Timezone)
	if err != nil {
		t.Fatal(err)
	}
	hours := map[string]any{"from": "18:00", "to": "19:00"}
	if h := time.Now().In(loc).Hour(); h >= 12 {
		hours = map[string]any{"from": "06:00", "to": "07:00"}
	}
	for _, w := range widgets.Widgets {
		if w.Type == "callback" {
			w.Settings["working_hours"] = []any{hours}
			servertest.AdminCall(t, "PATCH", base+"/api/v1/sites/"+site.ID+"/widgets/"+w.ID, map[string]any{"settings": w.Settings}, nil)
			return
		}
	}
	t.Fatal("the demo site has no callback widget")
}

// TestCallbackWidgetClosed: outside working hours the panel says so and
// offers only times when somebody will answer.
func TestCallbackWidgetClosed(t *testing.T) {
	ctx, problems := servertest.Browser(t)
	base := servertest.StartDemo(t).Base
	closeDemoCallbacks(t, base)
	servertest.ReduceMotion(ctx, t)
	openDemo(ctx, t, base, "en", 1280, 800)
	clickInWidget(ctx, t, ".fab")
	st := waitCallback(ctx, t, "the slots", 5*time.Second, func(s callbackState) bool { return s.Open && len(s.Slots) > 0 }, nil)
	lead, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('beckon-root').shadowRoot.querySelector('.bkcb .lead').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "We’re not available right now — pick a time that suits you."; lead != want {
		t.Errorf("lead %q, want %q", lead, want)
	}
	for _, label := range st.Slots {
		if !strings.HasSuffix(label, ":00") && !strings.Contains(label, ":00 (") && !strings.Contains(label, ":30") {
			t.Errorf("slot %q is not on the half hour of 06:00–07:00 or 18:00–19:00", label)
		}
	}
	servertest.Screenshot(ctx, t, "callback-closed-desktop")
	servertest.NoProblems(t, problems())
}

// consentState is the form's consent part and what the browser did with it.
type consentState struct {
	NoValidate     bool     // the form has novalidate
	Reported       int      // calls of the native reportValidity (its bubble)
	ErrorTexts     []string // every error text shown in the form
	BoxInvalid     string   // aria-invalid of the checkbox
	BoxDescribedBy string   // the text aria-describedby of the checkbox points at
	Active         string
	SubmitCovered  string // what covers the submit button's middle, if anything
	Links          []struct{ Text, Href, Target, Rel, In string }
	Checked        bool
}

const consentProbe = `(() => {
  const s = document.querySelector('beckon-root').shadowRoot;
  const form = s.querySelector('.bkcb form');
  const box = form.querySelector('input[name=consent]');
  const submit = form.querySelector('button[type=submit]');
  const r = submit.getBoundingClientRect();
  const hit = s.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
  const active = s.activeElement;
  return {
    NoValidate: form.noValidate, Reported: window.__reported || 0,
    ErrorTexts: Array.from(form.querySelectorAll('.err, .formerr'), (e) => e.textContent).filter((x) => x),
    BoxInvalid: (box && box.getAttribute('aria-invalid')) || '',
    BoxDescribedBy: box ? (s.getElementById(box.getAttribute('aria-describedby')) || {}).textContent || '' : '',
    Active: active ? active.getAttribute('name') || active.className || active.tagName : '',
    SubmitCovered: hit && (hit === submit || submit.contains(hit)) ? '' : (hit ? hit.outerHTML.slice(0, 80) : 'nothing'),
    Links: Array.from(form.querySelectorAll('a'), (a) => ({Text: a.textContent, Href: a.href, Target: a.target, Rel: a.rel,
      In: a.closest('label.consent') ? 'consent' : a.closest('.policy') ? 'policy' : 'elsewhere'})),
    Checked: !!box && box.checked,
  };
})()`

func readConsent(ctx context.Context, t *testing.T) consentState {
	t.Helper()
	st, err := chromedp.Run(ctx, chromedp.Evaluate[consentState](consentProbe))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// countNativeBubbles counts calls of reportValidity, which shows the
// browser's validation bubble, in every page from now on.
const countNativeBubbles = `for (const P of [HTMLFormElement, HTMLInputElement, HTMLSelectElement]) {
  const f = P.prototype.reportValidity;
  P.prototype.reportValidity = function () { window.__reported = (window.__reported || 0) + 1; return f.call(this); };
}`

// TestCallbackConsentError: submitting without the consent tick shows the
// widget's own message once, on the checkbox (aria-invalid, described by
// it, focused), and never the browser's bubble over it and the submit
// button; by the button and by Enter in the phone field alike.
func TestCallbackConsentError(t *testing.T) {
	for _, tc := range servertest.DesktopAndPhone {
		t.Run(tc.Name, func(t *testing.T) {
			ctx, problems := servertest.Browser(t)
			base := servertest.StartDemo(t).Base
			servertest.DemoWidget(t, base, "callback", map[string]any{"consent": map[string]any{"required": true, "version": "2",
				"text": map[string]string{"ru": "Даю согласие на обработку моего номера телефона, чтобы мне перезвонили.",
					"uk": "Даю згоду на обробку мого номера телефону, щоб мені передзвонили.",
					"en": "I agree to the processing of my phone number so that you can call me back."}}})
			servertest.OnNewDocument(ctx, t, countNativeBubbles)
			servertest.ReduceMotion(ctx, t)
			openDemo(ctx, t, base, tc.Lang, tc.Width, tc.Height)
			clickInWidget(ctx, t, ".fab")
			waitCallback(ctx, t, "the panel opens", 5*time.Second, func(s callbackState) bool { return s.Open && s.Active == "phone" }, nil)
			if err := chromedp.Do(ctx, chromedp.KeyEvent(demoNumber)); err != nil {
				t.Fatal(err)
			}
			want := callbackWords[tc.Lang].errConsent
			for _, how := range []string{"the submit button", "Enter in the phone field"} {
				if how == "the submit button" {
					clickInWidget(ctx, t, "button[type=submit]")
				} else {
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('beckon-root').shadowRoot.querySelector('.bkcb input[type=tel]').focus(); true`)); err != nil {
						t.Fatal(err)
					}
					if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
						t.Fatal(err)
					}
				}
				waitCallback(ctx, t, how+": the consent message", 5*time.Second, func(s callbackState) bool { return s.ConsentError != "" }, nil)
				st := readConsent(ctx, t)
				if !st.NoValidate || st.Reported != 0 {
					t.Errorf("%s: novalidate %v, native bubbles asked for %d times; want the widget's message only", how, st.NoValidate, st.Reported)
				}
				if len(st.ErrorTexts) != 1 || st.ErrorTexts[0] != want || st.BoxDescribedBy != want || st.BoxInvalid != "true" {
					t.Errorf("%s: messages %q, checkbox aria-invalid %q described by %q; want only %q on the checkbox", how, st.ErrorTexts, st.BoxInvalid, st.BoxDescribedBy, want)
				}
				if st.Active != "consent" {
					t.Errorf("%s: focus on %q, want the consent checkbox", how, st.Active)
				}
				if st.SubmitCovered != "" {
					t.Errorf("%s: the submit button is covered by %s", how, st.SubmitCovered)
				}
				if how == "the submit button" {
					servertest.ScreenshotViewport(ctx, t, "callback-consent-error-"+tc.Name)
				}
			}
			// Ticked, the message goes and the request is sent.
			clickInWidget(ctx, t, "input[name=consent]")
			if st := readConsent(ctx, t); len(st.ErrorTexts) != 0 || st.BoxInvalid != "" || !st.Checked {
				t.Errorf("after ticking: messages %q, aria-invalid %q, checked %v", st.ErrorTexts, st.BoxInvalid, st.Checked)
			}
			clickInWidget(ctx, t, "button[type=submit]")
			waitCallback(ctx, t, "the request is accepted", 10*time.Second, func(s callbackState) bool { return s.Status != "" && !strings.Contains(s.Status, want) }, nil)
			if events := pageEvents(ctx, t); !strings.Contains(events, "callback:requested") {
				t.Errorf("no request after ticking the box:\n%s", events)
			}
			servertest.NoProblems(t, problems())
		})
	}
}

// TestCallbackConsentPolicyLink: the owner's privacy policy (consent.url)
// is linked from the form: the consent text's [bracketed] words, else a
// link after the text, else (no consent asked) a line of its own; it opens
// in a new tab, and following it does not tick the box.
func TestCallbackConsentPolicyLink(t *testing.T) {
	ctx, problems := servertest.Browser(t)
	base := servertest.StartDemo(t).Base
	const policy = "https://shop.example/privacy"
	servertest.ReduceMotion(ctx, t)
	cases := []struct {
		name, lang string
		consent    map[string]any
		wantText   string
		wantIn     string
	}{
		{"bracketed words", "ru", map[string]any{"required": true, "url": policy, "text": map[string]string{
			"ru": "Даю согласие на [обработку персональных данных] ООО «Магазин», чтобы мне перезвонили.",
			"uk": "Даю згоду на [обробку персональних даних] ТОВ «Магазин», щоб мені передзвонили.",
			"en": "I consent to Shop Ltd [processing my personal data] to call me back."}},
			"обработку персональных данных", "consent"},
		{"no brackets", "uk", map[string]any{"required": true, "url": policy, "text": map[string]string{
			"ru": "Даю согласие на обработку моих данных.", "uk": "Даю згоду на обробку моїх даних.", "en": "I agree to the processing of my data."}},
			"Політика конфіденційності", "consent"},
		{"no consent asked", "en", map[string]any{"required": false, "url": policy}, "Privacy policy", "policy"},
	}
	for _, tc := range cases {
		servertest.DemoWidget(t, base, "callback", map[string]any{"consent": tc.consent})
		for _, vp := range servertest.DesktopAndPhone {
			openDemo(ctx, t, base, tc.lang, vp.Width, vp.Height)
			clickInWidget(ctx, t, ".fab")
			waitCallback(ctx, t, tc.name+": the panel opens", 5*time.Second, func(s callbackState) bool { return s.Open && s.Settled }, nil)
			st := readConsent(ctx, t)
			if len(st.Links) != 1 || st.Links[0].Text != tc.wantText || st.Links[0].Href != policy || st.Links[0].In != tc.wantIn ||
				st.Links[0].Target != "_blank" || st.Links[0].Rel != "noopener" {
				t.Errorf("%s (%s): links %+v; want one to %s reading %q in the %s part, opening a new tab", tc.name, vp.Name, st.Links, policy, tc.wantText, tc.wantIn)
			}
			servertest.ScreenshotViewport(ctx, t, "callback-policy-"+strings.ReplaceAll(tc.name, " ", "-")+"-"+vp.Name)
		}
		if tc.wantIn == "consent" {
			// Following the link keeps the form as it was. The click goes to
			// the link's first line (a link that wraps has a box wider than
			// its words).
			xy, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => {
  const s = document.querySelector('beckon-root').shadowRoot, a = s.querySelector('.bkcb .consent a');
  const r = a.getClientRects()[0], x = r.x + Math.min(r.width / 2, 20), y = r.y + r.height / 2;
  return a.contains(s.elementFromPoint(x, y)) ? [x, y] : [];
})()`))
			if err != nil || len(xy) != 2 {
				t.Fatalf("%s: cannot click the policy link (%v)", tc.name, err)
			}
			if err := chromedp.Do(ctx, chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
				t.Fatal(err)
			}
			// The new tab is asked for until it shows the policy: a tab may
			// be created as about:blank and get its URL a moment later.
			if !tabOpened(ctx, policy, 5*time.Second) {
				t.Errorf("%s: the policy link did not open %s in a new tab", tc.name, policy)
			}
			if st := readConsent(ctx, t); st.Checked {
				t.Errorf("%s: following the policy link ticked the consent box", tc.name)
			}
		}
	}
	servertest.NoProblems(t, problems())
}

// tabOpened says whether a tab showing url is open in the browser within d.
func tabOpened(ctx context.Context, url string, d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		tabs, err := chromedp.Targets(ctx)
		if err != nil {
			return false
		}
		for _, tab := range tabs {
			if tab.Type == "page" && tab.URL == url {
				return true
			}
		}
	}
	return false
}
