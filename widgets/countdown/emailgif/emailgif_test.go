package emailgif

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"
)

var (
	ruStyle = Style{Labels: DefaultLabels("ru"), Title: "До конца распродажи осталось"}
	dark    = Style{
		Background: color.RGBA{0x0f, 0x17, 0x2a, 0xff},
		Foreground: color.RGBA{0xf8, 0xfa, 0xfc, 0xff},
		Accent:     color.RGBA{0xfb, 0xbf, 0x24, 0xff},
		Labels:     DefaultLabels("uk"),
		Width:      600, Height: 150,
	}
	sample = 2*24*time.Hour + 3*time.Hour + 4*time.Minute + 5*time.Second
)

func decode(t testing.TB, b []byte) *gif.GIF {
	t.Helper()
	g, err := gif.DecodeAll(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return g
}

func TestFontsCoverRussianAndUkrainian(t *testing.T) {
	const runes = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ" +
		"іїєґІЇЄҐ'" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" + "0123456789:…—–!?.,"
	f := fonts()
	for name, font := range map[string]interface {
		GlyphIndex(*sfnt.Buffer, rune) (sfnt.GlyphIndex, error)
	}{"bold": f.bold, "regular": f.regular} {
		var buf sfnt.Buffer
		for _, r := range runes {
			if x, err := font.GlyphIndex(&buf, r); err != nil || x == 0 {
				t.Errorf("%s: no glyph for %q", name, r)
			}
		}
	}
}

func TestHeaderIsWhatImageGIFWrites(t *testing.T) {
	for _, s := range []Style{{}, dark, {Width: 1200, Height: 400}} {
		e := NewRenderer(10).style(s)
		pm := e.frame(12345)
		var buf bytes.Buffer
		if err := gif.EncodeAll(&buf, &gif.GIF{
			Image: []*image.Paletted{pm}, Delay: []int{0},
			Config: image.Config{ColorModel: e.palette, Width: pm.Rect.Dx(), Height: pm.Rect.Dy()},
		}); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), e.header) {
			t.Fatalf("header differs from image/gif's:\n% x\n% x", e.header, buf.Bytes()[:len(e.header)])
		}
		// 13 bytes of header and screen descriptor, 32 colours.
		if len(e.header) != 13+3*32 || e.header[10] != 0x84 {
			t.Fatalf("header length %d, packed %#x", len(e.header), e.header[10])
		}
	}
}

func TestSplitFrameChecksTheLayout(t *testing.T) {
	e := NewRenderer(10).style(Style{})
	pm := e.frame(42)
	var buf bytes.Buffer
	enc := func(g *gif.GIF) []byte {
		buf.Reset()
		if err := gif.EncodeAll(&buf, g); err != nil {
			t.Fatal(err)
		}
		return bytes.Clone(buf.Bytes())
	}
	cfg := image.Config{ColorModel: e.palette, Width: pm.Rect.Dx(), Height: pm.Rect.Dy()}
	good := enc(&gif.GIF{Image: []*image.Paletted{pm}, Delay: []int{0}, Config: cfg})
	fr, err := splitFrame(good, e.header)
	if err != nil {
		t.Fatal(err)
	}
	if fr[0] != 0x2C || len(fr) != len(good)-len(e.header)-1 || fr[len(fr)-1] != 0 {
		t.Fatalf("frame bytes % x … % x of %d", fr[:10], fr[len(fr)-2:], len(fr))
	}
	// A graphic control extension before the image is skipped.
	withGCE := enc(&gif.GIF{Image: []*image.Paletted{pm}, Delay: []int{7}, Config: cfg})
	if fr2, err := splitFrame(withGCE, e.header); err != nil || !bytes.Equal(fr2, fr) {
		t.Fatalf("with a GCE: %v", err)
	}
	// A palette that is a copy, not the same slice, with a different
	// colour: image/gif writes a local colour table, which we refuse.
	other := append(color.Palette(nil), e.palette...)
	other[5] = color.RGBA{1, 2, 3, 255}
	pm2 := *pm
	pm2.Palette = other
	if _, err := splitFrame(enc(&gif.GIF{Image: []*image.Paletted{&pm2}, Delay: []int{0}, Config: cfg}), e.header); err == nil {
		t.Fatal("local colour table accepted")
	}
	for name, b := range map[string][]byte{
		"other header": append([]byte("GIF87a"), good[6:]...),
		"truncated":    good[:len(good)-20],
		"no trailer":   good[:len(good)-1],
		"two images":   append(good[:len(good)-1], append(fr, 0x3B)...),
		"no image":     append(bytes.Clone(e.header), 0x3B),
	} {
		if _, err := splitFrame(b, e.header); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCountdownFrames(t *testing.T) {
	r := NewRenderer(0)
	for _, tc := range []struct {
		remaining time.Duration
		frames    int
		want      int // frames
		first     int // seconds shown first
	}{
		{sample, 60, 60, 183845},
		{5 * time.Second, 60, 6, 5},
		{5*time.Second + 900*time.Millisecond, 60, 6, 5},
		{59 * time.Second, 60, 60, 59},
		{time.Second, 60, 2, 1},
		{0, 60, 1, 0},
		{-time.Hour, 60, 1, 0},
		{sample, 1, 1, 183845},
		{sample, 0, 1, 183845},
		{sample, -5, 1, 183845},
		{sample, 100000, MaxFrames, 183845},
		{5000 * 24 * time.Hour, 3, 3, maxShown},
	} {
		t.Run(fmt.Sprintf("%v/%d", tc.remaining, tc.frames), func(t *testing.T) {
			b := r.Countdown(Style{}, tc.remaining, tc.frames)
			g := decode(t, b)
			if len(g.Image) != tc.want {
				t.Fatalf("%d frames, want %d", len(g.Image), tc.want)
			}
			if g.Config.Width != DefaultWidth || g.Config.Height != DefaultHeight {
				t.Fatalf("size %dx%d", g.Config.Width, g.Config.Height)
			}
			if g.LoopCount != -1 {
				t.Fatalf("loop count %d: want no NETSCAPE extension (play once)", g.LoopCount)
			}
			for i, d := range g.Delay {
				if d != 100 || g.Disposal[i] != gif.DisposalNone {
					t.Fatalf("frame %d: delay %d, disposal %d", i, d, g.Disposal[i])
				}
			}
			e := r.style(Style{})
			canvas := composite(g)
			for _, i := range []int{0, len(canvas) - 1} {
				if !bytes.Equal(canvas[i].Pix, e.frame(tc.first-i).Pix) {
					t.Fatalf("frame %d does not show %d s", i, tc.first-i)
				}
			}
		})
	}
}

// TestSplicing plays assembled GIFs across every kind of boundary (tens of
// seconds, minutes, hours, days, 100 days → 99, zero) and compares each
// frame with the same time drawn directly and with the first frame of a
// GIF that starts at that time.
func TestSplicing(t *testing.T) {
	r := NewRenderer(0)
	for _, s := range []Style{ruStyle, dark} {
		e := r.style(s)
		for _, secs := range []int{30, 75, 3630, 86430, 100*86400 + 20, 10*86400 + 3600 + 5} {
			g := decode(t, r.Countdown(s, time.Duration(secs)*time.Second, 60))
			for i, c := range composite(g) {
				if !samePalette(g.Image[i].Palette, e.palette) {
					t.Fatalf("frame %d: palette differs", i)
				}
				if !bytes.Equal(c.Pix, e.frame(secs-i).Pix) {
					t.Fatalf("%d s, frame %d: differs from the frame drawn directly", secs, i)
				}
				if i%7 == 0 {
					one := decode(t, r.Countdown(s, time.Duration(secs-i)*time.Second, 1))
					if !bytes.Equal(one.Image[0].Pix, c.Pix) {
						t.Fatalf("%d s, frame %d: differs from a GIF starting there", secs, i)
					}
				}
			}
		}
	}
}

func samePalette(a, b color.Palette) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		r1, g1, b1, _ := a[i].RGBA()
		r2, g2, b2, _ := b[i].RGBA()
		if r1 != r2 || g1 != g2 || b1 != b2 {
			return false
		}
	}
	return true
}

func TestLaterFramesCoverOnlyWhatChanged(t *testing.T) {
	r := NewRenderer(0)
	b := r.Countdown(ruStyle, sample, 60)
	g := decode(t, b)
	e := r.style(ruStyle)
	seconds := e.layout(183845).tiles[3]
	full := image.Rect(0, 0, e.style.Width, e.style.Height)
	if g.Image[0].Rect != full {
		t.Fatalf("first frame %v, want the whole image", g.Image[0].Rect)
	}
	canvas := composite(g)
	if bytes.Equal(canvas[0].Pix, canvas[1].Pix) {
		t.Fatal("frames 0 and 1 are equal")
	}
	if d := diffRect(canvas[0], canvas[1], canvas[0].Rect); !d.In(seconds) {
		t.Fatalf("frames 0 and 1 differ in %v, outside the seconds %v", d, seconds)
	}
	// 03:04:05 → 03:04:04 … the ones digit of the seconds only.
	if !g.Image[1].Rect.In(seconds) || g.Image[1].Rect.Dx() > seconds.Dx()/2 {
		t.Fatalf("frame 1 covers %v; seconds tile %v", g.Image[1].Rect, seconds)
	}
	// At 03:04:00 → 03:03:59 (frame 6) minutes and seconds change.
	if got := g.Image[6].Rect; got.Min.X >= seconds.Min.X || !got.In(full) {
		t.Fatalf("frame 6 covers %v", got)
	}
	if len(b) > 40_000 {
		t.Fatalf("a 60-frame GIF is %d bytes", len(b))
	}
	t.Logf("60 frames: %d bytes; first frame %d px, frame 1 %v", len(b), full.Dx()*full.Dy(), g.Image[1].Rect)
}

func TestPaletteAndConfig(t *testing.T) {
	r := NewRenderer(0)
	for _, s := range []Style{{}, dark, {Background: color.RGBA{10, 20, 30, 7}}} {
		n := s.normalized()
		b := r.Countdown(s, sample, 3)
		cfg, err := gif.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != n.Width || cfg.Height != n.Height {
			t.Fatalf("config %dx%d, want %dx%d", cfg.Width, cfg.Height, n.Width, n.Height)
		}
		p := cfg.ColorModel.(color.Palette)
		if len(p) != paletteSize {
			t.Fatalf("%d colours", len(p))
		}
		want := []color.RGBA{n.Background, n.Foreground, n.Accent}
		for i, idx := range []int{0, fgLevels, paletteSize - 1} {
			if got := color.RGBAModel.Convert(p[idx]); got != want[i] {
				t.Fatalf("palette[%d] = %v, want %v", idx, got, want[i])
			}
		}
		// The background is what most pixels are, and the screen's
		// background index.
		g := decode(t, b)
		if g.BackgroundIndex != 0 || g.Image[0].Pix[0] != 0 {
			t.Fatalf("background index %d, corner pixel %d", g.BackgroundIndex, g.Image[0].Pix[0])
		}
	}
}

func TestEnded(t *testing.T) {
	r := NewRenderer(0)
	for _, text := range []string{"Пропозиція завершена", "Предложение завершено", "",
		"Акція завершилась, але ми вже готуємо наступну — слідкуйте за листами, щоб не пропустити"} {
		b := r.Ended(dark, text)
		g := decode(t, b)
		if len(g.Image) != 1 || g.Image[0].Rect != image.Rect(0, 0, 600, 150) {
			t.Fatalf("%q: %d frames, %v", text, len(g.Image), g.Image[0].Rect)
		}
		ink := 0
		for _, c := range g.Image[0].Pix {
			if c != 0 {
				ink++
			}
		}
		if (ink == 0) != (text == "") {
			t.Fatalf("%q: %d pixels of ink", text, ink)
		}
		assertMargins(t, g.Image[0], text)
		b[0] = 'X' // the result is the caller's: this must not reach the cache
		if !bytes.Equal(r.Ended(dark, text)[:6], []byte("GIF89a")) {
			t.Fatal("Ended returned cached bytes")
		}
	}
}

// assertMargins checks that nothing was drawn in a 2-pixel frame round
// the image: no text or tile is cut off at an edge.
func assertMargins(t *testing.T, pm *image.Paletted, what string) {
	t.Helper()
	b := pm.Rect
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if (x-b.Min.X < 2 || b.Max.X-x <= 2 || y-b.Min.Y < 2 || b.Max.Y-y <= 2) && pm.ColorIndexAt(x, y) != 0 {
				t.Fatalf("%s: ink at the edge (%d, %d) of %v", what, x, y, b)
			}
		}
	}
}

func TestLayoutFitsEverySize(t *testing.T) {
	r := NewRenderer(0)
	long := [4]string{"дней-дней-дней", "часов", "минут", "секундочек"}
	for _, size := range [][2]int{{0, 0}, {MinWidth, MinHeight}, {MaxWidth, MaxHeight}, {MaxWidth, MinHeight}, {MinWidth, MaxHeight}, {1, 1}, {9999, 9999}, {600, 200}} {
		for _, title := range []string{"", "До конца распродажи осталось совсем немного времени, поторопитесь и купите всё"} {
			for _, labels := range [][4]string{DefaultLabels("uk"), long, {" ", " ", " ", " "}} {
				s := Style{Width: size[0], Height: size[1], Title: title, Labels: labels}
				for _, secs := range []int{183845, 100*86400 + 3600 + 61, maxShown} {
					g := decode(t, r.Countdown(s, time.Duration(secs)*time.Second, 1))
					assertMargins(t, g.Image[0], fmt.Sprintf("%v %q %v", size, title, labels))
				}
			}
		}
	}
}

func TestZeroIsPlain(t *testing.T) {
	m := digitMask(100, 0, 0)
	w, h := m.r.Dx(), m.r.Dy()
	// Where a slashed zero has its slash, the middle of the counter, a
	// plain one is empty.
	for _, p := range []image.Point{{w / 2, h / 2}, {w/2 - w/10, h/2 + h/10}, {w/2 + w/10, h/2 - h/10}} {
		if a := m.pix[p.Y*w+p.X]; a != 0 {
			t.Fatalf("zero has ink %d at %v of %dx%d", a, p, w, h)
		}
	}
	// …and the rings are there: left, right, top and bottom strokes.
	for _, p := range []image.Point{{w / 12, h / 2}, {w - 1 - w/12, h / 2}, {w / 2, h / 30}, {w / 2, h - 1 - h/30}} {
		if a := m.pix[p.Y*w+p.X]; a < 200 {
			t.Fatalf("zero stroke missing at %v: %d", p, a)
		}
	}
}

func TestStyleKey(t *testing.T) {
	zero := Style{}.normalized()
	explicit := Style{
		Background: defaultBackground, Foreground: defaultForeground, Accent: defaultAccent,
		Width: DefaultWidth, Height: DefaultHeight, Labels: DefaultLabels("en"),
	}.normalized()
	if zero.key("") != explicit.key("") {
		t.Fatal("the zero style and the defaults spelled out differ")
	}
	half := defaultAccent
	half.A = 0x80
	if (Style{Accent: half}).normalized().key("") != zero.key("") {
		t.Fatal("alpha is not ignored")
	}
	seen := map[key]string{}
	for name, s := range map[string]Style{
		"zero":    zero,
		"title":   {Title: "a"},
		"title2":  {Title: "b"},
		"labels":  {Labels: [4]string{"a", "b", "c", "d"}},
		"labels2": {Labels: [4]string{"ab", "", "c", "d"}},
		"labels3": {Labels: [4]string{"a", "bc", "", "d"}},
		"width":   {Width: 500},
		"bg":      {Background: color.RGBA{1, 1, 1, 255}},
		"fg":      {Foreground: color.RGBA{1, 1, 1, 255}},
	} {
		k := s.normalized().key("")
		if other, dup := seen[k]; dup {
			t.Fatalf("%s and %s share a key", name, other)
		}
		seen[k] = name
	}
	if zero.key("x") == zero.key("") {
		t.Fatal("extra text is not in the key")
	}
}

// TestDeterministicAndConcurrent renders from many goroutines through one
// small (evicting) cache, then checks every result against a fresh
// renderer used by one goroutine.
func TestDeterministicAndConcurrent(t *testing.T) {
	styles := []Style{{}, ruStyle, dark}
	shared := NewRenderer(500)
	type result struct {
		s   Style
		rem time.Duration
		gif []byte
	}
	results := make([][]result, 8)
	var wg sync.WaitGroup
	for w := range results {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			for range 12 {
				// Mostly overlapping windows, some far apart.
				s := styles[rng.IntN(len(styles))]
				rem := time.Duration(86400+rng.IntN(120)) * time.Second
				if rng.IntN(4) == 0 {
					rem = time.Duration(rng.IntN(3*86400)) * time.Second
				}
				results[w] = append(results[w], result{s, rem, shared.Countdown(s, rem, 30)})
				if e := shared.Ended(s, "Конец"); len(e) == 0 {
					t.Error("empty Ended")
				}
			}
		})
	}
	wg.Wait()
	if n := shared.CachedFrames(); n > 500 {
		t.Fatalf("%d frames cached, bound 500", n)
	}
	ref := NewRenderer(0)
	for _, rs := range results {
		for _, res := range rs {
			if !bytes.Equal(res.gif, ref.Countdown(res.s, res.rem, 30)) {
				t.Fatalf("%v: output under concurrency differs", res.rem)
			}
			decode(t, res.gif)
		}
	}
}

func TestCacheBound(t *testing.T) {
	r := NewRenderer(50)
	for i := range 20 {
		r.Countdown(Style{}, time.Duration(i*1000)*time.Second, 60)
		if n := r.CachedFrames(); n > 50 {
			t.Fatalf("%d frames cached, bound 50", n)
		}
	}
	// Changed-digits frames are kept in chunks, so the cache fills to
	// within a chunk of the bound.
	if n := r.CachedFrames(); n <= 50-chunkLen {
		t.Fatalf("%d frames cached, want a full cache of 50", n)
	}
}

// TestChangedCoversTheDifference: the rectangle a changed-digits frame
// covers holds every pixel in which two consecutive frames differ, and
// not much more.
func TestChangedCoversTheDifference(t *testing.T) {
	e := NewRenderer(0).style(ruStyle)
	prev := e.frame(90000)
	for secs := 89999; secs > 89999-700; secs-- {
		cur := e.frame(secs)
		l := e.layout(secs)
		exact, got := diffRect(cur, prev, cur.Rect), l.changed(secs, secs+1)
		if !exact.In(got) || !got.In(l.band) {
			t.Fatalf("%d s: changed %v, differences %v, band %v", secs, got, exact, l.band)
		}
		if got.Dx()*got.Dy() > 2*exact.Dx()*exact.Dy() {
			t.Fatalf("%d s: changed %v is much more than the differences %v", secs, got, exact)
		}
		prev = cur
	}
}
