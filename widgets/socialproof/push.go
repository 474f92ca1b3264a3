package socialproof

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets"
	"github.com/beckonhq/beckon/widgets/triggers"
)

// pushTrigger is the trigger type that lets a widget be pushed.
const pushTrigger = triggers.Push

// Server push: the owner shows a widget to the visitors on the site now.
const (
	// pushesPerMinute bounds the pushes of one widget: a visitor's caps
	// stop repeats anyway, but each push wakes every open page.
	pushesPerMinute = 6
	// pushKept is how long a push waits for browsers that poll (every
	// 15–30 s): each finds it on its next poll.
	pushKept = time.Minute
)

var pushesSent = promauto.NewCounter(prometheus.CounterOpts{
	Name: "beckon_social_proof_pushes_total",
	Help: "Widgets pushed by owners to the visitors on their sites (accepted POST …/push).",
})

// pushInput is the push API's body; every part is optional.
type pushInput struct {
	// Pages limits the push to pages as a trigger block's pages do.
	Pages triggers.Pages `json:"pages"`
}

// pushAPI is POST /api/v1/sites/{id}/widgets/{wid}/push: the widget opens
// now on the pages of the site's visitors that are open (within its
// trigger block's conditions and caps, which each page checks). It answers
// 202 with how many visitors are on the site now, on every replica.
func (m *Module) pushAPI(c *fiber.Ctx) error {
	siteID, widgetID := c.Params("id"), c.Params("wid")
	if err := api.Authorize(c, siteID, "widgets:write"); err != nil {
		return err
	}
	var in pushInput
	if len(strings.TrimSpace(string(c.Body()))) > 0 {
		if err := api.DecodeBody(c, &in); err != nil {
			return err
		}
	}
	if err := checkPushPages(&in.Pages); err != nil {
		return err
	}
	ctx := c.UserContext()
	site, err := m.deps.Sites.ByID(ctx, siteID)
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	if err := pushable(site, widgetID); err != nil {
		return err
	}
	if err := m.pushAllowed(ctx, siteID, widgetID); err != nil {
		return err
	}
	// Counted before the push goes: a failure here fails the call with
	// nothing sent, where one after it would invite a second push.
	online, _, err := m.deps.Store.PresenceCounts(ctx, siteID)
	if err != nil {
		return fmt.Errorf("socialproof: presence of site %s: %w", siteID, err)
	}
	id, err := newPushID()
	if err != nil {
		return err
	}
	if err := m.push(ctx, siteID, Message{Kind: KindShow, PushID: id, Widget: widgetID, Pages: &in.Pages}); err != nil {
		return err
	}
	pushesSent.Inc()
	m.deps.Log.Info("social proof: widget pushed", "site", siteID, "widget", widgetID, "push", id, "online", online)
	return c.Status(http.StatusAccepted).JSON(fiber.Map{"push_id": id, "online": online})
}

// checkPushPages checks and fills pages by the trigger block's own rules,
// so a push takes exactly the patterns a block does. The block names the
// field under its own path; the push body has pages at its top.
func checkPushPages(p *triggers.Pages) error {
	block := triggers.Settings{On: []triggers.Trigger{{Type: triggers.Manual}}, Pages: *p}
	if err := block.Normalize(""); err != nil {
		var ve *validate.Error
		if errors.As(err, &ve) {
			return &validate.Error{Field: strings.TrimPrefix(ve.Field, "."), Message: ve.Message}
		}
		return err
	}
	*p = block.Pages
	return nil
}

// pushable says why widgetID of site cannot be pushed, or nil.
func pushable(site *widgets.Site, widgetID string) error {
	w, ok := site.Widget(widgetID)
	switch {
	case !ok:
		return api.NotFound("widget")
	case !w.Enabled:
		return validate.Field("widget_id", "widget %s is disabled; enable it before pushing it", widgetID)
	case !triggers.Of(w.Parsed).Has(pushTrigger):
		return validate.Field("widget_id", `widget %s does not accept pushes; add {"type":"push"} to its settings.triggers.on`, widgetID)
	}
	return nil
}

// acceptsPushes says whether any enabled widget of site has a push trigger.
func acceptsPushes(site *widgets.Site) bool {
	for _, w := range site.Widgets {
		if w.Enabled && triggers.Of(w.Parsed).Has(pushTrigger) {
			return true
		}
	}
	return false
}

// pushAllowed counts one push of the widget and refuses it past
// pushesPerMinute (429 with Retry-After).
func (m *Module) pushAllowed(ctx context.Context, siteID, widgetID string) error {
	n, left, err := m.deps.Store.Incr(ctx, siteID, "sppush:"+widgetID, time.Minute)
	if err != nil {
		return fmt.Errorf("socialproof: count pushes: %w", err)
	}
	if n > pushesPerMinute {
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
			Message:    fmt.Sprintf("at most %d pushes of a widget per minute; try again later", pushesPerMinute),
			RetryAfter: max(1, int(left.Seconds()+0.999))}
	}
	return nil
}

// push keeps msg for polling browsers, then tells every replica. Unlike an
// event's, a push that reaches no replica fails the call: nothing else
// would show it, and the owner may try again.
func (m *Module) push(ctx context.Context, siteID string, msg Message) error {
	shown, err := json.Marshal(showMessageOf(msg))
	if err != nil {
		return fmt.Errorf("socialproof: encode push: %w", err)
	}
	if err := m.deps.Store.AddLivePush(ctx, siteID, shown, pushKept); err != nil {
		return fmt.Errorf("socialproof: keep push: %w", err)
	}
	raw, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("socialproof: encode push: %w", err)
	}
	if err := m.deps.Store.Publish(ctx, Channel(siteID), raw); err != nil {
		return fmt.Errorf("socialproof: publish push: %w", err)
	}
	return nil
}

// newPushID names a push, so a browser shows it once however many times it
// hears of it.
func newPushID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("socialproof: push id: %w", err)
	}
	return "p_" + hex.EncodeToString(b[:]), nil
}

// showMessageOf is the browsers' message of a push.
func showMessageOf(msg Message) showMessage {
	pages := msg.Pages
	if pages == nil {
		pages = &triggers.Pages{Include: []string{}, Exclude: []string{}}
	}
	return showMessage{Type: "show", PushID: msg.PushID, Widget: msg.Widget, Pages: pages}
}

// keptPushes are the site's pushes of the last pushKept, for a poll.
func keptPushes(ctx context.Context, st store.LivePushes, siteID string) ([]json.RawMessage, error) {
	list, err := st.LivePushes(ctx, siteID)
	if err != nil {
		return nil, fmt.Errorf("socialproof: pushes of site %s: %w", siteID, err)
	}
	out := make([]json.RawMessage, 0, len(list))
	for _, p := range list {
		if json.Valid(p) {
			out = append(out, p)
		}
	}
	return out, nil
}
