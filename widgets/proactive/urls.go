package proactive

import (
	"net/url"
	"strings"

	"github.com/beckonhq/beckon/validate"
)

// checkHTTPS accepts an empty value or an absolute https URL of at most
// 2048 characters, the only kind of photo a page served over https shows.
func checkHTTPS(field, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(raw) > maxURL {
		return validate.Field(field, "must be an https:// URL of an image, up to 2048 characters")
	}
	return nil
}

// checkLink accepts an http(s) URL or a path on the site ("/boilers");
// never javascript: or data:, which would run in the owner's page.
func checkLink(field, raw string) error {
	bad := validate.Field(field, `must be an https:// or http:// URL, or a path on the site such as "/boilers", up to 2048 characters`)
	if raw == "" || len(raw) > maxURL || strings.ContainsAny(raw, " \t\r\n") {
		return bad
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad
	}
	if strings.HasPrefix(raw, "/") && !strings.HasPrefix(raw, "//") && u.Scheme == "" {
		return nil
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return bad
	}
	return nil
}

// pageURL keeps the page a reply was sent from when it is an http(s) URL
// of reasonable length; anything else is dropped, not refused: a reply is
// never lost over the page it came from.
func pageURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(raw) > maxURL {
		return ""
	}
	return raw
}

// source names where the visitor came from, as the other widgets' leads
// do: utm_source, else the referrer's host when it is another site, else
// "direct".
func source(utm map[string]string, referrer, page string) string {
	if s := utm["utm_source"]; s != "" {
		return strings.ToLower(s)
	}
	ref, err := url.Parse(referrer)
	if err != nil || ref.Host == "" {
		return "direct"
	}
	if p, err := url.Parse(page); err == nil && p.Host == ref.Host {
		return "direct"
	}
	return strings.TrimPrefix(ref.Hostname(), "www.")
}
