package emailgif

import (
	"image"
	"image/color"
	"math"
	"strings"

	"golang.org/x/image/font"
)

// Proportions of the design as fractions of the image height; all sizes
// shrink together when the row would be too wide or too tall. Tuned by
// eye on the sample images that the visual test writes.
const (
	titleSize       = 0.15 // title font size with a title
	digitSizeTitled = 0.40
	labelSizeTitled = 0.115
	digitSize       = 0.50 // without a title
	labelSize       = 0.14
	endedSize       = 0.26 // Ended's text
	padXFrac        = 0.04 // of the width: margin left and right
	padYFrac        = 0.08 // of the height: margin top and bottom
)

// buildLayout lays out style s (normalized) with dayDigits digits in the
// days group and draws its static parts onto a background in palette pal.
func buildLayout(s Style, pal color.Palette, dayDigits int) *layout {
	W, H := float64(s.Width), float64(s.Height)
	padX, padY := math.Max(4, padXFrac*W), math.Max(3, padYFrac*H)
	availW, availH := W-2*padX, H-2*padY

	hasLabels := s.Labels != [4]string{}
	pDigit, pLabel, pTitle := digitSize, labelSize, 0.0
	if s.Title != "" {
		pDigit, pLabel, pTitle = digitSizeTitled, labelSizeTitled, titleSize
	}

	var g geometry
	scale := 1.0
	for range 8 {
		g = measure(s, dayDigits, pDigit*H*scale, pLabel*H*scale, pTitle*H*scale, availW, hasLabels)
		ratio := math.Min(availW/g.rowW, availH/g.height)
		if ratio >= 1 {
			break
		}
		// Hinting-free metrics scale almost linearly; the small extra
		// step makes up for the rounding to whole pixels.
		scale *= ratio * 0.98
	}
	return g.draw(s, pal, W, H)
}

// geometry is a measured layout before it is placed on the canvas.
type geometry struct {
	dayDigits int
	faces     struct{ digit, label, title font.Face }
	title     string

	digitPx          float64
	cellW            int // width of one digit cell
	digitTop, digitB float64
	digitH           int
	tilePadX         int
	tilePadY         int
	tileW            [4]int
	tileH            int
	slotW            [4]int
	labelW           [4]float64
	sepW             int
	labelTop, labelB float64
	gapL, gapT       int
	titleTop, titleB float64

	rowW, height float64
}

func measure(s Style, dayDigits int, digitPx, labelPx, titlePx, availW float64, hasLabels bool) geometry {
	f := fonts()
	var g geometry
	g.dayDigits = dayDigits
	g.digitPx = digitPx
	g.faces.digit = newFace(f.bold, digitPx)
	g.faces.label = newFace(f.regular, labelPx)

	for r := '0'; r <= '9'; r++ {
		adv, _ := g.faces.digit.GlyphAdvance(r)
		g.cellW = max(g.cellW, adv.Ceil())
	}
	g.digitTop, g.digitB = ink(g.faces.digit, "0123456789")
	g.digitH = int(math.Ceil(g.digitB - g.digitTop))
	g.tilePadX = int(math.Round(0.28 * float64(g.cellW)))
	g.tilePadY = int(math.Round(0.26 * float64(g.digitH)))
	g.tileH = g.digitH + 2*g.tilePadY

	cl, cr := inkX(g.faces.digit, ":")
	g.sepW = int(math.Ceil(cr-cl)) + 2*int(math.Round(0.3*float64(g.cellW)))

	g.rowW = float64(3 * g.sepW)
	for i := range 4 {
		n := 2
		if i == 0 {
			n = dayDigits
		}
		g.tileW[i] = n*g.cellW + 2*g.tilePadX
		g.slotW[i] = g.tileW[i]
		if s.Labels[i] != "" {
			g.labelW[i] = textWidth(g.faces.label, s.Labels[i])
			g.slotW[i] = max(g.slotW[i], int(math.Ceil(g.labelW[i]+0.3*float64(g.cellW))))
		}
		g.rowW += float64(g.slotW[i])
	}
	g.height = float64(g.tileH)
	if hasLabels {
		g.labelTop, g.labelB = 0, 0
		for _, l := range s.Labels {
			if l == "" {
				continue
			}
			t, b := ink(g.faces.label, l)
			g.labelTop, g.labelB = math.Min(g.labelTop, t), math.Max(g.labelB, b)
		}
		g.gapL = int(math.Round(0.16 * float64(g.digitH)))
		g.height += float64(g.gapL) + g.labelB - g.labelTop
	}

	if s.Title != "" {
		// The title never drives the digits' size: it shrinks on its own
		// to fit the width, down to 70% of its size, then is cut with "…".
		g.faces.title = newFace(f.bold, titlePx)
		if w := textWidth(g.faces.title, s.Title); w > availW {
			g.faces.title = newFace(f.bold, math.Max(titlePx*availW/w*0.99, titlePx*0.7))
		}
		g.title = ellipsize(g.faces.title, s.Title, availW)
		g.titleTop, g.titleB = ink(g.faces.title, g.title)
		g.gapT = int(math.Round(0.22 * float64(g.digitH)))
		g.height += g.titleB - g.titleTop + float64(g.gapT)
	}
	return g
}

// draw places g on a W×H canvas: the block is centred both ways.
func (g *geometry) draw(s Style, pal color.Palette, W, H float64) *layout {
	l := &layout{base: image.NewPaletted(image.Rect(0, 0, int(W), int(H)), pal)}
	// The zero index is the background: a new Paletted is already filled.

	y := math.Round((H - g.height) / 2)
	if g.title != "" {
		base := y - g.titleTop
		drawText(l.base, g.faces.title, g.title, (W-textWidth(g.faces.title, g.title))/2, base, accentIndex)
		y = math.Round(base + g.titleB + float64(g.gapT))
	}
	tileY := int(y)
	baseline := tileY + g.tilePadY + int(math.Round(-g.digitTop))
	labelBase := float64(tileY+g.tileH+g.gapL) - g.labelTop
	digitMid := float64(baseline) + (g.digitTop+g.digitB)/2
	cTop, cB := ink(g.faces.digit, ":")
	cl, cr := inkX(g.faces.digit, ":")

	muted := func(a uint8) uint8 { return fgIndex(a, 10, 0) } // labels: 10/16 of the foreground
	tile := func(a uint8) uint8 { return fgIndex(a, tileLevel, 0) }

	x := int(math.Round((W - g.rowW) / 2))
	for i := range 4 {
		tileX := x + (g.slotW[i]-g.tileW[i])/2
		l.tiles[i] = image.Rect(tileX, tileY, tileX+g.tileW[i], tileY+g.tileH)
		roundedRect(l.base, l.tiles[i], float32(0.16*float64(g.tileH)), tile)
		n := 2
		if i == 0 {
			n = g.dayDigits
		}
		for j := range n {
			l.cells[i] = append(l.cells[i], image.Pt(tileX+g.tilePadX+j*g.cellW, baseline))
		}
		if s.Labels[i] != "" {
			drawText(l.base, g.faces.label, s.Labels[i], float64(x)+(float64(g.slotW[i])-g.labelW[i])/2, labelBase, muted)
		}
		x += g.slotW[i]
		if i < 3 {
			// The colon is centred on the digits' ink, not on the font's
			// baseline, where it would sit low.
			cx := float64(x) + float64(g.sepW)/2 - (cl+cr)/2
			drawText(l.base, g.faces.digit, ":", math.Round(cx), math.Round(digitMid-(cTop+cB)/2), accentIndex)
			x += g.sepW
		}
	}

	// Digits are drawn at whole-pixel dots, so one mask per digit serves
	// every cell. Each is centred in the cell (the Go fonts' figures are
	// tabular, so this is a no-op there, but keeps any font steady).
	for d := range 10 {
		adv, _ := g.faces.digit.GlyphAdvance(rune('0' + d))
		l.digits[d] = digitMask(g.digitPx, d, (g.cellW-adv.Round())/2)
		for _, cells := range l.cells {
			for _, c := range cells {
				l.band = l.band.Union(l.digits[d].r.Add(c))
			}
		}
	}
	l.band = image.Rect(0, l.band.Min.Y, l.base.Rect.Dx(), l.band.Max.Y).Intersect(l.base.Rect)
	return l
}

// render draws the frame that shows secs (0 ≤ secs ≤ maxShown) into pm,
// which has the base image's bounds and palette; only within clip, which
// the caller then reads (frames of one layout differ only in l.band).
func (l *layout) render(pm *image.Paletted, secs int, clip image.Rectangle) {
	clip = clip.Intersect(pm.Rect)
	if clip.Min.X == 0 && clip.Max.X == pm.Rect.Max.X {
		i, j := pm.PixOffset(0, clip.Min.Y), pm.PixOffset(0, clip.Max.Y)
		copy(pm.Pix[i:j], l.base.Pix[i:j])
	} else {
		for y := clip.Min.Y; y < clip.Max.Y; y++ {
			i, j := pm.PixOffset(clip.Min.X, y), pm.PixOffset(clip.Max.X, y)
			copy(pm.Pix[i:j], l.base.Pix[i:j])
		}
	}
	digits := l.digitsOf(secs)
	for i, cells := range l.cells {
		for j, c := range cells {
			m := &l.digits[digits[i][j]]
			r := m.r.Add(c).Intersect(clip)
			for y := r.Min.Y; y < r.Max.Y; y++ {
				mi := (y-c.Y-m.r.Min.Y)*m.r.Dx() + r.Min.X - c.X - m.r.Min.X
				pi := pm.PixOffset(r.Min.X, y)
				for x := r.Min.X; x < r.Max.X; x, mi, pi = x+1, mi+1, pi+1 {
					if v := digitShade[m.pix[mi]]; v > pm.Pix[pi] {
						pm.Pix[pi] = v
					}
				}
			}
		}
	}
}

// digitShade maps a digit's coverage to its palette index: the
// foreground over a tile.
var digitShade = func() (t [256]uint8) {
	for a := range t {
		t[a] = fgIndex(uint8(a), fgLevels, tileLevel)
	}
	t[0] = 0 // no ink: leave the pixel (the max with it keeps it)
	return t
}()

// digitsOf splits secs into the digits of each cell, most significant
// first.
func (l *layout) digitsOf(secs int) (d [4][3]int) {
	vals := [4]int{secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60}
	for i, cells := range l.cells {
		v := vals[i]
		for j := len(cells) - 1; j >= 0; j-- {
			d[i][j] = v % 10
			v /= 10
		}
	}
	return d
}

// changed is the rectangle outside which the frames showing a and b are
// equal: the ink boxes, old and new, of the cells whose digit differs.
func (l *layout) changed(a, b int) image.Rectangle {
	da, db := l.digitsOf(a), l.digitsOf(b)
	var r image.Rectangle
	for i, cells := range l.cells {
		for j, c := range cells {
			if da[i][j] != db[i][j] {
				r = r.Union(l.digits[da[i][j]].r.Add(c)).Union(l.digits[db[i][j]].r.Add(c))
			}
		}
	}
	return r
}

// endedImage draws text centred, bold, in the foreground colour: on one
// line if it fits at a readable size, else on two lines split at the
// space nearest the middle, else cut with "…".
func endedImage(s Style, pal color.Palette, text string) *image.Paletted {
	W, H := float64(s.Width), float64(s.Height)
	pm := image.NewPaletted(image.Rect(0, 0, s.Width, s.Height), pal)
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return pm
	}
	availW := W - 2*math.Max(4, padXFrac*W)
	availH := H - 2*math.Max(3, padYFrac*H)
	bold := fonts().bold
	size := endedSize * H
	lines := []string{text}
	face := newFace(bold, size)
	if w := textWidth(face, text); w > availW {
		fit := size * availW / w * 0.99
		if i := splitNearMiddle(text); fit < size*0.75 && i > 0 {
			lines = []string{text[:i], text[i+1:]}
			w = math.Max(textWidth(face, lines[0]), textWidth(face, lines[1]))
			fit = math.Min(size, size*availW/w*0.99)
			fit = math.Min(fit, availH/2/1.25) // two lines must fit the height
		}
		size = math.Max(fit, math.Min(size, 9))
		face = newFace(bold, size)
		for i := range lines {
			lines[i] = ellipsize(face, lines[i], availW)
		}
	}
	m := face.Metrics()
	lineH := float64(m.Ascent+m.Descent) / 64
	// Centre on the ink of the whole block: from the first line's top to
	// the last line's bottom.
	top, _ := ink(face, lines[0])
	_, bottom := ink(face, lines[len(lines)-1])
	blockH := float64(len(lines)-1)*lineH + bottom - top
	base := math.Round((H-blockH)/2 - top)
	for i, ln := range lines {
		drawText(pm, face, ln, (W-textWidth(face, ln))/2, base+float64(i)*lineH, func(a uint8) uint8 { return fgIndex(a, fgLevels, 0) })
	}
	return pm
}

func splitNearMiddle(s string) int {
	best := -1
	for i := range len(s) {
		if s[i] == ' ' && (best < 0 || abs(i-len(s)/2) < abs(best-len(s)/2)) {
			best = i
		}
	}
	return best
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
