package quiz_test

// The quiz widget (embed/src/widgets/quiz) in a real Chromium against the
// real server: a visitor goes from the launcher through every step type to
// the contact form and the server's result, and the lead lands in the
// store; back, progress, refusals, the keyboard alone, a reload and the
// resume link, page elements and the page API that open it, owner texts
// that stay text. Screenshots of every screen on a desktop and on a 360-px
// phone go to $BECKON_SCREENSHOT_DIR.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// words are the texts the tests expect, from shopQuiz and i18n/quiz_bundle.json.
var words = map[string]struct{ start, price, callSent, chooseAnswer string }{
	"ru": {"Подберём ремонт", "Около 266\u00a0000 ₽", "Спасибо! Скоро вам позвоним.", "Выберите ответ, чтобы продолжить."},
	"uk": {"Підберемо ремонт", "Близько 266\u00a0000 ₽", "Дякуємо! Скоро вам зателефонуємо.", "Виберіть відповідь, щоб продовжити."},
}

// callbackWidget is a callback widget for the same site, so the result
// screen can offer a call.
var callbackWidget = map[string]any{"type": "callback", "settings": json.RawMessage(
	`{"managers":[{"name":"Anna","phone":"+79000000010"}]}`)}

// browse opens a browser that takes the widget's images from imageHost and
// prefers reduced motion (screenshots show finished states).
func browse(t *testing.T) (context.Context, func() []string, *images) {
	t.Helper()
	ctx, problems := servertest.Browser(t)
	im := serveImages(t, ctx)
	servertest.ReduceMotion(ctx, t)
	return ctx, problems, im
}

// TestQuizFromLauncherToLead: the whole way, on a desktop in Russian and
// on a phone in Ukrainian: every step type, the form refusing what is
// missing, the server's price on the result screen, the lead in the store
// with its answers, UTM tags and the page's hidden values, and a call
// asked for from the result, linked to the lead. On both stores; the
// screenshots are the embedded store's.
func TestQuizFromLauncherToLead(t *testing.T) {
	for _, kind := range servertest.StoreKinds {
		for _, vp := range servertest.DesktopAndPhone {
			t.Run(kind+"/"+vp.Name, func(t *testing.T) {
				fromLauncherToLead(t, kind, vp)
			})
		}
	}
}

func fromLauncherToLead(t *testing.T, kind string, vp servertest.Viewport) {
	p := newQuizPageOn(t, kind, shopQuiz, callbackWidget)
	ctx, problems, im := browse(t)
	w := words[vp.Lang]
	// The screenshots are the embedded store's: both look the same.
	snap := func(name string) {
		if kind == "embedded" {
			shoot(t, ctx, vp.Name+name)
		}
	}
	p.visit(t, ctx, "/catalog?utm_source=yandex&utm_campaign=remont", vp)
	waitFor(t, ctx, "the launcher", `!s.querySelector('.bkqz .launch').hidden`)
	snap("-0-launcher")

	click(t, ctx, ".bkqz .launch")
	v := waitView(t, ctx, "start")
	if v.Title != w.start || !v.TitleFocused || v.Progress != 0 || !strings.Contains(v.Text, "10%") {
		t.Fatalf("start screen: %+v", v)
	}
	if vp.Name == "phone" {
		// A full-screen sheet on a phone.
		box := eval[servertest.Rect](t, ctx, `(() => { const r = d.getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`)
		if box != (servertest.Rect{X: 0, Y: 0, W: 360, H: 740}) {
			t.Fatalf("the dialog on a 360×740 phone is %+v, want the whole screen", box)
		}
	}
	snap("-1-start")

	// Option pictures are fetched only when their question shows.
	if im.asked("loft.png") {
		t.Fatal("the image options were fetched before their question")
	}
	next(t, ctx)
	v = waitStep(t, ctx, "rooms")
	if !v.TitleFocused || !strings.Contains(v.Live, "1") {
		t.Fatalf("first question: %+v", v)
	}
	snap("-2-single")
	click(t, ctx, ".opt:nth-child(3)") // a single choice moves on by itself

	progress := waitStep(t, ctx, "style").Progress
	if progress <= 0 {
		t.Fatalf("progress after one answer: %d", progress)
	}
	snap("-3-image")
	click(t, ctx, ".card:nth-child(2)")

	waitStep(t, ctx, "area")
	if got := eval[string](t, ctx, `s.querySelector('.num').value`); got != "155" {
		t.Fatalf("a slider's number starts in the middle, 155; got %q", got)
	}
	snap("-4-number")
	eval[any](t, ctx, `s.querySelector('.num').select()`)
	typeInto(t, ctx, ".num", "62")
	if got := eval[string](t, ctx, `s.querySelector('.range').value`); got != "62" {
		t.Fatalf("the slider did not follow the typed number: %q", got)
	}
	next(t, ctx)

	waitStep(t, ctx, "extras")
	click(t, ctx, ".opt:nth-child(1)")
	click(t, ctx, ".opt:nth-child(2)")
	snap("-5-multi")
	next(t, ctx)

	waitStep(t, ctx, "when")
	eval[any](t, ctx, `(() => { const i = s.querySelector('.date'); i.value = '2027-03-15'; i.dispatchEvent(new Event('input', {bubbles: true})); })()`)
	snap("-6-date")
	next(t, ctx)

	waitStep(t, ctx, "wish")
	typeInto(t, ctx, "textarea", "Успеть до лета")
	snap("-7-text")
	next(t, ctx)

	waitStep(t, ctx, "mark")
	click(t, ctx, ".star:nth-child(4)")
	snap("-8-rating")
	next(t, ctx)

	v = waitView(t, ctx, "form")
	if !v.TitleFocused || v.Progress <= progress {
		t.Fatalf("form: %+v", v)
	}
	snap("-9-form")
	// The honeypot is there for bots, out of sight and out of the Tab order.
	if hp := eval[string](t, ctx, `(() => { const i = d.querySelector('[name=website]'); const r = i.getBoundingClientRect();
  return [i.tabIndex, r.right <= 0, !!i.closest('[aria-hidden=true]')].join(' '); })()`); hp != "-1 true true" {
		t.Fatalf("honeypot field: tabIndex, off screen, hidden from screen readers = %s", hp)
	}
	click(t, ctx, ".form .primary")
	waitFor(t, ctx, "the form's complaints", `s.querySelectorAll('[aria-invalid=true]').length === 2`)
	if focus := eval[string](t, ctx, `s.activeElement && s.activeElement.name`); focus != "phone" {
		t.Fatalf("the focus after a refused form is on %q, want the phone field", focus)
	}
	snap("-10-form-refused")
	if n := len(p.leads(t)); n != 0 {
		t.Fatalf("%d leads after a refused form", n)
	}
	typeInto(t, ctx, "[name=name]", "Анна")
	typeInto(t, ctx, "[name=phone]", "+7 916 123-45-67")
	click(t, ctx, "[name=consent]")
	click(t, ctx, ".form .primary")

	v = waitView(t, ctx, "result")
	if !strings.Contains(v.Text, w.price) || v.Progress != 100 || !v.TitleFocused {
		t.Fatalf("result screen: %+v", v)
	}
	snap("-11-result")

	leads := quizLeads(t, p)
	if len(leads) != 1 {
		t.Fatalf("%d quiz leads, want 1", len(leads))
	}
	l := leads[0]
	answers := map[string]string{}
	for _, a := range l.Answers {
		answers[a.Step] = string(a.Value)
	}
	want := map[string]string{"rooms": `"r3"`, "style": `"scandi"`, "area": `62`, "extras": `["floor","ceiling"]`,
		"when": `"2027-03-15"`, "wish": `"Успеть до лета"`, "mark": `4`}
	for k, v := range want {
		if answers[k] != v {
			t.Errorf("answer %s = %s, want %s (all: %v)", k, answers[k], v, answers)
		}
	}
	if l.Contact.Phone != "+79161234567" || l.Contact.Name != "Анна" || l.Result == nil || l.Result.Values["price"] != 266000 ||
		l.UTM["utm_source"] != "yandex" || l.UTM["utm_campaign"] != "remont" || l.Hidden["partner"] != "p42" ||
		!strings.HasPrefix(l.PageURL, p.origin+"/catalog?") || l.Consent == nil || l.Consent.TextID == "" || l.Lang != vp.Lang {
		t.Fatalf("stored lead: %+v", l)
	}

	// A call about this result: the callback widget's intake, linked to the lead.
	waitFor(t, ctx, "the call button", `!d.querySelector('.main .primary').hidden`)
	click(t, ctx, ".main .primary")
	waitFor(t, ctx, "the call's confirmation", `d.querySelector('.ok').textContent !== ''`)
	if got := eval[string](t, ctx, `d.querySelector('.ok').textContent`); got != w.callSent {
		t.Fatalf("after asking for a call: %q", got)
	}
	calls := p.ts.ListCallbacks(p.siteID)
	if len(calls) != 1 || calls[0].Phone != "+79161234567" || calls[0].LeadID != l.ID {
		t.Fatalf("callbacks %+v, want one for +79161234567 linked to %s", calls, l.ID)
	}
	snap("-12-call-asked")

	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "the dialog to close", `d.parentElement.hidden`)
	servertest.NoProblems(t, problems())
}

// quizLeads are the site's quiz leads (a callback makes a lead of its own).
func quizLeads(t testing.TB, p *quizPage) []store.Lead {
	t.Helper()
	var out []store.Lead
	for _, l := range p.leads(t) {
		if l.Type == "quiz" {
			out = append(out, l)
		}
	}
	return out
}

// TestQuizBackAndProgress: Back shows the earlier question with its answer
// chosen, the progress goes back with it, and a different answer there
// replaces the path the server keeps.
func TestQuizBackAndProgress(t *testing.T) {
	p := newQuizPage(t, shopQuiz)
	ctx, problems, _ := browse(t)
	p.visit(t, ctx, "/", servertest.DesktopAndPhone[0])
	startQuiz(t, ctx)
	waitStep(t, ctx, "rooms")
	click(t, ctx, ".opt:nth-child(1)")
	waitStep(t, ctx, "style")
	click(t, ctx, ".card:nth-child(1)")
	at := waitStep(t, ctx, "area").Progress

	click(t, ctx, ".top .icon") // Back
	v := waitStep(t, ctx, "style")
	if v.Progress >= at || !v.TitleFocused {
		t.Fatalf("back at style: progress %d (was %d at area), %+v", v.Progress, at, v)
	}
	if got := eval[string](t, ctx, `(d.querySelector('.box:checked') || {}).value`); got != "loft" {
		t.Fatalf("the earlier answer is not chosen when back: %q", got)
	}
	click(t, ctx, ".top .icon")
	waitStep(t, ctx, "rooms")
	click(t, ctx, ".top .icon")
	waitView(t, ctx, "start")
	next(t, ctx)
	waitStep(t, ctx, "rooms")
	// A change of mind within the click's short pause: one move, the last choice.
	click(t, ctx, ".opt:nth-child(3)")
	click(t, ctx, ".opt:nth-child(2)")
	if v := waitStep(t, ctx, "style"); v.Error != "" {
		t.Fatalf("after two quick clicks: %+v", v)
	}

	sid := savedSession(t, ctx, p.wid)
	s := p.session(t, sid)
	if strings.Join(s.Path, ",") != "rooms" || string(s.Answers["rooms"]) != `"r2"` {
		t.Fatalf("after going back and answering r2: path %v, answers %s", s.Path, fmt.Sprint(s.Answers))
	}
	servertest.NoProblems(t, problems())
}

// savedSession is the session id the widget keeps for wid in localStorage.
func savedSession(t testing.TB, ctx context.Context, wid string) string {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`localStorage.getItem('beckon_quiz_' + %q) || ''`, wid)))
	if err != nil {
		t.Fatal(err)
	}
	var saved struct{ Wid, Sid string }
	if err := json.Unmarshal([]byte(raw), &saved); err != nil || saved.Wid != wid || saved.Sid == "" {
		t.Fatalf("localStorage keeps %q for the quiz", raw)
	}
	return saved.Sid
}

// TestQuizRequiredStepRefused: Next on a required question left empty
// says what is missing (role=alert), puts the focus on the choices and
// sends nothing; a number outside the range is refused with the range.
func TestQuizRequiredStepRefused(t *testing.T) {
	p := newQuizPage(t, shopQuiz)
	ctx, problems, _ := browse(t)
	vp := servertest.DesktopAndPhone[0]
	p.visit(t, ctx, "/", vp)
	startQuiz(t, ctx)
	waitStep(t, ctx, "rooms")
	next(t, ctx)
	waitFor(t, ctx, "the complaint", `d.querySelector('.err[role=alert]').textContent !== ''`)
	v := look(t, ctx)
	if v.Step != "rooms" || v.Error != words[vp.Lang].chooseAnswer {
		t.Fatalf("Next without an answer: %+v", v)
	}
	if got := eval[string](t, ctx, `s.activeElement.type + ':' + s.activeElement.value`); got != "radio:r1" {
		t.Fatalf("the focus is on %s, want the first choice", got)
	}
	// What a screen reader is told: a modal dialog named by the question,
	// the choices as a group named by it too, the complaint as an alert.
	wiring := eval[string](t, ctx, `[d.getAttribute('aria-modal'), d.getAttribute('aria-labelledby') === d.querySelector('h2').id,
  d.querySelector('[role=radiogroup]').getAttribute('aria-labelledby') === d.querySelector('h2').id,
  d.querySelector('.err').getAttribute('role'), d.querySelector('[role=progressbar]').getAttribute('aria-valuetext')].join(' ')`)
	if wiring != "true true true alert Готово 0%" {
		t.Fatalf("screen reader wiring: %s", wiring)
	}
	if s := p.session(t, savedSession(t, ctx, p.wid)); len(s.Answers) != 0 {
		t.Fatalf("answers stored: %v", s.Answers)
	}
	shoot(t, ctx, "desktop-required-refused")

	click(t, ctx, ".opt:nth-child(1)")
	waitStep(t, ctx, "style")
	click(t, ctx, ".card:nth-child(1)")
	waitStep(t, ctx, "area")
	eval[any](t, ctx, `s.querySelector('.num').select()`)
	typeInto(t, ctx, ".num", "5")
	next(t, ctx)
	waitFor(t, ctx, "the range complaint", `d.querySelector('.err[role=alert]').textContent !== ''`)
	if v := look(t, ctx); v.Step != "area" || v.Error != "Введите число от 10 до 300." {
		t.Fatalf("5 m² of 10–300: %+v", v)
	}
	if s := p.session(t, savedSession(t, ctx, p.wid)); len(s.Answers) != 2 || s.Answers["area"] != nil {
		t.Fatalf("answers stored: %v", s.Answers)
	}
	servertest.NoProblems(t, problems())
}

// TestQuizKeyboardOnly: the launcher, every question, the form and closing,
// with the keyboard alone: Tab, arrows, Space, Enter, Esc.
func TestQuizKeyboardOnly(t *testing.T) {
	p := newQuizPage(t, shopQuiz)
	ctx, problems, _ := browse(t)
	p.visit(t, ctx, "/", servertest.DesktopAndPhone[0])
	waitFor(t, ctx, "the launcher", `!s.querySelector('.bkqz .launch').hidden`)
	keys(t, ctx, kb.Tab) // the page has nothing else to focus
	if !eval[bool](t, ctx, `s.activeElement === s.querySelector('.launch')`) {
		t.Fatal("Tab does not reach the launcher")
	}
	keys(t, ctx, kb.Enter)
	if v := waitView(t, ctx, "start"); !v.TitleFocused {
		t.Fatalf("open: %+v", v)
	}
	// Tab goes round the dialog (Close, Start) and never to the page.
	var round []string
	for range 4 {
		keys(t, ctx, kb.Tab)
		round = append(round, eval[string](t, ctx, `d.contains(s.activeElement) ? s.activeElement.textContent || s.activeElement.getAttribute('aria-label') : 'outside'`))
	}
	if strings.Join(round, ",") != "Начать,Закрыть,Начать,Закрыть" {
		t.Fatalf("Tab goes %v", round)
	}
	keys(t, ctx, kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)) // back to Start
	keys(t, ctx, kb.Enter)
	waitStep(t, ctx, "rooms")
	keys(t, ctx, kb.Tab)       // the first choice
	keys(t, ctx, kb.ArrowDown) // chooses the second
	keys(t, ctx, kb.Enter)
	waitStep(t, ctx, "style")
	keys(t, ctx, kb.Tab)
	keys(t, ctx, kb.ArrowRight)
	keys(t, ctx, kb.Enter)
	waitStep(t, ctx, "area")
	keys(t, ctx, kb.Tab)
	keys(t, ctx, "a", chromedp.KeyModifiers(chromedp.ModifierCtrl))
	keys(t, ctx, "62")
	keys(t, ctx, kb.Enter)
	waitStep(t, ctx, "extras")
	keys(t, ctx, kb.Tab)
	keys(t, ctx, " ")
	keys(t, ctx, kb.ArrowDown)
	keys(t, ctx, " ")
	keys(t, ctx, kb.Enter)
	waitStep(t, ctx, "when")
	keys(t, ctx, kb.Enter) // optional: Enter on the title skips it
	waitStep(t, ctx, "wish")
	keys(t, ctx, kb.Tab)
	keys(t, ctx, "Тихо")
	keys(t, ctx, kb.Enter) // a new line in the text
	keys(t, ctx, "и чисто")
	keys(t, ctx, kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl))
	waitStep(t, ctx, "mark")
	keys(t, ctx, kb.Tab)
	for range 3 {
		keys(t, ctx, kb.ArrowRight)
	}
	keys(t, ctx, kb.Enter)
	waitView(t, ctx, "form")
	keys(t, ctx, kb.Tab)
	keys(t, ctx, "Олег")
	keys(t, ctx, kb.Tab)
	keys(t, ctx, "89161234567")
	keys(t, ctx, kb.Tab) // e-mail, left empty
	keys(t, ctx, kb.Tab) // the consent box
	keys(t, ctx, " ")
	keys(t, ctx, kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))
	keys(t, ctx, kb.Enter) // submits from the e-mail field
	waitView(t, ctx, "result")
	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "the dialog to close", `d.parentElement.hidden`)
	if !eval[bool](t, ctx, `s.activeElement === s.querySelector('.launch')`) {
		t.Fatal("after Esc the focus is not back on the launcher")
	}

	leads := quizLeads(t, p)
	if len(leads) != 1 {
		t.Fatalf("%d leads", len(leads))
	}
	got := map[string]string{}
	for _, a := range leads[0].Answers {
		got[a.Step] = string(a.Value)
	}
	want := map[string]string{"rooms": `"r2"`, "style": `"scandi"`, "area": `62`, "extras": `["floor","ceiling"]`, "wish": `"Тихо\nи чисто"`, "mark": `4`}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("answer %s = %s, want %s", k, got[k], v)
		}
	}
	if leads[0].Contact.Phone != "+79161234567" || leads[0].Contact.Name != "Олег" {
		t.Fatalf("contact %+v", leads[0].Contact)
	}
	servertest.NoProblems(t, problems())
}

// TestQuizResumes: a reload with the quiz open opens it again at the same
// question, answers kept; closed, it continues at the question to answer
// next when opened; the resume link (#beckon-quiz=<widget>.<session>) opens
// it there on any page and leaves the address clean.
func TestQuizResumes(t *testing.T) {
	p := newQuizPage(t, shopQuiz)
	ctx, problems, _ := browse(t)
	vp := servertest.DesktopAndPhone[1]
	p.visit(t, ctx, "/", vp)
	startQuiz(t, ctx)
	waitStep(t, ctx, "rooms")
	click(t, ctx, ".opt:nth-child(3)")
	waitStep(t, ctx, "style")
	click(t, ctx, ".card:nth-child(4)")
	before := waitStep(t, ctx, "area")

	p.visit(t, ctx, "/", vp) // reload
	after := waitStep(t, ctx, "area")
	if after.Progress != before.Progress || !after.TitleFocused {
		t.Fatalf("after a reload: %+v, before %+v", after, before)
	}
	shoot(t, ctx, "phone-resumed")
	click(t, ctx, ".top .icon")
	waitStep(t, ctx, "style")
	if got := eval[string](t, ctx, `(d.querySelector('.box:checked') || {}).value`); got != "modern" {
		t.Fatalf("the answer before the reload is not kept: %q", got)
	}
	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "the dialog to close", `d.parentElement.hidden`)

	p.visit(t, ctx, "/", vp)
	waitFor(t, ctx, "the launcher", `!s.querySelector('.bkqz .launch').hidden`)
	if look(t, ctx).Open {
		t.Fatal("a quiz closed before the reload opened by itself")
	}
	click(t, ctx, ".bkqz .launch")
	waitStep(t, ctx, "area") // where the server has the visitor: the next question to answer

	// The resume link, in a browser that kept nothing but the visitor id.
	sid := savedSession(t, ctx, p.wid)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`localStorage.removeItem('beckon_quiz_' + `+fmt.Sprintf("%q", p.wid)+`)`)); err != nil {
		t.Fatal(err)
	}
	p.visit(t, ctx, "/prices?x=1#beckon-quiz="+p.wid+"."+sid, vp)
	waitStep(t, ctx, "area")
	if hash, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`)); hash != "" {
		t.Fatalf("the address keeps %q", hash)
	}
	servertest.NoProblems(t, problems())
}

// TestQuizOpensFromThePage: elements with data-beckon-quiz open the page's
// first quiz (no value) or the one they name; their data-* values, the
// snippet's and the page's UTM tags travel with the session; the page API
// opens a quiz by type or by id. Without a launcher there is no button.
func TestQuizOpensFromThePage(t *testing.T) {
	noLauncher := strings.Replace(shopQuiz, `"launcher": {"position": "bottom-left"}`, `"launcher": null`, 1)
	p := newQuizPage(t, noLauncher)
	second := p.ts.CreateWidget(p.siteID, map[string]any{"type": "quiz", "settings": json.RawMessage(noLauncher)})["id"].(string)
	ctx, problems, _ := browse(t)
	body := `<p><button id="any" data-beckon-quiz data-product="sofa" data-price="45 000">Рассчитать</button>
<a id="named" href="#" data-beckon-quiz="` + second + `">Второй тест</a></p>`
	p.visit(t, ctx, "/?utm_source=vk&body="+url.QueryEscape(body), servertest.DesktopAndPhone[0])
	servertest.WaitShadow(ctx, t, func(s servertest.ShadowState) bool { return strings.Count(s.HTML, `role="dialog"`) == 2 })
	if eval[int](t, ctx, `s.querySelectorAll('.launch').length`) != 0 {
		t.Fatal("a quiz without a launcher shows a button")
	}
	openOf := func(wid string) bool {
		return eval[bool](t, ctx, fmt.Sprintf(`!s.getElementById('bkqz-' + %q).parentElement.hidden`, wid))
	}
	pageClick := func(id string) {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.getElementById('`+id+`').click()`)); err != nil {
			t.Fatal(err)
		}
	}
	waitOpen := func(wid string) {
		waitFor(t, ctx, "quiz "+wid+" to open", fmt.Sprintf(`!s.getElementById('bkqz-' + %q).parentElement.hidden`, wid))
	}

	pageClick("any")
	waitOpen(p.wid)
	if openOf(second) {
		t.Fatal("an element without a value opened the second quiz too")
	}
	next(t, ctx)
	waitStep(t, ctx, "rooms")
	s := p.session(t, savedSession(t, ctx, p.wid))
	if s.Hidden["product"] != "sofa" || s.Hidden["price"] != "45 000" || s.Hidden["partner"] != "p42" || len(s.Hidden) != 3 || s.UTM["utm_source"] != "vk" {
		t.Fatalf("session hidden %v, utm %v", s.Hidden, s.UTM)
	}
	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "the first quiz to close", `d.parentElement.hidden`)

	pageClick("named")
	waitOpen(second)
	if openOf(p.wid) {
		t.Fatal("the element naming the second quiz opened the first")
	}
	if hash, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.hash`)); hash != "" {
		t.Fatalf("the link's own action ran: %q", hash)
	}
	keys(t, ctx, kb.Escape)
	waitFor(t, ctx, "the second quiz to close", `s.querySelectorAll('.shade:not([hidden])').length === 0`)

	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`beckon('open', '`+second+`')`)); err != nil {
		t.Fatal(err)
	}
	waitOpen(second)
	if openOf(p.wid) {
		t.Fatal("beckon('open', id) opened another quiz")
	}
	keys(t, ctx, kb.Escape)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`beckon('open', 'quiz')`)); err != nil {
		t.Fatal(err)
	}
	waitOpen(p.wid)

	// Each quiz was shown twice on this page view, and counts one view.
	for _, wid := range []string{p.wid, second} {
		starts := int64(0)
		if wid == p.wid {
			starts = 1
		}
		funnel := waitFunnel(t, p, wid, func(f funnel) bool { return f.Views > 0 && f.Starts == starts })
		if funnel.Views != 1 {
			t.Fatalf("quiz %s: %d views, want 1", wid, funnel.Views)
		}
	}
	servertest.NoProblems(t, problems())
}

// funnel is what the owner's analytics say of a quiz.
type funnel struct{ Views, Starts, Leads int64 }

// waitFunnel reads the quiz's analytics until ok holds (they are written
// once a second).
func waitFunnel(t testing.TB, p *quizPage, wid string, ok func(funnel) bool) funnel {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := p.ts.Admin("GET", "/api/v1/sites/"+p.siteID+"/widgets/"+wid+"/quiz/analytics", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		var f funnel
		if err := json.Unmarshal(r.Body, &f); err != nil {
			t.Fatal(err)
		}
		if ok(f) {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("quiz %s analytics: %+v", wid, f)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestQuizOwnerTextIsText: an owner's texts with markup in them are shown
// as those characters; nothing runs.
func TestQuizOwnerTextIsText(t *testing.T) {
	const evil = `<img src=x onerror=alert(1)>`
	settings := strings.Replace(shopQuiz, `"Подберём ремонт"`, `"`+strings.ReplaceAll(evil, `"`, `\"`)+`"`, 1)
	settings = strings.Replace(settings, `"Одна"`, `"<b>Одна</b>"`, 1)
	p := newQuizPage(t, settings)
	ctx, problems, _ := browse(t)
	servertest.OnNewDocument(ctx, t, `window.alert = () => { window.alerted = true; };`)
	p.visit(t, ctx, "/", servertest.DesktopAndPhone[0])
	waitFor(t, ctx, "the launcher", `!s.querySelector('.bkqz .launch').hidden`)
	click(t, ctx, ".bkqz .launch")
	if v := waitView(t, ctx, "start"); v.Title != evil {
		t.Fatalf("title %q, want the characters %q", v.Title, evil)
	}
	next(t, ctx)
	waitStep(t, ctx, "rooms")
	if got := eval[string](t, ctx, `d.querySelector('.opt').textContent`); got != "<b>Одна</b>" {
		t.Fatalf("option %q", got)
	}
	if n := eval[int](t, ctx, `s.querySelectorAll('b, img:not(.hero)').length`); n != 0 {
		t.Fatalf("%d elements made from owner text", n)
	}
	if alerted, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!window.alerted`)); alerted {
		t.Fatal("owner text ran a script")
	}
	servertest.NoProblems(t, problems())
}

// TestQuizImagesKeepTheirPlace: option pictures are lazy, and the cards
// have their final size before the pictures arrive, so nothing moves when
// they do (no layout shift).
func TestQuizImagesKeepTheirPlace(t *testing.T) {
	p := newQuizPage(t, shopQuiz)
	ctx, problems, im := browse(t)
	servertest.OnNewDocument(ctx, t, `window.shift = 0; new PerformanceObserver(l => { for (const e of l.getEntries()) window.shift += e.value; }).observe({type: 'layout-shift', buffered: true});`)
	p.visit(t, ctx, "/", servertest.DesktopAndPhone[1])
	startQuiz(t, ctx)
	waitStep(t, ctx, "rooms")
	im.holdBack()
	click(t, ctx, ".opt:nth-child(1)")
	waitStep(t, ctx, "style")
	if lazy := eval[bool](t, ctx, `Array.from(d.querySelectorAll('.card img')).every(i => i.loading === 'lazy' && !i.complete)`); !lazy {
		t.Fatal("the option pictures are not lazy, or arrived while held back")
	}
	boxes := `JSON.stringify(Array.from(d.querySelectorAll('.card')).map(c => { const r = c.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }))`
	empty := eval[string](t, ctx, boxes)
	shift := eval[float64](t, ctx, `window.shift`)
	im.release()
	waitFor(t, ctx, "the pictures", `Array.from(d.querySelectorAll('.card img')).every(i => i.complete && i.naturalWidth > 0)`)
	if full := eval[string](t, ctx, boxes); full != empty {
		t.Fatalf("the cards moved when their pictures arrived:\n%s\n%s", empty, full)
	}
	if got := eval[float64](t, ctx, `window.shift`); got != shift {
		t.Fatalf("layout shift %.4f when the pictures arrived", got-shift)
	}
	servertest.NoProblems(t, problems())
}

// TestQuizDemo: the demo page's quiz opens from its launcher and reaches a
// lead priced by the server, on both screens (the demo's own words).
func TestQuizDemo(t *testing.T) {
	for _, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			ts := servertest.StartDemo(t)
			ctx, problems := servertest.Browser(t)
			servertest.ReduceMotion(ctx, t)
			servertest.LoadDemo(ctx, t, ts.Base, vp.Lang, vp.Width, vp.Height)
			waitFor(t, ctx, "the launcher", `s.querySelector('.bkqz .launch') && !s.querySelector('.bkqz .launch').hidden`)
			shoot(t, ctx, "demo-"+vp.Name+"-page")
			click(t, ctx, ".bkqz .launch")
			waitView(t, ctx, "start")
			shoot(t, ctx, "demo-"+vp.Name+"-start")
			next(t, ctx)
			waitStep(t, ctx, "rooms")
			click(t, ctx, ".opt:nth-child(3)")
			waitStep(t, ctx, "area")
			eval[any](t, ctx, `s.querySelector('.num').select()`)
			typeInto(t, ctx, ".num", "62")
			next(t, ctx)
			waitStep(t, ctx, "level")
			click(t, ctx, ".opt:nth-child(2)")
			waitStep(t, ctx, "extras")
			click(t, ctx, ".opt:nth-child(1)")
			next(t, ctx)
			for _, step := range []string{"when", "wish", "deadline"} {
				waitStep(t, ctx, step)
				next(t, ctx) // optional: skipped
			}
			waitView(t, ctx, "form")
			typeInto(t, ctx, "[name=phone]", "9161234567")
			click(t, ctx, "[name=consent]")
			click(t, ctx, ".form .primary")
			v := waitView(t, ctx, "result")
			// 62 m² × 8,500 ₽ × 1.1 (three rooms) + 60,000 ₽ of heated floor.
			if !strings.Contains(v.Text, "639\u00a0700 ₽") {
				t.Fatalf("demo result: %+v", v)
			}
			shoot(t, ctx, "demo-"+vp.Name+"-result")
			ls, err := ts.Store.ListLeads(context.Background(), servertest.DemoSite(t, ts.Base), store.LeadFilter{Type: "quiz"})
			if err != nil {
				t.Fatal(err)
			}
			if len(ls) != 1 || ls[0].Contact.Phone != "+79161234567" || ls[0].Result == nil || ls[0].Result.Screen != "standard" {
				t.Fatalf("demo leads %+v", ls)
			}
			servertest.NoProblems(t, problems())
		})
	}
}

// oneQuestion is a quiz of one question, for the tests of what comes
// around the questions.
func oneQuestion(form string) string {
	return `{"start": {"title": "Ремонт"}, "steps": [{"id": "rooms", "type": "single", "title": "Сколько комнат?",
  "options": [{"id": "r1", "label": "Одна", "value": 1}, {"id": "r2", "label": "Две", "value": 2}]}],
  "formulas": [{"name": "price", "expr": "rooms * 100000"}],
  "results": [{"id": "est", "title": "Смета", "text": "Около {price} ₽"}],
  "offer_callback": true, "launcher": {}, ` + form + `}`
}

// TestQuizCallWithoutPhone: a call asked for from the result of a form
// that took no phone opens the callback widget, which asks for one.
func TestQuizCallWithoutPhone(t *testing.T) {
	p := newQuizPage(t, oneQuestion(`"form": {"fields": [{"name": "email", "required": true}]}`), callbackWidget)
	ctx, problems, _ := browse(t)
	p.visit(t, ctx, "/", servertest.DesktopAndPhone[0])
	startQuiz(t, ctx)
	waitStep(t, ctx, "rooms")
	click(t, ctx, ".opt:nth-child(2)")
	waitView(t, ctx, "form")
	typeInto(t, ctx, "[name=email]", "anna@example.com")
	click(t, ctx, ".form .primary")
	if v := waitView(t, ctx, "result"); !strings.Contains(v.Text, "200\u00a0000 ₽") {
		t.Fatalf("result %+v", v)
	}
	waitFor(t, ctx, "the call button", `!d.querySelector('.main .primary').hidden`)
	click(t, ctx, ".main .primary")
	waitFor(t, ctx, "the callback form", `d.parentElement.hidden && !s.querySelector('.bkcb .panel').hidden`)
	if n := len(p.ts.ListCallbacks(p.siteID)); n != 0 {
		t.Fatalf("%d callbacks without a phone", n)
	}
	servertest.NoProblems(t, problems())
}

// TestQuizContactsFirst: with the form at the start and partial leads on,
// the contacts come right after the start screen (a partial lead), the
// questions follow, and their end shows the result without asking again:
// the lead is complete.
func TestQuizContactsFirst(t *testing.T) {
	p := newQuizPage(t, oneQuestion(`"partial_leads": true, "form": {"position": "start", "fields": [{"name": "phone", "required": true}]}`))
	ctx, problems, _ := browse(t)
	p.visit(t, ctx, "/", servertest.DesktopAndPhone[0])
	startQuiz(t, ctx)
	waitView(t, ctx, "form")
	typeInto(t, ctx, "[name=phone]", "+7 916 123-45-67")
	click(t, ctx, ".form .primary")
	waitStep(t, ctx, "rooms")
	if ls := quizLeads(t, p); len(ls) != 1 || !ls[0].Partial || ls[0].Contact.Phone != "+79161234567" {
		t.Fatalf("leads after the contacts: %+v", ls)
	}
	click(t, ctx, ".opt:nth-child(1)")
	if v := waitView(t, ctx, "result"); !strings.Contains(v.Text, "100\u00a0000 ₽") {
		t.Fatalf("result %+v", v)
	}
	if ls := quizLeads(t, p); len(ls) != 1 || ls[0].Partial || ls[0].Result == nil || ls[0].Result.Values["price"] != 100000 {
		t.Fatalf("leads after the questions: %+v", ls)
	}
	servertest.NoProblems(t, problems())
}

// TestQuizLauncherAboveCallbackButton: a launcher in the callback button's
// corner stands above it, on both screens.
func TestQuizLauncherAboveCallbackButton(t *testing.T) {
	right := strings.Replace(shopQuiz, `"launcher": {"position": "bottom-left"}`, `"launcher": {"position": "bottom-right"}`, 1)
	p := newQuizPage(t, right, callbackWidget)
	for _, vp := range servertest.DesktopAndPhone {
		t.Run(vp.Name, func(t *testing.T) {
			ctx, problems, _ := browse(t)
			p.visit(t, ctx, "/", vp)
			// Placed once both are there (a bundle slower than 3 s places it when it comes).
			waitFor(t, ctx, "the launcher above the callback button", `(() => { const l = s.querySelector('.bkqz .launch'), f = s.querySelector('.bkcb .fab');
  return !l.hidden && f && l.getBoundingClientRect().bottom <= f.getBoundingClientRect().top - 8; })()`)
			boxes := `JSON.stringify([s.querySelector('.bkqz .launch'), s.querySelector('.bkcb .fab')].map(e => { const r = e.getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; }))`
			var got [2]servertest.Rect
			if err := json.Unmarshal([]byte(eval[string](t, ctx, boxes)), &got); err != nil {
				t.Fatal(err)
			}
			launcher, fab := got[0], got[1]
			if launcher.Bottom() > fab.Y-8 || launcher.Right() < fab.X {
				t.Fatalf("launcher %+v, callback button %+v: want the launcher above the button, in its column", launcher, fab)
			}
			shoot(t, ctx, vp.Name+"-launcher-above-callback")
			servertest.NoProblems(t, problems())
		})
	}
}
