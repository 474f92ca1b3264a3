// Package emailgif renders countdown timers as animated GIFs for e-mails.
//
// A newsletter carries <img src=".../timer.gif">; the mail client fetches
// it on every open, and the GIF shows the next minute of the countdown,
// one frame per second, then stays on its last frame.
//
// Serving hundreds of these a second on a small machine rules out drawing
// and LZW-compressing 60 frames per request. A frame depends only on the
// style and the number of seconds it shows, so each frame is encoded
// once and its bytes are cached; a response is spliced together from
// cached frames (see gif.go for the byte layout). Evergreen timers, where
// every recipient has their own deadline, share frames too: recipients
// whose windows overlap use the same frames.
//
// The first frame of a response is the whole image. Every later frame
// covers only the rectangle that changed since the one before (usually
// one or two digits of the seconds), drawn over it ("do not dispose").
// Frame i of a response always follows a frame showing one second more,
// so that rectangle, too, depends only on (style, seconds shown) and is
// cached the same way (in runs of ten seconds, see Renderer). A 60-frame
// response of the default 480×120 style is about 19 KB this way, against
// 300 KB with whole frames.
//
// Serving: Content-Type image/gif and Cache-Control: no-cache, no-store,
// must-revalidate (mail clients and image proxies must fetch it again on
// each open), and compute remaining from the request's time. Countdown
// costs a few microseconds when its frames are cached; a first frame not
// yet cached costs about 0.3 ms, and a style never seen before about
// 2.5 ms (layout and a minute of frames).
package emailgif

import (
	"encoding/binary"
	"image"
	"image/color"
	"slices"
	"sync"
	"time"
)

// MaxFrames caps the frames of one response (ten minutes).
const MaxFrames = 600

// maxShown is the longest time a timer shows, 999 days 23:59:59; longer
// remaining times count down from there.
const maxShown = 999*86400 + 86399

// DefaultCachedFrames is the frame cache size NewRenderer uses for 0:
// about 40 MB when full at 480×120, enough for an evergreen campaign
// whose recipients' remaining times span a day.
const DefaultCachedFrames = 100_000

// Renderer renders timer GIFs, caching encoded frames. It is safe for
// concurrent use; make one per process.
type Renderer struct {
	// Whole frames (a response's first; about 5 KB at 480×120) and
	// changed-digits frames (about 0.25 KB) are cached apart, 1/32 of the
	// bound for the former. A first frame is shared only by opens at the
	// same remaining second: under a fixed deadline, that is everyone
	// opening in the same second, so a few entries per timer do; under an
	// evergreen one, it is rare. The later frames are shared by every
	// recipient whose minute overlaps, and must not be pushed out by
	// one-off first frames (nor their memory by first frames' size).
	//
	// Changed-digits frames are cached in runs of chunkLen consecutive
	// seconds, each frame with its graphic control extension, so that a
	// 60-frame response is 7 cache look-ups and 7 copies rather than 60
	// of each (random look-ups in a big cache are cache misses in the
	// CPU's sense too, and were most of the cost of a response).
	fulls  *lru[frameKey, []byte]
	deltas *lru[frameKey, *chunk]
	styles *lru[key, *styleEntry]
}

type frameKind uint8

const (
	fullFrame  frameKind = iota // the whole image, for a response's first frame
	deltaChunk                  // changed-digits frames of chunkLen seconds
	endedGIF                    // a whole Ended file
)

// frameKey names a full frame (secs shown), a chunk (secs/chunkLen) or
// an Ended file (style is then the key of the style and the text).
type frameKey struct {
	style key
	secs  int32
	kind  frameKind
}

// chunkLen is the number of seconds in a cached run of changed-digits
// frames. Longer runs mean fewer look-ups per response but more frames
// drawn that a response may not need (up to 2·(chunkLen−1) per cold
// response).
const chunkLen = 10

// chunk holds, for the seconds n·chunkLen+chunkLen−1 down to n·chunkLen
// (the order they play in), each second's graphic control extension and
// changed-digits frame: what second t needs since t+1 was shown. Second
// n·chunkLen+chunkLen−1−i is b[off[i]:off[i+1]].
type chunk struct {
	b   []byte
	off [chunkLen + 1]int32
}

// NewRenderer returns a Renderer that caches at most maxCachedFrames
// encoded frames (DefaultCachedFrames if maxCachedFrames ≤ 0), about
// 0.4 KB a frame on average at 480×120. What matters is the later
// frames, one per second of the range of remaining times being opened:
// a fixed-deadline campaign needs a few hundred; an evergreen one as many
// as the seconds between its earliest and latest recipient's deadline
// (86,400 for deadlines spread over a day). With fewer, most opens draw
// some of their frames again (about 0.15 ms per 10 s of frames).
func NewRenderer(maxCachedFrames int) *Renderer {
	if maxCachedFrames <= 0 {
		maxCachedFrames = DefaultCachedFrames
	}
	hash := func(k frameKey) uint64 {
		return binary.LittleEndian.Uint64(k.style[:8]) ^ uint64(k.secs)<<8 ^ uint64(k.kind)
	}
	fulls := max(maxCachedFrames/32, 1)
	// Styles hold their layouts (about two bytes per pixel), so keep a few
	// hundred at most; a style that falls out only costs a re-layout, its
	// frames stay cached under its key.
	nStyles := min(max(maxCachedFrames/256, 16), 512)
	return &Renderer{
		fulls:  newLRU[frameKey, []byte](fulls, hash, nil),
		deltas: newLRU(max(maxCachedFrames-fulls, 0), hash, func(*chunk) int { return chunkLen }),
		styles: newLRU[key, *styleEntry](nStyles, func(k key) uint64 {
			return binary.LittleEndian.Uint64(k[:8])
		}, nil),
	}
}

// CachedFrames is the number of encoded frames held (for metrics).
func (r *Renderer) CachedFrames() int { return r.fulls.size() + r.deltas.size() }

// Countdown returns an animated GIF of the countdown from remaining: frame
// i shows remaining−i seconds (remaining is truncated to whole seconds,
// as a ticking clock shows it) as DD : HH : MM : SS with the labels under
// the groups, one second per frame, played once. It has frames frames
// (clamped to 1..MaxFrames), fewer if the countdown reaches zero first:
// the last frame then shows 00 : 00 : 00 : 00, so remaining 5s gives 6
// frames (5, 4, 3, 2, 1, 0) and remaining ≤ 0 a single frame of zeros.
// Days show with 2 digits, 3 from 100 days; beyond 999 days the timer
// counts down from 999 days 23:59:59. The result is the caller's.
func (r *Renderer) Countdown(s Style, remaining time.Duration, frames int) []byte {
	e := r.style(s)
	secs := int(min(max(remaining/time.Second, 0), maxShown))
	n := min(max(frames, 1), MaxFrames, secs+1)

	k := frameKey{e.key, int32(secs), fullFrame}
	first := r.fulls.get(k, func() []byte { return e.encode(k) })
	size := len(e.header) + gceLen + len(first) + 1

	// The later frames show hi down to lo, taken from the chunks that hold
	// them: parts of the first and last, the middle ones whole.
	var stack [MaxFrames/chunkLen + 2][]byte
	parts := stack[:0]
	for t, lo := secs-1, secs-n+1; t >= lo; {
		blk := t / chunkLen
		ck := frameKey{e.key, int32(blk), deltaChunk}
		c := r.deltas.get(ck, func() *chunk { return e.chunk(blk) })
		top := blk*chunkLen + chunkLen - 1
		end := max(lo, blk*chunkLen) // last second taken from this chunk
		p := c.b[c.off[top-t]:c.off[top-end+1]]
		parts = append(parts, p)
		size += len(p)
		t = end - 1
	}

	out := make([]byte, 0, size)
	out = append(out, e.header...)
	out = appendGCE(out, frameDelay)
	out = append(out, first...)
	for _, p := range parts {
		out = append(out, p...)
	}
	return append(out, 0x3B)
}

// Ended returns a single-frame GIF of text centred on the background, in
// bold, wrapped onto two lines if it is long, e.g. "Предложение завершено".
// The result is the caller's.
func (r *Renderer) Ended(s Style, text string) []byte {
	e := r.style(s)
	k := frameKey{e.style.key(text), 0, endedGIF}
	b := r.fulls.get(k, func() []byte {
		pm := endedImage(e.style, e.palette, text)
		fr := encodeFrame(pm, pm.Rect)
		out := make([]byte, 0, len(e.header)+len(fr)+1)
		out = append(out, e.header...)
		out = append(out, fr...) // a still image needs no graphic control
		return append(out, 0x3B)
	})
	return append([]byte(nil), b...)
}

// styleEntry is what every frame of a style shares.
type styleEntry struct {
	style   Style // normalized
	key     key
	palette color.Palette
	header  []byte

	layoutOnce [2]sync.Once
	layouts    [2]*layout // 2 and 3 day digits, built on first use

	canvases sync.Pool // of *image.Paletted for drawing frames
}

func (r *Renderer) style(s Style) *styleEntry {
	s = s.normalized()
	k := s.key("")
	return r.styles.get(k, func() *styleEntry {
		e := &styleEntry{style: s, key: k, palette: buildPalette(s)}
		e.header = header(s.Width, s.Height, e.palette)
		e.canvases.New = func() any { return image.NewPaletted(image.Rect(0, 0, s.Width, s.Height), e.palette) }
		return e
	})
}

func (e *styleEntry) layout(secs int) *layout {
	i := 0
	if secs >= 100*86400 {
		i = 1
	}
	e.layoutOnce[i].Do(func() { e.layouts[i] = buildLayout(e.style, e.palette, 2+i) })
	return e.layouts[i]
}

// frame draws the whole image showing secs into a new canvas (tests).
func (e *styleEntry) frame(secs int) *image.Paletted {
	pm := image.NewPaletted(image.Rect(0, 0, e.style.Width, e.style.Height), e.palette)
	e.layout(secs).render(pm, secs, pm.Rect)
	return pm
}

// encode makes the frame bytes of the whole image showing k.secs.
func (e *styleEntry) encode(k frameKey) []byte {
	pm := e.canvases.Get().(*image.Paletted)
	defer e.canvases.Put(pm)
	e.layout(int(k.secs)).render(pm, int(k.secs), pm.Rect)
	return encodeFrame(pm, pm.Rect)
}

// chunk makes the changed-digits frames of chunk blk.
func (e *styleEntry) chunk(blk int) *chunk {
	pm := e.canvases.Get().(*image.Paletted)
	defer e.canvases.Put(pm)

	c := new(chunk)
	top := blk*chunkLen + chunkLen - 1
	for i := range chunkLen {
		t := top - i
		l, lp := e.layout(t), e.layout(t+1)
		var r image.Rectangle
		if l == lp {
			// Only the cells whose digit changed, drawn over the frame
			// before, which shows the rest.
			r = l.changed(t, t+1)
			l.render(pm, t, r)
		} else {
			// From 100 days to 99 the layout changes: compare all.
			prev := e.canvases.Get().(*image.Paletted)
			lp.render(prev, t+1, prev.Rect)
			l.render(pm, t, pm.Rect)
			r = diffRect(pm, prev, pm.Rect)
			e.canvases.Put(prev)
		}
		if r.Empty() {
			// Cannot happen (two different times never look alike), but a
			// 1×1 frame that repaints a pixel as it is would be harmless.
			r = image.Rect(l.band.Min.X, l.band.Min.Y, l.band.Min.X+1, l.band.Min.Y+1)
			l.render(pm, t, r)
		}
		c.b = appendGCE(c.b, frameDelay)
		c.b = append(c.b, encodeFrame(pm, r)...)
		c.off[i+1] = int32(len(c.b))
	}
	c.b = slices.Clip(c.b)
	return c
}
