package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/beckonhq/beckon/store"
)

// SMTPConfig is the operator's mail server (BECKON_SMTP_URL,
// BECKON_SMTP_FROM), which sends every site's e-mail channel.
type SMTPConfig struct {
	Host               string
	Port               int
	Username, Password string
	// ImplicitTLS is smtps://: TLS from the first byte (port 465). Else
	// STARTTLS: required when there are credentials (they never travel
	// in clear), used when offered otherwise.
	ImplicitTLS bool
	From        string
	// TLS verifies the server; nil: the system's roots and the host name.
	TLS *tls.Config
}

// ParseSMTPURL reads smtp://user:pass@host:587 or smtps://user:pass@host:465
// and the sender's address.
func ParseSMTPURL(raw, from string) (*SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("notify: SMTP URL: %w", err)
	}
	c := &SMTPConfig{Host: u.Hostname(), From: from}
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return nil, fmt.Errorf("notify: SMTP URL must start with smtp:// or smtps://")
	}
	if c.Host == "" {
		return nil, fmt.Errorf("notify: SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		if c.Port, err = strconv.Atoi(p); err != nil || c.Port < 1 || c.Port > 65535 {
			return nil, fmt.Errorf("notify: SMTP URL's port %q is not a port", p)
		}
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if from == "" {
		return nil, fmt.Errorf("notify: an SMTP server needs a sender's address (BECKON_SMTP_FROM)")
	}
	if err := mail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("notify: the sender's address %q: %w", from, err)
	}
	return c, nil
}

// client is a go-mail client for one delivery.
func (c *SMTPConfig) client(timeout time.Duration) (*mail.Client, error) {
	tlsConf := c.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
	}
	opts := []mail.Option{mail.WithPort(c.Port), mail.WithTLSConfig(tlsConf), mail.WithTimeout(timeout), mail.WithoutNoop()}
	if c.ImplicitTLS {
		opts = append(opts, mail.WithSSL())
	} else if c.Username != "" {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if c.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	return mail.NewClient(c.Host, opts...)
}

// sendEmail mails n to the channel's addresses: a plain and an HTML part
// of the same report. The server's 4xx answers (and the network) are
// retried, its 5xx answers are final.
func (s *Sender) sendEmail(ctx context.Context, n store.Notification, site SiteInfo, ch EmailChannel) attemptResult {
	e, err := readEvent(n.Body)
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: err}
	}
	r := s.newReport(e, site, channelLang(ch.Lang, site))
	m := mail.NewMsg()
	if err := m.From(s.opts.SMTP.From); err != nil {
		return attemptResult{outcome: OutcomeFailed, err: fmt.Errorf("e-mail from: %w", err)}
	}
	if err := m.To(ch.To...); err != nil {
		return attemptResult{outcome: OutcomeFailed, err: fmt.Errorf("e-mail to: %w", err)}
	}
	subject := r.Title
	if r.Headline != "" {
		subject += ": " + r.Headline
	}
	if r.Site != "" {
		subject += " — " + r.Site
	}
	m.Subject(subject)
	// The message's id is the notification's, so a repeat after a crash
	// can be recognised.
	m.SetMessageIDWithValue(n.ID + "@" + domainOf(s.opts.SMTP.From))
	m.SetDate()
	m.SetBodyString(mail.TypeTextPlain, r.plain()+"\n--\n"+r.Texts.Footer+"\n")
	var html bytes.Buffer
	if err := emailTemplate.Execute(&html, r); err != nil {
		return attemptResult{outcome: OutcomeFailed, err: fmt.Errorf("e-mail html: %w", err)}
	}
	m.AddAlternativeString(mail.TypeTextHTML, html.String())

	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	c, err := s.opts.SMTP.client(s.opts.Timeout)
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: fmt.Errorf("smtp client: %w", err)}
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return smtpResult(err)
	}
	return attemptResult{outcome: OutcomeOK}
}

// smtpResult classifies an SMTP failure by the server's reply code: 5xx
// is final (a recipient refused, wrong credentials), anything else (4xx,
// the network, a timeout) is tried again.
func smtpResult(err error) attemptResult {
	code := 0
	var se *mail.SendError
	var te *textproto.Error
	switch {
	case errors.As(err, &se) && se.ErrorCode() != 0:
		code = se.ErrorCode()
	case errors.As(err, &te):
		code = te.Code
	}
	res := attemptResult{status: code, outcome: resultRetry, err: fmt.Errorf("smtp: %w", err)}
	if code >= 500 {
		res.outcome = OutcomeFailed
	}
	return res
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return strings.Trim(addr[i+1:], "> ")
	}
	return "beckon.invalid"
}

// emailTemplate is the HTML part; html/template escapes every value.
var emailTemplate = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:-apple-system,Segoe UI,Roboto,Arial,sans-serif;color:#111;line-height:1.45">
<h2 style="margin:0 0 4px">{{.Title}}</h2>
{{if .Headline}}<p style="margin:0 0 12px;font-size:16px">{{.Headline}}</p>{{end}}
{{if .Site}}<p style="margin:0 0 12px;color:#555">{{.Texts.Site}}: {{.Site}}</p>{{end}}
{{define "rows"}}<table style="border-collapse:collapse;margin:0 0 12px">{{range .}}<tr>{{if .Label}}<td style="padding:2px 12px 2px 0;color:#555;vertical-align:top">{{.Label}}</td><td style="padding:2px 0">{{.Value}}</td>{{else}}<td colspan="2" style="padding:2px 0">{{.Value}}</td>{{end}}</tr>{{end}}</table>{{end}}
{{if .Contact}}{{template "rows" .Contact}}{{end}}
{{if .Answers}}<h3 style="margin:12px 0 4px">{{.Texts.Answers}}</h3>{{template "rows" .Answers}}{{end}}
{{if .Result}}{{template "rows" .Result}}{{end}}
{{if .Details}}{{template "rows" .Details}}{{end}}
{{if .Link}}<p><a href="{{.Link}}">{{.LinkText}}</a></p>{{end}}
<p style="color:#888;font-size:12px">{{.Texts.Footer}}</p>
</body></html>
`))
