package dashboard_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// builderQuiz is the quiz the builder's tests start from: two questions,
// a price, two result screens.
const builderQuiz = `{
  "steps": [
    {"id": "rooms", "type": "single", "title": {"en": "How many rooms?"},
     "options": [{"id": "r1", "label": {"en": "One"}, "value": 1}, {"id": "r2", "label": {"en": "Two"}, "value": 2}]},
    {"id": "area", "type": "number", "title": {"en": "How big is it?"}, "min": 10, "max": 200, "step": 1}
  ],
  "formulas": [{"name": "price", "expr": "area * 1000 * rooms"}],
  "results": [
    {"id": "small", "title": {"en": "A small job"}, "text": {"en": "About {price}"}, "when": {"value": "price", "max": 100000}},
    {"id": "big", "title": {"en": "A big job"}, "text": {"en": "About {price}"}}
  ],
  "form": {"fields": [{"name": "phone", "required": true}]}
}`

// builderSite is a site with a quiz, its owner (invited) and a manager
// signed in.
type builderSite struct {
	*inboxSite
	owner *browser
	wid   string
}

func newBuilderSite(t *testing.T, st store.Store) *builderSite {
	t.Helper()
	s := &builderSite{inboxSite: newInboxSite(t, st)}
	link := s.op.invite(s.siteID, "owner@example.com", store.RoleOwner)
	s.owner = s.d.browser(t, "owner")
	wantRedirect(t, "owner accepts", s.owner.submit(link, link, url.Values{"password": {"owner-pass-1"}}), "/app/sites/"+s.siteID)
	s.wid = s.d.CreateWidget(s.siteID, map[string]any{"type": "quiz", "settings": json.RawMessage(builderQuiz)})["id"].(string)
	return s
}

func (s *builderSite) builderPath() string {
	return "/app/sites/" + s.siteID + "/widgets/" + s.wid + "/quiz"
}

var builderData = regexp.MustCompile(`(?s)<script type="application/json" id="quiz-builder-data">(.*?)</script>`)

// islandOf reads the data a builder page gives its script.
func islandOf(t *testing.T, p page) map[string]any {
	t.Helper()
	m := builderData.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("the page has no quiz-builder-data: %.800s", p.Body)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
		t.Fatalf("quiz-builder-data is not JSON: %v: %s", err, m[1])
	}
	return v
}

// TestQuizBuilderPage: an owner gets the builder with a save button, the
// quiz's steps and the texts in their language; a manager gets it
// read-only (and the API refuses their change, but lets them try drafts);
// another site's quiz, a widget that is no quiz and an unknown widget are
// 404 alike.
func TestQuizBuilderPage(t *testing.T) {
	t.Parallel()
	s := newBuilderSite(t, servertest.NewStore(t, "embedded"))

	for _, lang := range []string{"en", "ru", "uk"} {
		p := s.owner.get(s.builderPath() + "?lang=" + lang)
		wantStatus(t, "owner opens the builder in "+lang, p, http.StatusOK)
		wantBody(t, "owner's builder", p, `id="qb-save"`, `src="/app/static/quiz_builder.js?v=`, `lang="`+lang+`"`)
		wantNoBody(t, "owner's builder", p, `id="qb-read-only"`, `qb-edit" disabled`)
		island := islandOf(t, p)
		if island["edit"] != true || island["lang"] != lang || len(island["steps"].([]any)) != 2 || island["preview"] != "/api/v1/sites/"+s.siteID+"/widgets/"+s.wid+"/quiz/formula-preview" {
			t.Fatalf("%s: island %v", lang, island)
		}
		texts := island["texts"].(map[string]any)
		if texts["qb_add_step"] == "" || texts["qb_add_step"] == nil || len(texts) < 50 {
			t.Fatalf("%s: the island's texts: %v", lang, texts)
		}
	}

	p := s.manager.get(s.builderPath() + "?lang=en")
	wantStatus(t, "manager opens the builder", p, http.StatusOK)
	wantBody(t, "manager's builder", p, `id="qb-read-only"`, `<fieldset class="plain qb-edit" disabled>`)
	wantNoBody(t, "manager's builder", p, `id="qb-save"`)
	if islandOf(t, p)["edit"] != false {
		t.Fatal("the manager's builder may edit")
	}
	csrf := s.manager.pageCSRF(s.builderPath())
	api := "/api/v1/sites/" + s.siteID + "/widgets/" + s.wid
	wantStatus(t, "manager saves through the API", s.manager.api("PATCH", api, csrf, `{"settings":`+builderQuiz+`}`), http.StatusForbidden)
	wantStatus(t, "manager tries a draft", s.manager.api("POST", api+"/quiz/formula-preview", csrf,
		`{"settings":`+builderQuiz+`,"answers":{"rooms":"r2","area":50}}`), http.StatusOK)

	other := s.d.CreateSite("Shop B", "https://b.example")["id"].(string)
	otherQuiz := s.d.CreateWidget(other, map[string]any{"type": "quiz", "settings": json.RawMessage(builderQuiz)})["id"].(string)
	countdown := s.d.CreateWidget(s.siteID, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "fixed", "deadline": "2030-01-01T00:00:00Z"}})["id"].(string)
	for what, path := range map[string]string{
		"another site's quiz":             "/app/sites/" + other + "/widgets/" + otherQuiz + "/quiz",
		"another site's quiz by this one": "/app/sites/" + s.siteID + "/widgets/" + otherQuiz + "/quiz",
		"a countdown":                     "/app/sites/" + s.siteID + "/widgets/" + countdown + "/quiz",
		"an unknown widget":               "/app/sites/" + s.siteID + "/widgets/wdg_nothere/quiz",
	} {
		wantStatus(t, "owner opens "+what, s.owner.get(path), http.StatusNotFound)
	}
	wantStatus(t, "the operator opens another site's quiz", s.op.get("/app/sites/"+other+"/widgets/"+otherQuiz+"/quiz"), http.StatusOK)
}

// TestQuizBuilderVersion, on both stores: the page says which version
// visitors last started, once one has, and a saved change makes the next.
func TestQuizBuilderVersion(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		s := newBuilderSite(t, newStore(t))
		wantBody(t, "before any visitor", s.owner.get(s.builderPath()+"?lang=en"), "No visitor has started this quiz yet.")
		key := s.siteKey(t)
		visit := func(visitor string) {
			t.Helper()
			r := s.d.Request("POST", "/w/v1/"+key+"/quizzes/"+s.wid+"/sessions", map[string]any{"visitor_id": visitor}, "Origin", "https://a.example")
			servertest.ExpectStatus(t, r, http.StatusCreated)
		}
		visit("v1")
		wantBody(t, "after a visitor", s.owner.get(s.builderPath()), "Visitors have answered up to version 1 of this quiz.")
		csrf := s.owner.pageCSRF(s.builderPath())
		edited := strings.Replace(builderQuiz, "area * 1000", "area * 2000", 1)
		wantStatus(t, "owner saves", s.owner.api("PATCH", "/api/v1/sites/"+s.siteID+"/widgets/"+s.wid, csrf, `{"settings":`+edited+`}`), http.StatusOK)
		visit("v2")
		wantBody(t, "after the change", s.owner.get(s.builderPath()), "Visitors have answered up to version 2 of this quiz.")
	})
}

func (s *builderSite) siteKey(t *testing.T) string {
	site, err := s.d.Store.GetSite(t.Context(), s.siteID)
	if err != nil {
		t.Fatal(err)
	}
	return site.Key
}

// TestQuizBuilderTexts: every text of the builder is in the three
// languages, and the Ukrainian ones use the typographic apostrophe.
func TestQuizBuilderTexts(t *testing.T) {
	t.Parallel()
	cat := i18n.MustLoad[map[string]string]("dashboard_quiz")
	for key := range cat["en"] {
		if !strings.HasPrefix(key, "qb_") {
			t.Errorf("%s lacks the qb_ prefix", key)
		}
		for _, lang := range []string{"ru", "uk"} {
			if strings.TrimSpace(cat[lang][key]) == "" {
				t.Errorf("%s has no %s text", key, lang)
			}
		}
		if strings.Contains(cat["uk"][key], "'") {
			t.Errorf("%s: the Ukrainian text has ' instead of ’", key)
		}
	}
	for _, lang := range []string{"ru", "uk"} {
		if len(cat[lang]) != len(cat["en"]) {
			t.Errorf("%s has %d texts, en %d", lang, len(cat[lang]), len(cat["en"]))
		}
	}
}
