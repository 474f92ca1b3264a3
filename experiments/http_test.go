package experiments_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

const abTitle = `{"mode":"ab","variants":[{"id":"control","weight":50},
	{"id":"b","weight":50,"settings":{"title":"Скидка 15% на первый заказ","color":"#dc2626"}}]}`

// TestBadExperimentsAreRefusedByField: every mistake is a 422 naming its
// field, down to a variant's widget setting, and changes nothing.
func TestBadExperimentsAreRefusedByField(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		if r := e.Admin("GET", e.path(), nil); r.Status != http.StatusNotFound {
			t.Fatalf("GET before any experiment: %d %s", r.Status, r.Body)
		}
		two := func(second string) string {
			return `{"variants":[{"id":"control","weight":50},` + second + `]}`
		}
		for _, c := range []struct{ body, field string }{
			{`{"mode":"abc","variants":[]}`, "mode"},
			{`{"variants":[{"id":"control","weight":50}]}`, "variants"},
			{`{"variants":[{"id":"a","weight":1},{"id":"b","weight":1},{"id":"c","weight":1},{"id":"d","weight":1},{"id":"e","weight":1},{"id":"f","weight":1}]}`, "variants"},
			{two(`{"id":"Big Sale","weight":50}`), "variants[1].id"},
			{two(`{"id":"control","weight":50}`), "variants[1].id"},
			{two(`{"id":"b","weight":0}`), "variants[1].weight"},
			{two(`{"id":"b","weight":101}`), "variants[1].weight"},
			{two(`{"id":"b"}`), "variants[1].weight"},
			{two(`{"id":"b","weight":50,"settings":"red"}`), "variants[1].settings"},
			{`{"variants":[{"id":"control","weight":50,"settings":{"title":"x"}},{"id":"b","weight":50}]}`, "variants[0].settings"},
			{`{"mode":"aa","variants":[{"id":"a1","weight":50},{"id":"a2","weight":50,"settings":{"title":"x"}}]}`, "variants[1].settings"},
			{two(`{"id":"b","weight":50,"settings":{"color":"red"}}`), "variants[1].settings.color"},
			{two(`{"id":"b","weight":50,"settings":{"form":{"fields":[{"name":"phone"},{"name":"fax"}]}}}`), "variants[1].settings.form.fields[1].name"},
			{two(`{"id":"b","weight":50,"settings":{"no_such":1}}`), "variants[1].settings.no_such"},
		} {
			r := e.Admin("PUT", e.path(), c.body)
			if r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != c.field {
				t.Errorf("%s: %d %s, want 422 naming %s", c.body, r.Status, r.Body, c.field)
			}
		}
		if w := e.widget(); w["experiment"] != nil {
			t.Fatalf("a refused experiment was stored: %v", w["experiment"])
		}
		e.start(abTitle)
		r := e.Admin("POST", e.path()+"/stop", `{"keep":"c"}`)
		if r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != "keep" {
			t.Fatalf("keeping an unknown variant: %d %s", r.Status, r.Body)
		}
		if !e.results().Running {
			t.Fatal("a refused stop ended the experiment")
		}
	})
}

// TestConfigServesEachVisitorTheirVariant: /config with a visitor id
// renders the visitor's variant and names it; the ETag tells variants
// apart and a revalidation is a 304; the first config counts one
// exposure per visitor, page views after it none.
func TestConfigServesEachVisitorTheirVariant(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		before := popupOf(t, e.config(""))
		exp := e.start(abTitle)
		a, b := visitorIn(t, exp, 0), visitorIn(t, exp, 1)

		ra, rb, rn := e.config(a), e.config(b), e.config("")
		pa, pb, pn := popupOf(t, ra), popupOf(t, rb), popupOf(t, rn)
		sa, sb := pa["settings"].(map[string]any), pb["settings"].(map[string]any)
		if pa["variant"] != "control" || ru(sa["title"]) != "Скидка 10% на первый заказ" || sa["color"] != "#16a34a" {
			t.Fatalf("visitor of the control got %v", pa)
		}
		if pb["variant"] != "b" || ru(sb["title"]) != "Скидка 15% на первый заказ" || sb["color"] != "#dc2626" {
			t.Fatalf("visitor of b got %v", pb)
		}
		// Only the title and colour change: the form is the widget's own.
		if fmt.Sprint(sa["form"]) != fmt.Sprint(sb["form"]) || sb["form"] == nil {
			t.Fatalf("b's form %v differs from the control's %v", sb["form"], sa["form"])
		}
		if _, named := pn["variant"]; named || fmt.Sprint(pn["settings"]) != fmt.Sprint(before["settings"]) {
			t.Fatalf("a config without a visitor id: %v, want the widget's own settings, no variant", pn)
		}
		etags := map[string]bool{ra.Header.Get("ETag"): true, rb.Header.Get("ETag"): true, rn.Header.Get("ETag"): true}
		if len(etags) != 3 {
			t.Fatalf("ETags %v: the variants and the plain config must differ", etags)
		}
		for _, c := range []struct {
			visitor string
			r       servertest.Response
		}{{a, ra}, {b, rb}, {"", rn}} {
			again := e.config(c.visitor, "If-None-Match", c.r.Header.Get("ETag"))
			if again.Status != http.StatusNotModified {
				t.Fatalf("revalidation of %q: %d", c.visitor, again.Status)
			}
		}
		// Another visitor of b shares b's body and ETag.
		if r := e.config(visitorsIn(t, exp, 1, 2)[1]); r.Header.Get("ETag") != rb.Header.Get("ETag") || string(r.Body) != string(rb.Body) {
			t.Fatalf("two visitors of b got ETags %s and %s", r.Header.Get("ETag"), rb.Header.Get("ETag"))
		}
		if r := e.config("not-a-visitor"); r.Status != http.StatusUnprocessableEntity || r.ErrorField(t) != "visitor_id" {
			t.Fatalf("a bad visitor id: %d %s", r.Status, r.Body)
		}
		got := e.counts()
		if got["control"][0] != 1 || got["b"][0] != 2 {
			t.Fatalf("exposures after each visitor's page views: %v", got)
		}
	})
}

// TestConversionsCountTheVisitorsVariantOnce: a pop-up lead is the
// conversion of the visitor's variant, once per visitor however many
// leads; a visitor who never got the config is not counted.
func TestConversionsCountTheVisitorsVariantOnce(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		exp := e.start(abTitle)
		b := visitorIn(t, exp, 1)
		popupOf(t, e.config(b))
		servertest.ExpectStatus(t, e.lead(b, "s-1"), http.StatusCreated)
		servertest.ExpectStatus(t, e.lead(b, "s-2"), http.StatusCreated)
		servertest.ExpectStatus(t, e.lead(visitorIn(t, exp, 0), "s-3"), http.StatusCreated)
		got := e.counts()
		if got["b"] != [2]int64{1, 1} || got["control"] != [2]int64{0, 0} {
			t.Fatalf("counts %v, want b 1 exposure 1 conversion, the control none", got)
		}
	})
}

// TestStopKeepsTheChosenVariant: stopping with keep=b makes b's settings
// the widget's own, /config names no variant any more, the results stay
// readable, and a second stop is a 409. DELETE keeps the control.
func TestStopKeepsTheChosenVariant(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		exp := e.start(abTitle)
		b := visitorIn(t, exp, 1)
		popupOf(t, e.config(b))
		r := e.Admin("POST", e.path()+"/stop", `{"keep":"b"}`)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if res := r.JSON(t); res["running"] != false {
			t.Fatalf("stop answered %v", res)
		}
		settings := e.widget()["settings"].(map[string]any)
		if ru(settings["title"]) != "Скидка 15% на первый заказ" || settings["color"] != "#dc2626" || settings["form"] == nil {
			t.Fatalf("the widget after keeping b: %v", settings)
		}
		for _, v := range []string{b, visitorIn(t, exp, 0)} {
			p := popupOf(t, e.config(v))
			if _, named := p["variant"]; named || ru(p["settings"].(map[string]any)["title"]) != "Скидка 15% на первый заказ" {
				t.Fatalf("config after the stop: %v", p)
			}
		}
		res := e.results()
		if res.Running || res.Experiment.Kept != "b" || res.Variants[1].Exposures != 1 {
			t.Fatalf("results after the stop: %+v", res)
		}
		if r := e.Admin("POST", e.path()+"/stop", `{"keep":"b"}`); r.Status != http.StatusConflict {
			t.Fatalf("a second stop: %d %s", r.Status, r.Body)
		}

		e.start(`{"variants":[{"id":"control","weight":1},{"id":"green","weight":1,"settings":{"color":"#15803d"}}]}`)
		servertest.ExpectStatus(t, e.Admin("DELETE", e.path(), nil), http.StatusOK)
		if c := e.widget()["settings"].(map[string]any)["color"]; c != "#dc2626" {
			t.Fatalf("DELETE changed the colour to %v; it keeps the control", c)
		}
	})
}

// TestAATestHasNoWinner: an A/A test shows every visitor the widget's own
// settings and its results name no winner.
func TestAATestHasNoWinner(t *testing.T) {
	e := newEnv(t, servertest.NewStore(t, "embedded"))
	exp := e.start(`{"mode":"aa","variants":[{"id":"a1","weight":50},{"id":"a2","weight":50}]}`)
	p1, p2 := popupOf(t, e.config(visitorIn(t, exp, 0))), popupOf(t, e.config(visitorIn(t, exp, 1)))
	if p1["variant"] != "a1" || p2["variant"] != "a2" || fmt.Sprint(p1["settings"]) != fmt.Sprint(p2["settings"]) {
		t.Fatalf("A/A arms: %v and %v", p1, p2)
	}
	if res := e.results(); res.Winner != "" || res.Verdict != "healthy" {
		t.Fatalf("A/A results: winner %q verdict %q", res.Winner, res.Verdict)
	}
}

// ru is the Russian text of an owner's text (a string becomes {"ru": …}
// in the site's locale).
func ru(text any) any {
	if m, ok := text.(map[string]any); ok {
		return m["ru"]
	}
	return text
}

// TestClaimedCodeIsAConversion: claiming a pop-up's promo code is the
// conversion of the visitor's variant, once per visitor.
func TestClaimedCodeIsAConversion(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, newStore(t))
		e.wid = e.CreateWidget(e.siteID, map[string]any{"type": "popup", "settings": map[string]any{"title": "−20%",
			"button": map[string]any{"label": "Скопировать", "action": "code", "code": "SALE20"}}})["id"].(string)
		exp := e.start(`{"variants":[{"id":"control","weight":50},{"id":"big","weight":50,"settings":{"title":"−25%"}}]}`)
		big := visitorIn(t, exp, 1)
		if p := entryOf(t, e.config(big), e.wid); ru(p["settings"].(map[string]any)["title"]) != "−25%" {
			t.Fatalf("visitor of big sees %v", p["settings"])
		}
		for range 2 {
			r := e.Request("POST", "/w/v1/"+e.siteKey+"/widgets/"+e.wid+"/claim", map[string]any{"visitor_id": big}, "Origin", origin)
			servertest.ExpectStatus(t, r, http.StatusOK)
		}
		if got := e.counts(); got["big"] != [2]int64{1, 1} || got["control"] != [2]int64{0, 0} {
			t.Fatalf("counts %v, want big 1 exposure 1 conversion", got)
		}
	})
}
