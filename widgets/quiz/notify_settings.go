package quiz

import (
	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/validate"
)

// normalizeNotify checks the owner's webhook as the callback widget does:
// a URL the sender can reach (allowPrivate mirrors
// BECKON_WEBHOOK_ALLOW_PRIVATE) and a Standard Webhooks secret, generated
// when the URL comes without one.
func (s *Settings) normalizeNotify() error {
	if s.NotifySecret != "" {
		if err := notify.CheckSecret(s.NotifySecret); err != nil {
			return validate.Prefix("notify_secret", err)
		}
	}
	if s.NotifyURL == "" {
		return nil
	}
	if err := notify.CheckURL(s.NotifyURL, s.allowPrivate); err != nil {
		return validate.Prefix("notify_url", err)
	}
	if s.NotifySecret == "" {
		s.NotifySecret = notify.NewSecret()
	}
	return nil
}

// Webhook implements widgets.Webhooker: where the owner's webhooks go.
func (s *Settings) Webhook() (url, secret string, ok bool) {
	return s.NotifyURL, s.NotifySecret, s.NotifyURL != ""
}
