package store

import (
	"context"
	"time"
)

// Roles of a person on a site (Membership.Role).
const (
	RoleOwner   = "owner"
	RoleManager = "manager"
)

// User is a person who signs in to the dashboard. Secrets are stored only in
// a form that cannot be used to sign in: the password as an argon2id hash,
// recovery codes as hashes. The TOTP secret has to be kept as it is (the
// server computes the same codes as the phone).
type User struct {
	ID    string `json:"id"`
	Email string `json:"email"` // lower-cased; unique; cannot change
	Name  string `json:"name,omitempty"`
	// PasswordHash is PHC-encoded argon2id ("$argon2id$v=19$m=...,t=...,p=...$salt$hash");
	// empty for a user who signs in only with OpenID Connect.
	PasswordHash string `json:"password_hash,omitempty"`
	// Operator runs the server: sees every site and invites owners.
	Operator bool `json:"operator,omitempty"`
	// TOTPSecret is set once two-factor sign-in is enrolled.
	TOTPSecret string `json:"totp_secret,omitempty"`
	// TOTPLastStep is the 30-second step of the last accepted code: a code
	// of that step or an earlier one is refused (no replay).
	TOTPLastStep int64 `json:"totp_last_step,omitempty"`
	// RecoveryHashes are SHA-256 hashes of the unused recovery codes.
	RecoveryHashes []string  `json:"recovery_hashes,omitempty"`
	Locale         string    `json:"locale,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

// Session is a signed-in browser. The cookie holds a random secret; the
// store keys the session by the SHA-256 of it, so a copy of the store signs
// nobody in.
type Session struct {
	IDHash    string    `json:"id_hash"`
	UserID    string    `json:"user_id"`
	CSRFToken string    `json:"csrf_token"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
	// ExpiresAt is the absolute end, whatever the activity.
	ExpiresAt time.Time `json:"expires_at"`
	// Pending2FA: the password was right, the second factor is still due;
	// such a session opens nothing but the second step.
	Pending2FA bool   `json:"pending_2fa,omitempty"`
	UserAgent  string `json:"user_agent,omitempty"`
	IP         string `json:"ip,omitempty"`
}

// Invite is a link that lets a person set a password and join a site with a
// role. Only the SHA-256 of the link's token is stored.
type Invite struct {
	TokenHash string    `json:"token_hash"`
	Email     string    `json:"email"`
	SiteID    string    `json:"site_id"`
	Role      string    `json:"role"`
	InvitedBy string    `json:"invited_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Membership gives a user a role on a site.
type Membership struct {
	SiteID    string    `json:"site_id"`
	UserID    string    `json:"user_id"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// AuditEntry is one line of an audit list: who did what, when, from where.
type AuditEntry struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"` // e.g. "sign_in", "sign_in_failed", "role_changed"
	UserID string    `json:"user_id,omitempty"`
	SiteID string    `json:"site_id,omitempty"`
	Detail string    `json:"detail,omitempty"`
	IP     string    `json:"ip,omitempty"`
}

// MaxAuditEntries is how many entries one audit list keeps; older ones are
// dropped as new ones come.
const MaxAuditEntries = 1000

// Accounts keeps the dashboard's people: users, their sessions, invites,
// memberships of sites and an audit list per user and per site. A deleted
// site's memberships stay until removed; callers show only existing sites.
type Accounts interface {
	// CreateUser stores a new user; ErrConflict when the ID or e-mail is taken.
	CreateUser(ctx context.Context, u User) error
	GetUser(ctx context.Context, id string) (User, error)
	UserByEmail(ctx context.Context, email string) (User, error)
	// ListUsers returns every user, oldest first.
	ListUsers(ctx context.Context) ([]User, error)
	// UpdateUser applies fn atomically (fn may run more than once); the ID
	// and e-mail stay what they were. An error from fn is returned as it is.
	UpdateUser(ctx context.Context, id string, fn func(*User) error) (User, error)

	// CreateSession stores a session; the user's sessions whose ExpiresAt
	// is before the new one's CreatedAt are dropped on the way.
	CreateSession(ctx context.Context, s Session) error
	GetSession(ctx context.Context, idHash string) (Session, error)
	// UpdateSession applies fn atomically; the IDHash and UserID stay.
	UpdateSession(ctx context.Context, idHash string, fn func(*Session) error) (Session, error)
	// ListSessions returns the user's sessions, newest first.
	ListSessions(ctx context.Context, userID string) ([]Session, error)
	// DeleteSession deletes one session of the user; ErrNotFound when the
	// user has no such session.
	DeleteSession(ctx context.Context, userID, idHash string) error
	// DeleteSessions deletes all the user's sessions but keep (may be "").
	DeleteSessions(ctx context.Context, userID, keep string) error

	// CreateInvite stores an invite; ErrConflict when its hash is taken.
	CreateInvite(ctx context.Context, inv Invite) error
	// TakeInvite returns the invite and deletes it, atomically: of two
	// takers one gets ErrNotFound.
	TakeInvite(ctx context.Context, tokenHash string) (Invite, error)
	GetInvite(ctx context.Context, tokenHash string) (Invite, error)
	// ListInvites returns the site's open invites, oldest first.
	ListInvites(ctx context.Context, siteID string) ([]Invite, error)
	DeleteInvite(ctx context.Context, siteID, tokenHash string) error

	// SetMembership creates or replaces the user's role on the site.
	SetMembership(ctx context.Context, m Membership) error
	// DeleteMembership: ErrNotFound when the user is no member.
	DeleteMembership(ctx context.Context, siteID, userID string) error
	GetMembership(ctx context.Context, siteID, userID string) (Membership, error)
	// ListMembers returns the site's memberships, oldest first.
	ListMembers(ctx context.Context, siteID string) ([]Membership, error)
	// ListMemberships returns the user's memberships, oldest first.
	ListMemberships(ctx context.Context, userID string) ([]Membership, error)

	// AppendAudit adds e to the audit list named scope ("user:<id>",
	// "site:<id>"), keeping the newest MaxAuditEntries.
	AppendAudit(ctx context.Context, scope string, e AuditEntry) error
	// ListAudit returns up to limit entries of scope, newest first.
	ListAudit(ctx context.Context, scope string, limit int) ([]AuditEntry, error)
}
