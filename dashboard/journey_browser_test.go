package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestJourneyInChromium is the owner's first day, end to end in a real
// browser (issue 13 §10): set up with the admin token, create a site, add
// a callback widget and a quiz with the editor, keep the inbox open in a
// tab (a 360-px phone) while a visitor of the site's own page (a phone too)
// asks for a call and answers the quiz: both leads appear in the inbox
// without a reload, and the call (simulated) ends completed. Then, over HTTP: a manager of the site gets
// the editor and the settings read-only and the API refuses their change;
// an owner of this site gets 404 for another site's pages; a POST without
// the CSRF token is 403 and changes nothing. On the embedded store, and on
// Redis when BECKON_TEST_REDIS_URL names one.
func TestJourneyInChromium(t *testing.T) {
	kinds := []string{"embedded"}
	if os.Getenv("BECKON_TEST_REDIS_URL") != "" {
		kinds = append(kinds, "redis")
	}
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) { journey(t, servertest.NewStore(t, kind)) })
	}
}

// waitJS polls the JS condition cond until it holds.
func (b tab) waitJS(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!(`+cond+`)`)); err != nil {
			b.t.Fatalf("%s: %v", what, err)
		} else if ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("waited 20 s for %s (%s)", what, cond)
}

// click clicks the middle of the element sel with the mouse, once it is
// scrolled into view and nothing covers it.
func (b tab) click(sel string) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => {
  const el = document.querySelector(%q);
  if (!el) return 'missing';
  el.scrollIntoView({block: 'center'});
  const r = el.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
  const hit = document.elementFromPoint(x, y);
  return hit && el.contains(hit) ? [x, y] : 'covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing');
})()`, sel)
	xy, ok := b.value(js).([]any)
	if !ok || len(xy) != 2 {
		b.t.Fatalf("cannot click %s: %v", sel, b.value(js))
	}
	b.run("click "+sel, chromedp.MouseClickXY(xy[0].(float64), xy[1].(float64)))
}

// settle waits until the widgets' element sel stops moving (a panel
// growing as a field's hint changes), so a click lands where it aims.
func (b tab) settle(sel string) {
	b.t.Helper()
	where := fmt.Sprintf(`JSON.stringify(%s.querySelector(%q)?.getBoundingClientRect())`, shadow, sel)
	last := ""
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		now := fmt.Sprint(b.value(where))
		if now == last {
			return
		}
		last = now
		time.Sleep(150 * time.Millisecond)
	}
	b.t.Fatalf("%s kept moving for 5 s", sel)
}

// path is the tab's location, as a path.
func (b tab) path() string {
	b.t.Helper()
	return fmt.Sprint(b.value(`location.pathname`))
}

// shadow is a JS expression for the widgets' shadow root.
const shadow = `document.querySelector('beckon-root')?.shadowRoot`

func journey(t *testing.T, st store.Store) {
	d := startDash(t, st, nil)
	// The owner's own page, on an origin of its own, with the site's
	// snippet once the site exists.
	var siteKey atomic.Value
	siteKey.Store("")
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ремонт «Уют»</title><link rel="icon" href="data:,"><script async src="%s/embed.js" data-site="%s"></script></head>
<body><h1>Ремонт квартир под ключ</h1><p>Смета за день, гарантия 3 года.</p></body></html>`, d.Base, siteKey.Load())
	}))
	t.Cleanup(shop.Close)

	ctx, problems := servertest.Browser(t)
	servertest.ReduceMotion(ctx, t)
	owner := tab{t, ctx}
	owner.run("desktop", chromedp.EmulateViewport(1280, 800))

	// Sign in: the first run's setup with the admin token.
	owner.run("setup", chromedp.Navigate(d.Base+"/app/setup?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), servertest.AdminToken), chromedp.SendKeys(chromedp.CSS(`#email`), opEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`a[href="/app/sites/new"]`)))

	// A site whose page is the shop's.
	owner.run("new site", chromedp.Click(chromedp.CSS(`a[href="/app/sites/new"]`)), chromedp.WaitVisible(chromedp.CSS(`#site-name`)),
		chromedp.SendKeys(chromedp.CSS(`#site-name`), "Ремонт «Уют»"), chromedp.SendKeys(chromedp.CSS(`#site-origins`), shop.URL))
	owner.value(`document.getElementById('site-region').value = 'RU'; document.getElementById('site-locale').value = 'ru'`)
	owner.run("create the site", chromedp.Click(chromedp.CSS(`#site-name`)), chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`#snippet`)))
	siteID := strings.TrimPrefix(owner.path(), "/app/sites/")
	snippet := fmt.Sprint(owner.value(`document.getElementById('snippet').value`))
	m := regexp.MustCompile(`data-site="([^"]+)"`).FindStringSubmatch(snippet)
	if m == nil || strings.Contains(siteID, "/") {
		t.Fatalf("after creating the site: at %s, snippet %q", owner.path(), snippet)
	}
	siteKey.Store(m[1])

	// A callback widget through the editor, then a quiz.
	callbackWidget := owner.addWidget(d.Base, siteID, "callback", func() {
		if owner.value(`!!document.querySelector('[name="settings.managers[0].phone"]')`) != true {
			owner.click(`button[data-add="settings.managers"]`)
		}
		owner.run("the manager", chromedp.WaitVisible(chromedp.CSS(`[name="settings.managers[0].phone"]`)),
			chromedp.SendKeys(chromedp.CSS(`[name="settings.managers[0].name"]`), "Анна"),
			chromedp.SendKeys(chromedp.CSS(`[name="settings.managers[0].phone"]`), "+79000000010"))
	})
	quizWidget := owner.addWidget(d.Base, siteID, "quiz", func() {})

	// The inbox, open in a tab of its own before anything arrives, on the
	// manager's phone.
	inboxCtx, closeInbox := chromedp.NewContext(ctx)
	defer closeInbox()
	inbox := tab{t, inboxCtx}
	inbox.run("open the inbox", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile), chromedp.Navigate(d.Base+"/app/sites/"+siteID+"/inbox"),
		chromedp.WaitReady(chromedp.CSS(`#inbox[data-connected="1"]`)))
	inbox.value(`window.beckonJourney = 'no reload'`)

	// A visitor asks for a call on the shop's page, on a phone.
	visitorCtx, closeVisitor := chromedp.NewContext(ctx)
	defer closeVisitor()
	visitor := tab{t, visitorCtx}
	servertest.ReduceMotion(visitorCtx, t)
	visitor.run("the shop's page", chromedp.EmulateViewport(360, 740), chromedp.Navigate(shop.URL+"/"))
	visitor.waitJS("the callback button", shadow+`?.querySelector('.bkcb .fab')`)
	servertest.ClickInShadow(visitorCtx, t, ".bkcb .fab")
	visitor.waitJS("the callback panel's phone field", shadow+`?.activeElement?.tagName === 'INPUT'`)
	visitor.run("the visitor's number", chromedp.KeyEvent("912 345-67-89"))
	if visitor.value(`!!`+shadow+`.querySelector('.bkcb input[name=consent]')`) == true {
		servertest.ClickInShadow(visitorCtx, t, ".bkcb input[name=consent]")
	}
	visitor.settle(".bkcb button[type=submit]")
	servertest.ClickInShadow(visitorCtx, t, ".bkcb button[type=submit]")

	row := `[...document.querySelectorAll('#inbox tbody tr')].find(r => r.textContent.includes(%q))`
	inbox.waitJS("the call request in the inbox", fmt.Sprintf(row, "+79123456789"))
	callLead := strings.TrimPrefix(fmt.Sprint(inbox.value(fmt.Sprintf(row+`.id`, "+79123456789"))), "lead-")
	if inbox.value(`window.beckonJourney`) != "no reload" {
		t.Fatal("the inbox was reloaded to show the request")
	}

	// The simulated call ends completed, as the lead's page says.
	leadPage := d.Base + "/app/sites/" + siteID + "/inbox/" + callLead
	deadline := time.Now().Add(20 * time.Second)
	for {
		owner.run("the lead's page", chromedp.Navigate(leadPage), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		callStatus := `[...document.querySelectorAll('main dt')].find(dt => dt.textContent === 'Статус звонка')?.nextElementSibling.textContent.startsWith('Завершён')`
		if owner.value(callStatus) == true {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the call did not end completed in 20 s: %s", owner.value(`document.querySelector('main').innerText`))
		}
		time.Sleep(300 * time.Millisecond)
	}

	// The visitor answers the quiz (the editor's new quiz is the module's
	// demo: a renovation calculator) and leaves a number.
	visitor.run("the page again", chromedp.Reload())
	quiz := shadow + `?.querySelector('.bkqz [role=dialog]')`
	visitor.waitJS("the quiz's launcher", shadow+`?.querySelector('.bkqz .launch') && !`+shadow+`.querySelector('.bkqz .launch').hidden`)
	servertest.ClickInShadow(visitorCtx, t, ".bkqz .launch")
	onStep := func(step string) { visitor.waitJS("question "+step, quiz+`?.dataset.step === '`+step+`'`) }
	onView := func(view string) { visitor.waitJS("the "+view+" screen", quiz+`?.dataset.view === '`+view+`'`) }
	next := func() { servertest.ClickInShadow(visitorCtx, t, ".bkqz .foot .primary") }
	onView("start")
	next()
	onStep("rooms")
	servertest.ClickInShadow(visitorCtx, t, ".bkqz .opt:nth-child(2)")
	onStep("area")
	visitor.value(shadow + `.querySelector('.bkqz .num').select()`)
	visitor.run("the area", chromedp.KeyEvent("54"))
	next()
	onStep("level")
	servertest.ClickInShadow(visitorCtx, t, ".bkqz .opt:nth-child(2)")
	onStep("extras")
	next()
	for _, step := range []string{"when", "wish", "deadline"} {
		onStep(step)
		next()
	}
	onView("form")
	visitor.value(shadow + `.querySelector('.bkqz [name=phone]').focus()`)
	visitor.run("the quiz's phone", chromedp.KeyEvent("9161234567"))
	servertest.ClickInShadow(visitorCtx, t, ".bkqz [name=consent]")
	visitor.settle(".bkqz .form .primary")
	servertest.ClickInShadow(visitorCtx, t, ".bkqz .form .primary")
	onView("result")

	inbox.waitJS("the quiz lead in the inbox", fmt.Sprintf(row, "+79161234567"))
	if inbox.value(`window.beckonJourney`) != "no reload" {
		t.Fatal("the inbox was reloaded to show the quiz lead")
	}
	if kinds := fmt.Sprint(inbox.value(`[...document.querySelectorAll('#inbox tbody tr')].map(r => r.cells[1].textContent.trim()).join(',')`)); !strings.HasPrefix(kinds, "quiz") || !strings.Contains(kinds, "callback") {
		t.Errorf("the inbox's rows, newest first, are of types %s", kinds)
	}

	rolesAndGuards(t, ctx, d, siteID, callbackWidget, quizWidget)
	servertest.NoProblems(t, problems())
}

// addWidget adds a widget of typ with the editor: the list's "add" link,
// fill (the form's own fields), save; it returns the new widget's id from
// the address the editor lands on.
func (b tab) addWidget(base, siteID, typ string, fill func()) string {
	b.t.Helper()
	b.run("the widgets", chromedp.Navigate(base+"/app/sites/"+siteID+"/widgets"), chromedp.WaitVisible(chromedp.CSS(`a[data-new-widget]`)))
	b.click(`a[data-new-widget="` + typ + `"]`)
	b.run("the "+typ+"'s editor", chromedp.WaitVisible(chromedp.CSS(`#widget-form [name]`)))
	fill()
	b.click(`button[data-save]`)
	prefix := "/app/sites/" + siteID + "/widgets/"
	b.waitJS("the new "+typ+"'s page", fmt.Sprintf(`location.pathname.startsWith(%q) && !location.pathname.endsWith('/new')`, prefix))
	return strings.TrimPrefix(b.path(), prefix)
}

// rolesAndGuards: a manager reads what they may not change; an owner of
// site A meets 404 on site B; a POST without the CSRF token is refused.
func rolesAndGuards(t *testing.T, ctx context.Context, d *dash, siteID, callbackWidget, quizWidget string) {
	op := d.browser(t, "operator")
	wantRedirect(t, "the operator signs in over HTTP too", op.login(opEmail, opPassword), "/app/")
	join := func(email, role string) *browser {
		link := op.invite(siteID, email, role)
		b := d.browser(t, role)
		wantRedirect(t, email+" accepts", b.submit(link, link, url.Values{"password": {"journey-pass-1"}}), "/app/sites/"+siteID)
		return b
	}

	manager := join("manager@example.com", store.RoleManager)
	// In a browser of their own, the manager meets the editor read-only.
	managerCtx, closeManager := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	defer closeManager()
	m := tab{t, managerCtx}
	m.run("the manager signs in", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(d.Base+"/app/login"),
		chromedp.SendKeys(chromedp.CSS(`#email`), "manager@example.com"), chromedp.SendKeys(chromedp.CSS(`#password`), "journey-pass-1\r"),
		chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	m.run("the manager opens the callback's editor", chromedp.Navigate(d.Base+"/app/sites/"+siteID+"/widgets/"+callbackWidget),
		chromedp.WaitVisible(chromedp.CSS(`#widget-form [name="settings.managers[0].phone"]`)))
	if open := m.value(`[...document.querySelectorAll('#widget-form input, #widget-form select, #widget-form textarea, #widget-form button')].filter(e => !e.disabled && e.type !== 'hidden').map(e => e.name || e.outerHTML.slice(0, 80)).join(' ')`); open != "" {
		t.Errorf("the manager's editor lets them change: %s", open)
	}
	if phone := m.value(`document.querySelector('[name="settings.managers[0].phone"]').value`); phone != "+79000000010" {
		t.Errorf("the manager's editor shows the manager's phone as %q", phone)
	}
	for _, wid := range []string{callbackWidget, quizWidget} {
		p := manager.get("/app/sites/" + siteID + "/widgets/" + wid)
		wantStatus(t, "the manager opens the editor", p, http.StatusOK)
		wantNoBody(t, "the manager's editor", p, "data-save")
	}
	settings := manager.get("/app/sites/" + siteID)
	wantBody(t, "the manager's site settings", settings, `<fieldset class="plain" disabled>`)
	csrf := manager.pageCSRF("/app/sites/" + siteID)
	widget := "/api/v1/sites/" + siteID + "/widgets/" + callbackWidget
	wantStatus(t, "the manager's change through the API", manager.api("PATCH", widget, csrf, `{"enabled":false}`), http.StatusForbidden)
	if r := d.Admin("GET", widget, nil); !strings.Contains(string(r.Body), `"enabled":true`) {
		t.Fatalf("the manager's refused change changed the widget: %s", r.Body)
	}

	ownerA := join("owner-a@example.com", store.RoleOwner)
	siteB := d.CreateSite("Другой магазин", "https://b.example")["id"].(string)
	widgetB := d.CreateWidget(siteB, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "evergreen", "duration_seconds": 900}})["id"].(string)
	for _, path := range []string{"", "/widgets", "/widgets/" + widgetB, "/widgets/new?type=callback", "/inbox", "/people", "/keys"} {
		wantStatus(t, "site A's owner opens site B"+path, ownerA.get("/app/sites/"+siteB+path), http.StatusNotFound)
	}
	wantStatus(t, "site A's owner opens their own widgets", ownerA.get("/app/sites/"+siteID+"/widgets"), http.StatusOK)

	form := url.Values{"name": {"Взломано"}, "origins": {"https://evil.example"}, "timezone": {"Europe/Moscow"}, "locale": {"ru"}, "region": {"RU"}}
	wantStatus(t, "a POST without the CSRF token", ownerA.post("/app/sites/"+siteID, form), http.StatusForbidden)
	if r := d.Admin("GET", "/api/v1/sites/"+siteID, nil); strings.Contains(string(r.Body), "Взломано") {
		t.Fatalf("the refused POST changed the site: %s", r.Body)
	}
}
