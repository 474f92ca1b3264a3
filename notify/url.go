package notify

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/beckonhq/beckon/validate"
)

// maxURLLen bounds a webhook URL; real ones are far shorter.
const maxURLLen = 2048

// internalSuffixes are name suffixes that never resolve to a public
// address: reserved for loopback and local networks (RFC 6761, RFC 6762,
// RFC 8375, ICANN's .internal).
var internalSuffixes = []string{".localhost", ".local", ".internal", ".home.arpa"}

// CheckURL checks that raw can be a webhook URL: absolute http or https,
// with a host, no user name or password, a valid port. Unless allowPrivate,
// it also refuses hosts that can only ever be internal, which the sender's
// address guard would refuse at every attempt: literal loopback, private,
// link-local and reserved addresses, localhost and local-only names, and
// names without a dot. It returns a *validate.Error without a field name
// (the caller names it; HTTP 422). A name that resolves to an internal
// address is not caught here, only when connecting (see the package
// comment): what it resolves to may change.
func CheckURL(raw string, allowPrivate bool) error {
	if raw == "" {
		return validate.Field("", "is required")
	}
	if len(raw) > maxURLLen {
		return validate.Field("", "must be at most %d characters", maxURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return validate.Field("", "is not a valid URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return validate.Field("", "must start with https:// (or http://)")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return validate.Field("", "must include a host, like https://example.com/hooks/beckon")
	}
	if u.User != nil {
		return validate.Field("", "must not contain a user name or password; receivers authenticate deliveries by their signature")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return validate.Field("", "has an invalid port %q", p)
		}
	}
	if !allowPrivate && internalHost(u.Hostname()) {
		return validate.Field("", "points to an internal address (%s), which webhooks may not reach; use the receiver's public address (operators may allow internal ones with BECKON_WEBHOOK_ALLOW_PRIVATE)", u.Hostname())
	}
	return nil
}

// internalHost reports whether host (as in a URL, without brackets) can
// only be an internal address.
func internalHost(host string) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		return forbidden(a)
	}
	name := strings.TrimSuffix(strings.ToLower(host), ".")
	if name == "localhost" || !strings.Contains(name, ".") {
		return true // dotless names resolve only through local search domains
	}
	for _, s := range internalSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	// "127.1" and "0x7f.0.0.1" are addresses to some resolvers (inet_aton);
	// no public name ends in a numeric label.
	last := name[strings.LastIndexByte(name, '.')+1:]
	return strings.HasPrefix(last, "0x") || strings.Trim(last, "0123456789") == ""
}
