package quiz_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
)

// previewPath is the formula preview of q's quiz.
func (q *quizServer) previewPath() string {
	return "/api/v1/sites/" + q.siteID + "/widgets/" + q.wid + "/quiz/formula-preview"
}

// preview posts draft settings and sample answers as the operator.
func (q *quizServer) preview(settings string, answers map[string]any) servertest.Response {
	q.t.Helper()
	return q.Admin("POST", q.previewPath(), map[string]any{"settings": json.RawMessage(settings), "answers": answers, "lang": "en"})
}

type previewed struct {
	Path   []string           `json:"path"`
	Done   bool               `json:"done"`
	Values map[string]float64 `json:"values"`
	Failed []struct{ Name, Field, Message string }
	Result *struct{ Screen, Title, Text, Summary string }
}

func decodePreview(t *testing.T, r servertest.Response) previewed {
	t.Helper()
	servertest.ExpectStatus(t, r, http.StatusOK)
	var p previewed
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("preview: %v: %s", err, r.Body)
	}
	return p
}

// TestFormulaPreviewComputesWhatTheQuizDoes: the same answers give the
// same way through the questions, the same price and the same result
// screen in the preview as in a visitor's session of the saved quiz,
// including a rule that skips steps; a required step without an answer
// stops the way there, as a visitor would wait on it.
func TestFormulaPreviewComputesWhatTheQuizDoes(t *testing.T) {
	t.Parallel()
	q := start(t, servertest.NewStore(t, "embedded"), renovation, nil)
	for _, tc := range []struct {
		name     string
		answers  map[string]any
		wantPath []string
	}{
		{"every step", map[string]any{"rooms": "r3", "area": 60, "extras": []string{"balcony"}, "when": "2026-12-24"},
			[]string{"rooms", "area", "extras", "wish", "when"}},
		{"a rule skips", map[string]any{"rooms": "r1", "area": 250, "when": "2027-01-10"},
			[]string{"rooms", "area", "when"}},
	} {
		p := decodePreview(t, q.preview(renovation, tc.answers))
		if !reflect.DeepEqual(p.Path, tc.wantPath) || !p.Done {
			t.Fatalf("%s: path %v done %v, want %v done", tc.name, p.Path, p.Done, tc.wantPath)
		}
		// A visitor answers the same on the way the session leads.
		visitor := "v-" + strings.ReplaceAll(tc.name, " ", "-")
		sid := q.startSession(visitor, nil)
		var last map[string]any
		for _, step := range tc.wantPath {
			last = q.mustAnswer(sid, visitor, step, tc.answers[step])
		}
		session := q.session(sid, visitor).JSON(t)
		if got := toStrings(session["path"]); !reflect.DeepEqual(got, tc.wantPath) {
			t.Fatalf("%s: the session went %v, the preview %v", tc.name, got, tc.wantPath)
		}
		result := last["result"].(map[string]any)
		if price := result["values"].(map[string]any)["price"]; price != p.Values["price"] {
			t.Fatalf("%s: the session's price %v, the preview's %v", tc.name, price, p.Values["price"])
		}
		if p.Result == nil || p.Result.Screen != result["screen"] || p.Result.Title != result["title"] || p.Result.Text != result["text"] {
			t.Fatalf("%s: the preview's result %+v, the session's %v", tc.name, p.Result, result)
		}
	}
	// The renovation's price for three rooms, 60 m² and a balcony.
	p := decodePreview(t, q.preview(renovation, map[string]any{"rooms": "r3", "area": 60, "extras": []string{"balcony"}, "when": "2026-12-24"}))
	if p.Values["price"] != 262000 || p.Result.Screen != "small" || p.Result.Text != "About 262,000" {
		t.Fatalf("preview: %+v %+v", p.Values, p.Result)
	}

	p = decodePreview(t, q.preview(renovation, map[string]any{"rooms": "r2"}))
	if !reflect.DeepEqual(p.Path, []string{"rooms", "area"}) || p.Done || p.Result != nil || p.Values["price"] != 0 {
		t.Fatalf("with area unanswered: %+v", p)
	}
}

// TestFormulaPreviewOfADraft: a draft that is not saved is worked out as
// it is (a changed formula gives its own price), a formula that gives no
// number for some answers is named with its field, and nothing of it is
// stored: the widget keeps its settings and no version is made.
func TestFormulaPreviewOfADraft(t *testing.T) {
	t.Parallel()
	q := start(t, servertest.NewStore(t, "embedded"), renovation, nil)
	before := q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid, nil).JSON(t)["settings"]

	draft := strings.Replace(renovation, `"area * 3500 * (rooms == 3 ? 1.2 : 1) + extras"`,
		`"area * 1000"}, {"name": "per_room", "expr": "rooms > 0 ? price / (rooms - 2) : 0"`, 1)
	p := decodePreview(t, q.preview(draft, map[string]any{"rooms": "r2", "area": 50, "when": "2026-12-24"}))
	if p.Values["price"] != 50000 {
		t.Fatalf("draft price %v, want 50000", p.Values["price"])
	}
	if len(p.Failed) != 1 || p.Failed[0].Name != "per_room" || p.Failed[0].Field != "settings.formulas[1].expr" || !strings.Contains(p.Failed[0].Message, "no number") {
		t.Fatalf("a division by zero: %+v", p.Failed)
	}
	if p := decodePreview(t, q.preview(draft, map[string]any{"rooms": "r3", "area": 50, "when": "2026-12-24"})); p.Values["per_room"] != 50000 || len(p.Failed) != 0 {
		t.Fatalf("three rooms: %+v", p)
	}

	after := q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid, nil).JSON(t)["settings"]
	if !reflect.DeepEqual(before, after) {
		t.Fatal("a preview changed the widget's settings")
	}
	versions := q.Admin("GET", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid+"/quiz/versions", nil).JSON(t)["versions"].([]any)
	if len(versions) != 0 {
		t.Fatalf("a preview made a version: %v", versions)
	}
}

// TestFormulaPreviewRefuses: a bad expression, a bad branch and a bad
// sample answer are refused at their fields, as saving would refuse them.
func TestFormulaPreviewRefuses(t *testing.T) {
	t.Parallel()
	q := start(t, servertest.NewStore(t, "embedded"), renovation, nil)
	answers := map[string]any{"rooms": "r1"}
	expectInvalid(t, q.preview(strings.Replace(renovation, "area * 3500", "area * * 3500", 1), answers), "settings.formulas[0].expr")
	expectInvalid(t, q.preview(strings.Replace(renovation, `"next": "when"`, `"next": "nowhere"`, 1), answers), "settings.steps[1].rules[0].next")
	expectInvalid(t, q.preview(renovation, map[string]any{"rooms": "r9"}), "answers.rooms")
	expectInvalid(t, q.preview(renovation, map[string]any{"area": 5}), "answers.area")
	expectInvalid(t, q.preview(renovation, map[string]any{"size": 5}), "answers.size")
	expectInvalid(t, q.Admin("POST", q.previewPath(), map[string]any{"answers": answers}), "settings")

	// The same draft, saved, is refused at the same field.
	r := q.Admin("PATCH", "/api/v1/sites/"+q.siteID+"/widgets/"+q.wid, map[string]any{"settings": json.RawMessage(strings.Replace(renovation, "area * 3500", "area * * 3500", 1))})
	expectInvalid(t, r, "settings.formulas[0].expr")
}

// TestFormulaPreviewAccess: a key with widgets:read may try drafts; one
// without it may not; another site's key and a widget of another type
// find nothing.
func TestFormulaPreviewAccess(t *testing.T) {
	t.Parallel()
	q := start(t, servertest.NewStore(t, "embedded"), renovation, nil)
	body := map[string]any{"settings": json.RawMessage(renovation), "answers": map[string]any{"rooms": "r1"}}
	reader := q.CreateKey(q.siteID, "widgets:read")
	servertest.ExpectStatus(t, q.Request("POST", q.previewPath(), body, "Authorization", "Bearer "+reader), http.StatusOK)
	leadsOnly := q.CreateKey(q.siteID, "leads:read")
	servertest.ExpectStatus(t, q.Request("POST", q.previewPath(), body, "Authorization", "Bearer "+leadsOnly), http.StatusForbidden)

	other := q.CreateSite("Other shop", "https://other.example")["id"].(string)
	otherKey := q.CreateKey(other, "widgets:read")
	expectCode(t, q.Request("POST", q.previewPath(), body, "Authorization", "Bearer "+otherKey), http.StatusNotFound, "not_found")

	countdown := q.CreateWidget(q.siteID, map[string]any{"type": "countdown", "settings": map[string]any{"mode": "fixed", "deadline": "2030-01-01T00:00:00Z"}})
	path := "/api/v1/sites/" + q.siteID + "/widgets/" + countdown["id"].(string) + "/quiz/formula-preview"
	expectCode(t, q.Admin("POST", path, body), http.StatusNotFound, "not_found")
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}
