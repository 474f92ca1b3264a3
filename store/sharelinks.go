package store

import (
	"context"
	"time"
)

// ShareLink is a read-only link to a site's analytics that an owner gives
// to someone without an account. Only the SHA-256 of its token is kept:
// the token itself is shown once, when the link is made.
type ShareLink struct {
	ID     string `json:"id"`
	SiteID string `json:"site_id"`
	// Hash is the hex SHA-256 of the token in the link's address.
	Hash string `json:"hash"`
	// Label says who the link is for ("the agency"); optional.
	Label string `json:"label,omitempty"`
	// PasswordHash is an argon2id hash (accounts.HashPassword) when the
	// link asks for a password; empty when it does not.
	PasswordHash string `json:"password_hash,omitempty"`
	// ExpiresAt ends the link; zero: it lasts until revoked.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	CreatedBy string    `json:"created_by,omitempty"` // the user who made it
	CreatedAt time.Time `json:"created_at"`
}

// Expired reports whether the link has ended at now.
func (l ShareLink) Expired(now time.Time) bool {
	return !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt)
}

// ShareLinks keeps each site's analytics share links.
type ShareLinks interface {
	// CreateShareLink stores l; ErrNotFound when its site does not exist,
	// ErrConflict when its ID or Hash is taken.
	CreateShareLink(ctx context.Context, l ShareLink) error
	// ListShareLinks returns the site's links, oldest first.
	ListShareLinks(ctx context.Context, siteID string) ([]ShareLink, error)
	// ShareLinkByHash finds a link by its token's hash, whatever its site;
	// ErrNotFound when none (or it was revoked).
	ShareLinkByHash(ctx context.Context, hash string) (ShareLink, error)
	// RevokeShareLink deletes the site's link id: it stops working at once.
	// ErrNotFound when the site has no such link.
	RevokeShareLink(ctx context.Context, siteID, id string) error
}
