package quiz_test

// Helpers of the browser tests (browser_test.go): a site with a quiz and a
// page of the owner's that embeds it, images the page loads from an https
// host answered by the browser itself, and probes of the widget's shadow
// DOM.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// imageHost is where the test quizzes' pictures live: https, as quiz
// settings require; the browser answers these requests itself (serveImages).
const imageHost = "https://img.quiz.test/"

// shopQuiz has one step of each type, an image on the start screen and on
// each image option, and every text in ru, uk and en. A price follows from
// the answers: rooms × area × 1000 + extras.
const shopQuiz = `{
  "color": "#7c3aed",
  "start": {"title": {"ru": "Подберём ремонт", "uk": "Підберемо ремонт", "en": "Find your renovation"},
            "text": {"ru": "Семь вопросов — и смета готова.", "uk": "Сім питань — і кошторис готовий.", "en": "Seven questions and the estimate is ready."},
            "bonus": {"ru": "Скидка 10%", "uk": "Знижка 10%", "en": "A 10% discount"},
            "image": "` + imageHost + `start.png"},
  "steps": [
    {"id": "rooms", "type": "single", "title": {"ru": "Сколько комнат?", "uk": "Скільки кімнат?", "en": "How many rooms?"},
     "options": [{"id": "r1", "value": 1, "label": {"ru": "Одна", "uk": "Одна", "en": "One"}},
                 {"id": "r2", "value": 2, "label": {"ru": "Две", "uk": "Дві", "en": "Two"}},
                 {"id": "r3", "value": 3, "label": {"ru": "Три", "uk": "Три", "en": "Three"}}]},
    {"id": "style", "type": "image", "title": {"ru": "Какой стиль?", "uk": "Який стиль?", "en": "Which style?"},
     "options": [{"id": "loft", "label": {"ru": "Лофт", "uk": "Лофт", "en": "Loft"}, "image": "` + imageHost + `loft.png"},
                 {"id": "scandi", "label": {"ru": "Скандинавский", "uk": "Скандинавський", "en": "Scandinavian"}, "image": "` + imageHost + `scandi.png"},
                 {"id": "classic", "label": {"ru": "Классика", "uk": "Класика", "en": "Classic"}, "image": "` + imageHost + `classic.png"},
                 {"id": "modern", "label": {"ru": "Современный", "uk": "Сучасний", "en": "Modern"}, "image": "` + imageHost + `modern.png"}]},
    {"id": "area", "type": "number", "min": 10, "max": 300, "step": 1, "slider": true, "unit": {"ru": "м²", "uk": "м²", "en": "m²"},
     "title": {"ru": "Какая площадь?", "uk": "Яка площа?", "en": "How big is it?"}},
    {"id": "extras", "type": "multi", "required": false, "max_choices": 2, "title": {"ru": "Что ещё?", "uk": "Що ще?", "en": "Anything else?"},
     "options": [{"id": "floor", "value": 50000, "label": {"ru": "Тёплый пол", "uk": "Тепла підлога", "en": "Heated floor"}},
                 {"id": "ceiling", "value": 30000, "label": {"ru": "Потолки", "uk": "Стелі", "en": "Ceilings"}},
                 {"id": "walls", "value": 90000, "label": {"ru": "Перепланировка", "uk": "Перепланування", "en": "Moving walls"}}]},
    {"id": "when", "type": "date", "required": false, "min": "2026-01-01", "max": "2028-12-31",
     "title": {"ru": "Когда начать?", "uk": "Коли почати?", "en": "When to start?"}},
    {"id": "wish", "type": "text", "required": false, "max_length": 300,
     "title": {"ru": "Пожелания", "uk": "Побажання", "en": "Wishes"}, "placeholder": {"ru": "Например…", "uk": "Наприклад…", "en": "For example…"}},
    {"id": "mark", "type": "rating", "max": 5, "required": false, "title": {"ru": "Важны ли сроки?", "uk": "Чи важливі терміни?", "en": "Does timing matter?"}}
  ],
  "formulas": [{"name": "price", "expr": "rooms * area * 1000 + extras"}],
  "results": [{"id": "estimate", "title": {"ru": "Ваша смета", "uk": "Ваш кошторис", "en": "Your estimate"},
               "text": {"ru": "Около {price} ₽", "uk": "Близько {price} ₽", "en": "About {price} ₽"},
               "summary": {"ru": "{rooms}, {area}: {price} ₽", "uk": "{rooms}, {area}: {price} ₽", "en": "{rooms}, {area}: {price} ₽"}}],
  "form": {"fields": [{"name": "name"}, {"name": "phone", "required": true}, {"name": "email"}],
           "consent": {"required": true, "url": "https://shop.example/privacy"}},
  "offer_callback": true,
  "launcher": {"position": "bottom-left"}
}`

// quizPage is a server with a site whose quiz is wid, and a page of the
// owner's on an origin of its own: GET /any/path?lang=&body=<HTML>. Its
// snippet carries data-partner="p42", a value of the page's own for the
// hidden fields.
type quizPage struct {
	ts     *servertest.Server
	siteID string
	key    string
	wid    string
	origin string
}

// newQuizPage makes the site with a quiz of settings and the widgets more
// (API bodies), on the embedded store.
func newQuizPage(t *testing.T, settings string, more ...map[string]any) *quizPage {
	t.Helper()
	return newQuizPageOn(t, "embedded", settings, more...)
}

// newQuizPageOn is newQuizPage on the store of kind (servertest.StoreKinds).
func newQuizPageOn(t *testing.T, kind, settings string, more ...map[string]any) *quizPage {
	t.Helper()
	ts := servertest.Start(t, servertest.NewStore(t, kind), servertest.Options{})
	p := &quizPage{ts: ts}
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Ремонт</title><link rel="icon" href="data:,">
<script>window.beckon=window.beckon||function(){(beckon.q=beckon.q||[]).push(arguments)}</script>
<script async src="%s/embed.js" data-site="%s" data-partner="p42"></script>
<style>body{margin:0;padding:24px;font:16px/1.5 system-ui,sans-serif;background:#f8fafc}</style></head>
<body><h1>Ремонт квартир под ключ</h1><p>Смета за день, гарантия 3 года.</p>%s</body></html>`,
			html.EscapeString(q.Get("lang")), ts.Base, p.key, q.Get("body"))
	}))
	t.Cleanup(page.Close)
	site := ts.CreateSite("Ремонт", page.URL)
	p.siteID, p.key, p.origin = site["id"].(string), site["key"].(string), page.URL
	p.wid = ts.CreateWidget(p.siteID, map[string]any{"type": "quiz", "settings": json.RawMessage(settings)})["id"].(string)
	for _, w := range more {
		ts.CreateWidget(p.siteID, w)
	}
	return p
}

// visit opens the owner's page at path (with its query) in lang.
func (p *quizPage) visit(t testing.TB, ctx context.Context, path string, vp servertest.Viewport) {
	t.Helper()
	servertest.Speak(ctx, t, vp.Lang)
	path, fragment, _ := strings.Cut(path, "#")
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	if fragment != "" {
		fragment = "#" + fragment
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.Width, vp.Height), chromedp.Navigate(p.origin+path+sep+"lang="+vp.Lang+fragment)); err != nil {
		t.Fatal(err)
	}
}

// leads are the site's stored leads, newest first.
func (p *quizPage) leads(t testing.TB) []store.Lead {
	t.Helper()
	ls, err := p.ts.Store.ListLeads(context.Background(), p.siteID, store.LeadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// session is the stored quiz session sid.
func (p *quizPage) session(t testing.TB, sid string) store.QuizSession {
	t.Helper()
	s, err := p.ts.Store.GetQuizSession(context.Background(), p.siteID, sid)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// images answers the page's requests for imageHost with a picture of the
// file's own colour, as a real https host would, and notes what was asked.
// While held, answers wait (a slow network) until release.
type images struct {
	ctx       context.Context
	mu        sync.Mutex
	hold      bool
	held      []*fetch.EventRequestPaused
	requested []string
}

func serveImages(t testing.TB, ctx context.Context) *images {
	t.Helper()
	im := &images{ctx: ctx}
	paused := make(chan *fetch.EventRequestPaused, 64)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			paused <- e
		}
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for e := range paused {
			im.mu.Lock()
			im.requested = append(im.requested, strings.TrimPrefix(e.Request.URL, imageHost))
			hold := im.hold
			if hold {
				im.held = append(im.held, e)
			}
			im.mu.Unlock()
			if !hold {
				im.answer(e)
			}
		}
	}()
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: imageHost + "*"}}}); err != nil {
		t.Fatal(err)
	}
	return im
}

func (im *images) answer(e *fetch.EventRequestPaused) {
	// The page may be gone by now: nothing to answer then.
	_, _ = chromedp.Call(im.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: e.RequestID, ResponseCode: 200,
		ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "image/png"}, {Name: "Cache-Control", Value: "no-store"}},
		Body:            picture(e.Request.URL)})
}

// holdBack makes answers wait until release.
func (im *images) holdBack() {
	im.mu.Lock()
	im.hold = true
	im.mu.Unlock()
}

// release answers the requests held back, and the next ones at once.
func (im *images) release() {
	im.mu.Lock()
	held := im.held
	im.held, im.hold = nil, false
	im.mu.Unlock()
	for _, e := range held {
		im.answer(e)
	}
}

// asked reports whether the page has requested the image named name.
func (im *images) asked(name string) bool {
	im.mu.Lock()
	defer im.mu.Unlock()
	return slices.Contains(im.requested, name)
}

// picture is a 400×300 PNG in a colour of its name.
func picture(name string) []byte {
	var h uint32 = 2166136261
	for _, c := range []byte(name) {
		h = (h ^ uint32(c)) * 16777619
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 300))
	c := color.RGBA{uint8(h), uint8(h >> 8), uint8(h >> 16), 255}
	for y := 0; y < 300; y++ {
		for x := 0; x < 400; x++ {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

// inShadow wraps a JS expression that uses s, the widgets' shadow root, and
// d, the quiz dialog.
func inShadow(expr string) string {
	return `(() => { const host = document.querySelector('beckon-root'); const s = host && host.shadowRoot;
  const d = s && s.querySelector('.bkqz [role=dialog]'); if (!d) return null; return (` + expr + `); })()`
}

// eval runs a JS expression with s and d (inShadow) and returns its value.
func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](inShadow(expr)))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// waitFor polls the JS condition cond (with s and d) until it holds.
func waitFor(t testing.TB, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!`+inShadow(cond))); err != nil {
			t.Fatal(err)
		} else if ok {
			return
		}
		time.Sleep(40 * time.Millisecond)
	}
	t.Fatalf("waited 15 s for %s; the quiz shows %+v", what, look(t, ctx))
}

// view is what the quiz shows, as a person and a screen reader meet it.
type view struct {
	Open     bool
	View     string // start, step, form, result
	Step     string
	Title    string
	Progress int
	// TitleFocused: the keyboard focus is on the screen's title.
	TitleFocused bool
	Error        string
	Live         string
	Next         string
	Text         string
}

func look(t testing.TB, ctx context.Context) view {
	t.Helper()
	return eval[view](t, ctx, `{open: !d.parentElement.hidden, view: d.dataset.view || '', step: d.dataset.step || '',
  title: (d.querySelector('h2') || {}).textContent || '', progress: +d.querySelector('[role=progressbar]').getAttribute('aria-valuenow'),
  titleFocused: s.activeElement === d.querySelector('h2'),
  error: Array.from(d.querySelectorAll('.err,.formerr')).map(e => e.textContent).join(' ').trim(),
  live: d.querySelector('[aria-live]').textContent, next: d.querySelector('.foot').hidden ? '' : d.querySelector('.foot .primary').textContent,
  text: d.querySelector('.main').innerText}`)
}

// waitStep waits until the quiz shows the question step.
func waitStep(t testing.TB, ctx context.Context, step string) view {
	t.Helper()
	waitFor(t, ctx, "question "+step, fmt.Sprintf(`!d.parentElement.hidden && d.dataset.step === %q`, step))
	return look(t, ctx)
}

// waitView waits until the quiz shows v (start, form, result).
func waitView(t testing.TB, ctx context.Context, v string) view {
	t.Helper()
	waitFor(t, ctx, "the "+v+" screen", fmt.Sprintf(`!d.parentElement.hidden && d.dataset.view === %q`, v))
	return look(t, ctx)
}

// quizOnly scopes sel to the quiz's elements (the callback form has a
// consent box too).
func quizOnly(sel string) string {
	if strings.HasPrefix(sel, ".bkqz") {
		return sel
	}
	return ".bkqz " + sel
}

// click clicks the quiz's element sel with the mouse.
func click(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	servertest.ClickInShadow(ctx, t, quizOnly(sel))
}

// typeInto focuses the quiz's input sel and types text, key by key.
func typeInto(t testing.TB, ctx context.Context, sel, text string) {
	t.Helper()
	if !eval[bool](t, ctx, fmt.Sprintf(`(() => { const el = s.querySelector(%q); if (!el) return false; el.focus(); return true; })()`, quizOnly(sel))) {
		t.Fatalf("no %s to type into", sel)
	}
	keys(t, ctx, text)
}

// keys presses keys on whatever has the focus (kb.Enter, kb.Tab …).
func keys(t testing.TB, ctx context.Context, k string, opts ...chromedp.KeyOption) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent(k, opts...)); err != nil {
		t.Fatal(err)
	}
}

// next presses the dialog's Next (Start, Skip) button.
func next(t testing.TB, ctx context.Context) { click(t, ctx, ".foot .primary") }

// startQuiz waits for the launcher, opens the quiz with it and passes the
// start screen, as a visitor beginning the quiz does.
func startQuiz(t testing.TB, ctx context.Context) {
	t.Helper()
	waitFor(t, ctx, "the launcher", `!s.querySelector('.bkqz .launch').hidden`)
	click(t, ctx, ".bkqz .launch")
	waitView(t, ctx, "start")
	next(t, ctx)
}

// shoot saves the window as <name>.png in $BECKON_SCREENSHOT_DIR when it
// is set, once the quiz's images have loaded (the tests reduce motion, so
// nothing is half-way through a transition).
func shoot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("BECKON_SCREENSHOT_DIR") == "" {
		return
	}
	waitFor(t, ctx, "images", `Array.from(s.querySelectorAll('img')).every(i => i.complete)`)
	servertest.ScreenshotViewport(ctx, t, name)
}
