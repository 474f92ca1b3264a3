package triggerstats

import (
	"context"
	"strings"
	"sync"

	"github.com/beckonhq/beckon/store"
)

// Tally fields of a day:
//
//	<event>|<trigger>          shown|exit_intent, closed|push, converted|scroll
//	page|<path>|<event>        page|/catalog/gas|shown
//	source|<source>|<event>    source|google|converted, source|direct|shown
//
// A path may hold "|": the event is what follows the last one.
const (
	sep         = "|"
	pageField   = "page"
	sourceField = "source"
	// Other is where pages and sources beyond maxDistinct of a day count.
	Other = "other"
	// maxDistinct bounds the pages and the sources a widget's day keeps
	// apart, so a site with endless URLs (or a bot inventing them) cannot
	// grow a tally without end.
	maxDistinct = 200
)

// distinct remembers, per widget and day, the pages and sources its tally
// already holds, and admits new ones while there are fewer than max. It
// reads a tally once per widget and day (the first event on this replica),
// then keeps its own count: replicas admit independently, so with N
// replicas a day may hold up to N×max of each, never more.
type distinct struct {
	max  int
	mu   sync.Mutex
	days map[string]*known // site|widget → today's
}

type known struct {
	day  string
	sets map[string]map[string]bool // kind → values
}

func newDistinct(max int) *distinct {
	return &distinct{max: max, days: map[string]*known{}}
}

// admit returns value when the widget's day may keep it apart (it has it
// already, or has room), else Other.
func (d *distinct) admit(ctx context.Context, st store.Tallies, siteID, widgetID, day, kind, value string) (string, error) {
	k, err := d.load(ctx, st, siteID, widgetID, day)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	set := k.sets[kind]
	if set == nil {
		set = map[string]bool{}
		k.sets[kind] = set
	}
	switch {
	case set[value] || value == Other:
		return value, nil
	case len(set) >= d.max:
		return Other, nil
	}
	set[value] = true
	return value, nil
}

// load gives the widget's record of day, reading the tally when the day is
// new to this replica. An older day's record is dropped.
func (d *distinct) load(ctx context.Context, st store.Tallies, siteID, widgetID, day string) (*known, error) {
	key := siteID + sep + widgetID
	d.mu.Lock()
	k := d.days[key]
	d.mu.Unlock()
	if k != nil && k.day == day {
		return k, nil
	}
	t, err := st.Tally(ctx, siteID, tallyName(widgetID, day))
	if err != nil {
		return nil, err
	}
	k = &known{day: day, sets: map[string]map[string]bool{}}
	for f := range t {
		kind, rest, ok := strings.Cut(f, sep)
		if !ok || (kind != pageField && kind != sourceField) {
			continue
		}
		if i := strings.LastIndex(rest, sep); i >= 0 && rest[:i] != Other {
			if k.sets[kind] == nil {
				k.sets[kind] = map[string]bool{}
			}
			k.sets[kind][rest[:i]] = true
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// Another request of the same day may have loaded it meanwhile: keep
	// the first, which may already hold values admitted since.
	if old := d.days[key]; old != nil && old.day == day {
		return old, nil
	}
	d.days[key] = k
	return k, nil
}
