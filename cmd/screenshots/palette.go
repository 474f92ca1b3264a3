package main

import (
	"image"
	"image/color"
	"sort"
)

// paletted turns a screenshot into a 256-colour image, which PNG stores in
// a third of the bytes. Pages are mostly flat colours: the 256 most
// frequent colours are kept as they are, and the rare ones (edges of
// anti-aliased text, gradients) take the nearest kept colour.
func paletted(src image.Image) *image.Paletted {
	b := src.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[rgba(src.At(x, y))]++
		}
	}
	colours := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		colours = append(colours, c)
	}
	// Most frequent first; ties by value, so the same picture always
	// gets the same palette.
	sort.Slice(colours, func(i, j int) bool {
		a, b := colours[i], colours[j]
		if counts[a] != counts[b] {
			return counts[a] > counts[b]
		}
		return uint32(a.R)<<24|uint32(a.G)<<16|uint32(a.B)<<8|uint32(a.A) < uint32(b.R)<<24|uint32(b.G)<<16|uint32(b.B)<<8|uint32(b.A)
	})
	if len(colours) > 256 {
		colours = colours[:256]
	}
	pal := make(color.Palette, len(colours))
	index := make(map[color.RGBA]uint8, len(counts))
	for i, c := range colours {
		pal[i] = c
		index[c] = uint8(i)
	}
	out := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(src.At(x, y))
			i, ok := index[c]
			if !ok {
				i = uint8(nearest(colours, c))
				index[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}

func rgba(c color.Color) color.RGBA {
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

// nearest is the index of the colour of pal closest to c.
func nearest(pal []color.RGBA, c color.RGBA) int {
	best, bestD := 0, -1
	for i, p := range pal {
		dr, dg, db, da := int(p.R)-int(c.R), int(p.G)-int(c.G), int(p.B)-int(c.B), int(p.A)-int(c.A)
		// Eyes are most sensitive to green, least to blue.
		d := 3*dr*dr + 4*dg*dg + 2*db*db + da*da
		if bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return best
}
