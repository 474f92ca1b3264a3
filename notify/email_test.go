package notify

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/beckonhq/beckon/store"
)

// TestEmailMessage: the lead goes to a real SMTP server over STARTTLS
// with AUTH PLAIN, as one message with a plain and an HTML part of the
// same report, in the channel's language, the HTML escaped.
func TestEmailMessage(t *testing.T) {
	srv := newSMTPServer(t, "beckon", "s3cret", nil)
	st := backings["embedded"](t)()
	s, _ := channelSender(t, st, newClock(), Channels{Email: &EmailChannel{To: []string{"owner@shop.example", "sales@shop.example"},
		Events: []string{EventLeadSubmitted}, Lang: "en"}}, func(o *Options) { o.SMTP = srv.config("beckon", "s3cret") })
	run(t, s)
	publish(t, s, leadEvent("site-1"))
	a := waitLog(t, st, "site-1", 1)[0]
	if a.Channel != ChannelEmail || a.Error != "" || a.URL != "mailto:owner@shop.example,sales@shop.example" {
		t.Fatalf("log entry %+v", a)
	}
	got := srv.messages()
	if len(got) != 1 {
		t.Fatalf("server took %d messages", len(got))
	}
	m := got[0]
	if !m.tls || m.authed != "beckon" || m.from != "beckon@example.com" || strings.Join(m.to, ",") != "owner@shop.example,sales@shop.example" {
		t.Fatalf("envelope: tls=%v auth=%q from=%q to=%v", m.tls, m.authed, m.from, m.to)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != "New lead: 3-комнатная, оценка 420 000 ₽ — Ремонт & Co" {
		t.Errorf("Subject %q", subject)
	}
	if id := msg.Header.Get("Message-Id"); !strings.HasPrefix(id, "<"+a.NotificationID+"@example.com") {
		t.Errorf("Message-ID %q, want the notification's id", id)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		var body []byte
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body, err = io.ReadAll(quotedprintable.NewReader(p))
		} else {
			body, err = io.ReadAll(p)
		}
		if err != nil {
			t.Fatal(err)
		}
		parts[ct] = string(body)
	}
	plain, html := parts["text/plain"], parts["text/html"]
	for _, want := range []string{"Name: Ольга <b>&</b>", "Сколько комнат?: 3 комнаты", "price: 420,000", "utm_source: yandex",
		"Open the lead: https://beckon.example/api/v1/sites/site-1/leads/ld_abc"} {
		if !strings.Contains(plain, want) {
			t.Errorf("plain part lacks %q:\n%s", want, plain)
		}
	}
	for _, want := range []string{"Ольга &lt;b&gt;&amp;&lt;/b&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;",
		`<a href="https://beckon.example/api/v1/sites/site-1/leads/ld_abc">Open the lead</a>`} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML part lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") || len(parts) != 2 {
		t.Fatalf("parts %v", parts)
	}
}

// TestEmailAnswers: a 4xx reply is tried again, a 5xx reply (a refused
// recipient, wrong credentials) is final.
func TestEmailAnswers(t *testing.T) {
	for _, tc := range []struct {
		name        string
		reject      error
		pass        string
		status      int
		wantPending bool
	}{
		{"greylisted", &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1}, Message: "Greylisted, try again later"}, "s3cret", 451, true},
		{"refused", &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"}, "s3cret", 550, false},
		{"wrong password", nil, "wrong", 535, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newSMTPServer(t, "beckon", "s3cret", func(int) error { return tc.reject })
			st := backings["embedded"](t)()
			s, _ := channelSender(t, st, newClock(), Channels{Email: &EmailChannel{To: []string{"owner@shop.example"},
				Events: []string{EventLeadSubmitted}}}, func(o *Options) { o.SMTP = srv.config("beckon", tc.pass) })
			run(t, s)
			publish(t, s, leadEvent("site-1"))
			a := waitLog(t, st, "site-1", 1)[0]
			n := notification(t, st, "site-1", a.NotificationID)
			if (n.State == store.NotificationPending) != tc.wantPending || a.Status != tc.status || a.Error == "" {
				t.Fatalf("state %s after %+v", n.State, a)
			}
		})
	}
}
