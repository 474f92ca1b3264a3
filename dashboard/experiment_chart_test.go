package dashboard

import (
	"testing"

	"github.com/beckonhq/beckon/experiments"
)

// TestRatesChartFits: every bar and whisker of both drawings lies inside
// the plot, the axis ends on a round share at or above the highest
// interval, and a longer rate draws a longer bar.
func TestRatesChartFits(t *testing.T) {
	l := Lang{Code: "ru", texts: texts["ru"]}
	for _, vs := range [][]experiments.VariantResult{
		{{ID: "a", Rate: 0.05, Interval: [2]float64{0.039, 0.064}}, {ID: "b", Rate: 0.08, Interval: [2]float64{0.066, 0.096}}},
		{{ID: "a"}, {ID: "b"}}, // no visitors yet
		{{ID: "a", Rate: 0.97, Interval: [2]float64{0.9, 1}}, {ID: "long-variant-name", Rate: 0.2, Interval: [2]float64{0.1, 0.33}}},
	} {
		for _, g := range []chartLayout{wideChart, narrowChart} {
			c := drawRates(l, vs, g)
			end := c.Ticks[len(c.Ticks)-1]
			for i, b := range c.Bars {
				if b.W < 0 || c.PlotX+b.W > end.X+0.05 || b.Low < c.PlotX || b.High > end.X+0.05 || b.Low > b.High {
					t.Errorf("%+v in %+v: bar %d (%+v) leaves the plot %v…%v", vs, g, i, b, c.PlotX, end.X)
				}
				if b.CapBottom > c.AxisY {
					t.Errorf("bar %d's whisker crosses the axis: %+v", i, b)
				}
			}
			if len(vs) > 1 && vs[1].Rate > vs[0].Rate && c.Bars[1].W <= c.Bars[0].W {
				t.Errorf("a higher rate draws a shorter bar: %+v", c.Bars)
			}
			if c.Height > c.AxisY+chartAxisH || c.Width != g.width {
				t.Errorf("the drawing is %v×%v", c.Width, c.Height)
			}
		}
	}
	for share, want := range map[float64]float64{0: 0.01, 0.004: 0.01, 0.064: 0.1, 0.096: 0.1, 0.15: 0.2, 0.33: 0.5, 0.97: 1, 1: 1} {
		if got := roundUp(share); got != want {
			t.Errorf("roundUp(%v) = %v, want %v", share, got, want)
		}
	}
}
