package emailgif

import (
	"bytes"
	"compress/lzw"
	"encoding/binary"
	"image"
	"image/color"
	"sync"
)

// A response is spliced together from frames encoded once and cached.
// The GIF89a layout this relies on (all integers little-endian; see the
// GIF89a specification, sections 17–27):
//
//	Header                     "GIF89a"                                   6 bytes
//	Logical Screen Descriptor  width u16, height u16,                     7 bytes
//	                           packed (0x80 global colour table present |
//	                           size code N: the table has 2^(N+1) entries),
//	                           background colour index, aspect ratio 0
//	Global Colour Table        2^(N+1) × RGB                              3·2^(N+1) bytes
//	[Application Extension]    21 FF 0B "NETSCAPE2.0" 03 01 loops u16 00  19 bytes
//	per frame:
//	  Graphic Control Ext.     21 F9 04 packed delay u16 transparent 00    8 bytes
//	                           (packed: disposal method << 2 | transparency flag)
//	  Image Descriptor         2C left u16 top u16 width u16 height u16   10 bytes
//	                           packed (0x80 local colour table present, 0x40 interlaced)
//	  [Local Colour Table]     only if the descriptor says so
//	  Image Data               LZW minimum code size (1 byte), then
//	                           sub-blocks (length 1..255, bytes), then 00
//	Trailer                    3B
//
// An image's LZW stream is self-contained (it starts with its own clear
// code and ends with its end code, and its code size is set by the byte
// before it), and with no local colour table its colours are indices into
// the global table. So the bytes from an Image Descriptor to its block
// terminator ("frame bytes") can be lifted out of one file and dropped
// into another that has the same global colour table and a logical
// screen the image fits in. That is what the cache stores.
//
// Frame bytes are exactly what image/gif writes for a single-frame GIF
// whose Config.ColorModel is the style's palette and whose image uses
// that very palette slice (so it writes no local colour table), with
// delay 0 and disposal 0 (so it writes no Graphic Control Extension):
// everything after its global colour table up to its trailer. We write
// them ourselves, with the same compress/lzw encoder and the same
// sub-block framing, only so that the encoder's 64 KB hash table is
// reused instead of allocated for every frame (image/gif calls
// lzw.NewWriter each time; that allocation and its garbage cost more than
// compressing a small frame). The tests hold every frame we make
// byte-equal to image/gif's, cut out of its output by splitFrame, which
// checks each of those assumptions rather than trusting offsets.
//
// Loop count: our files carry no NETSCAPE2.0 extension, so they play
// once and stay on their last frame. That is the GIF89a default (the
// extension is a later Netscape addition), and what browser engines do
// without it: Chromium, Gecko and WebKit, which render the image for
// Gmail on the web (it passes through Google's image proxy unchanged)
// and for Apple Mail. Writing the extension would be worse either way:
// a loop count of 0 means "forever" (the timer would jump back a minute
// every minute), and engines disagree on whether a count of n means n
// plays or n repeats after the first, so even 1 may play twice. Outlook
// for Windows shows only the first frame, which is the right time at
// the moment of opening.

const (
	gifHeaderLen = 6 + 7 // "GIF89a" + logical screen descriptor
	gceLen       = 8
	frameDelay   = 100 // hundredths of a second: one frame per second

	// Disposal method 1, "do not dispose": each frame is drawn over the
	// previous one, which lets all but the first frame cover only the
	// pixels that changed.
	disposalNone = 1
)

// header returns the GIF header, logical screen descriptor and global
// colour table for a w×h image in palette pal (a power-of-two length
// ≤ 256), byte for byte what image/gif writes (a test holds it to that).
func header(w, h int, pal color.Palette) []byte {
	n := 0 // size code: 2^(n+1) entries
	for 1<<(n+1) < len(pal) {
		n++
	}
	b := make([]byte, 0, gifHeaderLen+3<<(n+1))
	b = append(b, "GIF89a"...)
	b = binary.LittleEndian.AppendUint16(b, uint16(w))
	b = binary.LittleEndian.AppendUint16(b, uint16(h))
	b = append(b, 0x80|byte(n), 0, 0) // global table, background index 0, no aspect ratio
	for i := range 1 << (n + 1) {
		var r, g, bl uint8
		if i < len(pal) {
			c := color.RGBAModel.Convert(pal[i]).(color.RGBA)
			r, g, bl = c.R, c.G, c.B
		}
		b = append(b, r, g, bl)
	}
	return b
}

// appendGCE appends a Graphic Control Extension: delay in hundredths of
// a second, "do not dispose", no transparency.
func appendGCE(b []byte, delay int) []byte {
	return append(b, 0x21, 0xF9, 0x04, disposalNone<<2, byte(delay), byte(delay>>8), 0, 0)
}

// encodeFrame returns the frame bytes of the rectangle r of pm, for a
// file whose global colour table is pm's palette.
func encodeFrame(pm *image.Paletted, r image.Rectangle) []byte {
	enc := encoders.Get().(*frameEncoder)
	defer encoders.Put(enc)

	lit := litWidth(len(pm.Palette))
	b := append(enc.buf[:0], 0x2C)
	for _, v := range [4]int{r.Min.X, r.Min.Y, r.Dx(), r.Dy()} {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	b = append(b, 0, byte(lit)) // no local colour table, not interlaced; LZW minimum code size
	enc.blocks = subBlocks{b: b, lenAt: -1}
	enc.lzw.Reset(&enc.blocks, lzw.LSB, lit)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		i := pm.PixOffset(r.Min.X, y)
		enc.lzw.Write(pm.Pix[i : i+r.Dx()]) // to memory, of indices < 1<<lit: no errors
	}
	enc.lzw.Close()
	enc.buf = append(enc.blocks.b, 0) // block terminator
	enc.blocks.b = nil
	return bytes.Clone(enc.buf)
}

// litWidth is image/gif's LZW minimum code size for a palette of n
// colours: the bits of the padded colour table's size, at least 2.
func litWidth(n int) int {
	w := 1
	for 1<<w < n {
		w++
	}
	return max(w, 2)
}

type frameEncoder struct {
	lzw    lzw.Writer
	blocks subBlocks
	buf    []byte
}

var encoders = sync.Pool{New: func() any { return new(frameEncoder) }}

// subBlocks appends what is written to it to b as GIF data sub-blocks: a
// length byte (1..255), then that many bytes. Being an io.ByteWriter with
// a Flush method, the LZW encoder writes to it without a bufio.Writer.
type subBlocks struct {
	b     []byte
	lenAt int // index of the current sub-block's length byte; -1 before the first
}

func (s *subBlocks) WriteByte(c byte) error {
	if s.lenAt < 0 || s.b[s.lenAt] == 255 {
		s.lenAt = len(s.b)
		s.b = append(s.b, 0)
	}
	s.b = append(s.b, c)
	s.b[s.lenAt]++
	return nil
}

func (s *subBlocks) Write(p []byte) (int, error) {
	for _, c := range p {
		s.WriteByte(c)
	}
	return len(p), nil
}

func (s *subBlocks) Flush() error { return nil }

// diffRect is the smallest rectangle outside which a and b (same bounds)
// are equal, looking only at the rows of within; empty if they are equal.
func diffRect(a, b *image.Paletted, within image.Rectangle) image.Rectangle {
	var r image.Rectangle
	w := a.Rect.Dx()
	for y := within.Min.Y; y < within.Max.Y; y++ {
		ra := a.Pix[a.PixOffset(a.Rect.Min.X, y):][:w]
		rb := b.Pix[b.PixOffset(b.Rect.Min.X, y):][:w]
		if bytes.Equal(ra, rb) {
			continue
		}
		x0 := 0
		for ra[x0] == rb[x0] {
			x0++
		}
		x1 := w
		for ra[x1-1] == rb[x1-1] {
			x1--
		}
		r = r.Union(image.Rect(x0, y, x1, y+1).Add(image.Pt(a.Rect.Min.X, 0)))
	}
	return r
}
