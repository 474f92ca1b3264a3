package dashboard_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
)

// TestWidgetEditorInChromium: the operator adds a callback widget through
// the form, with a manager's name and phone; the preview iframe shows the
// real callback button; a bad phone is refused at its field (marked,
// described, focused) and nothing is stored; fixed, the widget is created,
// the browser lands on its editor and the site's public /config has it.
// The editors of four types are then looked at on a desktop and a 360-px
// phone: every control labelled, nothing wider than the window. Screenshots
// go to $BECKON_SCREENSHOT_DIR.
func TestWidgetEditorInChromium(t *testing.T) {
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	site := d.CreateSite("Цветочная лавка", "https://shop.example")
	id, key := site["id"].(string), site["key"].(string)

	ctx, problems := servertest.Browser(t)
	tb := tab{t, ctx}
	run := tb.run
	eval := tb.eval
	poll := func(what, js string) {
		t.Helper()
		for try := 0; ; try++ {
			_, err := chromedp.Run(ctx, chromedp.Poll[bool](js))
			if err == nil {
				return
			}
			// A navigation ends the page the poll ran in; poll the next one.
			if try > 5 || !(strings.Contains(err.Error(), "navigated") || strings.Contains(err.Error(), "context with specified id")) {
				t.Fatalf("%s: %v", what, err)
			}
		}
	}
	// previewShows: the real bundle drew the widget in the iframe's shadow root.
	previewShows := func(sel string) string {
		return `(() => { const d = document.getElementById('preview').contentDocument;
			const r = d && d.querySelector('beckon-root');
			return !!(r && r.shadowRoot && r.shadowRoot.querySelector(` + strconv.Quote(sel) + `)); })()`
	}
	check := func(what string, width int) { t.Helper(); tb.check(what, width, "main") }
	// click scrolls sel to the window's middle first, as a person would,
	// so the sticky save bar does not cover it.
	click := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Evaluate[any](`document.querySelector(`+strconv.Quote(sel)+`).scrollIntoView({block: 'center'})`)(ctx, tg)
				return err
			}),
			chromedp.Click(chromedp.CSS(sel)))
	}
	field := func(name string) chromedp.CSS { return chromedp.CSS(`[name="` + name + `"]`) }
	const phone = "settings.managers[0].phone"

	servertest.ReduceMotion(ctx, t) // screenshots show widgets opened, not opening
	run("desktop", chromedp.EmulateViewport(1280, 800))
	run("setup", chromedp.Navigate(d.Base+"/app/setup?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), servertest.AdminToken), chromedp.SendKeys(chromedp.CSS(`#email`), opEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	run("widgets", chromedp.Navigate(d.Base+"/app/sites/"+id+"/widgets"), chromedp.WaitVisible(chromedp.CSS(`a[data-new-widget="callback"]`)))
	check("widgets-list-empty-desktop", 1280)
	run("new callback", chromedp.Click(chromedp.CSS(`a[data-new-widget="callback"]`)), chromedp.WaitVisible(chromedp.CSS(`button[data-add="settings.managers"]`)))
	run("a manager", click(`button[data-add="settings.managers"]`), chromedp.WaitVisible(field("settings.managers[0].name")),
		chromedp.SendKeys(field("settings.managers[0].name"), "Ольга"), chromedp.SendKeys(field(phone), "+7 495 123-45-67"))
	poll("the preview shows the callback button", previewShows("button"))
	check("widget-callback-new-desktop", 1280)

	// A bad phone: refused at the field, nothing stored.
	run("bad phone", chromedp.SetValue(field(phone), "12345"), click(`button[data-save]`))
	errFor := `document.querySelector('[data-error-for="` + phone + `"]')`
	poll("the phone's error", errFor+` && !`+errFor+`.hidden && `+errFor+`.textContent.length > 0`)
	if got := eval(`document.querySelector('[name="` + phone + `"]').getAttribute('aria-invalid') + ' ' + (document.activeElement && document.activeElement.name)`); got != "true "+phone {
		t.Errorf("the refused phone is not marked and focused: %q", got)
	}
	if got := eval(errFor + `.textContent`); !strings.HasPrefix(got, "This is not a phone number of region RU") {
		t.Errorf("the phone's error says %q", got)
	}
	if got := eval(`document.querySelector('[name="` + phone + `"]').getAttribute('aria-describedby') === ` + errFor + `.id`); got != "true" {
		t.Error("the phone does not point at its error")
	}
	if got := eval(`!document.getElementById('error-summary').hidden && document.getElementById('save-status').textContent.length > 0`); got != "true" {
		t.Error("no summary or status after the refused save")
	}
	servertest.ScreenshotViewport(ctx, t, "widget-callback-error-desktop")
	var list struct{ Widgets []json.RawMessage }
	if err := json.Unmarshal(d.Admin(http.MethodGet, "/api/v1/sites/"+id+"/widgets", nil).Body, &list); err != nil || len(list.Widgets) != 0 {
		t.Fatalf("a refused save stored %d widgets (%v)", len(list.Widgets), err)
	}

	run("fixed phone", chromedp.SetValue(field(phone), "+7 495 123-45-67"), click(`button[data-save]`))
	poll("lands on the widget's editor", `/\/app\/sites\/[^/]+\/widgets\/wdg_/.test(location.pathname) && !!document.querySelector('[name="`+phone+`"]')`)
	wid := eval(`location.pathname.split('/').pop()`)
	if got := eval(`document.querySelector('[name="` + phone + `"]').value`); got != "+74951234567" {
		t.Errorf("the stored phone shows as %q, want +74951234567", got)
	}
	cfg := d.Request(http.MethodGet, "/w/v1/"+key+"/config", nil, "Origin", "https://shop.example")
	if !strings.Contains(string(cfg.Body), `"id":"`+wid+`"`) || !strings.Contains(string(cfg.Body), `"type":"callback"`) {
		t.Fatalf("the public config lacks the new widget %s: %s", wid, cfg.Body)
	}
	poll("the preview of the stored widget", previewShows("button"))

	// A second manager, moved up to ring first: the list redraws in the
	// new order and the focus stays on the moved item.
	run("second manager", click(`button[data-add="settings.managers"]`), chromedp.WaitVisible(field("settings.managers[1].name")),
		chromedp.SendKeys(field("settings.managers[1].name"), "Иван"), chromedp.SendKeys(field("settings.managers[1].phone"), "+7 495 765-43-21"))
	run("move up", click(`[data-field="settings.managers[1]"] .item-tools button:first-child`))
	if got := eval(`document.querySelector('[name="settings.managers[0].name"]').value + ' ' + document.querySelector('[name="settings.managers[1].name"]').value + ' ' + !!document.activeElement.closest('[data-field="settings.managers[0]"]')`); got != "Иван Ольга true" {
		t.Errorf("after moving Иван up: %q", got)
	}

	// Edit: a colour through the form reaches the preview.
	eval(`document.querySelector('[name="settings.color"]').select()`)
	run("colour", chromedp.SendKeys(field("settings.color"), "#dc2626"))
	poll("the preview takes the colour", `(() => { const d = document.getElementById('preview').contentDocument;
		const s = d && d.getElementById('beckon-preview'); return !!(s && s.textContent.includes('#dc2626')); })()`)

	// An A/B test: version 2 in another colour; a bad colour is refused at
	// its field, then the test starts and the editor links to its results.
	run("A/B", click(`#ab-section button[aria-controls="ab-form"]`), chromedp.WaitVisible(chromedp.CSS(`[name="variants[1].id"]`)),
		click(`input[data-pick="color"]`), chromedp.WaitVisible(field("variants[1].settings.color")))
	eval(`document.querySelector('[name="variants[1].settings.color"]').select()`)
	run("A/B bad colour", chromedp.SendKeys(field("variants[1].settings.color"), "red"), click(`button[data-ab-start]`))
	abErr := `document.querySelector('[data-error-for="variants[1].settings.color"]')`
	poll("the variant's colour error", abErr+` && !`+abErr+`.hidden`)
	if got := eval(`document.activeElement && document.activeElement.name`); got != "variants[1].settings.color" {
		t.Errorf("the refused variant colour has no focus (focus: %q)", got)
	}
	servertest.ScreenshotViewport(ctx, t, "widget-ab-error-desktop")
	eval(`document.querySelector('[name="variants[1].settings.color"]').select()`)
	run("A/B good colour", chromedp.SendKeys(field("variants[1].settings.color"), "#dc2626"), click(`button[data-ab-start]`))
	poll("the editor links to the running test", `!!document.querySelector('#ab-section a[href$="/widgets/`+wid+`/experiment"]')`)
	exp := d.Admin(http.MethodGet, "/api/v1/sites/"+id+"/widgets/"+wid, nil)
	if !strings.Contains(string(exp.Body), `"experiment"`) || !strings.Contains(string(exp.Body), `#dc2626`) {
		t.Fatalf("no experiment with the variant's colour: %s", exp.Body)
	}

	others := map[string]string{
		"countdown":    `{"mode":"evergreen","duration_seconds":900,"placement":"top_bar","title":{"en":"The offer ends in","ru":"Предложение закончится через"}}`,
		"popup":        `{"title":{"en":"10% off your first order","ru":"Скидка 10% на первый заказ"},"text":{"en":"Leave your e-mail and get the code."},"form":{"fields":[{"name":"email","required":true}]}}`,
		"social_proof": `{"position":"bottom-left","viewers":{"enabled":true,"threshold":1}}`,
	}
	ids := map[string]string{"callback": wid}
	for typ, settings := range others {
		ids[typ] = d.CreateWidget(id, map[string]any{"type": typ, "settings": json.RawMessage(settings)})["id"].(string)
	}
	for _, typ := range []string{"callback", "countdown", "popup", "social_proof"} {
		run(typ, chromedp.Navigate(d.Base+"/app/sites/"+id+"/widgets/"+ids[typ]+"?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`button[data-save]`)))
		poll(typ+" preview posted", `(() => { const d = document.getElementById('preview').contentDocument; return !!(d && d.getElementById('beckon-preview')); })()`)
		check("widget-"+typ+"-desktop", 1280)
	}
	// Saved meanwhile elsewhere (another tab, another person): this page's
	// save is refused in the reader's language, and the other change stays.
	sp := "/api/v1/sites/" + id + "/widgets/" + ids["social_proof"]
	servertest.ExpectStatus(t, d.Admin(http.MethodPatch, sp, map[string]any{"settings": map[string]any{"position": "bottom-right"}}), http.StatusOK)
	run("stale save", click(`button[data-save]`))
	poll("the stale save is refused", `!document.getElementById('error-summary').hidden`)
	if got := eval(`document.getElementById('error-summary').textContent`); !strings.Contains(got, "виджет изменили после того, как его открыли") {
		t.Errorf("a stale save's summary says %q", got)
	}
	if pos := d.Admin(http.MethodGet, sp, nil).JSON(t)["settings"].(map[string]any)["position"]; pos != "bottom-right" {
		t.Errorf("a stale save undid the other change: position %v", pos)
	}
	run("list", chromedp.Navigate(d.Base+"/app/sites/"+id+"/widgets?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`[data-widget-id="`+wid+`"]`)))
	if got := eval(`!!document.querySelector('[data-widget-id="` + wid + `"] a.badge-ab[href$="/experiment"]')`); got != "true" {
		t.Error("the list has no A/B badge on the widget under test")
	}
	check("widgets-list-desktop", 1280)

	// Off, then deleted after the confirming step: the public config follows.
	row := `[data-widget-id="` + ids["countdown"] + `"] `
	run("turn off", click(row+`button[data-toggle]`))
	poll("turned off", `document.querySelector('`+row+`button[data-toggle]').dataset.enabled === 'false'`)
	if cfg := d.Request(http.MethodGet, "/w/v1/"+key+"/config", nil, "Origin", "https://shop.example"); strings.Contains(string(cfg.Body), ids["countdown"]) {
		t.Error("a widget turned off is still in the public config")
	}
	run("delete", click(row+`button[data-delete]`), chromedp.WaitVisible(chromedp.CSS(row+`button[data-delete-confirm]`)))
	if got := eval(`document.activeElement && document.activeElement.hasAttribute('data-delete-confirm')`); got != "true" {
		t.Error("the confirming step does not take the focus")
	}
	servertest.ScreenshotViewport(ctx, t, "widgets-list-delete-desktop")
	run("confirm", click(row+`button[data-delete-confirm]`))
	poll("deleted", `!document.querySelector('[data-widget-id="`+ids["countdown"]+`"]')`)
	if r := d.Admin(http.MethodGet, "/api/v1/sites/"+id+"/widgets/"+ids["countdown"], nil); r.Status != http.StatusNotFound {
		t.Errorf("the deleted widget answers %d", r.Status)
	}
	delete(ids, "countdown")
	ids["countdown"] = d.CreateWidget(id, map[string]any{"type": "countdown", "settings": json.RawMessage(others["countdown"])})["id"].(string)

	// Every type's new-widget form is drawn, every control labelled.
	for _, typ := range widgetTypes {
		run("new "+typ, chromedp.Navigate(d.Base+"/app/sites/"+id+"/widgets/new?type="+typ), chromedp.WaitVisible(chromedp.CSS(`#form-root .settings-fields > *`)))
		check("widget-"+typ+"-new-desktop", 1280)
	}

	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	for _, typ := range []string{"callback", "countdown", "popup", "social_proof"} {
		run(typ, chromedp.Navigate(d.Base+"/app/sites/"+id+"/widgets/"+ids[typ]+"?lang=uk"), chromedp.WaitVisible(chromedp.CSS(`button[data-save]`)))
		poll(typ+" preview posted", `(() => { const d = document.getElementById('preview').contentDocument; return !!(d && d.getElementById('beckon-preview')); })()`)
		check("widget-"+typ+"-phone", 360)
	}
	// On the phone the preview starts at the phone's width; the switch
	// lays it out as on a desktop.
	if got := eval(`document.getElementById('preview-frame').classList.contains('phone') && document.querySelector('[data-width="phone"]').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("the preview on a phone: %q", got)
	}
	run("desktop width", click(`button[data-width="desktop"]`))
	if got := eval(`document.getElementById('preview-frame').classList.contains('desktop') && document.querySelector('[data-width="desktop"]').getAttribute('aria-pressed')`); got != "true" {
		t.Errorf("the desktop width switch: %q", got)
	}
	run("list on the phone", chromedp.Navigate(d.Base+"/app/sites/"+id+"/widgets"), chromedp.WaitVisible(chromedp.CSS(`[data-widget-id="`+wid+`"]`)))
	check("widgets-list-phone", 360)
	// The refused draft and save answer 422, and the stale save 412, which
	// the browser logs. The
	// preview's widgets run on Beckon's own origin, which the public API
	// serves for every site; a widget not yet created has the draft's id,
	// "preview", which it does not know (404: no timer, live connection
	// or reviews for it), so a draft makes no timers, counts or leads.
	servertest.NoProblems(t, problems(), "status of 422 (Unprocessable Entity)", "status of 412 (Precondition Failed)", "status of 404 (Not Found)",
		"POST /timers: HTTP 404", "Unexpected response code: 404")
}
