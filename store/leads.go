package store

import (
	"context"
	"encoding/json"
	"time"
)

// Lead is one entry of a site's inbox: a quiz's contacts, answers and
// result, or a callback request (and, later, other widgets' forms). The
// widget packages own its meaning; the store keeps it whole.
type Lead struct {
	ID       string `json:"id"`
	SiteID   string `json:"site_id"`
	WidgetID string `json:"widget_id"`
	Type     string `json:"type"`   // the widget type that took it: "quiz", "callback"
	Status   string `json:"status"` // LeadNew, LeadInProgress, LeadWon, LeadLost
	Note     string `json:"note,omitempty"`
	// Partial marks a lead whose visitor gave contacts but has not finished
	// the quiz yet (kept only when the quiz opts in).
	Partial   bool        `json:"partial,omitempty"`
	VisitorID string      `json:"visitor_id"`
	Contact   LeadContact `json:"contact"`
	// Answers are the quiz's answers in the order given, readable as is.
	Answers []LeadAnswer `json:"answers,omitempty"`
	Result  *LeadResult  `json:"result,omitempty"`
	// Summary is one line for a manager ("3-room renovation, estimate
	// 420 000 ₽"): a callback asked for from the quiz's result screen
	// whispers it before the visitor is connected.
	Summary     string `json:"summary,omitempty"`
	QuizVersion int    `json:"quiz_version,omitempty"`
	SessionID   string `json:"session_id,omitempty"`
	CallbackID  string `json:"callback_id,omitempty"`
	Lang        string `json:"lang,omitempty"`
	PageURL     string `json:"page_url,omitempty"`
	Referrer    string `json:"referrer,omitempty"`
	// UTM holds utm_source … utm_content; Hidden the page's own values
	// (data- attributes) passed with the widget; Source is the traffic
	// source (utm_source, the referrer's host, or "direct").
	UTM       map[string]string `json:"utm,omitempty"`
	Hidden    map[string]string `json:"hidden,omitempty"`
	Source    string            `json:"source,omitempty"`
	IP        string            `json:"ip,omitempty"`
	Consent   *Consent          `json:"consent,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// Statuses of a Lead in the inbox.
const (
	LeadNew        = "new"
	LeadInProgress = "in_progress"
	LeadWon        = "won"
	LeadLost       = "lost"
)

// LeadContact is how to reach the visitor; empty fields were not asked or
// not given. Phone is E.164.
type LeadContact struct {
	Name      string `json:"name,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Email     string `json:"email,omitempty"`
	Messenger string `json:"messenger,omitempty"`
}

// LeadAnswer is one answered question: its step, its title as the visitor
// saw it, the value as stored and the same value as text.
type LeadAnswer struct {
	Step  string          `json:"step"`
	Title string          `json:"title"`
	Value json.RawMessage `json:"value"`
	Text  string          `json:"text"`
}

// LeadResult is what the quiz worked out: its result screen and the values
// of its formulas (a price, a score), computed by the server.
type LeadResult struct {
	Screen string             `json:"screen,omitempty"` // the result screen's id
	Title  string             `json:"title,omitempty"`
	Text   string             `json:"text,omitempty"`
	Values map[string]float64 `json:"values,omitempty"`
}

// LeadCursor is a position in a site's inbox: the last lead of a page.
type LeadCursor struct {
	CreatedAt time.Time
	ID        string
}

// LeadFilter selects a page of ListLeads; empty fields match everything.
type LeadFilter struct {
	Type   string
	Status string
	// After is the previous page's last lead: the page starts after it
	// (older). Zero: from the newest.
	After LeadCursor
	// Limit bounds the page; zero or less: no bound.
	Limit int
}

// Leads keeps each site's inbox.
type Leads interface {
	// CreateLead stores l unless the site has a lead with l.ID already; then
	// it returns that lead with created=false and stores nothing, so a
	// retried submission is one lead. ErrNotFound when the site does not
	// exist.
	CreateLead(ctx context.Context, l Lead) (stored Lead, created bool, err error)
	GetLead(ctx context.Context, siteID, id string) (Lead, error)
	// ListLeads returns the site's leads newest first (by CreatedAt, then
	// ID descending) that match f.
	ListLeads(ctx context.Context, siteID string, f LeadFilter) ([]Lead, error)
	// UpdateLead applies fn atomically, like UpdateSite (fn may run more
	// than once). The lead keeps its ID, SiteID, Type, VisitorID and
	// CreatedAt whatever fn sets.
	UpdateLead(ctx context.Context, siteID, id string, fn func(*Lead) error) (Lead, error)
	// DeleteLead removes a lead; ErrNotFound when there is none.
	DeleteLead(ctx context.Context, siteID, id string) error
	// VisitorLeads lists one visitor's leads of the site, newest first (a
	// visitor's data is found and erased on request).
	VisitorLeads(ctx context.Context, siteID, visitorID string) ([]Lead, error)
}
