package server

import (
	_ "embed"
	"html/template"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/i18n"
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

// demoTexts are the demo page's words (i18n/demo.json).
type demoTexts struct {
	Title   string `json:"title"`
	Intro   string `json:"intro"`
	Snippet string `json:"snippet"`
	Button  string `json:"button"`
	CallMe  string `json:"call_me"`
	Events  string `json:"events"`
	NoSite  string `json:"no_site"`
}

var demoTranslations = i18n.MustLoad[demoTexts]("demo")

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
