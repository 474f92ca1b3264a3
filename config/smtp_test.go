package config

import (
	"bytes"
	"strings"
	"testing"
)

// TestSMTPSettings: a mail server needs a sender; bad URLs name their
// variable; the password is never printed, not in errors, not in -h.
func TestSMTPSettings(t *testing.T) {
	load := func(env map[string]string) (Config, error) {
		return Load(nil, func(k string) string { return env[k] })
	}
	c, err := load(map[string]string{"BECKON_SMTP_URL": "smtp://beckon:hunter2@mail.example:587", "BECKON_SMTP_FROM": "Beckon <beckon@example.com>"})
	if err != nil || c.SMTPURL != "smtp://beckon:hunter2@mail.example:587" || c.SMTPFrom != "Beckon <beckon@example.com>" ||
		c.TelegramAPIURL != "https://api.telegram.org" {
		t.Fatalf("%+v %v", c, err)
	}
	for _, tc := range []struct{ env map[string]string }{
		{map[string]string{"BECKON_SMTP_URL": "smtp://beckon:hunter2@mail.example:587"}},                                        // no sender
		{map[string]string{"BECKON_SMTP_URL": "imap://beckon:hunter2@mail.example", "BECKON_SMTP_FROM": "b@example.com"}},       // not SMTP
		{map[string]string{"BECKON_SMTP_URL": "smtp://beckon:hunter2@mail.example:99999", "BECKON_SMTP_FROM": "b@example.com"}}, // no port
		{map[string]string{"BECKON_SMTP_FROM": "not an address"}},
		{map[string]string{"BECKON_TELEGRAM_API_URL": "api.telegram.org"}},
	} {
		_, err := load(tc.env)
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v: %v", tc.env, err)
		}
	}
	var help bytes.Buffer
	Usage(&help, func(k string) string {
		return map[string]string{"BECKON_SMTP_URL": "smtp://beckon:hunter2@mail.example:587"}[k]
	})
	if !strings.Contains(help.String(), "-smtp-url") || strings.Contains(help.String(), "hunter2") {
		t.Fatalf("usage:\n%s", help.String())
	}
}
