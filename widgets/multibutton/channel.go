package multibutton

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/beckonhq/beckon/contact"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
	"github.com/beckonhq/beckon/widgets/ownertext"
)

// maxValue bounds a channel's value (a URL is the longest), in bytes.
const maxValue = 2000

// widgetLister lists a site's stored widgets.
type widgetLister func(siteID string) ([]store.Widget, error)

var (
	// A Telegram username: 5–32 letters, digits and underscores, from a letter.
	telegramRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{3,31}$`)
	// A VK screen name or id page (club123, id42, shop.name).
	vkRe = regexp.MustCompile(`^[A-Za-z0-9_.]{2,64}$`)
	// A MAX path: a channel's name or a user's invite (u/<token>).
	maxRe = regexp.MustCompile(`^(u/)?[A-Za-z0-9_-]{2,128}$`)
)

func fieldOf(i int) string { return fmt.Sprintf("channels[%d]", i) }

// normalize checks the channel at field and stores its value in one form
// (E.164 numbers, bare usernames); widgets are the site's stored widgets,
// nil when they could not be listed (the check is then left out).
func (c *Channel) normalize(field string, site store.Site, locale string, widgets []store.Widget) error {
	isWidget := slices.Contains(widgetTypes, c.Type)
	if !isWidget && !slices.Contains(linkTypes, c.Type) {
		return validate.OneOf(field+".type", c.Type, append(slices.Clone(widgetTypes), linkTypes...)...)
	}
	if err := ownertext.Normalize(field+".label", &c.Label, locale, c.Type == "link", true, maxLabel); err != nil {
		return err
	}
	if c.Icon != "" {
		if err := validate.OneOf(field+".icon", c.Icon, Icons...); err != nil {
			return err
		}
	}
	if isWidget {
		if c.Value != "" {
			return validate.Field(field+".value", "is not used by a %s channel; name the widget in widget_id", c.Type)
		}
		return c.checkWidget(field+".widget_id", widgets)
	}
	if c.WidgetID != "" {
		return validate.Field(field+".widget_id", "is only for callback, quiz and popup channels")
	}
	v, err := normalValue(c.Type, strings.TrimSpace(c.Value), site.Region)
	if err != nil {
		return validate.Prefix(field, err)
	}
	c.Value = v
	return nil
}

// checkWidget: a widget channel names a widget of the site of its type.
func (c *Channel) checkWidget(field string, list []store.Widget) error {
	if c.WidgetID == "" {
		return validate.Field(field, "is required: the id of the site's %s widget", c.Type)
	}
	if list == nil {
		return nil
	}
	for _, w := range list {
		if w.ID == c.WidgetID {
			if w.Type != c.Type {
				return validate.Field(field, "names a %s widget, not a %s widget", w.Type, c.Type)
			}
			return nil
		}
	}
	return validate.Field(field, "names no widget of this site")
}

// normalValue reads a link channel's value; errors name "value".
func normalValue(typ, v, region string) (string, error) {
	if v == "" {
		return "", validate.Field("value", "is required")
	}
	if len(v) > maxValue {
		return "", validate.Field("value", "is longer than %d characters", maxValue)
	}
	switch typ {
	case "phone", "whatsapp", "viber":
		n, err := contact.Phone(v, region, true)
		if err != nil {
			return "", validate.Field("value", "is not a valid phone number (read in the site's region %s)", region)
		}
		return n, nil
	case "email":
		a, err := contact.Email(v, true)
		if err != nil {
			return "", validate.Field("value", "is not a valid e-mail address")
		}
		return a, nil
	case "telegram":
		name := handle(v, "t.me", "telegram.me")
		if !telegramRe.MatchString(name) {
			return "", validate.Field("value", "must be a Telegram username (@shop_bot) or its t.me link")
		}
		return name, nil
	case "vk":
		name := handle(v, "vk.me", "vk.com", "m.vk.com")
		if !vkRe.MatchString(name) {
			return "", validate.Field("value", "must be a VK page's short name (shop) or its vk.com or vk.me link")
		}
		return name, nil
	case "max":
		name := handle(v, "max.ru")
		if !maxRe.MatchString(name) {
			return "", validate.Field("value", "must be a MAX name (shop) or its max.ru link")
		}
		return name, nil
	default: // link
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
			return "", validate.Field("value", "must be an https:// URL")
		}
		return u.String(), nil
	}
}

// handle is the path of v, a bare name or "@name", or a link to one of
// hosts (with or without https://), without a leading @ or trailing /.
func handle(v string, hosts ...string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(v, "https://"), "http://")
	for _, h := range hosts {
		if rest, ok := strings.CutPrefix(s, h+"/"); ok {
			s = rest
			break
		}
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "@"), "/")
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// href is where the channel's link goes; "" for a widget channel.
func (c Channel) href() string {
	switch c.Type {
	case "phone":
		return "tel:" + c.Value
	case "email":
		return "mailto:" + c.Value
	case "telegram":
		return "https://t.me/" + c.Value
	case "whatsapp":
		return "https://wa.me/" + strings.TrimPrefix(c.Value, "+")
	case "viber":
		return "viber://chat?number=" + url.QueryEscape(c.Value)
	case "vk":
		return "https://vk.me/" + c.Value
	case "max":
		return "https://max.ru/" + c.Value
	case "link":
		return c.Value
	}
	return ""
}

// key names the channel in the click counts: its type and target, so the
// counts follow a channel when the owner reorders the fan.
func (c Channel) key() string {
	if c.WidgetID != "" {
		return c.Type + ":" + c.WidgetID
	}
	return c.Type + ":" + c.Value
}
