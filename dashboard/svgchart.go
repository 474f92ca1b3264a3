package dashboard

import (
	"strconv"

	"github.com/beckonhq/beckon/analytics"
)

// barChart is a daily chart drawn by the server as SVG: two bars a day
// (leads, calls) in a viewBox of ChartW × ChartH that the stylesheet
// stretches to the card's width. The text (scale, dates, legend) is HTML
// around the SVG, so it stays readable at any width; every bar has a
// <title>, and the same numbers are in a table under the chart.
type barChart struct {
	W, H  float64
	Max   int
	Bars  []chartBar
	First string // the first and last day's dates, under the chart
	Last  string
	Label string // the chart's accessible name
	Grid  []float64
}

type chartBar struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

const (
	chartH    = 100.0
	chartSlot = 10.0 // viewBox units per day
)

func dailyChart(days []analytics.Day, l Lang) barChart {
	ch := barChart{W: float64(len(days)) * chartSlot, H: chartH, Label: l.T("an_daily_chart")}
	for _, d := range days {
		ch.Max = max(ch.Max, d.Leads, d.Calls)
	}
	if len(days) > 0 {
		ch.First, ch.Last = days[0].Date, days[len(days)-1].Date
	}
	scale := 0.0
	if ch.Max > 0 {
		scale = (chartH - 2) / float64(ch.Max)
	}
	ch.Grid = []float64{chartH / 2, 0.5}
	for i, d := range days {
		x := float64(i) * chartSlot
		for j, s := range []struct {
			n           int
			class, text string
		}{{d.Leads, "an-bar-leads", "an_legend_leads"}, {d.Calls, "an-bar-calls", "an_legend_calls"}} {
			h := float64(s.n) * scale
			if s.n > 0 {
				h = max(h, 1)
			}
			ch.Bars = append(ch.Bars, chartBar{X: x + 1 + float64(j)*4, Y: chartH - h, W: 4, H: h, Class: s.class,
				Title: d.Date + " · " + l.T(s.text) + ": " + strconv.Itoa(s.n)})
		}
	}
	return ch
}
