package server

import (
	"context"
	"errors"
	"time"

	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// endpointLookupTimeout bounds the read of a widget's webhook before an
// attempt; a notification whose lookup fails is tried again after its lease.
const endpointLookupTimeout = 5 * time.Second

// notifications is the owners' webhook sender, delivering from the store's
// outbox, and the end of its Run.
type notifications struct {
	*notify.Sender
	done  chan struct{}
	email bool // the operator configured SMTP: sites may have an e-mail channel
}

// startNotifier starts delivering owners' webhooks until ctx ends.
func (s *Server) startNotifier(ctx context.Context) error {
	opts := notify.Options{AllowPrivate: s.cfg.WebhookAllowPrivate, Logger: s.log, Sites: s.channelsOf,
		TelegramAPI: s.cfg.TelegramAPIURL, PublicURL: s.cfg.PublicURL}
	if s.cfg.SMTPURL != "" {
		smtp, err := notify.ParseSMTPURL(s.cfg.SMTPURL, s.cfg.SMTPFrom)
		if err != nil {
			return err
		}
		opts.SMTP = smtp
	}
	n := &notifications{
		Sender: notify.New(s.store, s.webhookOf, opts),
		done:   make(chan struct{}),
		email:  opts.SMTP != nil,
	}
	go func() {
		defer close(n.done)
		n.Run(ctx)
	}()
	s.notifier = n
	return nil
}

// wait waits for the attempts under way (each ends within the sender's
// timeout), up to ctx. One cut short is made again after its lease.
func (n *notifications) wait(ctx context.Context) {
	select {
	case <-n.done:
	case <-ctx.Done():
	}
}

// webhookOf is the sender's Endpoint: where the widget's settings send
// webhooks now (see widgets.Webhooker), read from the site cache, which an
// owner's edit invalidates on every replica.
func (s *Server) webhookOf(ctx context.Context, siteID, widgetID string) (notify.Webhook, error) {
	ctx, cancel := context.WithTimeout(ctx, endpointLookupTimeout)
	defer cancel()
	site, err := s.cache.ByID(ctx, siteID)
	if errors.Is(err, store.ErrNotFound) {
		return notify.Webhook{}, notify.ErrNoEndpoint
	}
	if err != nil {
		return notify.Webhook{}, err
	}
	w, ok := site.Widget(widgetID)
	if !ok {
		return notify.Webhook{}, notify.ErrNoEndpoint
	}
	hook, ok := w.Parsed.(widgets.Webhooker)
	if !ok {
		return notify.Webhook{}, notify.ErrNoEndpoint
	}
	url, secret, ok := hook.Webhook()
	if !ok {
		return notify.Webhook{}, notify.ErrNoEndpoint
	}
	return notify.Webhook{URL: url, Secret: secret}, nil
}

// channelsOf is the sender's SiteLookup: the site's name, language and
// channels, from the same cache, so an owner's change reaches the next
// attempt on every replica.
func (s *Server) channelsOf(ctx context.Context, siteID string) (notify.SiteInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, endpointLookupTimeout)
	defer cancel()
	site, err := s.cache.ByID(ctx, siteID)
	if errors.Is(err, store.ErrNotFound) {
		return notify.SiteInfo{}, notify.ErrNoEndpoint
	}
	if err != nil {
		return notify.SiteInfo{}, err
	}
	ch, err := notify.ParseChannels(site.Channels)
	if err != nil {
		return notify.SiteInfo{}, err
	}
	return notify.SiteInfo{Name: site.Name, Locale: site.Locale, Channels: ch}, nil
}
