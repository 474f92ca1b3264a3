package emailgif

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"math/rand/v2"
	"testing"
)

// splitFrame returns the frame bytes (image descriptor through the image
// data's block terminator) of a single-image GIF, checking that the file
// starts with want (our header) and that the image has no local colour
// table. It copies, so the result does not pin the encoder's buffer.
func splitFrame(file, want []byte) ([]byte, error) {
	if !bytes.HasPrefix(file, want) {
		return nil, fmt.Errorf("image/gif wrote an unexpected header % x", file[:min(len(file), gifHeaderLen)])
	}
	p := len(want)
	// Skip extensions (image/gif writes none for our frames, but a
	// comment or a graphic control block would be harmless to skip).
	for p < len(file) && file[p] == 0x21 {
		if p+2 > len(file) {
			return nil, fmt.Errorf("truncated extension at %d", p)
		}
		q, err := skipSubBlocks(file, p+2)
		if err != nil {
			return nil, err
		}
		p = q
	}
	if p+10 > len(file) || file[p] != 0x2C {
		return nil, fmt.Errorf("no image descriptor at %d", p)
	}
	start := p
	if file[p+9]&0x80 != 0 {
		return nil, fmt.Errorf("frame has a local colour table")
	}
	p += 10 + 1 // descriptor, LZW minimum code size
	end, err := skipSubBlocks(file, p)
	if err != nil {
		return nil, err
	}
	if end != len(file)-1 || file[end] != 0x3B {
		return nil, fmt.Errorf("expected the trailer after the image at %d", end)
	}
	return bytes.Clone(file[start:end]), nil
}

// skipSubBlocks returns the offset after the sub-blocks starting at p,
// including their zero-length terminator.
func skipSubBlocks(b []byte, p int) (int, error) {
	for {
		if p >= len(b) {
			return 0, fmt.Errorf("truncated data sub-blocks")
		}
		n := int(b[p])
		p++
		if n == 0 {
			return p, nil
		}
		p += n
	}
}

// imageGIFFrame encodes rectangle r of pm with image/gif, as a file of
// its own, and cuts out the frame bytes.
func imageGIFFrame(t testing.TB, pm *image.Paletted, r image.Rectangle, hdr []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := gif.EncodeAll(&buf, &gif.GIF{
		Image:  []*image.Paletted{pm.SubImage(r).(*image.Paletted)},
		Delay:  []int{0},
		Config: image.Config{ColorModel: pm.Palette, Width: pm.Rect.Dx(), Height: pm.Rect.Dy()},
	})
	if err != nil {
		t.Fatal(err)
	}
	fr, err := splitFrame(buf.Bytes(), hdr)
	if err != nil {
		t.Fatal(err)
	}
	return fr
}

// TestFrameBytesAreImageGIFs: our encoder writes, byte for byte, the
// image block image/gif writes: whole frames, sub-rectangles (rows with a
// stride wider than the rectangle), single pixels, long LZW streams that
// fill many 255-byte sub-blocks, noise that makes the code table reset.
func TestFrameBytesAreImageGIFs(t *testing.T) {
	r := NewRenderer(0)
	for _, s := range []Style{{}, dark, {Width: MaxWidth, Height: MaxHeight, Title: "x"}} {
		e := r.style(s)
		for _, secs := range []int{0, 183845, 100 * 86400, maxShown} {
			pm := e.frame(secs)
			b := pm.Rect
			rects := []image.Rectangle{b, image.Rect(0, 0, 1, 1), image.Rect(b.Max.X-1, b.Max.Y-1, b.Max.X, b.Max.Y),
				image.Rect(b.Dx()/3, b.Dy()/4, b.Dx()*2/3, b.Dy()*3/4), diffRect(pm, e.frame(secs+1), pm.Rect)}
			for _, rect := range rects {
				if rect.Empty() {
					continue
				}
				if got, want := encodeFrame(pm, rect), imageGIFFrame(t, pm, rect, e.header); !bytes.Equal(got, want) {
					t.Fatalf("%v: %d bytes, image/gif %d", rect, len(got), len(want))
				}
			}
		}
	}
	noise := image.NewPaletted(image.Rect(0, 0, 400, 300), buildPalette(Style{}.normalized()))
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(rng.IntN(paletteSize))
	}
	hdr := header(400, 300, noise.Palette)
	if got, want := encodeFrame(noise, noise.Rect), imageGIFFrame(t, noise, noise.Rect, hdr); !bytes.Equal(got, want) {
		t.Fatalf("noise: %d bytes, image/gif %d", len(got), len(want))
	}
}
