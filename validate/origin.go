package validate

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// defaultPorts are the ports a browser leaves out of the Origin header.
var defaultPorts = map[string]int{"http": 80, "https": 443}

// Origin reduces raw to the form a browser sends in its Origin header
// (lower-case scheme and host, IDN hosts in punycode, IPv6 in brackets, no
// default port, no trailing slash), so a stored origin matches byte for byte.
// What can never equal a browser's Origin is refused: other schemes, paths,
// queries, user info, wildcards, hosts that are not a domain name or an IP
// address.
func Origin(field, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	const example = "must be an origin such as https://shop.example or http://localhost:3000"
	switch {
	case raw == "":
		return "", Field(field, "is required; "+example)
	case len(raw) > 300:
		return "", Field(field, "is %d characters long; an origin is at most 300", len(raw))
	case strings.Contains(raw, "*"):
		return "", Field(field, "wildcards are not supported: browsers send one exact origin, so list each one (https://shop.example, https://www.shop.example)")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", Field(field, example)
	}
	port, known := defaultPorts[u.Scheme]
	switch {
	case !known:
		return "", Field(field, "must start with http:// or https://: browsers send only these as a page's origin")
	case u.Opaque != "" || u.Host == "":
		return "", Field(field, example)
	case u.User != nil:
		return "", Field(field, "must not contain a user name or password")
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", Field(field, "must be only scheme://host[:port]: browsers send no path, query or fragment in an origin")
	}
	host, err := originHost(field, u.Hostname())
	if err != nil {
		return "", err
	}
	out := u.Scheme + "://" + host
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", Field(field, "port %s is not between 1 and 65535", p)
		}
		if n != port {
			out += ":" + strconv.Itoa(n)
		}
	}
	return out, nil
}

// originHost returns host as browsers serialise it, or why it cannot be
// one (an *Error for field).
func originHost(field, host string) (string, error) {
	if host == "" {
		return "", Field(field, "needs a host name")
	}
	if strings.Contains(host, ":") { // url.Hostname strips an IPv6 literal's brackets
		addr, err := netip.ParseAddr(host)
		if err != nil || addr.Zone() != "" || !addr.Is6() {
			return "", Field(field, "host [%s] is not an IPv6 address", host)
		}
		return "[" + addr.String() + "]", nil
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		return addr.String(), nil
	}
	ascii, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return "", Field(field, "host %q is not a valid domain name", host)
	}
	name := strings.TrimSuffix(ascii, ".")
	if len(name) > 253 {
		return "", Field(field, "host is %d characters long; a domain name has at most 253", len(name))
	}
	labels := strings.Split(name, ".")
	for _, label := range labels {
		if label == "" || len(label) > 63 {
			return "", Field(field, "host %q has an empty label or one over 63 characters", host)
		}
	}
	// Browsers read a host whose last label is a number as an IPv4 address
	// (1.2.3 becomes 1.2.0.3), so such a name never comes back as written.
	if strings.Trim(labels[len(labels)-1], "0123456789") == "" {
		return "", Field(field, "host %q is neither a domain name nor an IPv4 address", host)
	}
	return ascii, nil
}
