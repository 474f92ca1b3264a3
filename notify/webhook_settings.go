package notify

import "github.com/beckonhq/beckon/validate"

// CheckWebhook checks a widget's webhook settings, notify_url and
// notify_secret, and returns the secret to store. The URL must be one the
// sender can reach (allowPrivate mirrors BECKON_WEBHOOK_ALLOW_PRIVATE: a
// URL the sender's address guard would refuse at every attempt is refused
// at once); the secret a Standard Webhooks one, generated when the URL
// comes without one. A malformed secret used to be stored and then
// silently broke every delivery.
func CheckWebhook(url, secret string, allowPrivate bool) (string, error) {
	if secret != "" {
		if err := CheckSecret(secret); err != nil {
			return "", validate.Prefix("notify_secret", err)
		}
	}
	if url == "" {
		return secret, nil
	}
	if err := CheckURL(url, allowPrivate); err != nil {
		return "", validate.Prefix("notify_url", err)
	}
	if secret == "" {
		secret = NewSecret()
	}
	return secret, nil
}
