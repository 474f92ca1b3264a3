package dashboard

import (
	"context"
	"crypto/tls"
	"fmt"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/beckonhq/beckon/notify"
)

// mailTimeout bounds sending an invite while its page waits: a slow mail
// server delays the page by this much at most, and the link is on the page
// anyway.
const mailTimeout = 10 * time.Second

// smtpMailer sends plain-text mails through the operator's mail server
// (BECKON_SMTP_URL), with the TLS rules of the sites' e-mail channel
// (package notify): implicit TLS for smtps://, STARTTLS required when
// there are credentials, used when offered otherwise.
func smtpMailer(c *notify.SMTPConfig) func(ctx context.Context, to, subject, body string) error {
	return func(ctx context.Context, to, subject, body string) error {
		m := mail.NewMsg()
		if err := m.From(c.From); err != nil {
			return fmt.Errorf("dashboard: mail from: %w", err)
		}
		if err := m.To(to); err != nil {
			return fmt.Errorf("dashboard: mail to: %w", err)
		}
		m.Subject(subject)
		m.SetDate()
		m.SetBodyString(mail.TypeTextPlain, body)
		tlsConf := c.TLS
		if tlsConf == nil {
			tlsConf = &tls.Config{ServerName: c.Host, MinVersion: tls.VersionTLS12}
		}
		opts := []mail.Option{mail.WithPort(c.Port), mail.WithTLSConfig(tlsConf), mail.WithTimeout(mailTimeout), mail.WithoutNoop()}
		switch {
		case c.ImplicitTLS:
			opts = append(opts, mail.WithSSL())
		case c.Username != "":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		default:
			opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		}
		if c.Username != "" {
			opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
		}
		client, err := mail.NewClient(c.Host, opts...)
		if err != nil {
			return fmt.Errorf("dashboard: mail client: %w", err)
		}
		ctx, cancel := context.WithTimeout(ctx, mailTimeout)
		defer cancel()
		if err := client.DialAndSendWithContext(ctx, m); err != nil {
			return fmt.Errorf("dashboard: send mail: %w", err)
		}
		return nil
	}
}
