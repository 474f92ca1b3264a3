package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// Channels are the site's own destinations of owners' notifications (see
// notify.Channels). Reading them takes site:read and shows every secret
// masked; changing them, or sending a test, takes widgets:write: whoever
// may point a widget's notify_url somewhere may do the same for the site.

// getChannels is GET /api/v1/sites/{id}/channels.
func (s *Server) getChannels(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "site:read")
	if err != nil {
		return err
	}
	ch, err := notify.ParseChannels(site.Channels)
	if err != nil {
		return err
	}
	return c.JSON(ch.Masked())
}

// putChannels is PUT /api/v1/sites/{id}/channels: the whole set, each
// channel present is set, each absent removed. A secret left out, or sent
// back as GET showed it (masked), keeps its stored value. 422 names the
// field; nothing changes then.
func (s *Server) putChannels(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "widgets:write")
	if err != nil {
		return err
	}
	var probe notify.Channels // refuse bad JSON before the update
	if err := api.DecodeBody(c, &probe); err != nil {
		return err
	}
	check := notify.CheckOptions{AllowPrivate: s.cfg.WebhookAllowPrivate, EmailEnabled: s.notifier.email}
	var saved, before notify.Channels
	site, err = s.store.UpdateSite(c.UserContext(), site.ID, func(st *store.Site) error {
		var err error
		if before, err = notify.ParseChannels(st.Channels); err != nil {
			return err
		}
		// UpdateSite may run this more than once: start from the body each time.
		saved = notify.Channels{}
		if err := api.DecodeBody(c, &saved); err != nil {
			return err
		}
		if err := saved.Normalize(before, check); err != nil {
			return err
		}
		raw, err := json.Marshal(saved)
		if err != nil {
			return err
		}
		st.Channels = raw
		return nil
	})
	if err != nil {
		return api.NotFoundAs(err, "site")
	}
	s.configChanged(c, site.Key)
	view := saved.Masked()
	// A secret made or changed now is shown once, so the receiver can be
	// set up with it.
	if saved.Webhook != nil && (before.Webhook == nil || before.Webhook.Secret != saved.Webhook.Secret) {
		view.Webhook.Secret = saved.Webhook.Secret
	}
	return c.JSON(view)
}

// testChannel is POST /api/v1/sites/{id}/channels/{kind}/test: a sample
// lead.submitted, of the same shape as a real one, goes to that channel
// through the outbox. 202 with the message's id, found in the delivery log.
func (s *Server) testChannel(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, s.store, "widgets:write")
	if err != nil {
		return err
	}
	kind := c.Params("kind")
	if !slices.Contains(notify.ChannelKinds, kind) {
		return api.NotFound(fmt.Sprintf("channel %s", kind))
	}
	id, err := s.notifier.SendTest(c.UserContext(), site.ID, kind)
	if errors.Is(err, notify.ErrNoEndpoint) {
		return api.NotFound(fmt.Sprintf("channel %s of this site (set it with PUT …/channels first)", kind))
	}
	if err != nil {
		return err
	}
	return c.Status(http.StatusAccepted).JSON(fiber.Map{
		"notification_id": id, "webhook_id": id, "channel": kind, "event_type": notify.EventLeadSubmitted,
	})
}

// siteView is a site as the admin API shows it: its channels' secrets
// masked.
func siteView(site store.Site) store.Site {
	if len(site.Channels) == 0 {
		return site
	}
	ch, err := notify.ParseChannels(site.Channels)
	if err != nil {
		site.Channels = nil
		return site
	}
	site.Channels, _ = json.Marshal(ch.Masked())
	return site
}
