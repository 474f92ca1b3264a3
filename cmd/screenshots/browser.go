package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// viewport is a screen the pictures are taken on.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var viewports = []viewport{{"desktop", 1280, 800, false}, {"phone", 360, 740, true}}

// browser is a headless Chromium writing pictures into dir.
type browser struct {
	ctx    context.Context
	cancel func()
	base   string
	dir    string
	// written are the names of this run's pictures.
	written map[string]bool

	mu sync.Mutex
	// complaints are the console's errors since the last call of
	// problems: a page the CSP or a script broke looks fine only at first.
	complaints []string
}

func newBrowser(parent context.Context, path, base, dir string) (*browser, error) {
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		return nil, errors.New("Chromium not found (apt-get install chromium, or -chromium PATH)")
	}
	profile, err := os.MkdirTemp("", "beckon-screenshots-chromium-")
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"), chromedp.UserDataDir(profile))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	b := &browser{ctx: ctx, base: base, dir: dir, written: map[string]bool{}, cancel: func() { cancelCtx(); cancelAlloc(); os.RemoveAll(profile) }}
	// Console starts the browser: once, here, before anything else does.
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				b.mu.Lock()
				b.complaints = append(b.complaints, m.String()+" ("+m.URL+")")
				b.mu.Unlock()
			}
		}
	}()
	// Animations would be caught half-way: the pictures show where they end.
	_, err = chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
	if err != nil {
		b.close()
		return nil, fmt.Errorf("start Chromium: %w", err)
	}
	return b, nil
}

func (b *browser) close() { b.cancel() }

// removeStale deletes the pictures in dir this run did not take: of a
// page that is gone, or renamed.
func (b *browser) removeStale() error {
	for _, pattern := range []string{"dashboard-*.png", "widget-*.png"} {
		old, err := filepath.Glob(filepath.Join(b.dir, pattern))
		if err != nil {
			return err
		}
		for _, path := range old {
			if b.written[filepath.Base(path)] {
				continue
			}
			fmt.Printf("  removed %s: no page or widget makes it any more\n", filepath.Base(path))
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	return nil
}

// problems returns the console's errors since the last call.
func (b *browser) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.complaints
	b.complaints = nil
	return p
}

// do runs actions with a bound on how long they may take.
func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// open loads path on the viewport and waits for ready; it returns the
// page's HTTP status.
func (b *browser) open(path string, vp viewport, ready string) (int64, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	var opts []chromedp.EmulateViewportOption
	if vp.mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height, opts...)); err != nil {
		return 0, fmt.Errorf("viewport: %w", err)
	}
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	if res.Status != 200 {
		return res.Status, nil
	}
	if ready == "" {
		ready = "main"
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(ready))); err != nil {
		return 0, fmt.Errorf("%s: %s never showed: %w", path, ready, err)
	}
	return res.Status, nil
}

// eval runs a script in the page and returns its value.
func (b *browser) eval(js string) (any, error) {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[any](js, chromedp.EvalAwaitPromise))
}

// shoot saves the window as name.png, in 256 colours and compressed
// harder than Chromium does, so the pictures stay small in the repository.
func (b *browser) shoot(name string) error {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	// Let scripts that draw after load (previews, charts) finish.
	if err := chromedp.Do(ctx, chromedp.Sleep(700*time.Millisecond)); err != nil {
		return err
	}
	return b.capture(ctx, name)
}

// shootTall is shoot of the whole page, up to maxTall pixels high: for
// pages whose point is below the fold (a call's timeline).
func (b *browser) shootTall(name string, vp viewport) error {
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollHeight`))
	if err != nil {
		return fmt.Errorf("%s: the page's height: %w", name, err)
	}
	height = max(vp.height, min(height, maxTall))
	var opts []chromedp.EmulateViewportOption
	if vp.mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, height, opts...), chromedp.Sleep(700*time.Millisecond)); err != nil {
		return err
	}
	return b.capture(ctx, name)
}

const maxTall = 1800

func (b *browser) capture(ctx context.Context, name string) error {
	raw, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Errorf("capture %s: %w", name, err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, paletted(img)); err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), buf.Bytes(), 0o644); err != nil {
		return err
	}
	b.written[name+".png"] = true
	fmt.Printf("  %s.png (%d KB)\n", name, buf.Len()/1024)
	return nil
}
