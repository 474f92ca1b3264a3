// Package config reads Beckon's settings from the environment (flags of the
// same names override). Each setting's name, default and meaning are declared
// once, in vars, so --help, the README table (checked by a test) and the code
// cannot drift apart.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/beckonhq/beckon/validate"
)

// Config is the process configuration.
type Config struct {
	Addr           string
	DataDir        string
	RedisURL       string
	AdminToken     string
	PublicURL      string
	TrustedProxies []netip.Prefix
	LogLevel       slog.Level
	// PublicRate is the per-IP budget of the public widget API in requests
	// per second, PublicBurst how many may come at once.
	PublicRate  float64
	PublicBurst int
	TwilioSID   string
	TwilioToken string
	TwilioFrom  string
	// TwilioVoices is the <Say voice> per language (ru, uk, en).
	TwilioVoices map[string]string
	// CallbackWorkers bounds the callback jobs worked on at once; 0 runs
	// no workers here (other replicas do).
	CallbackWorkers int
	// WebhookAllowPrivate lets owners' webhooks reach internal addresses.
	WebhookAllowPrivate bool
	// MaxConns and MaxConnsPerIP bound open client connections, in all and
	// per client address; connections over either are closed at once.
	MaxConns      int
	MaxConnsPerIP int
	// SMTPURL is the mail server of the sites' e-mail channels (empty: no
	// e-mail), SMTPFrom the sender's address.
	SMTPURL  string
	SMTPFrom string
	// TelegramAPIURL is the Bot API's base URL.
	TelegramAPIURL string
	// Dashboard is the sign-in policy of /app (config/dashboard.go).
	Dashboard Dashboard
}

// Var documents one setting.
type Var struct {
	Env, Flag, Default, Help string
	set                      func(c *Config, v string) error
}

// Vars lists every setting in the order the README shows them.
var Vars = []Var{
	{"BECKON_ADDR", "addr", ":8080", "listen address", func(c *Config, v string) error { c.Addr = v; return nil }},
	{"BECKON_DATA_DIR", "data-dir", "./data", "embedded store directory", func(c *Config, v string) error { c.DataDir = v; return nil }},
	{"BECKON_REDIS_URL", "redis-url", "", "use Redis instead of the embedded store: redis://, rediss://, redis+sentinel://, redis+cluster://", func(c *Config, v string) error { c.RedisURL = v; return nil }},
	{"BECKON_ADMIN_TOKEN", "admin-token", "", "bearer token of the operator; when unset one is generated on first start, printed once and stored hashed", func(c *Config, v string) error { c.AdminToken = v; return nil }},
	{"BECKON_PUBLIC_URL", "public-url", "", "public base URL (webhooks, links in emails, the demo site's origin); unset: http://localhost with BECKON_ADDR's port (its host, when it names one)", setPublicURL},
	{"BECKON_TRUSTED_PROXIES", "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed", setProxies},
	{"BECKON_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", setLevel},
	{"BECKON_PUBLIC_RATE", "public-rate", "10", "public widget API: requests per second per client IP", setRate},
	{"BECKON_PUBLIC_BURST", "public-burst", "40", "public widget API: requests per client IP allowed at once", setBurst},
	{"BECKON_MAX_CONNS", "max-conns", "16000", "open client connections at most (lowered to fit the open-files limit, ulimit -n); more are closed at once", setConnLimit(func(c *Config) *int { return &c.MaxConns })},
	{"BECKON_MAX_CONNS_PER_IP", "max-conns-per-ip", "256", "open connections per client address at most; trusted proxies are exempt", setConnLimit(func(c *Config) *int { return &c.MaxConnsPerIP })},
	{"BECKON_TWILIO_ACCOUNT_SID", "twilio-account-sid", "", "Twilio account; unset: simulated telephony", func(c *Config, v string) error { c.TwilioSID = v; return nil }},
	{"BECKON_TWILIO_AUTH_TOKEN", "twilio-auth-token", "", "Twilio auth token", func(c *Config, v string) error { c.TwilioToken = v; return nil }},
	{"BECKON_TWILIO_FROM", "twilio-from", "", "Twilio number managers see calling (E.164); a widget's caller_id shows to visitors", func(c *Config, v string) error { c.TwilioFrom = v; return nil }},
	{"BECKON_TWILIO_VOICE_RU", "twilio-voice-ru", "Google.ru-RU-Standard-A", "Twilio <Say> voice for Russian (a Google. or Polly. voice that speaks ru-RU)", setVoice("ru")},
	{"BECKON_TWILIO_VOICE_UK", "twilio-voice-uk", "Google.uk-UA-Standard-A", "Twilio <Say> voice for Ukrainian (speaks uk-UA)", setVoice("uk")},
	{"BECKON_TWILIO_VOICE_EN", "twilio-voice-en", "Google.en-US-Standard-C", "Twilio <Say> voice for English (speaks en-US)", setVoice("en")},
	{"BECKON_CALLBACK_WORKERS", "callback-workers", "64", "callback jobs this replica works on at once; 0: none (an intake-only replica)", setWorkers},
	{"BECKON_WEBHOOK_ALLOW_PRIVATE", "webhook-allow-private", "false", "let site webhooks reach loopback, private and link-local addresses", setAllowPrivate},
	{"BECKON_SMTP_URL", "smtp-url", "", "mail server of the sites' e-mail notifications: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465; unset: no e-mail channel", setSMTPURL},
	{"BECKON_SMTP_FROM", "smtp-from", "", "sender of notification e-mails, like Beckon <beckon@example.com>; needed with BECKON_SMTP_URL", setSMTPFrom},
	{"BECKON_TELEGRAM_API_URL", "telegram-api-url", "https://api.telegram.org", "Telegram Bot API base URL of the sites' Telegram notifications (a local Bot API server)", setTelegramAPI},
	{"BECKON_REQUIRE_2FA", "require-2fa", "false", "dashboard: every user must enrol two-factor sign-in (TOTP) before anything else", setRequire2FA},
	{"BECKON_OIDC_ISSUER", "oidc-issuer", "", "dashboard: OpenID Connect issuer URL for \"Sign in with ...\"; unset: no OIDC sign-in", setOIDCIssuer},
	{"BECKON_OIDC_CLIENT_ID", "oidc-client-id", "", "dashboard: OIDC client ID; its redirect URI is BECKON_PUBLIC_URL/app/oidc/callback", func(c *Config, v string) error { c.Dashboard.OIDCClientID = v; return nil }},
	{"BECKON_OIDC_CLIENT_SECRET", "oidc-client-secret", "", "dashboard: OIDC client secret", func(c *Config, v string) error { c.Dashboard.OIDCClientSecret = v; return nil }},
	{"BECKON_OIDC_NAME", "oidc-name", "SSO", "dashboard: the provider's name on the sign-in button", setOIDCName},
}

// setVoice sets the Twilio voice of lang; Twilio names voices like
// Google.ru-RU-Standard-A, Polly.Tatyana, man or woman.
func setVoice(lang string) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		if strings.ContainsAny(v, " \t\r\n<>\"&") || len(v) > 100 {
			return fmt.Errorf("want a Twilio voice name such as Google.ru-RU-Standard-A")
		}
		if c.TwilioVoices == nil {
			c.TwilioVoices = map[string]string{}
		}
		c.TwilioVoices[lang] = v
		return nil
	}
}

func setWorkers(c *Config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 10000 {
		return fmt.Errorf("want a number from 0 to 10000")
	}
	c.CallbackWorkers = n
	return nil
}

// setConnLimit sets a connection cap.
func setConnLimit(field func(c *Config) *int) func(c *Config, v string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return fmt.Errorf("want a number from 1 to 1000000")
		}
		*field(c) = n
		return nil
	}
}

func setAllowPrivate(c *Config, v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	c.WebhookAllowPrivate = b
	return nil
}

// setSMTPURL checks the mail server's URL; the password stays in it.
func setSMTPURL(c *Config, v string) error {
	c.SMTPURL = ""
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") {
		return fmt.Errorf("want smtp://user:pass@host:587 or smtps://user:pass@host:465")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("the port %q is not a port", p)
		}
	}
	c.SMTPURL = v
	return nil
}

// setSMTPFrom runs after BECKON_SMTP_URL (Vars' order): a mail server
// needs a sender.
func setSMTPFrom(c *Config, v string) error {
	c.SMTPFrom = v
	if v == "" {
		if c.SMTPURL != "" {
			return fmt.Errorf("BECKON_SMTP_URL is set, so the sender's address is needed, like Beckon <beckon@example.com>")
		}
		return nil
	}
	if _, err := mail.ParseAddress(v); err != nil {
		return fmt.Errorf("want an address like Beckon <beckon@example.com>: %w", err)
	}
	return nil
}

func setTelegramAPI(c *Config, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		return fmt.Errorf("want an absolute http(s) URL like https://api.telegram.org")
	}
	c.TelegramAPIURL = strings.TrimRight(v, "/")
	return nil
}

// Load builds the configuration from defaults, then the environment
// (getenv), then command-line args. For -h or -help it returns
// flag.ErrHelp: the caller prints Usage and exits 0.
func Load(args []string, getenv func(string) string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("beckon serve", flag.ContinueOnError)
	// The flag package would print every default, and a default taken from
	// the environment may be a secret: Usage prints help, errors are returned.
	fs.SetOutput(io.Discard)
	flags := make([]*string, len(Vars))
	for i, v := range Vars {
		flags[i] = fs.String(v.Flag, v.Default, v.Help)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, fmt.Errorf("%w (beckon serve -h lists the flags)", err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for i, v := range Vars {
		value := v.Default
		if env := getenv(v.Env); env != "" {
			value = env
		}
		if given[v.Flag] {
			value = *flags[i]
		}
		if err := v.set(&c, value); err != nil {
			return c, fmt.Errorf("config: %s=%s: %w", v.Env, v.display(value), err)
		}
	}
	return c, nil
}

// setPublicURL runs after BECKON_ADDR is set (Vars' order), so an unset
// public URL can follow the listen address.
func setPublicURL(c *Config, v string) error {
	if v == "" {
		v = DefaultPublicURL(c.Addr)
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want an absolute http(s) URL")
	}
	c.PublicURL = strings.TrimRight(v, "/")
	return nil
}

func setProxies(c *Config, v string) error {
	c.TrustedProxies = nil
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			addr, err := netip.ParseAddr(s)
			if err != nil {
				return err
			}
			s = addr.String() + "/" + strconv.Itoa(addr.BitLen())
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return err
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}
	return nil
}

func setLevel(c *Config, v string) error {
	return c.LogLevel.UnmarshalText([]byte(v))
}

func setRate(c *Config, v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return fmt.Errorf("want a positive number")
	}
	c.PublicRate = f
	return nil
}

func setBurst(c *Config, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return fmt.Errorf("want a positive integer")
	}
	c.PublicBurst = n
	return nil
}

// PublicOrigin is the origin of PublicURL as a browser sends it (no
// default port, punycode host).
func (c Config) PublicOrigin() string {
	u, err := url.Parse(c.PublicURL)
	if err != nil {
		return c.PublicURL
	}
	origin := u.Scheme + "://" + u.Host
	if o, err := validate.Origin("", origin); err == nil {
		return o
	}
	return origin
}

// DefaultPublicURL is where a server listening on addr is reached from this
// machine: addr's host when it names one, else localhost, with addr's port.
func DefaultPublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "http://localhost:8080"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
