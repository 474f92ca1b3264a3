package triggerstats

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/validate"
)

// Counts are what became of a group of showings.
type Counts struct {
	Shown     int64 `json:"shown"`
	Closed    int64 `json:"closed"`
	Converted int64 `json:"converted"`
	// ConversionRate is Converted / Shown (0 when nothing was shown), to
	// four decimals.
	ConversionRate float64 `json:"conversion_rate"`
}

// Group is the Counts of one trigger, page or source.
type Group struct {
	Name string `json:"name"`
	Counts
}

// Stats is GET …/trigger-stats.
type Stats struct {
	From      string  `json:"from"`
	To        string  `json:"to"`
	Totals    Counts  `json:"totals"`
	ByTrigger []Group `json:"by_trigger"`
	ByPage    []Group `json:"by_page"`
	BySource  []Group `json:"by_source"`
}

// read is GET /api/v1/sites/{id}/widgets/{wid}/trigger-stats?from=&to=:
// the widget's trigger analytics over days of the site's time zone
// (inclusive; default the last 30 days up to today).
func (s *stats) read(c *fiber.Ctx) error {
	id := c.Params("id")
	if err := api.Authorize(c, id, ScopeRead); err != nil {
		return err
	}
	ctx := c.UserContext()
	site, err := s.d.Sites.ByID(ctx, id)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	w, ok := site.Widget(c.Params("wid"))
	if !ok {
		return api.NotFound("widget")
	}
	from, to, err := validate.DayRange(c.Query("from"), c.Query("to"), s.d.Now().In(site.Loc))
	if err != nil {
		return err
	}
	sum := map[string]int64{}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		t, err := s.d.Store.Tally(ctx, site.ID, tallyName(w.ID, d.Format(time.DateOnly)))
		if err != nil {
			return err
		}
		for f, n := range t {
			sum[f] += n
		}
	}
	return c.JSON(summarize(sum, from.Format(time.DateOnly), to.Format(time.DateOnly)))
}

// summarize turns the summed tally fields (fields.go) into Stats, each
// list by most shown first (ties: by name).
func summarize(sum map[string]int64, from, to string) Stats {
	groups := map[string]map[string]*Counts{pageField: {}, sourceField: {}, "trigger": {}}
	var totals Counts
	add := func(kind, name, event string, n int64) {
		g := groups[kind][name]
		if g == nil {
			g = &Counts{}
			groups[kind][name] = g
		}
		g.add(event, n)
	}
	for f, n := range sum {
		kind, rest, _ := strings.Cut(f, sep)
		switch kind {
		case pageField, sourceField:
			if i := strings.LastIndex(rest, sep); i >= 0 {
				add(kind, rest[:i], rest[i+1:], n)
			}
		case Shown, Closed, Converted:
			add("trigger", rest, kind, n)
			totals.add(kind, n)
		}
	}
	totals.rate()
	return Stats{From: from, To: to, Totals: totals,
		ByTrigger: list(groups["trigger"]), ByPage: list(groups[pageField]), BySource: list(groups[sourceField])}
}

func (c *Counts) add(event string, n int64) {
	switch event {
	case Shown:
		c.Shown += n
	case Closed:
		c.Closed += n
	case Converted:
		c.Converted += n
	}
}

func (c *Counts) rate() {
	if c.Shown > 0 {
		c.ConversionRate = math.Round(float64(c.Converted)/float64(c.Shown)*1e4) / 1e4
	}
}

func list(m map[string]*Counts) []Group {
	out := make([]Group, 0, len(m))
	for name, c := range m {
		c.rate()
		out = append(out, Group{Name: name, Counts: *c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Shown != out[j].Shown {
			return out[i].Shown > out[j].Shown
		}
		return out[i].Name < out[j].Name
	})
	return out
}
