package notify

import (
	"context"
	"strings"

	"github.com/beckonhq/beckon/store"
)

// destination is where one notification goes now: shown in the delivery
// log (never with a secret) and the attempt that sends it there.
type destination struct {
	shown string
	send  func(ctx context.Context) attemptResult
}

// channelGone is a site channel that was removed after its message was
// stored: the message ends as cancelled, like a widget's removed
// notify_url.
type channelGone string

func (c channelGone) Error() string {
	return "notify: the site has no " + string(c) + " channel any more"
}
func (c channelGone) Is(err error) bool { return err == ErrNoEndpoint }

// destination reads where n goes now: the widget's notify_url, or the
// site's channel of n.Channel, so an owner's fix reaches the retries.
// ErrNoEndpoint (or an error that is it) when it is gone.
func (s *Sender) destination(ctx context.Context, n store.Notification) (destination, error) {
	if n.Channel == "" {
		hook, err := s.endpoint(ctx, n.SiteID, n.WidgetID)
		if err != nil {
			return destination{}, err
		}
		return s.webhookDestination(n, hook), nil
	}
	if s.opts.Sites == nil {
		return destination{}, channelGone(n.Channel)
	}
	site, err := s.opts.Sites(ctx, n.SiteID)
	if err != nil {
		return destination{}, err
	}
	ch := site.Channels
	switch n.Channel {
	case ChannelWebhook:
		if ch.Webhook != nil {
			return s.webhookDestination(n, Webhook{URL: ch.Webhook.URL, Secret: ch.Webhook.Secret}), nil
		}
	case ChannelTelegram:
		if t := ch.Telegram; t != nil {
			return destination{shown: "telegram:" + string(t.ChatID), send: func(ctx context.Context) attemptResult {
				return s.sendTelegram(ctx, n, site, *t)
			}}, nil
		}
	case ChannelEmail:
		if e := ch.Email; e != nil && s.opts.SMTP != nil {
			return destination{shown: "mailto:" + strings.Join(e.To, ","), send: func(ctx context.Context) attemptResult {
				return s.sendEmail(ctx, n, site, *e)
			}}, nil
		}
	case ChannelBitrix24:
		if b := ch.Bitrix24; b != nil {
			return destination{shown: maskBitrixURL(b.URL) + bitrixMethod, send: func(ctx context.Context) attemptResult {
				return s.sendBitrix24(ctx, n, site, *b)
			}}, nil
		}
	}
	return destination{}, channelGone(n.Channel)
}

func (s *Sender) webhookDestination(n store.Notification, hook Webhook) destination {
	return destination{shown: hook.URL, send: func(ctx context.Context) attemptResult { return s.deliver(ctx, n, hook) }}
}
