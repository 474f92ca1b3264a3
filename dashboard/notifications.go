package dashboard

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/accounts"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// mountNotifications adds issue 13 §7's pages: the site's notification
// channels, their delivery log and the site's audit list. Owners and the
// operator only (accounts.EditSettings); anyone else gets 404. Changes go
// through the admin API from notifications.js, so they are checked,
// applied and audited exactly as an API client's are.
func (h *handler) mountNotifications(u fiber.Router) {
	u.Get("/sites/:id/notifications", h.notificationsPage)
	u.Get("/sites/:id/notifications/log", h.deliveryLogPage)
	u.Get("/sites/:id/notifications/outcome/:nid", h.deliveryOutcome)
	u.Get("/sites/:id/audit", h.auditPage)
}

// channelView is one channel's card: what is stored, secrets masked as
// the API shows them (sending a mask back keeps the secret).
type channelView struct {
	Kind string
	On   bool
	// Available is false for e-mail when the operator set up no SMTP.
	Available bool
	URL       string // webhook's URL, or Bitrix24's masked one
	Secret    string // the webhook secret, masked
	BotToken  string // masked
	ChatID    string
	To        string // e-mail recipients, one a line
	Lang      string
	Events    []eventChoice
}

// eventChoice is one event's checkbox on a channel's card.
type eventChoice struct {
	Type    string
	Checked bool
}

// Key is the event's text key: "lead.submitted" → "nt_ev_lead_submitted".
func (e eventChoice) Key() string { return eventKey(e.Type) }

func eventKey(t string) string { return "nt_ev_" + strings.NewReplacer(".", "_").Replace(t) }

type notificationsData struct {
	Site     store.Site
	Channels []channelView
	Langs    []string
	Script   string
	// Texts are the island's words in the reader's language.
	Texts map[string]string
}

func (h *handler) notificationsPage(c *fiber.Ctx) error {
	site, ok, err := h.site(c, accounts.EditSettings)
	if err != nil {
		return h.fail(c, err)
	}
	if !ok {
		return h.notFound(c)
	}
	ch, err := notify.ParseChannels(site.Channels)
	if err != nil {
		return h.fail(c, err)
	}
	ch = ch.Masked()
	l := h.lang(c)
	d := notificationsData{Site: site, Langs: langs, Script: staticURL("notifications.js"), Texts: islandTexts(l)}
	for _, kind := range notify.ChannelKinds {
		d.Channels = append(d.Channels, h.channelView(kind, ch))
	}
	return h.render(c, http.StatusOK, "notifications", "nt_title", d)
}

func (h *handler) channelView(kind string, ch notify.Channels) channelView {
	v := channelView{Kind: kind, On: ch.Has(kind), Available: kind != notify.ChannelEmail || h.Cfg.SMTPURL != ""}
	var events []string
	switch kind {
	case notify.ChannelWebhook:
		if w := ch.Webhook; w != nil {
			v.URL, v.Secret, events = w.URL, w.Secret, w.Events
		}
	case notify.ChannelTelegram:
		if t := ch.Telegram; t != nil {
			v.BotToken, v.ChatID, v.Lang, events = t.BotToken, string(t.ChatID), t.Lang, t.Events
		}
	case notify.ChannelEmail:
		if e := ch.Email; e != nil {
			v.To, v.Lang, events = strings.Join(e.To, "\n"), e.Lang, e.Events
		}
	case notify.ChannelBitrix24:
		if b := ch.Bitrix24; b != nil {
			v.URL, events = b.URL, b.Events
		}
	}
	if !v.On {
		events = channelEvents[kind].defaults
	}
	for _, t := range channelEvents[kind].allowed {
		v.Events = append(v.Events, eventChoice{Type: t, Checked: slices.Contains(events, t)})
	}
	return v
}

// islandTexts are the words notifications.js shows, from the catalogue:
// its own (nt_js_…) and the delivery states' names (as state_…).
func islandTexts(l Lang) map[string]string {
	out := map[string]string{}
	for k, v := range l.texts {
		if rest, ok := strings.CutPrefix(k, "nt_js_"); ok {
			out[rest] = v
		}
		if rest, ok := strings.CutPrefix(k, "nt_state_"); ok {
			out["state_"+rest] = v
		}
	}
	return out
}
