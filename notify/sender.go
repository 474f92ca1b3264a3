package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/beckonhq/beckon/store"
)

// Defaults of Options.
const (
	DefaultWorkers     = 8
	DefaultTimeout     = 10 * time.Second
	DefaultFirstRetry  = 5 * time.Second
	DefaultMaxRetry    = time.Hour
	DefaultGiveUpAfter = 24 * time.Hour
	DefaultLease       = time.Minute
	DefaultPoll        = time.Second
)

// depthEvery is how often the outbox's depth is read for the gauge, and
// claimWarnEvery how often a failing claim is logged.
const (
	depthEvery     = 10 * time.Second
	claimWarnEvery = 30 * time.Second
)

// Outbox is what the sender needs from the store.
type Outbox interface {
	EnqueueNotification(ctx context.Context, n store.Notification) error
	ClaimNotifications(ctx context.Context, now time.Time, max int, lease time.Duration) ([]store.Notification, error)
	RecordDelivery(ctx context.Context, n store.Notification, a store.DeliveryAttempt) error
	PendingNotifications(ctx context.Context) (int64, error)
}

// Endpoint tells where a widget's notifications go now: its notify_url and
// notify_secret, read at every attempt, so an owner who fixes a URL or
// rotates a secret gets the retries (and replays) there. ErrNoEndpoint
// when the widget, or its notify_url, is gone.
type Endpoint func(ctx context.Context, siteID, widgetID string) (Webhook, error)

// ErrNoEndpoint ends a notification as cancelled.
var ErrNoEndpoint = errors.New("notify: the widget has no notify_url any more")

// Options configure a Sender; zero values take the defaults.
type Options struct {
	// AllowPrivate lets deliveries reach internal addresses (loopback,
	// private, link-local …). Off by default: webhook URLs come from site
	// owners (BECKON_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivate bool
	// Workers bounds the attempts under way at once (DefaultWorkers).
	Workers int
	// Timeout bounds one attempt: connect, redirects, send and read the
	// reply (DefaultTimeout).
	Timeout time.Duration
	// FirstRetry is the delay after the first failed attempt; each further
	// one doubles it, up to MaxRetry, with ±20 % jitter
	// (DefaultFirstRetry, DefaultMaxRetry).
	FirstRetry, MaxRetry time.Duration
	// GiveUpAfter is how long after the event (or a replay) attempts go on
	// (DefaultGiveUpAfter).
	GiveUpAfter time.Duration
	// Lease is how long a claimed notification stays hidden from other
	// replicas; one whose sender died is taken over after it (DefaultLease;
	// keep it well above Timeout).
	Lease time.Duration
	// Poll is how often an idle sender looks for due notifications; a Send
	// in this process wakes it at once (DefaultPoll).
	Poll time.Duration
	// Now is the clock of the schedule (time.Now); tests move it. The
	// signature's webhook-timestamp is always the real time, because
	// receivers compare it with theirs.
	Now    func() time.Time
	Logger *slog.Logger // slog.Default() when nil

	// Sites reads a site's own channels at Publish and at every attempt,
	// so an owner's fix reaches the retries; nil: widget webhooks only.
	Sites SiteLookup
	// TelegramAPI is the Bot API's base URL (DefaultTelegramAPI); an
	// operator's setting, so it is not behind the address guard.
	TelegramAPI string
	// SMTP sends the e-mail channel's messages; nil: no e-mail.
	SMTP *SMTPConfig
	// PublicURL starts the links to leads in messages.
	PublicURL string
}

// SiteInfo is what messages need of a site: its name and language for
// the texts, and its channels.
type SiteInfo struct {
	Name, Locale string
	Channels     Channels
}

// SiteLookup reads a site now; ErrNoEndpoint when it is gone.
type SiteLookup func(ctx context.Context, siteID string) (SiteInfo, error)

// Message is an event for a site owner.
type Message struct {
	// ID is the webhook-id; empty: a random one. A stable ID (MessageID)
	// makes repeating a Send after an error harmless.
	ID        string
	SiteID    string
	WidgetID  string // whose notify_url receives it
	Channel   string // "": the widget's notify_url; else the site's channel of that kind
	EventType string // "callback.missed"
	Payload   any    // the envelope's data
	At        time.Time
}

// Sender delivers messages through the store's outbox: Send stores them,
// Run delivers them. It is safe for concurrent use.
type Sender struct {
	opts     Options
	ob       Outbox
	endpoint Endpoint
	log      *slog.Logger
	client   *httpClient  // owners' URLs, behind the address guard
	operator *http.Client // the operator's services (the Bot API)
	wake     chan struct{}
}

// envelope is the body of every webhook, the spec's recommended shape.
type envelope struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"` // when the event happened (RFC 3339)
	Data      any       `json:"data"`
}

// New makes a Sender over ob; Run starts delivering.
func New(ob Outbox, endpoint Endpoint, opts Options) *Sender {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	def(&opts.Timeout, DefaultTimeout)
	def(&opts.FirstRetry, DefaultFirstRetry)
	def(&opts.MaxRetry, DefaultMaxRetry)
	def(&opts.GiveUpAfter, DefaultGiveUpAfter)
	def(&opts.Lease, DefaultLease)
	def(&opts.Poll, DefaultPoll)
	if opts.TelegramAPI == "" {
		opts.TelegramAPI = DefaultTelegramAPI
	}
	opts.TelegramAPI = strings.TrimSuffix(opts.TelegramAPI, "/")
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Sender{
		opts: opts, ob: ob, endpoint: endpoint,
		log:      log.With(slog.String("component", "webhooks")),
		client:   newHTTPClient(opts.AllowPrivate, opts.Timeout),
		operator: &http.Client{Timeout: opts.Timeout},
		wake:     make(chan struct{}, 1),
	}
}

// GiveUpAfter is how long attempts go on, for replays.
func (s *Sender) GiveUpAfter() time.Duration { return s.opts.GiveUpAfter }

// Send stores m in the outbox and returns its webhook-id once it is
// stored: from then on it is delivered at least once, whatever crashes. It
// fails when m is invalid or the store does not take it (the caller's work
// is then not done: it should fail too, or log loudly).
func (s *Sender) Send(ctx context.Context, m Message) (string, error) {
	if !validEventType(m.EventType) {
		return "", fmt.Errorf("notify: event type %q is not dot-separated [a-zA-Z0-9_] words", m.EventType)
	}
	now := s.opts.Now().UTC()
	if m.At.IsZero() {
		m.At = now
	}
	body, err := json.Marshal(envelope{Type: m.EventType, Timestamp: m.At.UTC(), Data: m.Payload})
	if err != nil {
		return "", fmt.Errorf("notify: encode %s payload: %w", m.EventType, err)
	}
	if m.ID == "" {
		m.ID = "msg_" + rand.Text()
	}
	n := store.Notification{ID: m.ID, SiteID: m.SiteID, WidgetID: m.WidgetID, Channel: m.Channel, EventType: m.EventType,
		Body: body, CreatedAt: now, GiveUpAt: now.Add(s.opts.GiveUpAfter), NextAt: now}
	err = s.ob.EnqueueNotification(ctx, n)
	if errors.Is(err, store.ErrConflict) {
		return m.ID, nil // stored before: this is a repeat
	}
	if err != nil {
		deliveries.WithLabelValues(OutcomeDropped).Inc()
		return "", fmt.Errorf("notify: store %s for site %s: %w", m.EventType, m.SiteID, err)
	}
	s.Wake()
	return m.ID, nil
}

// Wake makes an idle Run look for due notifications now (after a Send, or
// a replay).
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run claims due notifications and delivers them, up to Options.Workers at
// once, until ctx ends; then it waits for the attempts under way, which
// end within Options.Timeout.
func (s *Sender) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	// Attempts outlive ctx by at most a Timeout, so that one under way at
	// shutdown is finished and recorded, not repeated after the restart.
	attemptCtx := context.WithoutCancel(ctx)
	slots := make(chan struct{}, s.opts.Workers)
	ticker := time.NewTicker(s.opts.Poll)
	defer ticker.Stop()
	var depthAt, warnedAt time.Time
	for ctx.Err() == nil {
		free := cap(slots) - len(slots)
		var batch []store.Notification
		if free > 0 {
			var err error
			batch, err = s.ob.ClaimNotifications(ctx, s.opts.Now().UTC(), free, s.opts.Lease)
			// During a store outage every poll fails; one record in a while says so.
			if err != nil && ctx.Err() == nil && time.Since(warnedAt) >= claimWarnEvery {
				warnedAt = time.Now()
				s.log.Warn("claim webhooks", slog.Any("err", err))
			}
		}
		for _, n := range batch {
			slots <- struct{}{}
			wg.Go(func() {
				defer func() { <-slots; s.Wake() }()
				s.attempt(attemptCtx, n)
			})
		}
		if time.Since(depthAt) >= depthEvery {
			depthAt = time.Now()
			if n, err := s.ob.PendingNotifications(ctx); err == nil {
				pending.Set(float64(n))
			}
		}
		if free > 0 && len(batch) == free {
			continue // there may be more due
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-ticker.C:
		}
	}
}

// attempt makes one attempt of n and records it with what comes next.
func (s *Sender) attempt(ctx context.Context, n store.Notification) {
	dest, err := s.destination(ctx, n)
	at := s.opts.Now().UTC()
	if err != nil && !errors.Is(err, ErrNoEndpoint) && !at.After(n.GiveUpAt) {
		// The store is unavailable: no attempt was made. The claim's lease
		// ends and the notification is taken again.
		s.log.Warn("webhook endpoint lookup", slog.String("webhook_id", n.ID), slog.Any("err", err))
		return
	}
	n.Attempts++
	a := store.DeliveryAttempt{NotificationID: n.ID, Channel: n.Channel, EventType: n.EventType, Attempt: n.Attempts, At: at, URL: dest.shown}
	var res attemptResult
	switch {
	case errors.Is(err, ErrNoEndpoint):
		res = attemptResult{outcome: OutcomeCancelled, err: err}
	case err != nil:
		res = attemptResult{outcome: OutcomeFailed, err: fmt.Errorf("gave up: %w", err)}
	default:
		start := time.Now()
		res = dest.send(ctx)
		a.Duration = time.Since(start)
	}
	a.Status = res.status
	n.State, n.NextAt = store.NotificationFailed, time.Time{}
	switch res.outcome {
	case OutcomeOK:
		n.State = store.NotificationDelivered
	case OutcomeCancelled:
		n.State = store.NotificationCancelled
	case resultRetry:
		next := at.Add(s.backoff(n.Attempts, res.retryAfter))
		if next.After(n.GiveUpAt) {
			res.outcome = OutcomeFailed
			res.err = fmt.Errorf("gave up after %d attempts since %s: %w", n.Attempts, n.CreatedAt.Format(time.RFC3339), res.err)
		} else {
			n.State, n.NextAt = store.NotificationPending, next
		}
	}
	a.NextAt = n.NextAt
	if res.err != nil {
		a.Error = res.err.Error()
	}
	deliveries.WithLabelValues(res.outcome).Inc()
	channelAttempts.WithLabelValues(channelLabel(n.Channel), res.outcome).Inc()
	s.logAttempt(n, a, res.outcome)
	if err := s.ob.RecordDelivery(ctx, n, a); err != nil {
		// The attempt stands; the notification comes back after its lease
		// and may be delivered twice, which webhook-id lets receivers see.
		s.log.Warn("record webhook attempt", slog.String("webhook_id", n.ID), slog.Any("err", err))
	}
}

// backoff is the delay after the attempts-th failed attempt: FirstRetry
// doubled per attempt up to MaxRetry, jittered ±20 %, or the receiver's
// Retry-After when that is longer (at most MaxRetry).
func (s *Sender) backoff(attempts int, retryAfter time.Duration) time.Duration {
	d := s.opts.FirstRetry
	for i := 1; i < attempts && d < s.opts.MaxRetry; i++ {
		d *= 2
	}
	d = jitter(min(d, s.opts.MaxRetry))
	if retryAfter > d {
		d = min(retryAfter, s.opts.MaxRetry)
	}
	return d
}

func (s *Sender) logAttempt(n store.Notification, a store.DeliveryAttempt, outcome string) {
	level := slog.LevelWarn
	switch outcome {
	case OutcomeOK:
		level = slog.LevelDebug
	case resultRetry:
		level = slog.LevelInfo
	}
	ctx := context.Background()
	if !s.log.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("webhook_id", n.ID), slog.String("site_id", n.SiteID), slog.String("event", n.EventType),
		slog.String("channel", n.Channel),
		slog.String("host", hostOf(a.URL)), // never the whole URL: paths and queries may hold tokens
		slog.Int("attempt", a.Attempt), slog.String("outcome", outcome),
	}
	if a.Status != 0 {
		attrs = append(attrs, slog.Int("status", a.Status))
	}
	if a.Error != "" {
		attrs = append(attrs, slog.String("error", a.Error))
	}
	if !a.NextAt.IsZero() {
		attrs = append(attrs, slog.Time("next_at", a.NextAt))
	}
	if outcome == OutcomeRefused {
		attrs = append(attrs, slog.String("hint", "the receiver is on an internal address; operators may allow it with BECKON_WEBHOOK_ALLOW_PRIVATE"))
	}
	s.log.LogAttrs(ctx, level, "webhook "+outcome, attrs...)
}

// MessageID is a stable webhook-id for an event named by key (the site, the
// event type and what it is about), so that sending it again is a repeat,
// not a second message.
func MessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "msg_" + base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:16])
}

// validEventType accepts dot-separated words of [a-zA-Z0-9_], as the spec
// recommends: "callback.missed", "lead.created".
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
