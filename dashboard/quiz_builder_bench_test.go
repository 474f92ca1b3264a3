package dashboard_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
)

// bigQuiz is a quiz at the module's bounds: 50 questions of 5 options,
// each option branching past the next question, 10 formulas.
func bigQuiz() string {
	var steps, formulas []string
	for i := range 50 {
		var opts []string
		for j := range 5 {
			next := ""
			if i+2 < 50 && j == 0 {
				next = fmt.Sprintf(`, "next": "q%d"`, i+2)
			}
			opts = append(opts, fmt.Sprintf(`{"id": "o%d", "label": {"en": "Answer %d"}, "value": %d%s}`, j, j, j*100, next))
		}
		steps = append(steps, fmt.Sprintf(`{"id": "q%d", "type": "single", "title": {"en": "Question %d?"}, "options": [%s]}`, i, i, strings.Join(opts, ",")))
	}
	for i := range 10 {
		formulas = append(formulas, fmt.Sprintf(`{"name": "f%d", "expr": "q%d + q%d * 2"}`, i, i, i+1))
	}
	return `{"steps": [` + strings.Join(steps, ",") + `], "formulas": [` + strings.Join(formulas, ",") +
		`], "results": [{"id": "r", "title": {"en": "Done"}, "text": {"en": "{f0}"}}], "form": {"fields": [{"name": "phone", "required": true}]}}`
}

// BenchmarkQuizBuilder times the builder's page for a 50-question quiz
// with 20 versions, on a site with 10,000 leads (issue 13 §9: ≤ 200 ms),
// and the formula preview its script calls after each change, on both
// stores. Figures in docs/dashboard/quiz-builder.md.
func BenchmarkQuizBuilder(b *testing.B) {
	for _, kind := range servertest.StoreKinds {
		b.Run(kind, func(b *testing.B) {
			d := startDash(b, servertest.NewStore(b, kind), nil)
			site := d.CreateSite("Shop", "https://shop.example")
			id, key := site["id"].(string), site["key"].(string)
			quiz := bigQuiz()
			wid := d.CreateWidget(id, map[string]any{"type": "quiz", "settings": json.RawMessage(quiz)})["id"].(string)
			s := &inboxSite{d: d, siteID: id}
			start := time.Now().Add(-30 * 24 * time.Hour)
			for i := range 10000 {
				s.seedLead(b, i, start.Add(time.Duration(i)*time.Minute), "quiz", wid, "direct")
			}
			for v := range 20 {
				edited := strings.Replace(quiz, `"Done"`, fmt.Sprintf(`"Done %d"`, v), 1)
				servertest.ExpectStatus(b, d.Admin("PATCH", "/api/v1/sites/"+id+"/widgets/"+wid, map[string]any{"settings": json.RawMessage(edited)}), http.StatusOK)
				servertest.ExpectStatus(b, d.Request("POST", "/w/v1/"+key+"/quizzes/"+wid+"/sessions", map[string]any{"visitor_id": fmt.Sprint("v", v)},
					"Origin", "https://shop.example"), http.StatusCreated)
			}
			br := d.browser(b, "bench")
			br.setup()
			page := "/app/sites/" + id + "/widgets/" + wid + "/quiz"
			b.Run("page", func(b *testing.B) {
				for b.Loop() {
					if p := br.get(page); p.Status != http.StatusOK {
						b.Fatalf("%s: %d", page, p.Status)
					}
				}
			})
			csrf := br.pageCSRF(page)
			answers := map[string]string{}
			for i := range 50 {
				answers[fmt.Sprint("q", i)] = "o1"
			}
			raw, _ := json.Marshal(map[string]any{"settings": json.RawMessage(quiz), "answers": answers})
			b.Run("preview", func(b *testing.B) {
				for b.Loop() {
					if p := br.api("POST", "/api/v1/sites/"+id+"/widgets/"+wid+"/quiz/formula-preview", csrf, string(raw)); p.Status != http.StatusOK {
						b.Fatalf("preview: %d %s", p.Status, p.Body)
					}
				}
			})
		})
	}
}
