package quiz

import "github.com/beckonhq/beckon/notify"

// normalizeNotify checks the owner's webhook (notify.CheckWebhook) and
// keeps its secret, generated when the URL comes without one.
func (s *Settings) normalizeNotify() error {
	secret, err := notify.CheckWebhook(s.NotifyURL, s.NotifySecret, s.allowPrivate)
	if err != nil {
		return err
	}
	s.NotifySecret = secret
	return nil
}

// Webhook implements widgets.Webhooker: where the owner's webhooks go.
func (s *Settings) Webhook() (url, secret string, ok bool) {
	return s.NotifyURL, s.NotifySecret, s.NotifyURL != ""
}
