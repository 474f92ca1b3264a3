package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CodePool is a site's pool of unique promo codes, uploaded by the owner and
// handed out one per visitor by the widgets that give codes. Total and
// Issued are computed by the store on every read.
type CodePool struct {
	ID        string    `json:"id"`
	SiteID    string    `json:"site_id"`
	Name      string    `json:"name"`
	Total     int       `json:"total"`
	Issued    int       `json:"issued"`
	CreatedAt time.Time `json:"created_at"`
}

// Bounds of a pool, the same on both stores.
const (
	// MaxPoolCodes is how many codes one pool may hold (the API's bound,
	// passed to the store as limit): enough for a large campaign, small
	// enough that deleting a pool is one short step.
	MaxPoolCodes = 100_000
	// MaxCodeLen is the longest code in characters.
	MaxCodeLen = 64
)

// Errors of CodePools, tested with errors.Is.
var (
	// ErrPoolEmpty: every code of the pool has been handed out, and the
	// visitor has none of them.
	ErrPoolEmpty = errors.New("code pool is empty")
	// ErrPoolFull: the codes would make the pool hold more than the
	// caller's bound; none of them was added.
	ErrPoolFull = errors.New("code pool would exceed its size")
)

// ValidCode reports whether code may be stored: 1 to MaxCodeLen printable
// characters, no spaces ("ВЕСНА-20" is a code). What a visitor copies
// into a shop's checkout must survive the copying; both stores also rely on
// codes holding no control characters (their keys join a code with a
// NUL-separated prefix).
func ValidCode(code string) bool {
	if code == "" || !utf8.ValidString(code) || utf8.RuneCountInString(code) > MaxCodeLen {
		return false
	}
	for _, r := range code {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// CheckPoolInput refuses IDs (pool and visitor) and codes the stores
// cannot key safely: IDs must be non-empty and hold no control characters.
// The API validates stricter before, so a caller seeing this error has a
// bug.
func CheckPoolInput(ids []string, codes []string) error {
	for _, id := range ids {
		if !validPoolKey(id) {
			return fmt.Errorf("invalid ID %q", id)
		}
	}
	for _, c := range codes {
		if !ValidCode(c) {
			return fmt.Errorf("invalid code %q", c)
		}
	}
	return nil
}

// PoolIDError is what a call naming an existing pool returns for a pool ID
// no pool can have (one from a URL, say): ErrNotFound, not a store failure.
func PoolIDError(poolID string) error {
	if !validPoolKey(poolID) {
		return ErrNotFound
	}
	return nil
}

func validPoolKey(id string) bool {
	return id != "" && !strings.ContainsFunc(id, func(r rune) bool { return r < ' ' })
}

// CodePools keeps each site's promo code pools. Every call is scoped by
// site: a pool ID of another site is ErrNotFound. Deleting a site deletes
// its pools.
type CodePools interface {
	// CreateCodePool stores a new pool p (ID, SiteID, Name, CreatedAt) with
	// codes, duplicates counted once. ErrNotFound when the site does not
	// exist, ErrConflict when the site has a pool with p.ID, ErrPoolFull
	// when codes hold more than limit distinct ones.
	CreateCodePool(ctx context.Context, p CodePool, codes []string, limit int) error
	// AddCodes appends codes to the pool, ignoring those it has already
	// (handed out or not) and repeats among codes, and reports how many it
	// added and how many the pool holds now. All or nothing: when the pool
	// would hold more than limit codes, ErrPoolFull adds none.
	AddCodes(ctx context.Context, siteID, poolID string, codes []string, limit int) (added, total int, err error)
	GetCodePool(ctx context.Context, siteID, poolID string) (CodePool, error)
	// ListCodePools returns the site's pools, oldest first.
	ListCodePools(ctx context.Context, siteID string) ([]CodePool, error)
	// DeleteCodePool removes a pool with its codes and who got them;
	// ErrNotFound when there is none.
	DeleteCodePool(ctx context.Context, siteID, poolID string) error
	// ClaimCode gives visitorID the code it got from this pool before, or
	// else the pool's oldest code not yet handed out, in one atomic step:
	// however many claims race, no code goes to two visitors and no visitor
	// gets two codes. ErrPoolEmpty when none is left for a visitor who has
	// none; ErrNotFound when there is no such pool.
	ClaimCode(ctx context.Context, siteID, poolID, visitorID string) (string, error)
}
