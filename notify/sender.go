package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

// Defaults of Options.
const (
	DefaultWorkers   = 8
	DefaultQueueSize = 1024
	DefaultTimeout   = 10 * time.Second
)

// DefaultSchedule is the delay before each retry: six retries over about
// 1 h 43 min, each jittered by ±20 %.
var DefaultSchedule = []time.Duration{
	5 * time.Second, 30 * time.Second, 2 * time.Minute,
	10 * time.Minute, 30 * time.Minute, time.Hour,
}

const (
	maxRedirects     = 3
	maxRetryAfter    = time.Hour // a Retry-After beyond this is read as this
	maxResponseBytes = 64 << 10  // read (and discard) at most this much of a reply
	userAgent        = "Beckon-Webhooks/1"
)

// Outcomes of a message, as in Result.Outcome and the metric's result label.
const (
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"  // a final answer (4xx, redirect trouble) or retries used up
	OutcomeRefused = "refused" // the receiver's address is internal
	OutcomeDropped = "dropped" // queue full, or given up at shutdown
	resultRetry    = "retry"   // metric only: an attempt failed, another is scheduled
)

// Errors of Send, and of Result.Err for dropped messages.
var (
	ErrClosed    = errors.New("notify: sender is closed")
	ErrQueueFull = errors.New("notify: delivery queue is full")
	errShutdown  = errors.New("notify: sender closed before delivery finished")
)

var deliveries = promauto.NewCounterVec(prometheus.CounterOpts{
	Name: "beckon_webhook_deliveries_total",
	Help: "Outgoing webhook outcomes: ok, retry (an attempt failed, another is scheduled), failed, refused (internal address), dropped (queue full or shutdown).",
}, []string{"result"})

func init() {
	// Export every series from the start, so rate() and alerts see zeros.
	for _, r := range []string{OutcomeOK, resultRetry, OutcomeFailed, OutcomeRefused, OutcomeDropped} {
		deliveries.WithLabelValues(r)
	}
}

// Options configure a Sender; zero values take the defaults.
type Options struct {
	// AllowPrivate lets deliveries reach internal addresses (loopback,
	// private, link-local …). Off by default: webhook URLs come from site
	// owners. Operators whose receivers live on a private network turn it
	// on (BECKON_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivate bool
	// Workers is how many attempts may run at once (DefaultWorkers).
	Workers int
	// QueueSize bounds the messages held at once, whether waiting for a
	// worker, in flight or waiting for a retry (DefaultQueueSize). Send
	// drops messages beyond it.
	QueueSize int
	// Schedule is the delay before each retry, so a message gets
	// len(Schedule)+1 attempts. nil means DefaultSchedule; an empty
	// non-nil slice means no retries.
	Schedule []time.Duration
	// Timeout bounds one attempt: connect, send, and read the reply
	// (DefaultTimeout).
	Timeout time.Duration
	// Logger gets one record per outcome (slog.Default() when nil).
	Logger *slog.Logger
	// OnResult, if set, is called once per message when its delivery
	// ends, from a worker (or from Send for a message dropped on arrival,
	// or from Close for given-up retries). It must not block for long.
	// Use it to keep a delivery log or to disable an endpoint that
	// answered 410 Gone.
	OnResult func(Result)
}

// Result is how one message's delivery ended.
type Result struct {
	ID        string // webhook-id
	EventType string
	URL       string
	Outcome   string // OutcomeOK, OutcomeFailed, OutcomeRefused or OutcomeDropped
	Attempts  int    // attempts made
	Status    int    // HTTP status of the last attempt; 0 when none came back
	Err       error  // why it did not succeed; nil for OutcomeOK
}

// Sender delivers webhooks in the background. It is safe for concurrent use.
type Sender struct {
	opts   Options
	log    *slog.Logger
	client *http.Client

	// queue holds messages due for an attempt. Its capacity is QueueSize
	// and at most QueueSize messages are pending in all, so sends to it
	// never block.
	queue   chan *delivery
	base    context.Context // parent of every attempt; cancelled when Close gives up
	cancel  context.CancelFunc
	workers sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	pending int                       // messages admitted and not finished
	timers  map[*delivery]*time.Timer // messages waiting for a retry

	closeOnce sync.Once
	done      chan struct{} // closed when every worker has returned
}

// delivery is one message on its way.
type delivery struct {
	id, eventType string
	url, host     string // host only for logs: paths and queries may hold tokens
	key           []byte
	body          []byte
	attempts      int
	lastStatus    int
	lastErr       error
}

// envelope is the body of every webhook, the spec's recommended shape.
type envelope struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"` // when the event happened (RFC 3339)
	Data      any       `json:"data"`
}

// New starts a Sender with opts.Workers workers. Stop it with Close.
func New(opts Options) *Sender {
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.Schedule == nil {
		opts.Schedule = DefaultSchedule
	}
	opts.Schedule = append([]time.Duration(nil), opts.Schedule...)
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	base, cancel := context.WithCancel(context.Background())
	s := &Sender{
		opts:   opts,
		log:    log.With(slog.String("component", "webhooks")),
		client: newClient(opts.AllowPrivate, opts.Timeout),
		queue:  make(chan *delivery, opts.QueueSize),
		base:   base,
		cancel: cancel,
		timers: make(map[*delivery]*time.Timer),
		done:   make(chan struct{}),
	}
	s.workers.Add(opts.Workers)
	for range opts.Workers {
		go s.work()
	}
	return s
}

// newClient builds the HTTP client of all deliveries. The address guard
// lives in its dialer, so no request can get around it (see guardDial).
func newClient(allowPrivate bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = guardDial
	}
	return &http.Client{
		Transport: &http.Transport{
			// No proxy, deliberately: through a proxy the dialer would
			// check the proxy's address, not the receiver's.
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    timeout,
			ResponseHeaderTimeout:  timeout,
			MaxResponseHeaderBytes: 64 << 10,
			MaxIdleConns:           64,
			MaxIdleConnsPerHost:    2,
			IdleConnTimeout:        90 * time.Second,
		},
		CheckRedirect: checkRedirect,
	}
}

var (
	errTooManyRedirects = fmt.Errorf("notify: more than %d redirects", maxRedirects)
	errRedirectToGet    = errors.New("notify: the redirect would turn the POST into a GET and drop the body (only 307 and 308 are followed); update the webhook URL")
)

// checkRedirect follows at most maxRedirects redirects, and only those that
// keep the POST and its body (307, 308). Where a redirect leads is checked
// by the dialer like any other connection.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return errTooManyRedirects
	}
	if req.Method != via[0].Method {
		return errRedirectToGet
	}
	return nil
}

// Send queues a message of type eventType ("callback.connected") with
// payload as its data for hook, and returns at once; delivery happens in
// the background. It fails when the hook or the message is invalid
// (hook.URL fails CheckURL, the secret is malformed, the payload does not
// encode), with ErrClosed after Close, and with ErrQueueFull when too many
// messages are pending (the message is then dropped, counted and logged).
// ctx is used only for that log record: the delivery outlives it.
func (s *Sender) Send(ctx context.Context, hook Webhook, eventType string, payload any) error {
	if err := CheckURL(hook.URL); err != nil {
		return err
	}
	u, _ := url.Parse(hook.URL)
	key, err := parseSecret(hook.Secret)
	if err != nil {
		return err
	}
	if !validEventType(eventType) {
		return fmt.Errorf("notify: event type %q is not dot-separated [a-zA-Z0-9_] words", eventType)
	}
	body, err := json.Marshal(envelope{Type: eventType, Timestamp: time.Now().UTC(), Data: payload})
	if err != nil {
		return fmt.Errorf("notify: encode %s payload: %w", eventType, err)
	}
	d := &delivery{id: newMessageID(), eventType: eventType, url: hook.URL, host: u.Host, key: key, body: body}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	if s.pending >= cap(s.queue) {
		s.mu.Unlock()
		s.report(ctx, d, OutcomeDropped, ErrQueueFull)
		return ErrQueueFull
	}
	s.pending++
	s.queue <- d
	s.mu.Unlock()
	return nil
}

// Close stops accepting messages, gives up retries that are waiting for
// their time, lets the workers finish what is queued, and waits for them
// until ctx ends. Then it cancels the attempts still running, waits for
// them to return, and returns ctx.Err(). Messages given up are reported as
// dropped.
func (s *Sender) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		abandoned := make([]*delivery, 0, len(s.timers))
		for d, t := range s.timers {
			t.Stop()
			abandoned = append(abandoned, d)
		}
		clear(s.timers)
		close(s.queue)
		s.mu.Unlock()
		for _, d := range abandoned {
			s.finish(d, OutcomeDropped, errShutdown)
		}
		go func() {
			s.workers.Wait()
			s.client.CloseIdleConnections()
			close(s.done)
		}()
	})
	select {
	case <-s.done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		<-s.done // attempts return promptly once cancelled
		return ctx.Err()
	}
}

func (s *Sender) work() {
	defer s.workers.Done()
	for d := range s.queue {
		s.attempt(d)
	}
}

// attempt makes one attempt and decides what comes next.
func (s *Sender) attempt(d *delivery) {
	if s.base.Err() != nil {
		s.finish(d, OutcomeDropped, errShutdown)
		return
	}
	d.attempts++
	status, retryAfter, err := s.post(d)
	d.lastStatus, d.lastErr = status, err
	switch {
	case err == nil:
		s.finish(d, OutcomeOK, nil)
	case errors.Is(err, ErrForbiddenAddress):
		s.finish(d, OutcomeRefused, err)
	case s.base.Err() != nil:
		s.finish(d, OutcomeDropped, errShutdown)
	case !retryable(status, err):
		s.finish(d, OutcomeFailed, err)
	case d.attempts > len(s.opts.Schedule):
		s.finish(d, OutcomeFailed, fmt.Errorf("gave up after %d attempts: %w", d.attempts, err))
	default:
		s.retry(d, retryAfter)
	}
}

// post makes one HTTP attempt, signed with this attempt's timestamp. err is
// nil only for a 2xx; retryAfter is the reply's Retry-After, if any.
func (s *Sender) post(d *delivery) (status int, retryAfter time.Duration, err error) {
	ctx, cancel := context.WithTimeout(s.base, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return 0, 0, err
	}
	unix := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(HeaderID, d.id)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(unix, 10))
	req.Header.Set(HeaderSignature, "v1,"+base64.StdEncoding.EncodeToString(mac(d.key, d.id, unix, d.body)))

	resp, err := s.client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	// Read a bounded amount so the connection can be reused without letting
	// a receiver make us read forever.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, 0, nil
	}
	return resp.StatusCode, parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		fmt.Errorf("receiver answered %s", resp.Status)
}

// retryable says whether a failed attempt is worth repeating: network
// errors and timeouts, 408, 429 and 5xx. Other answers (404, 410 Gone …)
// and redirect trouble will not change by asking again.
func retryable(status int, err error) bool {
	if status == 0 {
		return !errors.Is(err, errTooManyRedirects) && !errors.Is(err, errRedirectToGet)
	}
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status >= 500
}

// retry schedules d's next attempt: the schedule's delay with ±20 % jitter,
// or the receiver's Retry-After when that is longer.
func (s *Sender) retry(d *delivery, retryAfter time.Duration) {
	delay := jitter(s.opts.Schedule[d.attempts-1])
	if retryAfter > delay {
		delay = min(retryAfter, maxRetryAfter)
	}
	// Take the log attributes now: once the timer fires, d belongs to a worker.
	attrs := append(d.attrs(), slog.Duration("retry_in", delay.Round(time.Millisecond)))
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.finish(d, OutcomeDropped, errShutdown)
		return
	}
	// The timer's function takes mu, so it cannot run before the map has d.
	s.timers[d] = time.AfterFunc(delay, func() { s.requeue(d) })
	s.mu.Unlock()

	deliveries.WithLabelValues(resultRetry).Inc()
	s.log.LogAttrs(context.Background(), slog.LevelInfo, "webhook attempt failed, will retry", attrs...)
}

// requeue puts d back in the queue when its retry is due, unless Close has
// given it up meanwhile.
func (s *Sender) requeue(d *delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.timers[d]; !ok {
		return
	}
	delete(s.timers, d)
	s.queue <- d // never blocks: pending ≤ cap(queue), and Close has not run
}

// finish ends d's delivery: releases its place, counts, logs and reports.
func (s *Sender) finish(d *delivery, outcome string, err error) {
	s.mu.Lock()
	s.pending--
	s.mu.Unlock()
	s.report(context.Background(), d, outcome, err)
}

func (s *Sender) report(ctx context.Context, d *delivery, outcome string, err error) {
	deliveries.WithLabelValues(outcome).Inc()
	level := slog.LevelWarn
	switch outcome {
	case OutcomeOK:
		level = slog.LevelDebug
	case OutcomeDropped:
		level = slog.LevelError
	}
	if s.log.Enabled(ctx, level) {
		attrs := append(d.attrs(), slog.String("outcome", outcome))
		if outcome == OutcomeRefused {
			attrs = append(attrs, slog.String("hint", "the receiver is on an internal address; operators may allow it with BECKON_WEBHOOK_ALLOW_PRIVATE"))
		}
		s.log.LogAttrs(ctx, level, "webhook "+outcome, attrs...)
	}
	if s.opts.OnResult != nil {
		s.opts.OnResult(Result{
			ID: d.id, EventType: d.eventType, URL: d.url, Outcome: outcome,
			Attempts: d.attempts, Status: d.lastStatus, Err: err,
		})
	}
}

func (d *delivery) attrs() []slog.Attr {
	a := []slog.Attr{
		slog.String("webhook_id", d.id),
		slog.String("event", d.eventType),
		slog.String("host", d.host),
		slog.Int("attempt", d.attempts),
	}
	if d.lastStatus != 0 {
		a = append(a, slog.Int("status", d.lastStatus))
	}
	if d.lastErr != nil {
		a = append(a, slog.String("error", d.lastErr.Error()))
	}
	return a
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; 0 when
// absent, malformed or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// jitter spreads d by ±20 % so receivers that failed together are not
// retried together.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*mathrand.Float64()))
}

// newMessageID returns "msg_" and 26 base32 characters (128 random bits);
// it never contains '.', which the signed content uses as separator.
func newMessageID() string { return "msg_" + rand.Text() }

// validEventType accepts dot-separated words of [a-zA-Z0-9_], as the spec
// recommends: "callback.connected", "lead.created".
func validEventType(t string) bool {
	if t == "" || len(t) > 100 {
		return false
	}
	word := 0
	for _, c := range []byte(t) {
		switch {
		case c == '.':
			if word == 0 {
				return false
			}
			word = 0
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
			word++
		default:
			return false
		}
	}
	return word > 0
}
