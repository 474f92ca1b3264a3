package dashboard_test

import (
	"io"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/beckonhq/beckon/config"
	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// mailbox is a local mail server that keeps what it is sent.
type mailbox struct {
	addr string
	mu   sync.Mutex
	mail []string // "to\n" + the message
}

func newMailbox(t *testing.T) *mailbox {
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{mb: mb}, nil }))
	srv.Domain = "127.0.0.1"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mb.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return mb
}

func (mb *mailbox) messages() []string {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]string(nil), mb.mail...)
}

type mailSession struct {
	mb *mailbox
	to string
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	// Bodies come quoted-printable; decode for the test's eyes.
	body, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(raw))))
	s.mb.mu.Lock()
	s.mb.mail = append(s.mb.mail, s.to+"\n"+string(body))
	s.mb.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

// TestInvitesAreAlsoMailed: with BECKON_SMTP_URL the invite link is also
// e-mailed to the invited person, in the inviter's language; the page
// still shows it.
func TestInvitesAreAlsoMailed(t *testing.T) {
	t.Parallel()
	mb := newMailbox(t)
	d := startDash(t, servertest.NewStore(t, "embedded"), func(c *config.Config) {
		c.SMTPURL, c.SMTPFrom = "smtp://"+mb.addr, "Beckon <beckon@example.com>"
	})
	site := d.CreateSite("Магазин", "https://shop.example")["id"].(string)
	op := d.browser(t, "operator")
	op.setup()
	op.get("/app/?lang=ru")
	people := "/app/sites/" + site + "/people"
	p := op.submit(people, people+"/invite", url.Values{"email": {"manager@example.com"}, "role": {store.RoleManager}})
	wantBody(t, "page", p, "Мы также отправили её по почте.")
	link := inviteLink.FindStringSubmatch(p.Body)[1]
	msgs := mb.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want 1", len(msgs))
	}
	for _, want := range []string{"manager@example.com\n", link, "приглашает вас работать с сайтом Магазин", "Менеджер", opEmail} {
		if !strings.Contains(msgs[0], want) {
			t.Errorf("the mail lacks %q:\n%s", want, msgs[0])
		}
	}
	manager := d.browser(t, "manager")
	wantStatus(t, "the mailed link opens", manager.get(link), http.StatusOK)
}
