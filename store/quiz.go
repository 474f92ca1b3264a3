package store

import (
	"context"
	"encoding/json"
	"time"
)

// QuizSession is one visitor's way through a quiz: the version they
// answer, their answers and where they are, kept so that a reload or a
// resume link brings them back to the same step.
type QuizSession struct {
	ID        string `json:"id"`
	SiteID    string `json:"site_id"`
	WidgetID  string `json:"widget_id"`
	Version   int    `json:"version"`
	VisitorID string `json:"visitor_id"`
	// Answers maps a step's id to its validated answer.
	Answers map[string]json.RawMessage `json:"answers,omitempty"`
	// Path lists the steps answered, in order; Current is the step shown
	// now ("" once the questions are done).
	Path    []string `json:"path,omitempty"`
	Current string   `json:"current,omitempty"`
	// Reached lists every step the visitor has been shown, each once,
	// whatever going back did to Path: analytics count a step reached
	// once per session.
	Reached []string     `json:"reached,omitempty"`
	Contact *LeadContact `json:"contact,omitempty"`
	// LeadID is set once the visitor left contacts.
	LeadID    string            `json:"lead_id,omitempty"`
	Done      bool              `json:"done,omitempty"` // the lead is complete
	Lang      string            `json:"lang,omitempty"`
	PageURL   string            `json:"page_url,omitempty"`
	Referrer  string            `json:"referrer,omitempty"`
	UTM       map[string]string `json:"utm,omitempty"`
	Hidden    map[string]string `json:"hidden,omitempty"`
	Source    string            `json:"source,omitempty"`
	IP        string            `json:"ip,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// QuizSessionTTL is how long a session is kept after its last change.
const QuizSessionTTL = 30 * 24 * time.Hour

// QuizVersionInfo describes one stored version of a quiz.
type QuizVersionInfo struct {
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
}

// Quizzes keeps quiz sessions and the versions of quiz definitions that
// sessions answered.
type Quizzes interface {
	// CreateQuizSession stores a new session; ErrConflict when its ID is
	// taken, ErrNotFound when the site does not exist.
	CreateQuizSession(ctx context.Context, s QuizSession) error
	// GetQuizSession reads a session; one whose UpdatedAt is more than
	// QuizSessionTTL ago is ErrNotFound (expiry counts from UpdatedAt, which
	// the caller sets on create and in every UpdateQuizSession fn).
	GetQuizSession(ctx context.Context, siteID, id string) (QuizSession, error)
	// UpdateQuizSession applies fn atomically, like UpdateSite. The session
	// keeps its ID, SiteID, WidgetID, VisitorID and CreatedAt.
	UpdateQuizSession(ctx context.Context, siteID, id string, fn func(*QuizSession) error) (QuizSession, error)
	// DeleteVisitorQuizSessions removes every session of one visitor of the
	// site and reports how many there were.
	DeleteVisitorQuizSessions(ctx context.Context, siteID, visitorID string) (int, error)
	// QuizVersion returns the version number of definition def of the
	// widget: the number it got when first seen, or the next free number
	// (1, 2, …) for a definition not seen before, stored with its time.
	// Identical bytes are one version; concurrent first calls agree.
	QuizVersion(ctx context.Context, siteID, widgetID string, def []byte, now time.Time) (int, error)
	// GetQuizVersion returns the definition stored as version v;
	// ErrNotFound when there is none.
	GetQuizVersion(ctx context.Context, siteID, widgetID string, v int) ([]byte, error)
	// ListQuizVersions lists the widget's versions, oldest first.
	ListQuizVersions(ctx context.Context, siteID, widgetID string) ([]QuizVersionInfo, error)
}

// Tallies keeps counters that only grow, for analytics (a quiz's views
// per step): a tally is a named set of fields of a site.
type Tallies interface {
	// AddTally adds each delta to its field of the site's tally name,
	// creating what is missing, in one step.
	AddTally(ctx context.Context, siteID, name string, deltas map[string]int64) error
	// Tally reads every field of a tally; empty when it has none.
	Tally(ctx context.Context, siteID, name string) (map[string]int64, error)
}
