package socialproof

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
)

// HookPath is where shops post orders, under the app's root:
// /hooks/social-proof/{siteKey}/{secret}. Hooks get no site from the
// server, so the path names it, and the secret (per widget) picks the
// widget and proves the caller was given the URL.
const HookPath = "/hooks/social-proof/:siteKey/:secret"

// payloadTimes are the time layouts of shops' payloads: RFC 3339, and
// WooCommerce's and InSales' zone-less forms, read as UTC.
var payloadTimes = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05"}

// inbound is POST /hooks/social-proof/{siteKey}/{secret}.
func (m *Module) inbound(c *fiber.Ctx) error {
	ctx := c.UserContext()
	site, err := m.deps.Sites.ByKey(ctx, c.Params("siteKey"))
	if err != nil {
		return api.NotFoundAs(err, "webhook")
	}
	w, in := inboundOf(site, c.Params("secret"))
	if in == nil {
		return api.NotFound("webhook")
	}
	body := c.Body()
	if isPing(in.Platform, body) {
		return c.JSON(fiber.Map{"result": "ping"})
	}
	if in.Platform == "woocommerce" && !wooSigned(body, c.Get("X-WC-Webhook-Signature"), in.SigningSecret) {
		return &api.Error{Status: http.StatusUnauthorized, Code: "bad_signature",
			Message: "X-WC-Webhook-Signature does not match the body signed with the widget's inbound.signing_secret"}
	}
	doc, ok := decodePayload(body)
	if !ok {
		return validate.Field("body", "must be a JSON object or a form")
	}
	mapping := in.mappingOf()
	now := m.deps.Now().UTC()
	ev, err := mapEvent(doc, mapping, now)
	if err != nil {
		return err
	}
	verdict := in.judge(readAll(doc, mapping["status"]), mapping["status"] != "")
	if in.Platform == "woocommerce" && c.Get("X-WC-Webhook-Topic") == "order.deleted" {
		verdict = withdraw // the payload of a deleted order is its id alone
	}
	switch verdict {
	case withdraw:
		err := m.deleteEvent(ctx, site.ID, ev.ID)
		if errors.Is(err, store.ErrNotFound) {
			return c.JSON(fiber.Map{"result": "absent", "id": ev.ID})
		}
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"result": "deleted", "id": ev.ID})
	case ignore:
		return c.JSON(fiber.Map{"result": "ignored", "id": ev.ID})
	}
	ev.WidgetID, ev.Source = w.ID, "webhook"
	added, err := m.addEvents(ctx, site.ID, []store.Event{ev})
	if err != nil {
		return api.NotFoundAs(err, "webhook")
	}
	result := "duplicate"
	if len(added) == 1 {
		result = "created"
	}
	return c.JSON(fiber.Map{"result": result, "id": ev.ID})
}

// inboundOf finds the site's social-proof widget whose inbound secret is
// secret, enabled or not: a shop keeps reporting orders while the owner
// has the widget switched off. Every widget's secret is compared in
// constant time.
func inboundOf(site *widgets.Site, secret string) (widgets.Widget, *Inbound) {
	var found widgets.Widget
	var in *Inbound
	for _, w := range site.Widgets {
		set, ok := w.Parsed.(*Settings)
		if w.Type != widgetType || !ok || set.Inbound == nil {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(set.Inbound.Secret), []byte(secret)) == 1 {
			found, in = w, set.Inbound
		}
	}
	return found, in
}

var wooPing = regexp.MustCompile(`^webhook_id=[0-9]+$`)

// isPing tells the platforms' connection tests, which carry no order:
// WooCommerce posts webhook_id=N (unsigned) when a webhook is saved,
// Tilda posts test=test when one is added.
func isPing(platform string, body []byte) bool {
	switch platform {
	case "woocommerce":
		return wooPing.Match(body)
	case "tilda":
		form, err := url.ParseQuery(string(body))
		return err == nil && len(form) == 1 && form.Get("test") == "test"
	}
	return false
}

// wooSigned checks WooCommerce's signature: the base64 of the body's
// HMAC-SHA256 with the webhook's secret.
func wooSigned(body []byte, header, secret string) bool {
	got, err := base64.StdEncoding.DecodeString(header)
	if err != nil || header == "" {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// mapEvent reads an event from a payload by mapping and checks it like
// an event of the events API; errors name the payload field by the
// mapping's field ("payload.name").
func mapEvent(doc any, mapping map[string]string, now time.Time) (store.Event, error) {
	get := func(field string) string {
		if p := mapping[field]; p != "" {
			return read(doc, p)
		}
		return ""
	}
	in := eventInput{ID: get("id"), Type: get("type"), Name: get("name"), City: get("city"),
		Product: get("product"), URL: get("url"), Image: get("image"), Text: get("text")}
	if in.Type == "" {
		in.Type = "purchase"
	}
	if raw := get("time"); raw != "" {
		for _, layout := range payloadTimes {
			if t, err := time.Parse(layout, raw); err == nil {
				in.Time = t.UTC().Format(time.RFC3339Nano)
				break
			}
		}
	}
	if in.Time != "" {
		if t, _ := time.Parse(time.RFC3339, in.Time); t.After(now) {
			in.Time = "" // a shop's clock ahead of ours: it happened now
		}
	}
	return in.toEvent("payload", now)
}
