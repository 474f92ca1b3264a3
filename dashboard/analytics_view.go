package dashboard

import (
	"strconv"

	"github.com/beckonhq/beckon/analytics"
)

// funnelView is one widget's funnel as the page draws it: each measured
// step a bar as wide as its share of the widest step.
type funnelView struct {
	WidgetID string
	Label    string
	Steps    []stepView
}

type stepView struct {
	Name     string
	Count    int64
	Measured bool
	// Width is the bar's length in the bar's 0–100 viewBox.
	Width float64
	// Rate is the count as a share of the previous measured step ("" for
	// the first, or after a step of 0).
	Rate string
	// Final marks the funnel's goal (leads, connected calls).
	Final bool
}

func funnelViewOf(f analytics.Funnel, label string, l Lang) funnelView {
	v := funnelView{WidgetID: f.WidgetID, Label: label}
	top := f.Max()
	var prev int64 = -1
	for _, s := range f.Steps {
		sv := stepView{Name: l.T("an_step_" + s.Key), Count: s.Count, Measured: s.Measured,
			Final: s.Key == analytics.StepLeads || s.Key == analytics.StepConnected}
		if s.Measured {
			if top > 0 {
				sv.Width = max(float64(s.Count)/float64(top)*100, 0.5)
			}
			if prev > 0 {
				sv.Rate = percent(float64(s.Count) / float64(prev))
			}
			prev = s.Count
		}
		v.Steps = append(v.Steps, sv)
	}
	return v
}

// sourceRow and managerRow are the tables' rows, numbers as shown.
type sourceRow struct {
	Name            string
	Leads, Calls    int
	Connected, Rate string
}

type managerRow struct {
	Name                   string
	Rung, Answered         int
	AnswerRate, MedianWait string
	Connected              int
}

// Sources and Managers are the report's tables for the template.
func (v analyticsView) Sources() []sourceRow {
	if v.Report == nil {
		return nil
	}
	out := make([]sourceRow, 0, len(v.Report.Sources))
	for _, s := range v.Report.Sources {
		r := sourceRow{Name: s.Name, Leads: s.Leads, Calls: s.Calls, Connected: "—", Rate: "—"}
		if s.Calls > 0 {
			r.Connected, r.Rate = strconv.Itoa(s.Connected), percent(s.ConnectedRate)
		}
		out = append(out, r)
	}
	return out
}

func (v analyticsView) Managers(l Lang) []managerRow {
	if v.Report == nil {
		return nil
	}
	out := make([]managerRow, 0, len(v.Report.Managers))
	for _, m := range v.Report.Managers {
		name := m.Name
		if name == "" {
			name = l.F("an_manager_n", "n", m.Number)
		}
		out = append(out, managerRow{Name: name, Rung: m.Rung, Answered: m.Answered,
			AnswerRate: percent(m.AnswerRate), MedianWait: seconds(l, m.MedianSecondsToAnswer), Connected: m.Connected})
	}
	return out
}

// ConnectedRate is the period's share of calls connected.
func (v analyticsView) ConnectedRate() string {
	if v.Report == nil || v.Report.Calls == 0 {
		return "—"
	}
	return percent(float64(v.Report.Connected) / float64(v.Report.Calls))
}
