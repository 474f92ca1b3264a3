package quiz

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// adminQuiz finds site id's quiz widget wid for a caller with scope.
func (m *Module) adminQuiz(c *fiber.Ctx, scope string) (*widgets.Site, widgets.Widget, error) {
	siteID := c.Params("id")
	if err := api.Authorize(c, siteID, scope); err != nil {
		return nil, widgets.Widget{}, err
	}
	site, err := m.deps.Sites.ByID(c.UserContext(), siteID)
	if err != nil {
		return nil, widgets.Widget{}, api.NotFoundAs(err, "site")
	}
	w, ok := site.Widget(c.Params("wid"))
	if !ok || w.Type != widgetType {
		return nil, widgets.Widget{}, api.NotFound("quiz widget")
	}
	return site, w, nil
}

// Funnel is one group's counts: the whole quiz, a source or a version.
type Funnel struct {
	Views       int64 `json:"views"`
	Starts      int64 `json:"starts"`
	Completions int64 `json:"completions"`
	Leads       int64 `json:"leads"`
	// Conversion is Leads / Views (0 without views): the widget reports a
	// view each time it is first opened on a page, however it is opened.
	// LeadRate is Leads / Starts: of the visitors who began, how many left
	// contacts.
	Conversion float64 `json:"conversion"`
	LeadRate   float64 `json:"lead_rate"`
}

// StepStats is one step: the sessions that reached it, answered it, and
// left there.
type StepStats struct {
	Step        string  `json:"step"`
	Reached     int64   `json:"reached"`
	Answers     int64   `json:"answers"`
	DropOff     int64   `json:"drop_off"`      // reached and never answered
	DropOffRate float64 `json:"drop_off_rate"` // DropOff / Reached
}

// Analytics is GET …/quiz/analytics.
type Analytics struct {
	From         string `json:"from"`
	To           string `json:"to"`
	Funnel              // the whole quiz
	PartialLeads int64  `json:"partial_leads"`
	// StartRate is Starts / Views, CompletionRate Completions / Starts.
	StartRate      float64     `json:"start_rate"`
	CompletionRate float64     `json:"completion_rate"`
	Steps          []StepStats `json:"steps"`
	BySource       []Group     `json:"by_source"`
	ByVersion      []Group     `json:"by_version"`
}

// Group is the Funnel of one source or version.
type Group struct {
	Name string `json:"name"`
	Funnel
}

// analytics is GET /api/v1/sites/{id}/widgets/{wid}/quiz/analytics?from=&to=:
// the funnel by day range of the site's time zone. Like the callback
// analytics it needs leads:read: it is about leads, and shows no one's data.
func (m *Module) analytics(c *fiber.Ctx) error {
	site, w, err := m.adminQuiz(c, "leads:read")
	if err != nil {
		return err
	}
	from, to, err := validate.DayRange(c.Query("from"), c.Query("to"), m.deps.Now().In(site.Loc))
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	// This replica's counts of the last second are written first; other
	// replicas' reach the store within their next second.
	if err := m.tallies.flush(ctx); err != nil {
		return err
	}
	sum := map[string]int64{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		t, err := m.deps.Store.Tally(ctx, site.ID, tallyName(w.ID, d.Format(time.DateOnly)))
		if err != nil {
			return err
		}
		for f, n := range t {
			sum[f] += n
		}
	}
	var order []string
	if set, ok := w.Parsed.(*Settings); ok {
		for _, s := range set.Steps {
			order = append(order, s.ID)
		}
	}
	return c.JSON(summarize(sum, order, from.Format(time.DateOnly), to.Format(time.DateOnly)))
}

// summarize turns summed tally fields into Analytics; steps come in order
// (the quiz's current steps), then any others that were counted.
func summarize(sum map[string]int64, order []string, from, to string) Analytics {
	a := Analytics{From: from, To: to, PartialLeads: sum[mPartialLeads], Steps: []StepStats{}}
	a.Funnel = funnel(sum[mViews], sum[mStarts], sum[mCompletions], sum[mLeads])
	a.StartRate, a.CompletionRate = ratio(a.Starts, a.Views), ratio(a.Completions, a.Starts)
	sources, versions := map[string]map[string]int64{}, map[string]map[string]int64{}
	steps := map[string]*StepStats{}
	stepOf := func(id string) *StepStats {
		if steps[id] == nil {
			steps[id] = &StepStats{Step: id}
		}
		return steps[id]
	}
	for f, n := range sum {
		if metric, src, ok := strings.Cut(f, "@"); ok {
			addTo(sources, src, metric, n)
		} else if metric, v, ok := strings.Cut(f, "#"); ok {
			addTo(versions, v, metric, n)
		} else if id, ok := strings.CutPrefix(f, mReached); ok {
			stepOf(id).Reached += n
		} else if id, ok := strings.CutPrefix(f, mAnswered); ok {
			stepOf(id).Answers += n
		}
	}
	for _, id := range order {
		if s := steps[id]; s != nil {
			a.Steps = append(a.Steps, finishStep(*s))
			delete(steps, id)
		} else {
			a.Steps = append(a.Steps, StepStats{Step: id})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(steps)) {
		a.Steps = append(a.Steps, finishStep(*steps[id]))
	}
	a.BySource = groups(sources, func(x, y Group) int {
		return cmp.Or(cmp.Compare(y.Leads, x.Leads), cmp.Compare(y.Starts, x.Starts), cmp.Compare(y.Views, x.Views), cmp.Compare(x.Name, y.Name))
	})
	a.ByVersion = groups(versions, func(x, y Group) int {
		xn, _ := strconv.Atoi(x.Name)
		yn, _ := strconv.Atoi(y.Name)
		return cmp.Compare(xn, yn)
	})
	return a
}

func addTo(g map[string]map[string]int64, name, metric string, n int64) {
	if g[name] == nil {
		g[name] = map[string]int64{}
	}
	g[name][metric] += n
}

func groups(g map[string]map[string]int64, order func(x, y Group) int) []Group {
	out := []Group{}
	for name, m := range g {
		out = append(out, Group{Name: name, Funnel: funnel(m[mViews], m[mStarts], m[mCompletions], m[mLeads])})
	}
	slices.SortFunc(out, order)
	return out
}

func funnel(views, starts, completions, leads int64) Funnel {
	return Funnel{Views: views, Starts: starts, Completions: completions, Leads: leads,
		Conversion: ratio(leads, views), LeadRate: ratio(leads, starts)}
}

func finishStep(s StepStats) StepStats {
	s.DropOff = max(0, s.Reached-s.Answers)
	s.DropOffRate = ratio(s.DropOff, s.Reached)
	return s
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// listVersions is GET /api/v1/sites/{id}/widgets/{wid}/quiz/versions: the
// versions that sessions answered, oldest first.
func (m *Module) listVersions(c *fiber.Ctx) error {
	site, w, err := m.adminQuiz(c, "widgets:read")
	if err != nil {
		return err
	}
	list, err := m.deps.Store.ListQuizVersions(c.UserContext(), site.ID, w.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.QuizVersionInfo{}
	}
	return c.JSON(fiber.Map{"versions": list})
}

// getVersion is GET /api/v1/sites/{id}/widgets/{wid}/quiz/versions/{n}:
// the quiz as version n was (its settings without the webhook).
func (m *Module) getVersion(c *fiber.Ctx) error {
	site, w, err := m.adminQuiz(c, "widgets:read")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 {
		return api.NotFound("quiz version")
	}
	raw, err := m.deps.Store.GetQuizVersion(c.UserContext(), site.ID, w.ID, n)
	if err != nil {
		return api.NotFoundAs(err, "quiz version")
	}
	return c.JSON(fiber.Map{"version": n, "settings": json.RawMessage(raw)})
}
