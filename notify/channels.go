package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/beckonhq/beckon/validate"
)

// Kinds of site channels, as the API and Notification.Channel name them.
const (
	ChannelWebhook  = "webhook"
	ChannelTelegram = "telegram"
	ChannelEmail    = "email"
	ChannelBitrix24 = "bitrix24"
)

// ChannelKinds lists the kinds in the order Publish stores them.
var ChannelKinds = []string{ChannelWebhook, ChannelTelegram, ChannelEmail, ChannelBitrix24}

// Channels are a site's own destinations for events (store.Site.Channels),
// each subscribed to some event types. Absent: not used.
type Channels struct {
	Webhook  *WebhookChannel  `json:"webhook,omitempty"`
	Telegram *TelegramChannel `json:"telegram,omitempty"`
	Email    *EmailChannel    `json:"email,omitempty"`
	Bitrix24 *Bitrix24Channel `json:"bitrix24,omitempty"`
}

// WebhookChannel is a signed Standard Webhooks endpoint for the whole site.
type WebhookChannel struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret"` // whsec_…; generated when absent
	Events []string `json:"events"`
}

// TelegramChannel posts messages to a chat through the owner's bot.
type TelegramChannel struct {
	BotToken string   `json:"bot_token"`
	ChatID   ChatID   `json:"chat_id"`
	Events   []string `json:"events"`
	Lang     string   `json:"lang"`
}

// EmailChannel mails the owner through the operator's SMTP server.
type EmailChannel struct {
	To     []string `json:"to"`
	Events []string `json:"events"`
	Lang   string   `json:"lang"`
}

// Bitrix24Channel adds a CRM lead per event through an incoming webhook.
type Bitrix24Channel struct {
	// URL is the incoming webhook's base, https://x.bitrix24.ru/rest/1/abc/;
	// its path holds the webhook's secret.
	URL    string   `json:"url"`
	Events []string `json:"events"`
	// Fields maps Beckon's lead fields (Bitrix24Sources) to Bitrix24's
	// lead fields, over DefaultBitrix24Fields; "" drops a default.
	Fields map[string]string `json:"fields,omitempty"`
}

// ChatID is a Telegram chat: a number (-1001234567890) or @channelname.
// JSON numbers and strings are both taken; it is kept as a string.
type ChatID string

// UnmarshalJSON implements json.Unmarshaler. Any other JSON value is
// kept as no chat, for Normalize to refuse with its path
// ("telegram.chat_id"), which an UnmarshalJSON error cannot name.
func (c *ChatID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = ChatID(s)
		return nil
	}
	var n json.Number
	if json.Unmarshal(b, &n) != nil {
		n = ""
	}
	*c = ChatID(n.String())
	return nil
}

// ParseChannels reads store.Site.Channels; empty is no channels.
func ParseChannels(raw []byte) (Channels, error) {
	var c Channels
	if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
		return c, nil
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("notify: site channels: %w", err)
	}
	return c, nil
}

// Subscribed reports whether the channel of kind is set and wants events
// of type t.
func (c Channels) Subscribed(kind, t string) bool {
	events, ok := c.events(kind)
	return ok && slices.Contains(events, t)
}

func (c Channels) events(kind string) ([]string, bool) {
	switch kind {
	case ChannelWebhook:
		if c.Webhook != nil {
			return c.Webhook.Events, true
		}
	case ChannelTelegram:
		if c.Telegram != nil {
			return c.Telegram.Events, true
		}
	case ChannelEmail:
		if c.Email != nil {
			return c.Email.Events, true
		}
	case ChannelBitrix24:
		if c.Bitrix24 != nil {
			return c.Bitrix24.Events, true
		}
	}
	return nil, false
}

// Has reports whether the channel of kind is set.
func (c Channels) Has(kind string) bool {
	_, ok := c.events(kind)
	return ok
}

// CheckOptions are what validating channels depends on besides them.
type CheckOptions struct {
	AllowPrivate bool // webhook and Bitrix24 URLs may be internal (BECKON_WEBHOOK_ALLOW_PRIVATE)
	EmailEnabled bool // the operator configured SMTP (BECKON_SMTP_URL)
}

// Limits of channel settings.
const (
	maxRecipients = 10
	maxFieldMaps  = 50
)

var (
	botTokenPattern    = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
	chatNamePattern    = regexp.MustCompile(`^@[A-Za-z][A-Za-z0-9_]{3,31}$`)
	bitrixFieldPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)
	stepPattern        = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	hiddenPattern      = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Normalize makes in, the channels an owner sends, ready to store: a
// secret left out or sent back masked keeps stored's, a webhook without
// a secret gets a new one, events left out get their defaults, and every
// value is checked. Errors are *validate.Error naming the field
// ("telegram.chat_id").
func (in *Channels) Normalize(stored Channels, o CheckOptions) error {
	if w := in.Webhook; w != nil {
		if (w.Secret == "" || w.Secret == mask(secretOf(stored.Webhook))) && stored.Webhook != nil {
			w.Secret = stored.Webhook.Secret
		}
		if w.Secret == "" {
			w.Secret = NewSecret()
		}
		if err := CheckURL(w.URL, o.AllowPrivate); err != nil {
			return validate.Prefix("webhook.url", err)
		}
		if err := CheckSecret(w.Secret); err != nil {
			return validate.Prefix("webhook.secret", err)
		}
		if err := normalizeEvents("webhook", &w.Events, EventTypes); err != nil {
			return err
		}
	}
	if t := in.Telegram; t != nil {
		if stored.Telegram != nil && (t.BotToken == "" || t.BotToken == mask(stored.Telegram.BotToken)) {
			t.BotToken = stored.Telegram.BotToken
		}
		if !botTokenPattern.MatchString(t.BotToken) {
			return validate.Field("telegram.bot_token", "must be a bot token from @BotFather, like 123456789:AAH…")
		}
		if err := checkChatID(t.ChatID); err != nil {
			return err
		}
		if err := normalizeLang("telegram", &t.Lang); err != nil {
			return err
		}
		if err := normalizeEvents("telegram", &t.Events, EventTypes); err != nil {
			return err
		}
	}
	if e := in.Email; e != nil {
		if !o.EmailEnabled {
			return validate.Field("email", "e-mail is not available: the server's operator has not configured SMTP (BECKON_SMTP_URL)")
		}
		if len(e.To) == 0 || len(e.To) > maxRecipients {
			return validate.Field("email.to", "must list 1 to %d addresses", maxRecipients)
		}
		for i, to := range e.To {
			addr, err := mail.ParseAddress(to)
			if err != nil || addr.Name != "" || strings.ContainsAny(to, "\r\n") {
				return validate.Field(fmt.Sprintf("email.to[%d]", i), "must be an e-mail address like owner@example.com")
			}
			e.To[i] = addr.Address
		}
		if err := normalizeLang("email", &e.Lang); err != nil {
			return err
		}
		if err := normalizeEvents("email", &e.Events, EventTypes); err != nil {
			return err
		}
	}
	if b := in.Bitrix24; b != nil {
		if stored.Bitrix24 != nil && (b.URL == "" || b.URL == maskBitrixURL(stored.Bitrix24.URL)) {
			b.URL = stored.Bitrix24.URL
		}
		if err := checkBitrixURL(&b.URL, o.AllowPrivate); err != nil {
			return err
		}
		if err := normalizeEvents("bitrix24", &b.Events, bitrix24Events); err != nil {
			return err
		}
		if err := checkBitrixFields(b.Fields); err != nil {
			return err
		}
	}
	return nil
}

// bitrix24Events are the events with a lead to add: a budget alert is not
// a customer, and a review is a customer's opinion to moderate, not a
// sale to follow up (a CRM lead per review would swamp the sales funnel).
var bitrix24Events = []string{EventLeadSubmitted, EventLeadStarted, EventCallbackCompleted, EventCallbackMissed}

// defaultEvents of a channel whose events are left out: every lead, the
// calls worth acting on and the reviews waiting for moderation. Bitrix24
// gets finished leads only, so a quiz that keeps partial leads does not
// add each visitor twice; a review is not a lead there (bitrix24Events).
var defaultEvents = map[string][]string{
	"webhook":  EventTypes,
	"telegram": {EventLeadSubmitted, EventCallbackMissed, EventCallbackBudgetSpent, EventReviewCreated},
	"email":    {EventLeadSubmitted, EventCallbackMissed, EventCallbackBudgetSpent, EventReviewCreated},
	"bitrix24": {EventLeadSubmitted, EventCallbackMissed},
}

func normalizeEvents(kind string, events *[]string, allowed []string) error {
	if *events == nil {
		*events = slices.Clone(defaultEvents[kind])
		return nil
	}
	if len(*events) == 0 {
		return validate.Field(kind+".events", "must name at least one event: %s", strings.Join(allowed, ", "))
	}
	seen := map[string]bool{}
	out := (*events)[:0]
	for i, e := range *events {
		if err := validate.OneOf(fmt.Sprintf("%s.events[%d]", kind, i), e, allowed...); err != nil {
			return err
		}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	*events = out
	return nil
}

// normalizeLang checks the language of a channel's messages; "" is the
// site's.
func normalizeLang(kind string, lang *string) error {
	if *lang == "" {
		return nil
	}
	return validate.OneOf(kind+".lang", *lang, validate.Locales...)
}

func checkChatID(id ChatID) error {
	s := string(id)
	if chatNamePattern.MatchString(s) {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n != 0 {
		return nil
	}
	return validate.Field("telegram.chat_id", "must be a chat's number (like -1001234567890) or a channel's @name")
}

// checkBitrixURL checks an incoming webhook's base URL and ends it with a
// slash, so the method's name can follow.
func checkBitrixURL(raw *string, allowPrivate bool) error {
	if err := CheckURL(*raw, allowPrivate); err != nil {
		return validate.Prefix("bitrix24.url", err)
	}
	if !strings.Contains(*raw, "/rest/") || strings.ContainsAny(*raw, "?#") {
		return validate.Field("bitrix24.url", "must be the incoming webhook's URL as Bitrix24 shows it, like https://example.bitrix24.ru/rest/1/abc123/")
	}
	if strings.HasSuffix(*raw, ".json") { // the URL copied with a method: keep the base
		*raw = (*raw)[:strings.LastIndex(*raw, "/")+1]
	}
	if !strings.HasSuffix(*raw, "/") {
		*raw += "/"
	}
	return nil
}

func checkBitrixFields(fields map[string]string) error {
	if len(fields) > maxFieldMaps {
		return validate.Field("bitrix24.fields", "may map at most %d fields", maxFieldMaps)
	}
	for src, dst := range fields {
		if !bitrixSource(src) {
			return validate.Field("bitrix24.fields."+src, "is not a lead field: use one of %s, hidden.<name>, answer.<step id> or value.<formula>",
				strings.Join(Bitrix24Sources, ", "))
		}
		if dst != "" && !bitrixFieldPattern.MatchString(dst) {
			return validate.Field("bitrix24.fields."+src, "must be a Bitrix24 field code like TITLE or UF_CRM_1700000000, or \"\" to leave it out")
		}
	}
	return nil
}

// bitrixSource reports whether name is a lead field Bitrix24 fields may
// be filled from.
func bitrixSource(name string) bool {
	if slices.Contains(Bitrix24Sources, name) {
		return true
	}
	kind, rest, ok := strings.Cut(name, ".")
	if !ok {
		return false
	}
	switch kind {
	case "hidden":
		return hiddenPattern.MatchString(rest)
	case "answer", "value":
		return stepPattern.MatchString(rest)
	}
	return false
}

// Masked is c as the admin API shows it: secrets replaced by a mask that
// keeps enough to recognise them (the bot token's last characters, the
// Bitrix24 portal's host). Sending a mask back keeps the stored secret.
func (c Channels) Masked() Channels {
	out := c
	if c.Webhook != nil {
		w := *c.Webhook
		w.Secret = mask(w.Secret)
		out.Webhook = &w
	}
	if c.Telegram != nil {
		t := *c.Telegram
		t.BotToken = mask(t.BotToken)
		out.Telegram = &t
	}
	if c.Bitrix24 != nil {
		b := *c.Bitrix24
		b.URL = maskBitrixURL(b.URL)
		out.Bitrix24 = &b
	}
	return out
}

func secretOf(w *WebhookChannel) string {
	if w == nil {
		return ""
	}
	return w.Secret
}

// mask hides a secret but its last four characters.
func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "****" + secret[max(0, len(secret)-4):]
}

// maskBitrixURL keeps a webhook URL's scheme and host; the path is the
// secret.
func maskBitrixURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return mask(raw)
	}
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + host + "/rest/****/"
}
