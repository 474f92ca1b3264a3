package dashboard

import "strings"

// browserName turns a User-Agent into what a person recognises in the
// sessions list, like "Firefox · Windows"; an agent it does not know is
// shown as sent, cut to 80 characters.
func browserName(ua string) string {
	browsers := []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"YaBrowser/", "Yandex Browser"}, {"Firefox/", "Firefox"},
		{"Chrome/", "Chrome"}, {"Safari/", "Safari"},
	}
	systems := []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "macOS"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	}
	var b, s string
	for _, x := range browsers {
		if strings.Contains(ua, x.token) {
			b = x.name
			break
		}
	}
	for _, x := range systems {
		if strings.Contains(ua, x.token) {
			s = x.name
			break
		}
	}
	switch {
	case b != "" && s != "":
		return b + " · " + s
	case b != "":
		return b
	case len([]rune(ua)) > 80:
		return string([]rune(ua)[:80]) + "…"
	}
	return ua
}
