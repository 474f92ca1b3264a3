package countdown

import (
	"image/color"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/countdown/emailgif"
)

// gifFrames is how much of the countdown one e-mail open animates: a
// minute, one frame a second. Mail clients show the last frame afterwards;
// the next open fetches a fresh image.
const gifFrames = 60

// Default texts of the e-mail image, per language: the widget's own.
var (
	gifTitle = countdownText(func(t i18n.CountdownTexts) string { return t.Title })
	gifEnded = countdownText(func(t i18n.CountdownTexts) string { return t.Expired })
)

func countdownText(field func(i18n.CountdownTexts) string) map[string]string {
	out := map[string]string{}
	for lang, t := range i18n.Countdown {
		out[lang] = field(t)
	}
	return out
}

// timerGIF is GET /w/v1/{siteKey}/timers/{widgetId}/email.gif?r=RECIPIENT:
// the countdown as an animated GIF for e-mails, in the widget's colour and
// the site's language. For an evergreen timer the first open starts the
// recipient's deadline, the same one links with ?bk_r= show on the site.
// No script, no cookie; every open is fetched afresh.
func (m *Module) timerGIF(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, set, err := timerOf(site, c.Params("widgetId"))
	if err != nil {
		return err
	}
	r := c.Query("r")
	if set.Evergreen() && r == "" {
		return validate.Field("r", "is required: the recipient's id, the same as bk_r in the e-mail's links")
	}
	subject := "r:" + r
	if r != "" {
		if err := validate.Line("r", r, true, 64); err != nil {
			return err
		}
	}
	now := m.deps.Now()
	deadline, err := m.deadlineOf(c, site, w, set, subject, now)
	if err != nil {
		return err
	}
	lang := site.Locale
	style := emailgif.Style{Accent: hexColor(set.Color), Labels: emailgif.DefaultLabels(lang),
		Title: textIn(set.Title, lang, gifTitle)}
	var img []byte
	if remaining := deadline.Sub(now); remaining > 0 {
		img = m.gifs.Countdown(style, remaining, gifFrames)
	} else {
		img = m.gifs.Ended(style, textIn(set.ExpiredMessage, lang, gifEnded))
	}
	// Mail proxies (Gmail's among them) cache what they may: forbid it, so
	// each open shows the time left at that open.
	c.Set(fiber.HeaderCacheControl, "no-store, no-cache, must-revalidate, max-age=0, private")
	c.Set(fiber.HeaderPragma, "no-cache")
	c.Set(fiber.HeaderExpires, "0")
	c.Set(fiber.HeaderContentType, "image/gif")
	return c.Status(http.StatusOK).Send(img)
}

// textIn picks the owner's text in lang, else the default.
func textIn(owner map[string]string, lang string, def map[string]string) string {
	if t := owner[lang]; t != "" {
		return t
	}
	return def[lang]
}

// hexColor reads a validated #rrggbb.
func hexColor(hex string) color.RGBA {
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		return color.RGBA{}
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}
