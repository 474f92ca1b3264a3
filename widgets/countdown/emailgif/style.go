package emailgif

import (
	"crypto/sha256"
	"encoding/binary"
	"image/color"
	"strings"

	"github.com/beckonhq/beckon/i18n"
)

// Style is everything that decides how a timer image looks. Two equal
// Styles (after defaults are applied) share cached frames.
type Style struct {
	// Colours; alpha is ignored (e-mail images are opaque), and a colour
	// whose alpha is 0, such as the zero value, takes the default:
	// white background, near-black foreground, red accent (the widget's
	// default colour).
	Background, Foreground, Accent color.RGBA

	// Image size in pixels; 0 takes the default 480×120, which fits a
	// 600px e-mail column with margins and scales down cleanly on phones.
	// For sharp images on high-density screens, render 960×240 and set
	// width="480" on the <img>. Sizes are clamped to [MinWidth, MaxWidth]
	// and [MinHeight, MaxHeight].
	Width, Height int

	// Labels under the days, hours, minutes and seconds, in the site's
	// language (see DefaultLabels). All four empty takes English.
	Labels [4]string

	// Title is an optional line above the digits, e.g. "Sale ends in".
	Title string
}

// Size limits and defaults.
const (
	DefaultWidth  = 480
	DefaultHeight = 120
	MinWidth      = 160
	MaxWidth      = 1200
	MinHeight     = 40
	MaxHeight     = 400
)

var (
	defaultBackground = color.RGBA{0xff, 0xff, 0xff, 0xff}
	defaultForeground = color.RGBA{0x11, 0x18, 0x27, 0xff}
	defaultAccent     = color.RGBA{0xdc, 0x26, 0x26, 0xff} // countdown.Settings' default colour
)

// unitLabels are the words under the digits, from the catalogue
// (i18n/emailgif.json). They are abbreviations that need no plural form:
// the labels are drawn once per image while the numbers change every frame,
// so a full word would read «01 дней», «02 часов».
type unitLabels struct {
	Days    string `json:"days"`
	Hours   string `json:"hours"`
	Minutes string `json:"minutes"`
	Seconds string `json:"seconds"`
}

var labels = i18n.MustLoad[unitLabels]("emailgif")

// DefaultLabels returns the unit labels for a language: "ru", "uk" or
// "en"; anything else gets English.
func DefaultLabels(lang string) [4]string {
	l := labels[i18n.Lang(lang)]
	return [4]string{l.Days, l.Hours, l.Minutes, l.Seconds}
}

// normalized returns s with defaults applied, sizes clamped and colours
// made opaque, so that equal-looking styles compare and hash equal.
func (s Style) normalized() Style {
	opaque := func(c, def color.RGBA) color.RGBA {
		if c.A == 0 {
			return def
		}
		c.A = 0xff
		return c
	}
	s.Background = opaque(s.Background, defaultBackground)
	s.Foreground = opaque(s.Foreground, defaultForeground)
	s.Accent = opaque(s.Accent, defaultAccent)
	if s.Width == 0 {
		s.Width = DefaultWidth
	}
	if s.Height == 0 {
		s.Height = DefaultHeight
	}
	s.Width = min(max(s.Width, MinWidth), MaxWidth)
	s.Height = min(max(s.Height, MinHeight), MaxHeight)
	if s.Labels == [4]string{} {
		s.Labels = DefaultLabels("en")
	}
	for i := range s.Labels {
		s.Labels[i] = strings.TrimSpace(s.Labels[i])
	}
	s.Title = strings.TrimSpace(s.Title)
	return s
}

// key is a stable 128-bit identity of a normalized style (plus an extra
// text, used for Ended): the same on every run and every replica, so it
// may also name things outside this process (ETags, shared caches).
// Fields are length-prefixed, so no two different styles encode alike.
type key [16]byte

const keyVersion = 1 // bump when rendering changes, to retire old keys

func (s Style) key(extra string) key {
	h := sha256.New()
	var b [8]byte
	num := func(v int) {
		binary.LittleEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
	str := func(v string) {
		num(len(v))
		h.Write([]byte(v))
	}
	num(keyVersion)
	for _, c := range []color.RGBA{s.Background, s.Foreground, s.Accent} {
		h.Write([]byte{c.R, c.G, c.B})
	}
	num(s.Width)
	num(s.Height)
	for _, l := range s.Labels {
		str(l)
	}
	str(s.Title)
	str(extra)
	var k key
	copy(k[:], h.Sum(nil))
	return k
}

// The palette: every pixel we draw lies on one of two straight lines in
// colour space, background→foreground or background→accent, because all
// text, tiles and antialiased edges are blends of those colours over the
// background (or over a tile, which is itself a background→foreground
// blend). Sampling each line finely gives antialiasing that survives the
// quantisation to a GIF palette without dithering noise:
//
//	0          background
//	1..15      background→foreground at k/16
//	16         foreground
//	17..30     background→accent at (k-16)/15
//	31         accent
//
// 32 entries: a power of two, so image/gif does not pad the table, and a
// 5-bit LZW minimum code size.
const (
	paletteSize = 32
	fgLevels    = 16 // index = level on the fg ramp, 0..16
	accentBase  = 16 // accent ramp index = accentBase + level, level 1..15
	accLevels   = 15
	tileLevel   = 2 // tiles behind the digits: 2/16 of the way to the foreground
)

func buildPalette(s Style) []color.Color {
	blend := func(a, b color.RGBA, num, den int) color.Color {
		mix := func(x, y uint8) uint8 {
			return uint8((int(x)*(den-num) + int(y)*num + den/2) / den)
		}
		return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
	}
	p := make([]color.Color, 0, paletteSize)
	for k := 0; k <= fgLevels; k++ {
		p = append(p, blend(s.Background, s.Foreground, k, fgLevels))
	}
	for k := 1; k <= accLevels; k++ {
		p = append(p, blend(s.Background, s.Accent, k, accLevels))
	}
	return p
}

// fgIndex maps a coverage a (0..255) of a colour at fg level lvl
// (0..fgLevels) drawn over a pixel at fg level under to a palette index.
func fgIndex(a uint8, lvl, under int) uint8 {
	return uint8(under + ((lvl-under)*int(a)+127)/255)
}

// accentIndex maps a coverage of the accent colour over the background.
func accentIndex(a uint8) uint8 {
	k := (accLevels*int(a) + 127) / 255
	if k == 0 {
		return 0
	}
	return uint8(accentBase + k)
}
