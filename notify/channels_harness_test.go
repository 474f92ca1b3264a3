package notify

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// siteTable is the tests' SiteLookup: site ID → its name, locale and
// channels, changed while a sender runs.
type siteTable struct {
	mu    sync.Mutex
	sites map[string]SiteInfo
}

func (st *siteTable) set(id string, info SiteInfo) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.sites == nil {
		st.sites = map[string]SiteInfo{}
	}
	st.sites[id] = info
}

func (st *siteTable) lookup(_ context.Context, id string) (SiteInfo, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	info, ok := st.sites[id]
	if !ok {
		return SiteInfo{}, ErrNoEndpoint
	}
	return info, nil
}

// fakeBotAPI speaks the Bot API's sendMessage: it checks the path (with
// the bot's token) and the JSON body, records the message and answers
// like Telegram, {"ok":true,"result":{…}} or {"ok":false,"error_code",
// "description","parameters"} as answer(n) says, n counting from 1.
type fakeBotAPI struct {
	srv    *httptest.Server
	token  string
	answer func(n int) (status int, body string)

	mu  sync.Mutex
	got []telegramRequest
}

func newFakeBotAPI(t *testing.T, token string, answer func(n int) (int, string)) *fakeBotAPI {
	f := &fakeBotAPI{token: token, answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/bot"+f.token+"/sendMessage" {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"ok":false,"error_code":404,"description":"Not Found"}`)
			return
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("sendMessage Content-Type %q", ct)
		}
		var m telegramRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			t.Errorf("sendMessage body: %v", err)
		}
		if m.ParseMode != "HTML" || !m.DisableWebPagePreview || m.ChatID == "" || m.Text == "" {
			t.Errorf("sendMessage %+v", m)
		}
		f.mu.Lock()
		f.got = append(f.got, m)
		n := len(f.got)
		f.mu.Unlock()
		status, body := f.answer(n)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBotAPI) messages() []telegramRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]telegramRequest(nil), f.got...)
}

const telegramOK = `{"ok":true,"result":{"message_id":7,"chat":{"id":-1001234567890,"type":"supergroup"},"date":1764500000,"text":"…"}}`

func telegramError(code int, desc string) string {
	return fmt.Sprintf(`{"ok":false,"error_code":%d,"description":%q}`, code, desc)
}

// fakeBitrix24 is an incoming webhook of a portal: POST
// /rest/1/<secret>/crm.lead.add.json with {"fields":{…}}, answered as
// answer(n) says.
type fakeBitrix24 struct {
	srv    *httptest.Server
	secret string
	answer func(n int) (status int, body string)

	mu  sync.Mutex
	got []map[string]any
}

func newFakeBitrix24(t *testing.T, answer func(n int) (int, string)) *fakeBitrix24 {
	f := &fakeBitrix24{secret: "k3y5ecret9", answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/rest/1/"+f.secret+"/crm.lead.add.json" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":"INVALID_CREDENTIALS","error_description":"Invalid request credentials"}`)
			return
		}
		var body struct {
			Fields map[string]any `json:"fields"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Fields == nil {
			t.Errorf("crm.lead.add body: %v", err)
		}
		f.mu.Lock()
		f.got = append(f.got, body.Fields)
		n := len(f.got)
		f.mu.Unlock()
		status, ans := f.answer(n)
		w.WriteHeader(status)
		io.WriteString(w, ans)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBitrix24) url() string { return f.srv.URL + "/rest/1/" + f.secret + "/" }

func (f *fakeBitrix24) leads() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.got...)
}

// smtpServer is a real SMTP server (go-smtp) on loopback that offers
// STARTTLS, accepts AUTH PLAIN only over TLS with one user, and keeps the
// messages it takes; reject(n), n counting from 1, may refuse a message
// with an SMTP error.
type smtpServer struct {
	addr   string
	tls    *tls.Config // the client's: trusts the server's certificate
	reject func(n int) error

	mu   sync.Mutex
	mail []smtpMessage
}

type smtpMessage struct {
	from   string
	to     []string
	data   []byte
	tls    bool
	authed string
}

func newSMTPServer(t *testing.T, user, pass string, reject func(n int) error) *smtpServer {
	// httptest's TLS server has a certificate for 127.0.0.1 and a client
	// that trusts it; borrow both.
	certSrv := httptest.NewTLSServer(http.NotFoundHandler())
	serverTLS := &tls.Config{Certificates: certSrv.TLS.Certificates}
	clientTLS := certSrv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	clientTLS.ServerName = "127.0.0.1"
	certSrv.Close()

	s := &smtpServer{tls: clientTLS, reject: reject}
	if s.reject == nil {
		s.reject = func(int) error { return nil }
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &smtpSession{srv: s, conn: c, user: user, pass: pass}, nil
	}))
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = serverTLS
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) config(user, pass string) *SMTPConfig {
	host, port, _ := net.SplitHostPort(s.addr)
	var p int
	fmt.Sscan(port, &p)
	return &SMTPConfig{Host: host, Port: p, Username: user, Password: pass, From: "Beckon <beckon@example.com>", TLS: s.tls}
}

func (s *smtpServer) messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage(nil), s.mail...)
}

type smtpSession struct {
	srv        *smtpServer
	conn       *smtp.Conn
	user, pass string
	authed     string
	msg        smtpMessage
}

func (ss *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.user || password != ss.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		ss.authed = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.authed == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.msg = smtpMessage{from: from, tls: isTLS, authed: ss.authed}
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.msg.to = append(ss.msg.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.srv.mu.Lock()
	defer ss.srv.mu.Unlock()
	n := len(ss.srv.mail) + 1
	if err := ss.srv.reject(n); err != nil {
		ss.srv.mail = append(ss.srv.mail, smtpMessage{}) // counted, not kept
		return err
	}
	ss.msg.data = data
	ss.srv.mail = append(ss.srv.mail, ss.msg)
	return nil
}

func (ss *smtpSession) Reset()        { ss.msg = smtpMessage{} }
func (ss *smtpSession) Logout() error { return nil }
