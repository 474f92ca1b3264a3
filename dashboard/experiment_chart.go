package dashboard

import (
	"math"

	"github.com/beckonhq/beckon/experiments"
)

// The rates chart is drawn here, not in the browser: one horizontal bar
// per variant for its conversion rate, a whisker for its 95% interval,
// and an axis from 0 to a round share above the highest interval. Sizes
// are SVG attributes (the CSP allows no inline styles); colours and
// fonts come from the stylesheet's classes. It is drawn twice: wide, with
// the names left of the bars, and narrow for phones, with each name and
// rate above its bar, so the text keeps its size on a small screen.

// chartLayout is one drawing's geometry, in the units of its viewBox.
type chartLayout struct {
	width, labelW, rateW, rowH float64
	stacked                    bool // the name and rate above the bar
}

var (
	wideChart   = chartLayout{width: 640, labelW: 96, rateW: 104, rowH: 40}
	narrowChart = chartLayout{width: 320, rowH: 52, stacked: true}
)

const (
	chartBarH  = 16
	chartTop   = 8
	chartAxisH = 28
	chartInset = 6 // keeps a whisker's cap inside a stacked chart
)

// abChart is one drawing of the chart.
type abChart struct {
	Width, Height float64
	PlotX         float64
	AxisY         float64
	Stacked       bool
	Bars          []abBar
	Ticks         []abTick
}

// abBar is one variant's bar, whisker and figures.
type abBar struct {
	ID                string
	Y, Mid, TextY     float64
	W, Low, High      float64
	CapTop, CapBottom float64
	Rate              string
}

// abTick is a mark on the axis.
type abTick struct {
	X      float64
	Label  string
	Anchor string // text-anchor: the stacked chart's end labels stay inside it
}

func drawRates(l Lang, vs []experiments.VariantResult, g chartLayout) abChart {
	top := 0.0
	for _, v := range vs {
		top = math.Max(top, math.Max(v.Interval[1], v.Rate))
	}
	scale := roundUp(top)
	plotX, plotW := g.labelW, g.width-g.labelW-g.rateW
	if g.stacked {
		plotX, plotW = chartInset, g.width-2*chartInset
	}
	x := func(share float64) float64 { return round1(plotX + math.Min(share/scale, 1)*plotW) }
	c := abChart{Width: g.width, PlotX: plotX, Stacked: g.stacked}
	for i, v := range vs {
		rowTop := chartTop + float64(i)*g.rowH
		mid, textY := rowTop+g.rowH/2, rowTop+g.rowH/2+5
		if g.stacked {
			textY, mid = rowTop+14, rowTop+32
		}
		c.Bars = append(c.Bars, abBar{ID: v.ID, Y: mid - chartBarH/2, Mid: mid, TextY: textY,
			W: round1(x(v.Rate) - plotX), Low: x(v.Interval[0]), High: x(v.Interval[1]),
			CapTop: mid - 8, CapBottom: mid + 8, Rate: abPercent(l, v.Rate)})
	}
	c.AxisY = chartTop + float64(len(vs))*g.rowH
	c.Height = c.AxisY + chartAxisH
	for i, share := range []float64{0, scale / 2, scale} {
		anchor := "middle"
		if g.stacked {
			anchor = [...]string{"start", "middle", "end"}[i]
		}
		c.Ticks = append(c.Ticks, abTick{X: x(share), Label: abPercent(l, share), Anchor: anchor})
	}
	return c
}

// roundUp is the smallest of 1, 2 or 5 times a power of ten at or above
// share (at least 1%), so the axis ends on a round figure.
func roundUp(share float64) float64 {
	if share <= 0.01 {
		return 0.01
	}
	p := math.Pow(10, math.Floor(math.Log10(share)))
	for _, m := range []float64{1, 2, 5, 10} {
		if share <= m*p*(1+1e-9) {
			return math.Min(m*p, 1)
		}
	}
	return 1
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
