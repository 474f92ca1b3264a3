package quiz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// Refusals of the public API.
var (
	errNotOnPath = &api.Error{Status: http.StatusConflict, Code: "not_on_path",
		Message: "this step is not the visitor's current step nor one they answered on the way to it"}
	errFinished = &api.Error{Status: http.StatusConflict, Code: "quiz_finished",
		Message: "the visitor has left their contacts: this session's answers are final"}
	errUnfinished = &api.Error{Status: http.StatusConflict, Code: "quiz_unfinished",
		Message: "answer the remaining questions first: this quiz keeps no leads of unfinished sessions (partial_leads is off)"}
)

// quizOf finds the site's enabled quiz widget wid.
func quizOf(c *fiber.Ctx) (*widgets.Site, widgets.Widget, error) {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return nil, widgets.Widget{}, api.NotFound("quiz widget")
	}
	return site, w, nil
}

// visitOf reads a visit's call (a session's start, a view): the quiz it
// names and the visitor's body, checked.
func visitOf(c *fiber.Ctx) (*widgets.Site, widgets.Widget, visit, error) {
	site, w, err := quizOf(c)
	if err != nil {
		return nil, widgets.Widget{}, visit{}, err
	}
	var in visit
	if err := api.DecodeBody(c, &in); err != nil {
		return nil, widgets.Widget{}, visit{}, err
	}
	if err := in.check(); err != nil {
		return nil, widgets.Widget{}, visit{}, err
	}
	return site, w, in, nil
}

// visitorsSession loads a session of widget w for the visitor who started
// it; anyone else gets 404, the same as for a session that does not exist.
func (m *Module) visitorsSession(c *fiber.Ctx, site *widgets.Site, w widgets.Widget, visitorID string) (store.QuizSession, *version, error) {
	s, err := m.deps.Store.GetQuizSession(c.UserContext(), site.ID, c.Params("sid"))
	if err != nil {
		return store.QuizSession{}, nil, api.NotFoundAs(err, "quiz session")
	}
	return m.visitors(c, site, w, s, visitorID)
}

// visitors checks that s is visitorID's session of widget w and finds its
// version.
func (m *Module) visitors(c *fiber.Ctx, site *widgets.Site, w widgets.Widget, s store.QuizSession, visitorID string) (store.QuizSession, *version, error) {
	if visitorID == "" || visitorID != s.VisitorID || s.WidgetID != w.ID {
		return store.QuizSession{}, nil, api.NotFound("quiz session")
	}
	ver, err := m.versions.At(c.UserContext(), site, w.ID, s.Version)
	if err != nil {
		return store.QuizSession{}, nil, err
	}
	return s, ver, nil
}

// startSession is POST /w/v1/{siteKey}/quizzes/{wid}/sessions: a visitor
// begins the quiz, on its current version.
func (m *Module) startSession(c *fiber.Ctx) error {
	site, w, in, err := visitOf(c)
	if err != nil {
		return err
	}
	ctx, ip, now := c.UserContext(), m.deps.ClientIP(c), m.deps.Now().UTC()
	if err := m.startAllowed(ctx, site.ID, ip, in.VisitorID); err != nil {
		return err
	}
	// A visitor in an A/B experiment takes the quiz their variant defines:
	// its settings become a version of their own (versions are numbered by
	// content), which the session keeps to its lead.
	if vs := m.deps.SettingsFor(ctx, site, w, in.VisitorID); vs != w.Parsed {
		raw, err := json.Marshal(vs)
		if err != nil {
			return fmt.Errorf("quiz: settings of the variant of widget %s: %w", w.ID, err)
		}
		w.Settings, w.Parsed = raw, vs
	}
	ver, err := m.versions.Current(ctx, site, w, now)
	if err != nil {
		return err
	}
	lang := in.Lang
	if lang == "" {
		lang = site.Locale
	}
	s := store.QuizSession{ID: newSessionID(now), SiteID: site.ID, WidgetID: w.ID, Version: ver.n, VisitorID: in.VisitorID,
		Current: ver.def.First(), Reached: []string{ver.def.First()}, Lang: lang, PageURL: in.PageURL, Referrer: in.Referrer, UTM: in.UTM, Hidden: in.Hidden,
		Source: in.source(), IP: ip, CreatedAt: now, UpdatedAt: now}
	if err := m.deps.Store.CreateQuizSession(ctx, s); err != nil {
		return err
	}
	m.recent.put(s)
	sessionsStarted.Inc()
	m.tallies.started(site, s, now)
	return c.Status(http.StatusCreated).JSON(fiber.Map{"session_id": s.ID, "version": s.Version, "step": s.Current,
		"resume_url": resumeURL(s.PageURL, w.ID, s.ID)})
}

// sessionView is a session as its visitor gets it back after a reload.
type sessionView struct {
	SessionID string                     `json:"session_id"`
	Version   int                        `json:"version"`
	Answers   map[string]json.RawMessage `json:"answers"`
	Path      []string                   `json:"path"`
	Step      string                     `json:"step"`
	Progress  float64                    `json:"progress"`
	Values    map[string]float64         `json:"values"`
	Result    *resultView                `json:"result,omitempty"`
	Done      bool                       `json:"done"`
	LeadID    string                     `json:"lead_id,omitempty"`
	Quiz      any                        `json:"quiz"`
}

// resultView is the result screen the server worked out.
type resultView struct {
	Screen string             `json:"screen"`
	Title  string             `json:"title"`
	Text   string             `json:"text"`
	Values map[string]float64 `json:"values"`
}

func resultOf(r store.LeadResult) *resultView {
	return &resultView{Screen: r.Screen, Title: r.Title, Text: r.Text, Values: nonNil(r.Values)}
}

func nonNil(v map[string]float64) map[string]float64 {
	if v == nil {
		return map[string]float64{}
	}
	return v
}

// getSession is GET /w/v1/{siteKey}/quizzes/{wid}/sessions/{sid}?visitor_id=:
// where the visitor is, on the version they started.
func (m *Module) getSession(c *fiber.Ctx) error {
	site, w, err := quizOf(c)
	if err != nil {
		return err
	}
	s, ver, err := m.visitorsSession(c, site, w, c.Query("visitor_id"))
	if err != nil {
		return err
	}
	var res store.LeadResult
	if s.Current == "" {
		res, _, err = m.evaluate(ver, site.ID, onPath(&s), s.Lang)
	} else {
		_, res.Values, _ = ver.def.environment(onPath(&s)) // see environment
	}
	if err != nil {
		return err
	}
	v := sessionView{SessionID: s.ID, Version: s.Version, Answers: s.Answers, Path: s.Path, Step: s.Current,
		Progress: progress(&s, ver), Values: nonNil(res.Values), Done: s.Done, LeadID: s.LeadID, Quiz: ver.public}
	if v.Answers == nil {
		v.Answers = map[string]json.RawMessage{}
	}
	if v.Path == nil {
		v.Path = []string{}
	}
	if s.Current == "" {
		v.Result = resultOf(res)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(v)
}

// errMoved: the session changed between its read and its update (the
// visitor answered in another tab); the answer is worked out again, and
// after a few such turns the visitor is asked to retry.
var errMoved = &api.Error{Status: http.StatusConflict, Code: "session_moved",
	Message: "the session changed while this answer was saved; send it again"}

// record stores value as the answer to step of session s (as read
// before, or as this replica last wrote it: fresh says which). The new path
// and next step are worked out before the update, which only checks that
// the session is still the one read and swaps the fields in: the store's
// writer (one at a time, in the embedded store) runs no formulas. A session
// that moved meanwhile is read again, and so is a remembered copy that
// refuses the answer (another replica may have moved it on).
func (m *Module) record(ctx context.Context, site *widgets.Site, ver *version, s store.QuizSession, fresh bool, step string, value json.RawMessage, now time.Time) (store.QuizSession, map[string]float64, bool, error) {
	for attempt := 0; ; attempt++ {
		next := s
		next.Answers, next.Path, next.Reached = maps.Clone(s.Answers), slices.Clone(s.Path), slices.Clone(s.Reached)
		var values map[string]float64
		var first bool
		var err error = errFinished
		if !s.Done {
			values, first, err = answer(&next, ver.def, step, value)
		}
		if err == nil && next.Current != "" && !slices.Contains(next.Reached, next.Current) {
			next.Reached = append(next.Reached, next.Current)
		}
		if err == nil {
			var updated store.QuizSession
			updated, err = m.deps.Store.UpdateQuizSession(ctx, site.ID, s.ID, func(x *store.QuizSession) error {
				if !x.UpdatedAt.Equal(s.UpdatedAt) || x.Current != s.Current || x.Done != s.Done || !slices.Equal(x.Path, s.Path) {
					return errMoved
				}
				x.Answers, x.Path, x.Current, x.Reached, x.UpdatedAt = next.Answers, next.Path, next.Current, next.Reached, now
				return nil
			})
			if err == nil {
				m.recent.put(updated)
				return updated, values, first, nil
			}
		}
		stale := errors.Is(err, errMoved) || (!fresh && (err == errNotOnPath || err == errFinished))
		if !stale || attempt == 3 {
			return s, nil, false, err
		}
		if s, err = m.deps.Store.GetQuizSession(ctx, site.ID, s.ID); err != nil {
			return s, nil, false, err
		}
		fresh = true
	}
}

type answerInput struct {
	VisitorID string          `json:"visitor_id"`
	Value     json.RawMessage `json:"value"`
}

// putAnswer is PUT /w/v1/{siteKey}/quizzes/{wid}/sessions/{sid}/answers/{step}.
func (m *Module) putAnswer(c *fiber.Ctx) error {
	site, w, err := quizOf(c)
	if err != nil {
		return err
	}
	var in answerInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	var s store.QuizSession
	var ver *version
	cached, remembered := m.recent.get(site.ID, c.Params("sid"))
	if remembered {
		s, ver, err = m.visitors(c, site, w, cached, in.VisitorID)
	} else {
		s, ver, err = m.visitorsSession(c, site, w, in.VisitorID)
	}
	if err != nil {
		return err
	}
	step := c.Params("step")
	if _, ok := ver.def.Step(step); !ok {
		return api.NotFound("step")
	}
	if in.Value == nil {
		return validate.Field("value", `is required ({"value": null} skips an optional step)`)
	}
	value, err := ver.def.CheckAnswer(step, in.Value)
	if err != nil {
		return err
	}
	ctx, now := c.UserContext(), m.deps.Now().UTC()
	reached := len(s.Reached)
	s, values, first, err := m.record(ctx, site, ver, s, !remembered, step, value, now)
	if err != nil {
		return err
	}
	m.tallies.answered(site, s, step, first, len(s.Reached) > reached, now)
	out := fiber.Map{"next": s.Current, "progress": progress(&s, ver), "values": nonNil(values)}
	if s.Current == "" {
		res, _, err := m.evaluate(ver, site.ID, onPath(&s), s.Lang)
		if err != nil {
			return err
		}
		out["result"] = resultOf(res)
		if err := m.questionsDone(ctx, site, ver, s, first, now); err != nil {
			return err
		}
	}
	return c.JSON(out)
}

// postView is POST /w/v1/{siteKey}/quizzes/{wid}/views: the widget was
// shown to a visitor (analytics only; nothing is stored per view).
func (m *Module) postView(c *fiber.Ctx) error {
	site, w, in, err := visitOf(c)
	if err != nil {
		return err
	}
	m.tallies.viewed(site, w.ID, in.source(), m.deps.Now().UTC())
	return c.SendStatus(http.StatusNoContent)
}
