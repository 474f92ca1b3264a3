package dashboard_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestModerationPagesInChromium: the owner works the three pages in a
// real browser, by keyboard where it matters: an empty answer is refused
// beside its field, a saved one and a published review are announced
// after the page reloads; a pool made from pasted codes appears with its
// counts and a bad code is named at the field; the A/B page draws its
// chart and stops the experiment after the confirm step; a review link is
// made and focused to copy, and a CSV file is imported (a bad row named). The strict CSP
// must let the page script run (a violation is a console error); no page
// scrolls sideways on a 360-px phone; every field has a label.
// Screenshots go to $BECKON_SCREENSHOT_DIR.
func TestModerationPagesInChromium(t *testing.T) {
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	site := d.CreateSite("Магазин чая", "https://a.example")
	s := &modSite{inboxSite: &inboxSite{d: d, siteID: site["id"].(string)}, key: site["key"].(string)}
	wid := d.CreateWidget(s.siteID, map[string]any{"type": "reviews", "settings": map[string]any{}})["id"].(string)
	now := time.Now().UTC()
	s.seedPhotoReview(t, wid, now.Add(-2*time.Hour))
	s.seedReview(t, wid, 1, now.Add(-5*time.Hour)) // 2 stars
	s.seedReview(t, wid, 3, now.Add(-26*time.Hour))
	abWidget := s.startExperiment(t, map[string]int64{"a:exposures": 1240, "a:conversions": 62, "b:exposures": 1215, "b:conversions": 97})
	full := d.Admin("POST", "/api/v1/sites/"+s.siteID+"/code-pools", map[string]any{"name": "Осень", "codes": []string{"TEA-1", "TEA-2", "TEA-3"}})
	servertest.ExpectStatus(t, full, http.StatusCreated)

	ctx, problems := servertest.Browser(t)
	tb := tab{t, ctx}
	run := tb.run
	eval := tb.eval
	check := func(what string, width int) { t.Helper(); tb.check(what, width, "") }
	// quiet empties the status line before an action whose page reload
	// says something, so the old words are not taken for the new.
	quiet := func() { eval(`document.getElementById('api-status').textContent = ''`) }
	said := func(want string) {
		t.Helper()
		run("status "+want, chromedp.WaitVisible(chromedp.CSS(`#api-status:not(:empty)`)))
		if got := eval(`document.getElementById('api-status').textContent`); got != want {
			t.Errorf("the status line says %q, want %q", got, want)
		}
	}
	base := d.Base + "/app/sites/" + s.siteID
	reviews, codes, ab := base+"/reviews", base+"/codes", base+"/widgets/"+abWidget+"/experiment"

	run("desktop", chromedp.EmulateViewport(1280, 800))
	run("setup", chromedp.Navigate(d.Base+"/app/setup?lang=ru"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SendKeys(chromedp.CSS(`#token`), servertest.AdminToken), chromedp.SendKeys(chromedp.CSS(`#email`), opEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), opPassword+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))

	run("reviews", chromedp.Navigate(reviews), chromedp.WaitVisible(chromedp.CSS(`#review-rev-00001`)))
	if w := eval(`document.querySelector('.review-photo img').naturalWidth`); w == "0" {
		t.Error("the review's photo does not load")
	}
	run("answer by keyboard", chromedp.Focus(chromedp.CSS(`#review-rev-00001 summary`)), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#answer-text-rev-00001`)), chromedp.Focus(chromedp.CSS(`#answer-text-rev-00001`)),
		chromedp.KeyEvent(" "), chromedp.Click(chromedp.CSS(`#answer-rev-00001 button`)),
		chromedp.WaitVisible(chromedp.CSS(`#answer-rev-00001 .field-error`)))
	if got := eval(`document.activeElement.id + ' ' + document.activeElement.getAttribute('aria-invalid') + ' ' + document.querySelector('#answer-rev-00001 .field-error').textContent`); got != "answer-text-rev-00001 true Напишите ответ длиной от 1 до 2000 символов." {
		t.Errorf("an empty answer: %q", got)
	}
	check("moderation-reviews-desktop", 1280)
	quiet()
	run("answer", chromedp.SendKeys(chromedp.CSS(`#answer-text-rev-00001`), "Спасибо за отзыв! Мы уже поговорили со службой доставки."),
		chromedp.Click(chromedp.CSS(`#answer-rev-00001 button`)))
	said("Ответ сохранён.")
	if r, _ := d.Store.GetReview(t.Context(), s.siteID, "rev-00001"); r.Answer == nil {
		t.Error("the answer was not stored")
	}
	quiet()
	run("publish", chromedp.Click(chromedp.CSS(`#publish-rev-photo button`)))
	said("Отзыв опубликован — посетители уже его видят.")
	if n := eval(`document.querySelectorAll('#review-rev-photo').length`); n != "0" {
		t.Error("a published review stays in the queue")
	}

	long := strings.Repeat("Z", 65) // a code is at most 64 characters
	run("ask for a review", chromedp.SendKeys(chromedp.CSS(`#ask-order`), "A-2077"), chromedp.Click(chromedp.CSS(`#ask button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#ask-link`)))
	said("Ссылка готова — скопируйте её и отправьте покупателю.")
	if got := eval(`document.activeElement.id + ' ' + document.activeElement.value.startsWith('https://a.example/?beckon_review=')`); got != "ask-link true" {
		t.Errorf("the review link: %q", got)
	}
	dir := t.TempDir()
	csvFile := func(name, body string) []string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return []string{path}
	}
	run("a bad import", chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), csvFile("bad.csv", "rating,text,name,date\n5,Отлично,Анна,2025-05-01\n0,Плохо,Иван,2025-05-02\n")),
		chromedp.Click(chromedp.CSS(`#import button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#import .field-error`)))
	if got := eval(`document.querySelector('#import .field-error').textContent`); got != "В строке 3 файла неверное значение в столбце «rating» (заголовок — строка 1). Ничего не импортировано." {
		t.Errorf("a bad row is told as %q", got)
	}
	quiet()
	run("import", chromedp.SetUploadFiles(chromedp.CSS(`#import-file`), csvFile("good.csv", "rating,text,name,date\n5,Отлично,Анна,2025-05-01\n")),
		chromedp.Click(chromedp.CSS(`#import button[type=submit]`)))
	said("Отзывы импортированы и опубликованы.")
	if got := eval(`location.search + ' ' + [...document.querySelectorAll('.review h2')].map(h => h.textContent).join(',')`); got != "?status=published Марина,Анна" {
		t.Errorf("after the import: %q", got)
	}

	run("codes", chromedp.Navigate(codes), chromedp.WaitVisible(chromedp.CSS(`#pool-name`)))
	run("a bad code", chromedp.SendKeys(chromedp.CSS(`#pool-name`), "Новогодняя"),
		chromedp.SendKeys(chromedp.CSS(`#codes-new`), "NY-001\nNY-002\n"+long), chromedp.Click(chromedp.CSS(`#create-pool button`)),
		chromedp.WaitVisible(chromedp.CSS(`#create-pool .field-error`)))
	if got := eval(`document.querySelector('#create-pool .field-error').textContent`); got != "Код 3 («"+long+"») не подходит: код — от 1 до 64 печатных символов без пробелов. Ничего не добавлено." {
		t.Errorf("a bad code is told as %q", got)
	}
	eval(`document.getElementById('codes-new').value = ''`)
	quiet()
	run("create", chromedp.SendKeys(chromedp.CSS(`#codes-new`), "NY-001, NY-002\nNY-003 NY-004"),
		chromedp.Click(chromedp.CSS(`#create-pool button`)))
	said("Пул создан. Укажите его в настройках виджета, чтобы выдавать коды.")
	if got := eval(`[...document.querySelectorAll('.pool h2')].map(h => h.textContent + ':' + h.closest('.pool').querySelector('.pool-left').textContent).join(' ')`); got != "Осень:3 Новогодняя:4" {
		t.Errorf("pools after creating: %q", got)
	}
	// 12,000 codes go in two requests (the API takes 10,000 at a time): a
	// bad one in the second is named by its place in the file, the first
	// piece stays, and the fixed file adds the rest (codes the pool has
	// are skipped).
	autumn := eval(`document.querySelector('.pool').id.slice(5)`)
	codesOf := func(bad int) string {
		var b strings.Builder
		for i := range 12000 {
			if i == bad {
				b.WriteString(long + "\n")
			} else {
				fmt.Fprintf(&b, "AUTUMN-%05d\n", i)
			}
		}
		return b.String()
	}
	run("open add codes", chromedp.Click(chromedp.CSS(`.pool summary`)),
		chromedp.SetUploadFiles(chromedp.CSS(`#file-`+autumn), csvFile("bad-codes.txt", codesOf(10999))),
		chromedp.Click(chromedp.CSS(`#add-`+autumn+` button`)), chromedp.WaitVisible(chromedp.CSS(`#add-`+autumn+` .field-error`)))
	if got := eval(`document.querySelector('#add-` + autumn + ` .field-error').textContent`); !strings.HasPrefix(got, "Код 11000 («"+long+"») не подходит") || !strings.HasSuffix(got, "Коды до него добавлены: исправьте файл и добавьте его снова — коды, которые уже есть в пуле, пропустятся.") {
		t.Errorf("a bad code in the second piece is told as %q", got)
	}
	check("moderation-codes-desktop", 1280)
	quiet()
	run("the fixed file", chromedp.SetUploadFiles(chromedp.CSS(`#file-`+autumn), csvFile("codes.txt", codesOf(-1))),
		chromedp.Click(chromedp.CSS(`#add-`+autumn+` button`)))
	said("Коды добавлены. Те, что уже были в пуле, пропущены.")
	if got := eval(`document.querySelector('#pool-` + autumn + ` .pool-left').textContent`); got != "12003" {
		t.Errorf("after 12,000 codes the pool has %s left, want 12003", got)
	}

	run("ab", chromedp.Navigate(ab), chromedp.WaitVisible(chromedp.CSS(`svg.ab-chart`)))
	run("open stop", chromedp.Click(chromedp.CSS(`#ab-stop ~ details summary`)), chromedp.WaitVisible(chromedp.CSS(`#keep`)))
	check("moderation-ab-desktop", 1280)
	eval(`document.getElementById('keep').value = 'b'`)
	quiet()
	run("stop", chromedp.Click(chromedp.CSS(`#stop-experiment button`)))
	said("Эксперимент остановлен — виджет показывает всем выбранный вариант.")
	if w, _ := d.Store.GetWidget(t.Context(), s.siteID, abWidget); w.Experiment.Running() || w.Experiment.Kept != "b" {
		t.Errorf("after stopping: %+v", w.Experiment)
	}

	run("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	for name, url := range map[string]string{"reviews": reviews + "?status=all", "codes": codes, "ab": ab} {
		run(name+" on the phone", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		check("moderation-"+name+"-phone", 360)
	}
	// The refusals the test provoked are the only errors the browser logs.
	servertest.NoProblems(t, problems(), "status of 422")
}

// seedPhotoReview stores a pending five-star review with a photo, as the
// public form would after an upload.
func (s *modSite) seedPhotoReview(t testing.TB, wid string, at time.Time) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			img.Set(x, y, color.RGBA{uint8(120 + x/4), uint8(90 + y/3), 60, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := s.d.Store.PutReviewPhoto(ctx, s.siteID, store.ReviewPhoto{ID: "ph-1", ContentType: "image/jpeg", Data: buf.Bytes(), CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	r := store.Review{ID: "rev-photo", SiteID: s.siteID, WidgetID: wid, Rating: 5, Name: "Марина", PhotoID: "ph-1",
		Text: "Чай свежий, упаковка целая.\nВзяла ещё улун — тоже отличный.", Status: store.ReviewPending, Verified: true, OrderID: "A-1042",
		CreatedAt: at, UpdatedAt: at}
	if err := s.d.Store.CreateReview(ctx, r, ""); err != nil {
		t.Fatal(err)
	}
}
