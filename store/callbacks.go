package store

import (
	"context"
	"math"
	"time"
)

// Callback is a visitor's request to be called back, with its whole history.
// The callback package owns its meaning (statuses, legs, decisions); the store
// keeps it whole and applies updates atomically.
type Callback struct {
	ID        string            `json:"id"`
	SiteID    string            `json:"site_id"`
	WidgetID  string            `json:"widget_id"`
	Phone     string            `json:"phone"` // E.164
	Name      string            `json:"name,omitempty"`
	VisitorID string            `json:"visitor_id"`
	IP        string            `json:"ip"`
	PageURL   string            `json:"page_url,omitempty"`
	PageTitle string            `json:"page_title,omitempty"`
	Referrer  string            `json:"referrer,omitempty"`
	UTM       map[string]string `json:"utm,omitempty"`
	Source    string            `json:"source"` // traffic source: utm_source, the referrer's host, or "direct"
	Consent   *Consent          `json:"consent,omitempty"`
	// LeadID is the inbox lead (a quiz's) of the same visitor that the
	// request was made from: the manager's whisper carries its summary.
	LeadID string    `json:"lead_id,omitempty"`
	DueAt  time.Time `json:"due_at"` // when to call next: at once, the slot the visitor chose, or a retry
	// FirstDueAt is DueAt as the request was accepted: the moment of
	// acceptance, or the slot the visitor chose. Retries move DueAt, not
	// this; waits (analytics) are measured from it.
	FirstDueAt time.Time `json:"first_due_at"`
	Scheduled  bool      `json:"scheduled"`

	Status   string       `json:"status"`
	Reason   string       `json:"reason,omitempty"` // why it failed
	Timeline []Transition `json:"timeline"`
	Legs     []Leg        `json:"legs"`
	// Attempt counts the manager-then-visitor cycles started so far.
	Attempt int `json:"attempt"`
	// Manager is the name of the manager who took the call, ManagerEmail
	// their dashboard account when the widget names one (the dashboard
	// shows a manager their own calls by it).
	Manager      string `json:"manager,omitempty"`
	ManagerEmail string `json:"manager_email,omitempty"`
	// NextAt is when the bridge must look at this request again (a ring
	// timeout, a retry); zero when nothing is pending.
	NextAt time.Time `json:"next_at,omitzero"`
	// EndedAt is when the request reached a final status; zero while it is
	// in progress. A request that ended no longer absorbs new requests for
	// its phone (see CreateCallback).
	EndedAt   time.Time `json:"ended_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Consent is the proof of a visitor's agreement to be called (152-FZ style).
type Consent struct {
	Version string    `json:"version"`
	TextID  string    `json:"text_id,omitempty"` // the id of the exact text shown (consent.TextID)
	Lang    string    `json:"lang,omitempty"`    // the language of that text
	Text    string    `json:"text,omitempty"`    // the text itself, when it was still the widget's
	At      time.Time `json:"at"`
	IP      string    `json:"ip"`
}

// Transition is one step of a request's state machine.
type Transition struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"` // Beckon's clock (ms): timelines are ordered by it
	Detail string    `json:"detail,omitempty"`
	// ProviderAt is the telephony provider's time of the event that caused
	// the step, when it gave one (Twilio: whole seconds, its own clock).
	ProviderAt time.Time `json:"provider_at,omitzero"`
}

// Leg is one phone call the provider placed for a request.
type Leg struct {
	ID        string    `json:"id"`      // ours; the provider hands it back in events
	CallID    string    `json:"call_id"` // the provider's; empty until it answers
	Kind      string    `json:"kind"`    // manager or visitor
	Attempt   int       `json:"attempt"`
	Manager   int       `json:"manager"` // index into the widget's managers (manager legs)
	Phone     string    `json:"phone"`
	Status    string    `json:"status"` // dialing, ringing, answered, confirmed, ended …
	Outcome   string    `json:"outcome,omitempty"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at,omitzero"` // Beckon's clock, never before StartedAt
	// ProviderEndedAt is the provider's time of the leg's end, when it
	// gave one.
	ProviderEndedAt time.Time `json:"provider_ended_at,omitzero"`
}

// Callbacks keeps callback requests, scoped by site.
type Callbacks interface {
	// CreateCallback stores c and enqueues a job for it due at c.DueAt, as
	// one step: once it returns nil, the request exists and will be worked
	// on, whatever crashes next. If the site's newest request for the same
	// phone was created at or after dedupeSince and has not ended (its
	// EndedAt is zero), that one is returned with created=false and nothing
	// is stored: a request in progress absorbs repeats, one that ended does
	// not. The check and the write are one step, so of concurrent requests
	// for one phone exactly one is created. ErrNotFound when the site does
	// not exist, ErrConflict when c.ID is taken.
	//
	// A store that cannot write the request and its job in one step (Redis)
	// marks the request "not yet queued" until its job is in; see
	// UnqueuedCallbacks.
	CreateCallback(ctx context.Context, c Callback, dedupeSince time.Time) (stored Callback, created bool, err error)
	// UnqueuedCallbacks returns up to limit requests still marked "not yet
	// queued" that were created before createdBefore (younger ones may be
	// in their creator's hands): their creator died between storing them
	// and queueing their job, so they have no job, or one that was queued
	// after all. The embedded store writes both in one transaction and has
	// none.
	UnqueuedCallbacks(ctx context.Context, createdBefore time.Time, limit int) ([]Callback, error)
	// MarkQueued clears request id's "not yet queued" mark once the caller
	// has queued a job for it or ended it; clearing twice, or a request
	// never marked, is not an error.
	MarkQueued(ctx context.Context, siteID, id string) error
	GetCallback(ctx context.Context, siteID, id string) (Callback, error)
	// ListCallbacks returns the site's requests newest first: at most limit
	// (zero or less: no limit), created before before (zero: no bound). The
	// CreatedAt of a page's last request is the next page's before.
	ListCallbacks(ctx context.Context, siteID string, before time.Time, limit int) ([]Callback, error)
	// UpdateCallback applies fn atomically, like UpdateSite: fn may run more
	// than once, and an error from fn aborts and is returned. The request
	// keeps its ID, SiteID, Phone and CreatedAt whatever fn sets: the last
	// two are the keys of the dedupe and list indexes.
	UpdateCallback(ctx context.Context, siteID, id string, fn func(*Callback) error) (Callback, error)
	// RedactCallback removes the personal data of request id (see Redact)
	// and takes it out of the phone dedupe index, as one step: a later
	// request for the same phone is a new request, never absorbed by this
	// one. The request stays, listed where it was. Redacting twice is
	// harmless. ErrNotFound when the site has no request id.
	RedactCallback(ctx context.Context, siteID, id string) (Callback, error)
}

// Redact clears what identifies the visitor of request c, for the erasure
// of their data: the phone number (the request's and the visitor's legs'),
// name, IP address, page URL and title, referrer, UTM tags and the
// consent's IP. What the bridge and analytics need stays: ids (the visitor
// id too, so erasing again finds the same requests), times, statuses,
// timeline, the legs' outcomes and managers (the site's staff, not the
// visitor), the traffic source and the consent's version, text and time.
func (c *Callback) Redact() {
	c.Phone, c.Name, c.IP, c.PageURL, c.PageTitle, c.Referrer, c.UTM = "", "", "", "", "", "", nil
	if c.Consent != nil {
		consent := *c.Consent
		consent.IP = ""
		c.Consent = &consent
	}
	if c.Legs == nil {
		return
	}
	legs := make([]Leg, len(c.Legs)) // not in place: c may share them
	for i, l := range c.Legs {
		if l.Kind == "visitor" {
			l.Phone = ""
		}
		legs[i] = l
	}
	c.Legs = legs
}

// Job asks a worker to look at one callback request. Jobs are delivered at
// least once: a worker that finds nothing to do acks and moves on.
type Job struct {
	ID         string    `json:"id"` // the queue's, for Ack and Extend
	SiteID     string    `json:"site_id"`
	CallbackID string    `json:"callback_id"`
	Due        time.Time `json:"due"`
	// Deliveries counts how often the job was handed out, this time included;
	// more than one means an earlier worker died or was too slow.
	Deliveries int `json:"deliveries"`
}

// Jobs is the durable queue behind the callback bridge, shared by every
// replica's workers.
type Jobs interface {
	// EnqueueJob adds a job that becomes claimable at j.Due (now or later).
	// The queue assigns the ID; j.ID and j.Deliveries are ignored.
	EnqueueJob(ctx context.Context, j Job) error
	// ClaimJobs hands consumer up to max due jobs: new ones, and ones another
	// consumer claimed more than lease ago without acking (it died). A job
	// claimed by one consumer is not handed to another within lease. When
	// none is due it waits up to wait for one: a job enqueued meanwhile is
	// handed out at once, a scheduled one when it falls due. When ctx ends
	// it returns early, with no jobs and no error. Due is compared with the
	// wall clock.
	ClaimJobs(ctx context.Context, consumer string, max int, lease, wait time.Duration) ([]Job, error)
	// ExtendJob renews consumer's claim on j, for work that takes longer
	// than a lease: the job stays hidden for another lease from now (the
	// consumers of one queue are expected to use one lease).
	// ErrNotFound when j is no longer claimed (it was acked), ErrConflict
	// when another consumer took it over after the lease passed.
	ExtendJob(ctx context.Context, consumer string, j Job) error
	// AckJob removes a finished job; acking twice is not an error.
	AckJob(ctx context.Context, j Job) error
}

// Counters are fixed-window counters for limits (per number, per IP, per
// visitor, a daily budget). They are not data that must not be lost: a
// crash may lose the last moments of hits (the embedded store writes them
// to disk once a second).
type Counters interface {
	// Incr adds one to the counter name of scope (a site ID, or "" for
	// counters across all sites) in the window that starts at its first hit
	// and lasts window. It returns the count so far in this window and the
	// time left until the window ends.
	Incr(ctx context.Context, scope, name string, window time.Duration) (count int64, left time.Duration, err error)
	// Count reads a counter without adding to it (0 when none runs).
	Count(ctx context.Context, scope, name string) (int64, error)
}

// UnixNanos is t.UnixNano clamped to 1970-2262, where it is defined: both
// stores order requests and jobs by it.
func UnixNanos(t time.Time) int64 {
	switch {
	case t.Unix() < 0:
		return 0
	case t.Unix() >= math.MaxInt64/int64(time.Second):
		return math.MaxInt64
	}
	return t.UnixNano()
}
