package experiments

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// Deps are what the experiments API needs from the server.
type Deps struct {
	Store store.Store
	// Modules are the served widget types by name, to normalize a
	// variant's settings with its widget's module.
	Modules map[string]widgets.Module
	// Changed tells every replica that the site's public config changed
	// (an experiment started or ended changes what /config serves).
	Changed func(ctx context.Context, siteKey string)
	Now     func() time.Time
	// Flush writes this replica's queued exposures (Service.Flush) before
	// the counts are read; nil when there is no queue.
	Flush func(ctx context.Context)
}

// Mount adds the owner's experiment routes under /api/v1.
func Mount(admin widgets.Router, d Deps) {
	h := handlers{d}
	const path = "/sites/:id/widgets/:wid/experiment"
	admin.Add(fiber.MethodPut, path, h.start)
	admin.Add(fiber.MethodGet, path, h.results)
	admin.Add(fiber.MethodPost, path+"/stop", h.stop)
	admin.Add(fiber.MethodDelete, path, h.stop)
}

type handlers struct{ Deps }

// Limits of an experiment's definition.
const (
	minVariants = 2
	maxVariants = 5
	maxWeight   = 100
)

var variantID = regexp.MustCompile(`^[a-z0-9_-]{1,20}$`)

type experimentInput struct {
	Mode     *string        `json:"mode"`
	Variants []variantInput `json:"variants"`
}

type variantInput struct {
	ID       string          `json:"id"`
	Weight   *int            `json:"weight"`
	Settings json.RawMessage `json:"settings"`
}

// check turns the input into an experiment, or a 422 naming the field.
// Variants' settings are checked against the widget later (checkVariantSettings).
func (in experimentInput) check(id string, now time.Time) (*store.Experiment, error) {
	e := &store.Experiment{ID: id, Mode: "ab", StartedAt: now}
	if in.Mode != nil {
		if err := validate.OneOf("mode", *in.Mode, "ab", "aa"); err != nil {
			return nil, err
		}
		e.Mode = *in.Mode
	}
	if len(in.Variants) < minVariants || len(in.Variants) > maxVariants {
		return nil, validate.Field("variants", "must list %d to %d variants, the control first; got %d", minVariants, maxVariants, len(in.Variants))
	}
	seen := map[string]bool{}
	for i, v := range in.Variants {
		field := fmt.Sprintf("variants[%d]", i)
		if !variantID.MatchString(v.ID) {
			return nil, validate.Field(field+".id", "must be 1 to 20 of a-z, 0-9, _ and -, like \"control\" or \"big_discount\"")
		}
		if seen[v.ID] {
			return nil, validate.Field(field+".id", "%q names two variants", v.ID)
		}
		seen[v.ID] = true
		if v.Weight == nil || *v.Weight < 1 || *v.Weight > maxWeight {
			return nil, validate.Field(field+".weight", "must be a whole number from 1 to %d (the variant's share of traffic)", maxWeight)
		}
		settings := strings.TrimSpace(string(v.Settings))
		given := settings != "" && settings != "null"
		switch {
		case given && settings[0] != '{':
			return nil, validate.Field(field+".settings", "must be an object of the widget's settings to replace")
		case given && i == 0:
			return nil, validate.Field(field+".settings", "the first variant is the control and shows the widget's own settings; change them with PATCH on the widget, or add a variant")
		case given && e.Mode == "aa":
			return nil, validate.Field(field+".settings", "an A/A test shows the widget's own settings in every variant; leave settings out, or use mode \"ab\"")
		}
		ev := store.ExperimentVariant{ID: v.ID, Weight: *v.Weight}
		if given {
			ev.Settings = json.RawMessage(settings)
		}
		e.Variants = append(e.Variants, ev)
	}
	return e, nil
}

// start is PUT …/experiment: starts an experiment, or replaces the
// running one with a new one (a new id: counts start from zero).
func (h handlers) start(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, h.Store, "widgets:write")
	if err != nil {
		return err
	}
	var in experimentInput
	if err := api.DecodeBody(c, &in); err != nil {
		return err
	}
	e, err := in.check(newExperimentID(), h.Now().UTC())
	if err != nil {
		return err
	}
	w, err := h.Store.UpdateWidget(c.UserContext(), site.ID, c.Params("wid"), func(w *store.Widget) error {
		m, ok := h.Modules[w.Type]
		if !ok {
			return validate.Field("type", "widget type %q is not served by this server", w.Type)
		}
		if err := checkVariantSettings(m, *w, e, site); err != nil {
			return err
		}
		w.Experiment, w.UpdatedAt = e, e.StartedAt
		return nil
	})
	if err != nil {
		return api.NotFoundAs(err, "widget")
	}
	h.Changed(c.UserContext(), site.Key)
	return c.JSON(Compute(w.Experiment, nil))
}

// results is GET …/experiment: the running or last ended experiment.
func (h handlers) results(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, h.Store, "widgets:read")
	if err != nil {
		return err
	}
	w, err := h.Store.GetWidget(c.UserContext(), site.ID, c.Params("wid"))
	if err != nil {
		return api.NotFoundAs(err, "widget")
	}
	if w.Experiment == nil {
		return api.NotFound("experiment")
	}
	h.flush(c.UserContext())
	counts, err := h.Store.Tally(c.UserContext(), site.ID, store.ExperimentTally(w.Experiment.ID))
	if err != nil {
		return fmt.Errorf("experiments: read counts: %w", err)
	}
	return c.JSON(Compute(w.Experiment, counts))
}

type stopInput struct {
	Keep *string `json:"keep"`
}

var errNotRunning = &api.Error{Status: http.StatusConflict, Code: "experiment_not_running",
	Message: "the widget's experiment has ended already; start another with PUT"}

// stop is POST …/experiment/stop {"keep":"b"} and DELETE …/experiment
// (keeps the control): the kept variant's settings become the widget's,
// and the experiment ends; its results stay readable.
func (h handlers) stop(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, h.Store, "widgets:write")
	if err != nil {
		return err
	}
	var in stopInput
	if c.Method() == fiber.MethodPost && len(c.Body()) > 0 {
		if err := api.DecodeBody(c, &in); err != nil {
			return err
		}
	}
	now := h.Now().UTC()
	w, err := h.Store.UpdateWidget(c.UserContext(), site.ID, c.Params("wid"), func(w *store.Widget) error {
		e := w.Experiment
		if e == nil {
			return api.NotFound("experiment")
		}
		if !e.Running() {
			return errNotRunning
		}
		keep := 0
		if in.Keep != nil {
			keep = -1
			for i, v := range e.Variants {
				if v.ID == *in.Keep {
					keep = i
				}
			}
			if keep < 0 {
				return validate.Field("keep", "%q is not a variant of this experiment", *in.Keep)
			}
		}
		m, ok := h.Modules[w.Type]
		if !ok {
			return validate.Field("type", "widget type %q is not served by this server", w.Type)
		}
		settings, err := variantSettings(m, *w, e, keep, site)
		if err != nil {
			return validate.Prefix(fmt.Sprintf("variants[%d]", keep), err)
		}
		ended := *e
		ended.EndedAt, ended.Kept = &now, e.Variants[keep].ID
		w.Settings, w.Experiment, w.UpdatedAt = settings, &ended, now
		return nil
	})
	if err != nil {
		return api.NotFoundAs(err, "widget")
	}
	h.Changed(c.UserContext(), site.Key)
	h.flush(c.UserContext())
	counts, err := h.Store.Tally(c.UserContext(), site.ID, store.ExperimentTally(w.Experiment.ID))
	if err != nil {
		return fmt.Errorf("experiments: read counts: %w", err)
	}
	return c.JSON(Compute(w.Experiment, counts))
}

func newExperimentID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "exp_" + hex.EncodeToString(b)
}

// flush writes the queued exposures, so the owner's read counts every
// visitor this replica has served (other replicas' queues lag by a batch).
func (h handlers) flush(ctx context.Context) {
	if h.Flush != nil {
		h.Flush(ctx)
	}
}
