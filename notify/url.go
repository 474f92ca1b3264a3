package notify

import (
	"net/url"
	"strconv"

	"github.com/beckonhq/beckon/validate"
)

// maxURLLen bounds a webhook URL; real ones are far shorter.
const maxURLLen = 2048

// CheckURL checks that raw can be a webhook URL: absolute http or https,
// with a host, no user name or password, a valid port. It returns a
// *validate.Error for the field "url" (HTTP 422). Whether the host is an
// internal address is decided when connecting, not here (see the package
// comment): a name that resolves to a public address today may not tomorrow.
func CheckURL(raw string) error {
	if raw == "" {
		return validate.Field("url", "is required")
	}
	if len(raw) > maxURLLen {
		return validate.Field("url", "must be at most %d characters", maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return validate.Field("url", "is not a valid URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return validate.Field("url", "must start with https:// (or http://)")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return validate.Field("url", "must include a host, like https://example.com/hooks/beckon")
	}
	if u.User != nil {
		return validate.Field("url", "must not contain a user name or password; receivers authenticate deliveries by their signature")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return validate.Field("url", "has an invalid port %q", p)
		}
	}
	return nil
}
