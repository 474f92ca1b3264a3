package dashboard

import (
	"math"

	"github.com/beckonhq/beckon/experiments"
)

// The rates chart is drawn here, not in the browser: one horizontal bar
// per variant for its conversion rate, a whisker for its 95% interval,
// and an axis from 0 to a round share above the highest interval. Sizes
// are SVG attributes (the CSP allows no inline styles); colours and
// fonts come from the stylesheet's classes.
const (
	chartWidth  = 640
	chartLabelW = 96  // the variants' names, left of the plot
	chartPlotW  = 440 // the plot, from chartLabelW
	chartRowH   = 40
	chartBarH   = 16
	chartTop    = 8
	chartAxisH  = 28
)

// abChart is the chart's geometry, in the units of its viewBox.
type abChart struct {
	Width, Height  float64
	PlotX, PlotEnd float64
	AxisY          float64
	Bars           []abBar
	Ticks          []abTick
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
	X     float64
	Label string
}

func drawRates(l Lang, vs []experiments.VariantResult) abChart {
	top := 0.0
	for _, v := range vs {
		top = math.Max(top, math.Max(v.Interval[1], v.Rate))
	}
	scale := roundUp(top)
	x := func(share float64) float64 { return round1(chartLabelW + math.Min(share/scale, 1)*chartPlotW) }
	c := abChart{Width: chartWidth, PlotX: chartLabelW, PlotEnd: chartLabelW + chartPlotW}
	for i, v := range vs {
		y := float64(chartTop + i*chartRowH)
		mid := y + chartRowH/2
		c.Bars = append(c.Bars, abBar{ID: v.ID, Y: mid - chartBarH/2, Mid: mid, TextY: mid + 5,
			W: round1(x(v.Rate) - chartLabelW), Low: x(v.Interval[0]), High: x(v.Interval[1]),
			CapTop: mid - 8, CapBottom: mid + 8, Rate: abPercent(l, v.Rate)})
	}
	c.AxisY = float64(chartTop + len(vs)*chartRowH)
	c.Height = c.AxisY + chartAxisH
	for _, share := range []float64{0, scale / 2, scale} {
		c.Ticks = append(c.Ticks, abTick{X: x(share), Label: abPercent(l, share)})
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
