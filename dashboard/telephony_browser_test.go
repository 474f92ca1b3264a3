package dashboard_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/callback/twilio"
	"github.com/beckonhq/beckon/callback/twilio/twiliofake"
	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/widgets"
)

// Each step of a test call lasts over a second with either provider, so
// the page, which looks every second, sees every one.
var (
	slowSim = sim.Delays{Ring: 1500 * time.Millisecond, Answer: 1500 * time.Millisecond,
		Press: 1500 * time.Millisecond, Talk: 3 * time.Second}
	slowAnswer = twiliofake.Behavior{Answer: true, RingFor: 1500 * time.Millisecond, Digits: "1", TalkFor: 3 * time.Second}
)

// Numbers of the test: the managers who answer, the one who never does
// (the simulator's …01, scripted so at the fake), and the owner's phone.
const (
	annaPhone   = "+79000000010"
	silentPhone = "+79000000001"
	myPhone     = "+79161234567"
)

// startTelephonyDash runs the dashboard with the callback bridge dialling
// through provider "sim" or "twilio" (twilio-go against twiliofake, which
// calls the webhooks back signed, in Twilio's order).
func startTelephonyDash(t *testing.T, provider string) *dash {
	t.Helper()
	opts := servertest.Options{OwnPublicURL: true}
	switch provider {
	case "sim":
		opts.Modules = func(cfg config.Config) []widgets.Module { return servertest.Modules(cfg, sim.New(slowSim)) }
	case "twilio":
		// A Twilio second of 200 ms: the managers' 20-second ring is 4 s,
		// longer than their 1.5-s ring before answering.
		fake := twiliofake.New(twiliofake.Options{Second: 200 * time.Millisecond, Step: 1100 * time.Millisecond})
		t.Cleanup(fake.Close)
		for _, n := range []string{annaPhone, myPhone} {
			fake.Script(n, slowAnswer)
		}
		fake.Script(silentPhone, twiliofake.Behavior{NoAnswer: true})
		opts.Config = func(c *config.Config) { c.TwilioSID, c.TwilioFrom = fake.AccountSID(), "+15005550006" }
		opts.Modules = func(cfg config.Config) []widgets.Module {
			prov, err := twilio.New(twilio.Options{AccountSID: fake.AccountSID(), AuthToken: fake.AuthToken(),
				From: "+15005550006", PublicURL: cfg.PublicURL, APIBaseURL: fake.URL(),
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			return servertest.Modules(cfg, prov)
		}
	}
	return &dash{Server: servertest.Start(t, servertest.NewStore(t, "embedded"), opts), clock: newClock()}
}

// TestTelephonyInChromium: the owner edits the managers in a real browser
// (a bad phone is shown at its field and nothing is saved; the fixed one
// is saved as E.164), then presses "Call me now" and watches the status
// say each step until the call ends; a widget whose manager never answers
// shows why in words; the sixth test of the hour is refused in words. On a
// desktop and a 360-px phone, with both providers; screenshots go to
// $BECKON_SCREENSHOT_DIR.
func TestTelephonyInChromium(t *testing.T) {
	for _, provider := range []string{"sim", "twilio"} {
		t.Run(provider, func(t *testing.T) {
			d := startTelephonyDash(t, provider)
			siteID := d.CreateSite("Магазин", "https://shop.example")["id"].(string)
			good := d.CreateWidget(siteID, map[string]any{"type": "callback", "settings": json.RawMessage(
				`{"managers":[{"name":"Anna","phone":"` + annaPhone + `"}],"visitor_retries":0,
				  "working_hours":[{"days":[1,2,3,4,5],"from":"00:00","to":"23:59"},{"days":[0,6],"from":"00:00","to":"23:59"}]}`)})["id"].(string)
			silent := d.CreateWidget(siteID, map[string]any{"type": "callback", "settings": json.RawMessage(
				`{"managers":[{"name":"Silent","phone":"` + silentPhone + `"}],"manager_ring_seconds":5}`)})["id"].(string)
			page := d.Base + "/app/sites/" + siteID + "/telephony"

			ctx, problems := servertest.Browser(t)
			tb := tab{t, ctx}
			run := tb.run
			eval := tb.eval
			waitFor := func(what, js string, within time.Duration) {
				t.Helper()
				deadline := time.Now().Add(within)
				for eval(js) != "true" {
					if time.Now().After(deadline) {
						t.Fatalf("%s: not after %s; status %q", what, within, eval(`document.getElementById('tel-test-status').textContent`))
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
			check := func(shot string, width int) {
				t.Helper()
				if n := eval(`[...document.querySelectorAll('input:not([type=hidden]), select, button')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()).map(e => e.outerHTML).join(' ')`); n != "" {
					t.Errorf("%s: fields without a label: %s", shot, n)
				}
				if scroll, _ := strconv.Atoi(eval(`document.documentElement.scrollWidth`)); scroll > width {
					t.Errorf("%s: the page is %d px wide in a %d-px window", shot, scroll, width)
				}
				servertest.Screenshot(ctx, t, shot)
			}
			// heard collects everything the status line says, as a screen
			// reader would hear it.
			const listen = `window.heard = []; new MutationObserver(() => window.heard.push(document.getElementById('tel-test-status').textContent))
				.observe(document.getElementById('tel-test-status'), {childList: true, characterData: true, subtree: true}); true`

			run("desktop", chromedp.EmulateViewport(1280, 800))
			run("setup", chromedp.Navigate(d.Base+"/app/setup?lang=en"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
				chromedp.SendKeys(chromedp.CSS(`#token`), servertest.AdminToken), chromedp.SendKeys(chromedp.CSS(`#email`), opEmail),
				chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
			run("page", chromedp.Navigate(page+"?widget="+good), chromedp.WaitVisible(chromedp.CSS(`#tel-form`)))
			check("telephony-"+provider+"-desktop", 1280)
			if provider == "twilio" && !strings.Contains(eval(`document.body.textContent`), "Twilio") {
				t.Error("the page does not say the server dials through Twilio")
			}

			// A manager with a bad number: the error at the field, nothing saved.
			run("add a manager", chromedp.Click(chromedp.CSS(`#tel-add-manager`)), chromedp.WaitVisible(chromedp.CSS(`#tel-manager-list li:nth-child(2) [data-name]`)))
			run("fill", chromedp.SendKeys(chromedp.CSS(`#tel-manager-list li:nth-child(2) [data-name]`), "Vera"),
				chromedp.SendKeys(chromedp.CSS(`#tel-manager-list li:nth-child(2) [data-phone]`), "12345"),
				chromedp.Click(chromedp.CSS(`#tel-save`)), chromedp.WaitVisible(chromedp.CSS(`.field-error`)))
			if got := eval(`document.activeElement.dataset.field + ' | ' + document.activeElement.getAttribute('aria-invalid') + ' | ' + document.getElementById(document.activeElement.getAttribute('aria-describedby').split(' ').pop()).textContent`); got != "settings.managers[1].phone | true | This is not a valid phone number for region RU." {
				t.Errorf("the bad phone's error: %q", got)
			}
			if w, _ := d.Store.GetWidget(t.Context(), siteID, good); strings.Contains(string(w.Settings), "Vera") {
				t.Fatal("a refused save stored Vera")
			}
			// What the person sees: the window around the error.
			eval(`document.querySelector('.field-error').scrollIntoView({block: 'center'}); true`)
			servertest.ScreenshotViewport(ctx, t, "telephony-"+provider+"-error-desktop")
			// A test with unsaved edits would ring the saved managers: refused in words.
			run("test unsaved", chromedp.Click(chromedp.CSS(`#tel-test-start`)))
			waitFor("unsaved", `document.getElementById('tel-test-status').textContent.startsWith('Save your changes first')`, 5*time.Second)
			if focused := eval(`document.activeElement.id`); focused != "tel-save" || len(d.ListCallbacks(siteID)) != 0 {
				t.Errorf("an unsaved form started a test, or Save has no focus (%q)", focused)
			}
			run("fix", chromedp.SetValue(chromedp.CSS(`#tel-manager-list li:nth-child(2) [data-phone]`), "8 900 000-00-30"), chromedp.Click(chromedp.CSS(`#tel-save`)))
			waitFor("saved", `document.getElementById('tel-save-status').textContent.startsWith('Saved')`, 10*time.Second)
			if w, _ := d.Store.GetWidget(t.Context(), siteID, good); !strings.Contains(string(w.Settings), `"name":"Vera","phone":"+79000000030"`) {
				t.Fatalf("Vera not saved as E.164: %s", w.Settings)
			}
			if v := eval(`document.querySelector('#tel-manager-list li:nth-child(2) [data-phone]').value`); v != "+79000000030" {
				t.Errorf("the saved phone shows as %q", v)
			}

			// "Call me now": every step is said, then where to find it.
			eval(listen)
			run("call me", chromedp.SetValue(chromedp.CSS(`#tel-test-phone`), myPhone), chromedp.Click(chromedp.CSS(`#tel-test-start`)))
			waitFor("completed", `document.getElementById('tel-test-status').textContent.startsWith('Call finished')`, 45*time.Second)
			heard := eval(`window.heard.join(' → ')`)
			last := -1
			for _, step := range []string{"Ringing Anna", "Manager answered", "Calling you", "Connected: you are talking", "Call finished: the bridge works"} {
				i := strings.Index(heard, step)
				if i < 0 || i < last {
					t.Fatalf("the status never said %q after the step before: %s", step, heard)
				}
				last = i
			}
			if eval(`document.querySelectorAll('#tel-stages .is-done').length`) != "5" || eval(`!!document.querySelector('#tel-test-status a[href*="/inbox/cb_"]')`) != "true" {
				t.Errorf("the stages are not all done, or the inbox link is missing: %s", eval(`document.getElementById('tel-test-progress').outerHTML + document.getElementById('tel-test-status').outerHTML`))
			}
			check("telephony-"+provider+"-completed-desktop", 1280)
			audit, err := d.Store.ListAudit(t.Context(), "site:"+siteID, 20)
			if err != nil {
				t.Fatal(err)
			}
			var audited bool
			for _, e := range audit {
				audited = audited || (strings.Contains(e.Detail, "POST /api/v1/sites/"+siteID+"/widgets/"+good+"/test-call") && strings.Contains(e.Detail, opEmail))
			}
			if !audited {
				t.Errorf("the test call is not in the site's audit list: %+v", audit)
			}
			// In the inbox it is a test, named as the manager heard it.
			cbs := d.ListCallbacks(siteID)
			lead, err := d.Store.GetLead(t.Context(), siteID, "cb_"+cbs[0].ID)
			if err != nil || lead.Source != "test" || lead.Contact.Name != "operator" || !strings.Contains(lead.Summary, "Test call from the dashboard by "+opEmail) {
				t.Errorf("the test's inbox lead is not marked as a test: %+v (%v)", lead, err)
			}
			if remembered := eval(`localStorage.getItem('beckon.telephony.phone')`); remembered != myPhone {
				t.Errorf("the phone is not remembered for the next test: %q", remembered)
			}

			// A manager who never answers: the reason in words, on a phone.
			run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
				chromedp.Navigate(page+"?widget="+silent), chromedp.WaitVisible(chromedp.CSS(`#tel-form`)))
			check("telephony-"+provider+"-phone", 360)
			if v := eval(`document.getElementById('tel-test-phone').value`); v != myPhone {
				t.Errorf("the phone field is not pre-filled: %q", v)
			}
			run("call me", chromedp.Click(chromedp.CSS(`#tel-test-start`)))
			waitFor("failed", `document.getElementById('tel-test-status').textContent.includes('none answered and pressed 1')`, 45*time.Second)
			if eval(`!!document.querySelector('#tel-stages li.is-failed[data-stage=calling_manager]')`) != "true" {
				t.Errorf("the failed stage is not marked: %s", eval(`document.getElementById('tel-stages').outerHTML`))
			}
			check("telephony-"+provider+"-failed-phone", 360)

			// The hour's limit, in words.
			for range 3 {
				r := d.Admin(http.MethodPost, "/api/v1/sites/"+siteID+"/widgets/"+good+"/test-call", map[string]any{"phone": "+79161234500"})
				servertest.ExpectStatus(t, r, http.StatusAccepted)
			}
			run("sixth", chromedp.Click(chromedp.CSS(`#tel-test-start`)))
			waitFor("limit", `document.getElementById('tel-test-status').textContent.startsWith('You have made 5 tests this hour')`, 10*time.Second)
			check("telephony-"+provider+"-limit-phone", 360)
			run("ukrainian", chromedp.Navigate(page+"?widget="+good+"&lang=uk"), chromedp.WaitVisible(chromedp.CSS(`#tel-form`)))
			check("telephony-"+provider+"-uk-phone", 360)
			run("russian", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(page+"?widget="+good+"&lang=ru"), chromedp.WaitVisible(chromedp.CSS(`#tel-form`)))
			check("telephony-"+provider+"-ru-desktop", 1280)
			servertest.NoProblems(t, problems(), "422", "429")
		})
	}
}
