package server

import (
	_ "embed"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"
)

var (
	//go:embed demo/demo.html
	demoHTML string
	//go:embed demo/demo.js
	demoJS []byte
	//go:embed demo/demo.css
	demoCSS []byte

	demoTemplate = template.Must(template.New("demo").Parse(demoHTML))
)

type demoTexts struct {
	Title, Intro, Snippet, Button, CallMe, Events, NoSite string
}

var demoTranslations = map[string]demoTexts{
	"ru": {
		Title:   "Демо Beckon",
		Intro:   "Эта страница — сайт демо-площадки. Виджеты подключены одной строкой ниже: загрузчик прочитал настройки площадки и показал включённые виджеты.",
		Snippet: "Код для вставки",
		Button:  "Собственные кнопки сайта открывают виджеты через API страницы:",
		CallMe:  "Перезвоните мне",
		Events:  "События для вашей аналитики",
		NoSite:  "Демо-площадки нет: её удалили. Создайте площадку через API администратора.",
	},
	"uk": {
		Title:   "Демо Beckon",
		Intro:   "Ця сторінка — сайт демо-майданчика. Віджети підключено одним рядком нижче: завантажувач прочитав налаштування майданчика й показав увімкнені віджети.",
		Snippet: "Код для вставлення",
		Button:  "Власні кнопки сайту відкривають віджети через API сторінки:",
		CallMe:  "Передзвоніть мені",
		Events:  "Події для вашої аналітики",
		NoSite:  "Демо-майданчика немає: його видалили. Створіть майданчик через API адміністратора.",
	},
	"en": {
		Title:   "Beckon demo",
		Intro:   "This page is the demo site. Its widgets come from the one line below: the loader read the site's settings and showed the enabled widgets.",
		Snippet: "The snippet",
		Button:  "The site's own buttons open widgets through the page API:",
		CallMe:  "Call me back",
		Events:  "Events for your analytics",
		NoSite:  "There is no demo site: it was deleted. Create a site through the admin API.",
	},
}

// demoLang picks ?lang=, else the browser's first supported language, else ru
// (the demo site's own locale).
func demoLang(c *fiber.Ctx) string {
	if l := c.Query("lang"); demoTranslations[l].Title != "" {
		return l
	}
	for _, part := range strings.Split(c.Get(fiber.HeaderAcceptLanguage), ",") {
		l, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		l, _, _ = strings.Cut(l, "-")
		if demoTranslations[strings.ToLower(l)].Title != "" {
			return strings.ToLower(l)
		}
	}
	return "ru"
}

// demoPage is a plain page embedding the demo site, so a newcomer sees the
// loader work right after `go run ./cmd/beckon`.
func (s *Server) demoPage(c *fiber.Ctx) error {
	lang := demoLang(c)
	var b strings.Builder
	err := demoTemplate.Execute(&b, map[string]any{
		"Lang":    lang,
		"Langs":   []string{"ru", "uk", "en"},
		"T":       demoTranslations[lang],
		"SiteKey": s.demoKey,
		"Snippet": `<script async src="` + s.cfg.PublicURL + `/embed.js" data-site="` + s.demoKey + `"></script>`,
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:")
	return c.SendString(b.String())
}

func (s *Server) demoScript(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	return c.Send(demoJS)
}

func (s *Server) demoStyle(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
	return c.Send(demoCSS)
}
