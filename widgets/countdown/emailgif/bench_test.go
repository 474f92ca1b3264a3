package emailgif

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCountdownCold: a new style every time, so nothing is cached:
// layout, 60 frames drawn and LZW-encoded. The worst case, paid once per
// style and second.
func BenchmarkCountdownCold(b *testing.B) {
	r := NewRenderer(0)
	size := 0
	for i := 0; b.Loop(); i++ {
		s := ruStyle
		s.Title = fmt.Sprintf("Осталось %d", i)
		size = len(r.Countdown(s, sample, 60))
	}
	b.ReportMetric(float64(size), "bytes/gif")
}

// BenchmarkCountdownColdFrames: one style, but every GIF starts at a
// second far from all others, so all 60 frames are drawn and encoded
// (the layout is cached).
func BenchmarkCountdownColdFrames(b *testing.B) {
	r := NewRenderer(0)
	r.Countdown(ruStyle, sample, 1)
	for i := 0; b.Loop(); i++ {
		r.Countdown(ruStyle, time.Duration(i*1000)*time.Second, 60)
	}
}

// campaign is 10,000 recipients of an evergreen timer whose deadlines
// are spread over two days (each has 2–4 days left), with a simulated
// clock; shared by the benchmarks below so that its cache is warmed once.
type campaign struct {
	r         *Renderer
	deadlines []int
	opens     atomic.Uint64 // 500 per simulated second
}

var evergreen = sync.OnceValue(func() *campaign {
	c := &campaign{r: NewRenderer(400_000), deadlines: make([]int, 10_000)}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range c.deadlines {
		c.deadlines[i] = 2*86400 + rng.IntN(2*86400)
	}
	// Everyone opens once at time 0: every frame they need is cached.
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(c.deadlines); i += 4 {
				c.r.Countdown(ruStyle, time.Duration(c.deadlines[i])*time.Second, 60)
			}
		})
	}
	wg.Wait()
	return c
})

// BenchmarkCountdownWarm: the 10,000 recipients open again at the same
// time 0, from every core: all frames are cached, so this is splicing
// only. It is also what every open of a fixed-deadline campaign costs
// after the first open at that second.
func BenchmarkCountdownWarm(b *testing.B) {
	c := evergreen()
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(7919) % uint64(len(c.deadlines))
			c.r.Countdown(ruStyle, time.Duration(c.deadlines[i])*time.Second, 60)
		}
	})
}

// BenchmarkCountdownEvergreen: the campaign as served, 500 opens per
// simulated second by random recipients, the clock moving. A first frame
// is mostly new (few recipients open at the same remaining second), the
// later frames mostly cached by earlier opens whose minute overlapped.
func BenchmarkCountdownEvergreen(b *testing.B) {
	c := evergreen()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		rng := rand.New(rand.NewPCG(rand.Uint64(), 5))
		for pb.Next() {
			now := int(c.opens.Add(1) / 500)
			rem := c.deadlines[rng.IntN(len(c.deadlines))] - now
			c.r.Countdown(ruStyle, time.Duration(rem)*time.Second, 60)
		}
	})
}

// BenchmarkEnded: the image for timers that are over, cached.
func BenchmarkEnded(b *testing.B) {
	r := NewRenderer(0)
	for b.Loop() {
		r.Ended(ruStyle, "Предложение завершено")
	}
}

// BenchmarkEncodeFrame: a whole frame (a response's first) drawn and
// encoded, and a chunk of changed-digits frames, per frame.
func BenchmarkEncodeFrame(b *testing.B) {
	e := NewRenderer(0).style(ruStyle)
	b.Run("full", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			e.encode(frameKey{e.key, int32(183845 - i%3600), fullFrame})
		}
	})
	b.Run("chunk", func(b *testing.B) { // chunkLen changed-digits frames
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			e.chunk(183845/chunkLen - i%360)
		}
	})
}
