package server_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// mailbox is an SMTP server (go-smtp) on loopback without TLS or
// authentication, as a local relay is: it keeps what it is given.
type mailbox struct {
	mu   sync.Mutex
	mail []string
}

type mailboxSession struct {
	box *mailbox
	to  []string
}

func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *mailboxSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.box.mu.Lock()
	s.box.mail = append(s.box.mail, strings.Join(s.to, ",")+"\n"+string(b))
	s.box.mu.Unlock()
	return err
}
func (s *mailboxSession) Reset()        { s.to = nil }
func (s *mailboxSession) Logout() error { return nil }

func newMailbox(t *testing.T) (*mailbox, string) {
	box := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{box: box}, nil }))
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().String()
}

// TestEmailChannelThroughTheOperatorsRelay: with BECKON_SMTP_URL and
// BECKON_SMTP_FROM set, a site may have an e-mail channel, and its test
// message reaches the relay from the operator's sender, in the channel's
// language, and is in the delivery log.
func TestEmailChannelThroughTheOperatorsRelay(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		box, addr := newMailbox(t)
		ts := servertest.Start(t, newStore(t), servertest.Options{Config: func(c *config.Config) {
			c.SMTPURL, c.SMTPFrom = "smtp://"+addr, "Beckon <beckon@example.com>"
		}})
		siteID := ts.CreateSite("Ремонт")["id"].(string)
		path := "/api/v1/sites/" + siteID + "/channels"
		servertest.ExpectStatus(t, ts.Admin("PUT", path, map[string]any{"email": map[string]any{"to": []string{"owner@shop.example"}, "lang": "uk"}}), http.StatusOK)
		r := ts.Admin("POST", path+"/email/test", nil)
		servertest.ExpectStatus(t, r, http.StatusAccepted)
		entry := deliveries(ts, siteID, 1)[0]
		if entry["webhook_id"] != r.JSON(t)["notification_id"] || entry["channel"] != "email" || entry["url"] != "mailto:owner@shop.example" || entry["error"] != nil {
			t.Fatalf("log entry %v", entry)
		}
		deadline := time.Now().Add(5 * time.Second)
		for {
			box.mu.Lock()
			n := len(box.mail)
			box.mu.Unlock()
			if n > 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond) // polling the relay until a deadline
		}
		box.mu.Lock()
		defer box.mu.Unlock()
		if len(box.mail) != 1 {
			t.Fatalf("the relay got %d messages", len(box.mail))
		}
		m := box.mail[0]
		for _, want := range []string{"owner@shop.example\n", "From: \"Beckon\" <beckon@example.com>", "multipart/alternative", "text/plain", "text/html", "Test Visitor"} {
			if !strings.Contains(m, want) {
				t.Errorf("message lacks %q:\n%s", want, m)
			}
		}
	})
}
