package emailgif

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestVisualSamples writes sample images to $BECKON_SCREENSHOT_DIR for a
// person to look at: a Russian timer at 2 days 03:04:05 (the GIF, its
// first and last frames as PNG), the same without a title, dark and
// large variants, a 100+ day timer, and Ukrainian "ended" images.
func TestVisualSamples(t *testing.T) {
	dir := os.Getenv("BECKON_SCREENSHOT_DIR")
	if dir == "" {
		t.Skip("BECKON_SCREENSHOT_DIR not set")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := NewRenderer(0)
	ru := Style{Labels: DefaultLabels("ru"), Title: "До конца распродажи осталось"}
	uk := Style{Labels: DefaultLabels("uk"), Title: "До кінця акції залишилось"}
	dark := Style{
		Background: color.RGBA{0x0f, 0x17, 0x2a, 0xff},
		Foreground: color.RGBA{0xf8, 0xfa, 0xfc, 0xff},
		Accent:     color.RGBA{0xfb, 0xbf, 0x24, 0xff},
		Labels:     DefaultLabels("uk"),
		Width:      600, Height: 150,
	}
	remaining := 2*24*time.Hour + 3*time.Hour + 4*time.Minute + 5*time.Second

	write := func(name string, b []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	frames := func(name string, b []byte, which ...int) {
		t.Helper()
		g, err := gif.DecodeAll(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		canvas := composite(g)
		for _, i := range which {
			if i < 0 {
				i += len(canvas)
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, canvas[i]); err != nil {
				t.Fatal(err)
			}
			suffix := "-first-frame.png"
			if i > 0 {
				suffix = "-last-frame.png"
			}
			write(name+suffix, buf.Bytes())
		}
	}

	b := r.Countdown(ru, remaining, 60)
	write("emailgif.gif", b)
	frames("emailgif", b, 0, -1)
	t.Logf("emailgif.gif: %d bytes", len(b))

	b = r.Countdown(Style{Labels: DefaultLabels("ru")}, remaining, 60)
	write("emailgif-notitle.gif", b)
	frames("emailgif-notitle", b, 0)

	b = r.Countdown(dark, 123*24*time.Hour+59*time.Second, 60)
	write("emailgif-dark-123d.gif", b)
	frames("emailgif-dark-123d", b, 0, -1)

	b = r.Countdown(uk, 4*time.Second, 60)
	write("emailgif-uk-end.gif", b)
	frames("emailgif-uk-end", b, 0, -1)

	small := Style{Labels: DefaultLabels("ru"), Title: ru.Title, Width: 300, Height: 80}
	frames("emailgif-small", r.Countdown(small, remaining, 2), 0)

	b = r.Ended(uk, "Пропозиція завершена")
	write("emailgif-ended-uk.gif", b)
	frames("emailgif-ended-uk", b, 0)

	b = r.Ended(dark, "Акція завершилась, але ми вже готуємо наступну — слідкуйте за листами")
	frames("emailgif-ended-uk-long", b, 0)
}

// composite plays g onto a canvas the way a viewer does for our files
// (every frame "do not dispose") and returns the canvas after each frame.
func composite(g *gif.GIF) []*image.Paletted {
	canvas := image.NewPaletted(image.Rect(0, 0, g.Config.Width, g.Config.Height), g.Image[0].Palette)
	var out []*image.Paletted
	for _, fr := range g.Image {
		for y := fr.Rect.Min.Y; y < fr.Rect.Max.Y; y++ {
			copy(canvas.Pix[canvas.PixOffset(fr.Rect.Min.X, y):], fr.Pix[fr.PixOffset(fr.Rect.Min.X, y):fr.PixOffset(fr.Rect.Max.X, y)])
		}
		c := *canvas
		c.Pix = bytes.Clone(canvas.Pix)
		out = append(out, &c)
	}
	return out
}
