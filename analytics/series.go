package analytics

import (
	"cmp"
	"slices"
	"time"

	"github.com/beckonhq/beckon/store"
)

// daily counts leads and calls per day of the site's time zone.
func daily(p Period, leads []store.Lead, calls []store.Callback) []Day {
	days := p.days()
	out := make([]Day, len(days))
	at := make(map[string]int, len(days))
	for i, d := range days {
		out[i].Date = d
		at[d] = i
	}
	dayOf := func(t time.Time) (int, bool) {
		i, ok := at[t.In(p.Loc).Format(time.DateOnly)]
		return i, ok
	}
	for _, l := range leads {
		if i, ok := dayOf(l.CreatedAt); ok {
			out[i].Leads++
		}
	}
	for i := range calls {
		if d, ok := dayOf(calls[i].CreatedAt); ok {
			out[d].Calls++
			if connected(&calls[i]) {
				out[d].Connected++
			}
		}
	}
	return out
}

// sources groups leads and calls by traffic source ("direct" when none is
// known), most leads and calls first.
func sources(leads []store.Lead, calls []store.Callback) []Source {
	by := map[string]*Source{}
	get := func(name string) *Source {
		if name == "" {
			name = "direct"
		}
		if by[name] == nil {
			by[name] = &Source{Name: name}
		}
		return by[name]
	}
	for _, l := range leads {
		get(l.Source).Leads++
	}
	for i := range calls {
		s := get(calls[i].Source)
		s.Calls++
		if connected(&calls[i]) {
			s.Connected++
		}
	}
	out := make([]Source, 0, len(by))
	for _, s := range by {
		s.ConnectedRate = ratio(s.Connected, s.Calls)
		out = append(out, *s)
	}
	slices.SortFunc(out, func(x, y Source) int {
		return cmp.Or(cmp.Compare(y.Leads+y.Calls, x.Leads+x.Calls), cmp.Compare(x.Name, y.Name))
	})
	return out
}
