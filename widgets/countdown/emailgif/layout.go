package emailgif

import (
	"image"
	"math"
	"slices"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The Go fonts: humanist sans-serif faces with WGL4 coverage,
// which includes the Cyrillic of Russian and Ukrainian (і ї є ґ).
// A parsed *opentype.Font is safe for concurrent use; faces are not, so
// each layout makes its own.
var fonts = sync.OnceValue(func() (f struct{ bold, regular *opentype.Font }) {
	var err error
	if f.bold, err = opentype.Parse(gobold.TTF); err != nil {
		panic("emailgif: parse Go Bold: " + err.Error())
	}
	if f.regular, err = opentype.Parse(goregular.TTF); err != nil {
		panic("emailgif: parse Go Regular: " + err.Error())
	}
	return f
})

func newFace(f *opentype.Font, px float64) font.Face {
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic("emailgif: new face: " + err.Error()) // only for sizes ≤ 0, which we never ask for
	}
	return face
}

// digitMask rasterises digit d of Go Bold at px pixels per em, its dot
// at (dx, 0). The Go fonts' zero is slashed, which reads as code rather
// than as a clock; we draw it plain (see plainZero).
func digitMask(px float64, d, dx int) mask {
	f := fonts().bold
	var buf sfnt.Buffer
	x, err := f.GlyphIndex(&buf, rune('0'+d))
	if err != nil || x == 0 {
		return mask{}
	}
	segs, err := f.LoadGlyph(&buf, x, fixed.Int26_6(math.Round(px*64)), nil)
	if err != nil {
		return mask{}
	}
	if d == 0 {
		segs = plainZero(segs)
	}
	// As opentype.Face.Glyph does: whole-pixel bounds, then the outline
	// shifted into them.
	b := segs.Bounds()
	dr := image.Rect(b.Min.X.Floor(), b.Min.Y.Floor(), b.Max.X.Ceil(), b.Max.Y.Ceil())
	z := vector.NewRasterizer(dr.Dx(), dr.Dy())
	pt := func(p fixed.Point26_6) (float32, float32) {
		return float32(p.X)/64 - float32(dr.Min.X), float32(p.Y)/64 - float32(dr.Min.Y)
	}
	for _, s := range segs {
		a0x, a0y := pt(s.Args[0])
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			z.MoveTo(a0x, a0y)
		case sfnt.SegmentOpLineTo:
			z.LineTo(a0x, a0y)
		case sfnt.SegmentOpQuadTo:
			a1x, a1y := pt(s.Args[1])
			z.QuadTo(a0x, a0y, a1x, a1y)
		case sfnt.SegmentOpCubeTo:
			a1x, a1y := pt(s.Args[1])
			a2x, a2y := pt(s.Args[2])
			z.CubeTo(a0x, a0y, a1x, a1y, a2x, a2y)
		}
	}
	a := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
	z.Draw(a, a.Rect, image.Opaque, image.Point{})
	return mask{r: dr.Add(image.Pt(dx, 0)), pix: a.Pix}
}

// plainZero replaces a slashed zero's counter, which the slash cuts in
// two contours, by one whole counter: the outer contour mirrored (which
// reverses its winding, so it cuts a hole) and scaled into the box of the
// two halves. The strokes keep the font's widths; the result looks like
// the font's O narrowed to a figure. A zero with any other number of
// contours is returned as is.
func plainZero(segs sfnt.Segments) sfnt.Segments {
	var contours []sfnt.Segments
	for i, s := range segs {
		if s.Op == sfnt.SegmentOpMoveTo || i == 0 {
			contours = append(contours, nil)
		}
		contours[len(contours)-1] = append(contours[len(contours)-1], s)
	}
	if len(contours) != 3 {
		return segs
	}
	outer := 0
	area := func(r fixed.Rectangle26_6) int64 {
		return int64(r.Max.X-r.Min.X) * int64(r.Max.Y-r.Min.Y)
	}
	for i, c := range contours {
		if area(c.Bounds()) > area(contours[outer].Bounds()) {
			outer = i
		}
	}
	var inner fixed.Rectangle26_6
	first := true
	for i, c := range contours {
		if i == outer {
			continue
		}
		if first {
			inner, first = c.Bounds(), false
		} else {
			inner = inner.Union(c.Bounds())
		}
	}
	ob := contours[outer].Bounds()
	sx := float64(inner.Max.X-inner.Min.X) / float64(ob.Max.X-ob.Min.X)
	sy := float64(inner.Max.Y-inner.Min.Y) / float64(ob.Max.Y-ob.Min.Y)
	ocx, ocy := float64(ob.Min.X+ob.Max.X)/2, float64(ob.Min.Y+ob.Max.Y)/2
	icx, icy := float64(inner.Min.X+inner.Max.X)/2, float64(inner.Min.Y+inner.Max.Y)/2
	out := slices.Clone(contours[outer])
	for _, s := range contours[outer] {
		n := 1
		switch s.Op {
		case sfnt.SegmentOpQuadTo:
			n = 2
		case sfnt.SegmentOpCubeTo:
			n = 3
		}
		for j := range n {
			p := &s.Args[j]
			p.X = fixed.Int26_6(math.Round(icx - (float64(p.X)-ocx)*sx))
			p.Y = fixed.Int26_6(math.Round(icy + (float64(p.Y)-ocy)*sy))
		}
		out = append(out, s)
	}
	return out
}

// mask is a glyph's coverage, positioned relative to an integer dot.
type mask struct {
	r   image.Rectangle // relative to the dot
	pix []uint8         // r.Dx() per row
}

// layout is the geometry and the static parts of a timer image for one
// style and one number of day digits (2, or 3 from 100 days on).
// It is immutable once built, so frames render concurrently from it.
type layout struct {
	base   *image.Paletted  // background, title, tiles, colons, labels
	cells  [4][]image.Point // per group, the dot of each digit cell
	digits [10]mask         // bold digits, centred in a cell at dot (0, 0)
	tiles  [4]image.Rectangle
	band   image.Rectangle // full-width rows that digits touch
}

// textWidth is the advance width of str in face, in pixels.
func textWidth(face font.Face, str string) float64 {
	return fixedF(font.MeasureString(face, str))
}

func fixedF(v fixed.Int26_6) float64 { return float64(v) / 64 }

// ink returns the vertical ink extent of str relative to its baseline:
// top is negative (above), bottom positive (below, for descenders).
func ink(face font.Face, str string) (top, bottom float64) {
	b, _ := font.BoundString(face, str)
	return fixedF(b.Min.Y), fixedF(b.Max.Y)
}

// inkX returns the horizontal ink extent of str relative to its dot.
func inkX(face font.Face, str string) (left, right float64) {
	b, _ := font.BoundString(face, str)
	return fixedF(b.Min.X), fixedF(b.Max.X)
}

// drawText draws str with its dot at (x, y) (subpixel) into pm, mapping
// each pixel's coverage to a palette index with shade. Where glyphs
// overlap the larger index wins; callers only draw on the background or
// on their own ramp, where a larger index means more ink.
func drawText(pm *image.Paletted, face font.Face, str string, x, y float64, shade func(a uint8) uint8) {
	dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(y * 64))}
	prev := rune(-1)
	for _, r := range str {
		if prev >= 0 {
			dot.X += face.Kern(prev, r)
		}
		dr, m, mp, adv, ok := face.Glyph(dot, r)
		if ok {
			blitMask(pm, dr, m.(*image.Alpha), mp, shade)
		}
		dot.X += adv
		prev = r
	}
}

func blitMask(pm *image.Paletted, dr image.Rectangle, m *image.Alpha, mp image.Point, shade func(a uint8) uint8) {
	clip := dr.Intersect(pm.Rect)
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		mi := m.PixOffset(mp.X+clip.Min.X-dr.Min.X, mp.Y+y-dr.Min.Y)
		pi := pm.PixOffset(clip.Min.X, y)
		for x := clip.Min.X; x < clip.Max.X; x, mi, pi = x+1, mi+1, pi+1 {
			if a := m.Pix[mi]; a != 0 {
				if c := shade(a); c > pm.Pix[pi] {
					pm.Pix[pi] = c
				}
			}
		}
	}
}

// ellipsize shortens str with "…" until it fits width in face.
func ellipsize(face font.Face, str string, width float64) string {
	if textWidth(face, str) <= width {
		return str
	}
	rs := []rune(str)
	for len(rs) > 0 {
		rs = rs[:len(rs)-1]
		t := strings.TrimSpace(string(rs)) + "…"
		if textWidth(face, t) <= width {
			return t
		}
	}
	return ""
}

// roundedRect rasterises a rounded rectangle (antialiased) into pm with
// the palette index shade(coverage).
func roundedRect(pm *image.Paletted, r image.Rectangle, radius float32, shade func(a uint8) uint8) {
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return
	}
	radius = min(radius, float32(min(w, h))/2)
	z := vector.NewRasterizer(w, h)
	fw, fh := float32(w), float32(h)
	// Quadratic corners are close enough to circular at these sizes.
	z.MoveTo(radius, 0)
	z.LineTo(fw-radius, 0)
	z.QuadTo(fw, 0, fw, radius)
	z.LineTo(fw, fh-radius)
	z.QuadTo(fw, fh, fw-radius, fh)
	z.LineTo(radius, fh)
	z.QuadTo(0, fh, 0, fh-radius)
	z.LineTo(0, radius)
	z.QuadTo(0, 0, radius, 0)
	z.ClosePath()
	a := image.NewAlpha(image.Rect(0, 0, w, h))
	z.Draw(a, a.Rect, image.Opaque, image.Point{})
	blitMask(pm, r, a, image.Point{}, shade)
}
