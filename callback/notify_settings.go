package callback

import (
	"sync/atomic"

	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/validate"
)

// AllowPrivateWebhooks mirrors BECKON_WEBHOOK_ALLOW_PRIVATE for the check of
// notify_url on save: without it, a URL the sender's address guard would
// refuse at every attempt is refused at once. An operator's process-wide
// setting, set once at start (server.New).
var AllowPrivateWebhooks atomic.Bool

// normalizeNotify checks the owner's webhook: a URL the sender can reach,
// and a Standard Webhooks secret, generated when the URL comes without one.
// A malformed secret used to be stored and then silently broke every
// delivery.
func (s *Settings) normalizeNotify() error {
	if s.NotifySecret != "" {
		if err := notify.CheckSecret(s.NotifySecret); err != nil {
			return validate.Prefix("notify_secret", err)
		}
	}
	if s.NotifyURL == "" {
		return nil
	}
	if err := notify.CheckURL(s.NotifyURL, AllowPrivateWebhooks.Load()); err != nil {
		return validate.Prefix("notify_url", err)
	}
	if s.NotifySecret == "" {
		s.NotifySecret = notify.NewSecret()
	}
	return nil
}
