package dashboard_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestQuizBuilderInChromium: an owner adds a question with two options
// and sends one answer of the first question to it, writes its points
// into the formula with the variable buttons, watches the price of the
// "try it" panel follow the sample answers, is shown a broken formula at
// its field (nothing is saved), sees a question no answer reaches
// flagged, saves, and the public quiz then asks the new question after
// that answer. On a desktop and a 360-px phone: every control labelled,
// nothing scrolls sideways, the strict CSP blocks nothing. Screenshots go
// to $BECKON_SCREENSHOT_DIR (/tmp/shots-quiz/ for this part).
func TestQuizBuilderInChromium(t *testing.T) {
	s := newBuilderSite(t, servertest.NewStore(t, "embedded"))
	ctx, problems := servertest.Browser(t)
	tb := tab{t, ctx}
	run := tb.run
	eval := tb.eval
	until := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js)); err != nil {
			t.Fatalf("%s: never true: %s (%v); output: %s", what, js, err, eval(`document.getElementById('qb-output').textContent`))
		}
	}
	at := func(path string) string { return `[data-path="` + path + `"]` }
	// choose picks a value of a select as a person does: the page hears a
	// change.
	choose := func(path, value string) {
		t.Helper()
		eval(`(() => { const e = document.querySelector('` + at(path) + `'); e.value = ` + strconv.Quote(value) + `; e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); })()`)
	}
	// retype replaces a field's text by typing.
	retype := func(path, text string) {
		t.Helper()
		eval(`document.querySelector('` + at(path) + `').value = ''`)
		run("type "+path, chromedp.SendKeys(chromedp.CSS(at(path)), text))
	}
	price := `document.querySelector('[data-value="price"]') && document.querySelector('[data-value="price"]').textContent`
	check := func(what string, width int) { t.Helper(); tb.check(what, width, "") }

	run("desktop", chromedp.EmulateViewport(1280, 900))
	run("sign in", chromedp.Navigate(s.d.Base+"/app/login?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "owner@example.com"), chromedp.SendKeys(chromedp.CSS(`#password`), "owner-pass-1\r"),
		chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	run("open the builder", chromedp.Navigate(s.d.Base+s.builderPath()), chromedp.WaitVisible(chromedp.CSS(`#qb-steps .qb-step`)))
	// The first samples: one room, 10 m² (the first option, the minimum).
	until("the first trial", price+` === '10,000'`)
	check("quiz-builder-desktop", 1280)

	run("add a question", chromedp.Click(chromedp.CSS(`#qb-add-step`)), chromedp.WaitVisible(chromedp.CSS(at("steps[2].title"))))
	if focused := eval(`document.activeElement.dataset.path`); focused != "steps[2].title" {
		t.Errorf("after adding a question the focus is on %q, want its question field", focused)
	}
	run("write it", chromedp.SendKeys(chromedp.CSS(at("steps[2].title")), "Do you need a design project?"),
		chromedp.SendKeys(chromedp.CSS(at("steps[2].options[0].label")), "Yes"),
		chromedp.SendKeys(chromedp.CSS(at("steps[2].options[1].label")), "No"))
	retype("steps[2].options[0].value", "50000")
	retype("steps[2].id", "design")
	eval(`document.querySelector('` + at("steps[2].id") + `').dispatchEvent(new Event('change', {bubbles: true}))`)
	// One room needs no area: that answer goes straight to the new question.
	choose("steps[0].options[0].next", "design")
	if got := eval(`document.getElementById('qb-branches').textContent`); !strings.Contains(got, "“One” → 3. Do you need a design project?") {
		t.Errorf("the list of branches: %q", got)
	}

	retype("formulas[0].expr", "area * 1000 * rooms +")
	run("insert design", chromedp.Click(chromedp.CSS(`.qb-chips button[aria-label^="Insert design"]`)))
	if got := eval(`document.querySelector('` + at("formulas[0].expr") + `').value`); got != "area * 1000 * rooms + design" {
		t.Fatalf("the formula after the variable button: %q", got)
	}

	// Two rooms, 50 m², a design project: 50·1000·2 + 50 000.
	choose("answers.rooms", "r2")
	retype("answers.area", "50")
	until("two rooms with a design project", price+` === '150,000'`)
	choose("answers.design", "o2")
	until("without the design project", price+` === '100,000'`)
	if way := eval(`document.getElementById('qb-output').textContent`); !strings.Contains(way, "1. How many rooms? → 2. How big is it? → 3. Do you need a design project? → End of questions") ||
		!strings.Contains(way, "A big job") {
		t.Errorf("the trial's way and result: %q", way)
	}
	choose("answers.rooms", "r1")
	until("one room skips the area", `document.getElementById('qb-output').textContent.includes('1. How many rooms? → 3. Do you need a design project? → End')`)

	// Both answers of the first question skip the area: it is flagged.
	choose("steps[0].options[1].next", "design")
	until("the area is never reached", `document.getElementById('qb-problems').textContent.includes('2. How big is it? can never be reached')`)
	if cls := eval(`document.querySelector('.qb-node-off title').textContent`); !strings.HasPrefix(cls, "2. How big is it?") {
		t.Errorf("the map marks %q", cls)
	}
	choose("steps[0].options[1].next", "")
	until("the area is back", `document.getElementById('qb-problems').children.length === 0`)

	// A broken formula is shown at its field, and saving it saves nothing.
	before, _ := s.d.Store.GetWidget(t.Context(), s.siteID, s.wid)
	retype("formulas[0].expr", "area * * 2")
	until("the refusal at the formula", `document.querySelector('`+at("formulas[0].expr")+`').getAttribute('aria-invalid') === 'true'`)
	run("save the broken one", chromedp.Click(chromedp.CSS(`#qb-save`)))
	until("not saved", `document.getElementById('qb-status').textContent.startsWith('Not saved: ')`)
	if focused := eval(`document.activeElement.dataset.path`); focused != "formulas[0].expr" {
		t.Errorf("after a refused save the focus is on %q", focused)
	}
	servertest.ScreenshotViewport(ctx, t, "quiz-builder-error-desktop")
	if after, _ := s.d.Store.GetWidget(t.Context(), s.siteID, s.wid); string(after.Settings) != string(before.Settings) {
		t.Fatal("a refused save changed the quiz")
	}

	retype("formulas[0].expr", "area * 1000 * rooms + design")
	until("the formula works again", `document.querySelector('`+at("formulas[0].expr")+`').getAttribute('aria-invalid') === null && `+price+` === '0'`)
	run("save", chromedp.Click(chromedp.CSS(`#qb-save`)))
	until("saved", `document.getElementById('quiz-builder').dataset.saved === '1'`)
	if status := eval(`document.getElementById('qb-status').textContent`); !strings.HasPrefix(status, "Saved.") {
		t.Fatalf("after saving: %q", status)
	}
	check("quiz-builder-saved-desktop", 1280)

	// The public quiz has the question, after the answer that leads to it.
	key := s.siteKey(t)
	config := s.d.Request(http.MethodGet, "/w/v1/"+key+"/config", nil, "Origin", "https://a.example")
	servertest.ExpectStatus(t, config, http.StatusOK)
	if !strings.Contains(string(config.Body), "Do you need a design project?") {
		t.Fatalf("the public config lacks the new question: %s", config.Body)
	}
	visit := "/w/v1/" + key + "/quizzes/" + s.wid + "/sessions"
	r := s.d.Request(http.MethodPost, visit, map[string]any{"visitor_id": "v1", "lang": "en"}, "Origin", "https://a.example")
	servertest.ExpectStatus(t, r, http.StatusCreated)
	sid := r.JSON(t)["session_id"].(string)
	r = s.d.Request(http.MethodPut, visit+"/"+sid+"/answers/rooms", map[string]any{"visitor_id": "v1", "value": "r1"}, "Origin", "https://a.example")
	servertest.ExpectStatus(t, r, http.StatusOK)
	if next := r.JSON(t)["next"]; next != "design" {
		t.Fatalf("after one room a visitor goes to %v, want the new question", next)
	}
	r = s.d.Request(http.MethodPut, visit+"/"+sid+"/answers/design", map[string]any{"visitor_id": "v1", "value": "o1"}, "Origin", "https://a.example")
	servertest.ExpectStatus(t, r, http.StatusOK)
	var done struct {
		Result struct{ Values map[string]float64 }
	}
	if err := json.Unmarshal(r.Body, &done); err != nil || done.Result.Values["price"] != 50000 {
		t.Fatalf("the visitor's price: %s", r.Body)
	}

	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	run("the builder on the phone", chromedp.Navigate(s.d.Base+s.builderPath()+"?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`#qb-steps .qb-step`)))
	until("the trial on the phone", `document.getElementById('quiz-builder').dataset.previewed !== undefined`)
	check("quiz-builder-phone", 360)
	servertest.ScreenshotViewport(ctx, t, "quiz-builder-phone-top")
	run("the flow on the phone", chromedp.ScrollIntoView(chromedp.CSS(`#qb-h-flow`)))
	servertest.ScreenshotViewport(ctx, t, "quiz-builder-phone-flow")
	run("the trial on the phone", chromedp.ScrollIntoView(chromedp.CSS(`#qb-h-try`)))
	servertest.ScreenshotViewport(ctx, t, "quiz-builder-phone-try")
	run("the options on the phone", chromedp.ScrollIntoView(chromedp.CSS(at("steps[0].options[0].label"))))
	servertest.ScreenshotViewport(ctx, t, "quiz-builder-phone-options")
	servertest.NoProblems(t, problems(), "status of 422 (Unprocessable Entity)")
}
