package embedded

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Code pools, a bucket per pool nested under the site (DeleteSite drops the
// site's bucket and so every pool in it):
//
//	code_pools siteID → {poolID → {
//	    "meta"     → poolMeta JSON
//	    "codes"    → {code → "1"}         every code, handed out or not (dedupe)
//	    "free"     → {seq (8 bytes) → code} codes not handed out, oldest first
//	    "visitors" → {visitorID → code}   who got which
//	}}
//
// The counts live in the meta, updated in the same transaction as the
// buckets, so reading a pool never walks its codes.
var bucketCodePools = []byte("code_pools")

var (
	poolMetaKey     = []byte("meta")
	poolCodesKey    = []byte("codes")
	poolFreeKey     = []byte("free")
	poolVisitorsKey = []byte("visitors")
)

// known is the value of a code in "codes": bbolt's Get answers nil for an
// empty value as for a missing key.
var known = []byte("1")

// poolMeta is what a pool's "meta" key holds.
type poolMeta struct {
	store.CodePool
	// Next is the sequence number of the next code added: free codes are
	// handed out in the order they were added.
	Next uint64 `json:"next"`
}

// CreateCodePool implements store.CodePools.
func (s *Store) CreateCodePool(ctx context.Context, p store.CodePool, codes []string, limit int) error {
	const op = "create code pool"
	if err := store.CheckPoolInput([]string{p.ID}, codes); err != nil {
		return store.Wrap(kind, op, err)
	}
	if distinctCount(codes) > limit {
		return store.Wrap(kind, op, store.ErrPoolFull)
	}
	p.Total, p.Issued = 0, 0
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		refused = nil
		if !siteExists(tx, p.SiteID) {
			refused = store.ErrNotFound
			return nil
		}
		pools, err := nested(tx, bucketCodePools, p.SiteID)
		if err != nil {
			return err
		}
		if pools.Bucket([]byte(p.ID)) != nil {
			refused = store.ErrConflict
			return nil
		}
		pool, err := pools.CreateBucket([]byte(p.ID))
		if err != nil {
			return err
		}
		for _, name := range [][]byte{poolCodesKey, poolFreeKey, poolVisitorsKey} {
			if _, err := pool.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := poolMeta{CodePool: p}
		if err := appendCodes(pool, &meta, codes); err != nil {
			return err
		}
		return putJSON(pool, string(poolMetaKey), meta)
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, op, err)
}

// distinctCount is how many different codes codes holds.
func distinctCount(codes []string) int {
	seen := make(map[string]struct{}, len(codes))
	for _, c := range codes {
		seen[c] = struct{}{}
	}
	return len(seen)
}

// appendCodes adds the codes pool lacks at the end of its free queue and
// counts them in meta.
func appendCodes(pool *bolt.Bucket, meta *poolMeta, codes []string) error {
	all, free := pool.Bucket(poolCodesKey), pool.Bucket(poolFreeKey)
	free.FillPercent = appendFill
	for _, c := range codes {
		if all.Get([]byte(c)) != nil {
			continue
		}
		seq := binary.BigEndian.AppendUint64(nil, meta.Next)
		if err := errors.Join(all.Put([]byte(c), known), free.Put(seq, []byte(c))); err != nil {
			return err
		}
		meta.Next++
		meta.Total++
	}
	return nil
}

// poolBucket is the site's pool poolID, or nil.
func poolBucket(tx *bolt.Tx, siteID, poolID string) *bolt.Bucket {
	if pools := siteBucket(tx, bucketCodePools, siteID); pools != nil {
		return pools.Bucket([]byte(poolID))
	}
	return nil
}

func readPoolMeta(pool *bolt.Bucket) (poolMeta, error) {
	var meta poolMeta
	if pool == nil {
		return meta, store.ErrNotFound
	}
	return meta, getJSON(pool, string(poolMetaKey), &meta)
}

// AddCodes implements store.CodePools. The new codes are counted before any
// is written, so ErrPoolFull leaves the pool as it was.
func (s *Store) AddCodes(ctx context.Context, siteID, poolID string, codes []string, limit int) (int, int, error) {
	const op = "add codes"
	if err := store.PoolIDError(poolID); err != nil {
		return 0, 0, store.Wrap(kind, op, err)
	}
	if err := store.CheckPoolInput(nil, codes); err != nil {
		return 0, 0, store.Wrap(kind, op, err)
	}
	var (
		added, total int
		refused      error
	)
	err := s.batch(func(tx *bolt.Tx) error {
		added, total, refused = 0, 0, nil
		pool := poolBucket(tx, siteID, poolID)
		meta, err := readPoolMeta(pool)
		if errors.Is(err, store.ErrNotFound) {
			refused = err
			return nil
		}
		if err != nil {
			return err
		}
		all := pool.Bucket(poolCodesKey)
		fresh := make(map[string]struct{})
		for _, c := range codes {
			if all.Get([]byte(c)) == nil {
				fresh[c] = struct{}{}
			}
		}
		if meta.Total+len(fresh) > limit {
			refused = store.ErrPoolFull
			return nil
		}
		before := meta.Total
		if err := appendCodes(pool, &meta, codes); err != nil {
			return err
		}
		added, total = meta.Total-before, meta.Total
		return putJSON(pool, string(poolMetaKey), meta)
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return 0, 0, store.Wrap(kind, op, err)
	}
	return added, total, nil
}

// GetCodePool implements store.CodePools.
func (s *Store) GetCodePool(ctx context.Context, siteID, poolID string) (store.CodePool, error) {
	var meta poolMeta
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		meta, err = readPoolMeta(poolBucket(tx, siteID, poolID))
		return err
	})
	if err != nil {
		return store.CodePool{}, store.Wrap(kind, "get code pool", err)
	}
	return meta.CodePool, nil
}

// ListCodePools implements store.CodePools.
func (s *Store) ListCodePools(ctx context.Context, siteID string) ([]store.CodePool, error) {
	var list []store.CodePool
	err := s.db.View(func(tx *bolt.Tx) error {
		pools := siteBucket(tx, bucketCodePools, siteID)
		if pools == nil {
			return nil
		}
		return pools.ForEachBucket(func(id []byte) error {
			meta, err := readPoolMeta(pools.Bucket(id))
			if err != nil {
				return err
			}
			list = append(list, meta.CodePool)
			return nil
		})
	})
	slices.SortStableFunc(list, func(a, b store.CodePool) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return list, store.Wrap(kind, "list code pools", err)
}

// DeleteCodePool implements store.CodePools.
func (s *Store) DeleteCodePool(ctx context.Context, siteID, poolID string) error {
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		refused = nil
		if poolBucket(tx, siteID, poolID) == nil {
			refused = store.ErrNotFound
			return nil
		}
		return siteBucket(tx, bucketCodePools, siteID).DeleteBucket([]byte(poolID))
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, "delete code pool", err)
}

// ClaimCode implements store.CodePools. The visitor's earlier code, or the
// first free one, is read and taken in one write transaction: bbolt has
// one writer at a time, so two claims never see the same free code.
func (s *Store) ClaimCode(ctx context.Context, siteID, poolID, visitorID string) (string, error) {
	const op = "claim code"
	if err := store.PoolIDError(poolID); err != nil {
		return "", store.Wrap(kind, op, err)
	}
	if err := store.CheckPoolInput([]string{visitorID}, nil); err != nil {
		return "", store.Wrap(kind, op, err)
	}
	var (
		code    string
		refused error
	)
	err := s.batch(func(tx *bolt.Tx) error {
		code, refused = "", nil
		pool := poolBucket(tx, siteID, poolID)
		meta, err := readPoolMeta(pool)
		if errors.Is(err, store.ErrNotFound) {
			refused = err
			return nil
		}
		if err != nil {
			return err
		}
		visitors := pool.Bucket(poolVisitorsKey)
		if got := visitors.Get([]byte(visitorID)); got != nil {
			code = string(got)
			return nil
		}
		free := pool.Bucket(poolFreeKey)
		seq, next := free.Cursor().First()
		if seq == nil {
			refused = store.ErrPoolEmpty
			return nil
		}
		code = string(next)
		meta.Issued++
		return errors.Join(
			free.Delete(seq),
			visitors.Put([]byte(visitorID), []byte(code)),
			putJSON(pool, string(poolMetaKey), meta),
		)
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return "", store.Wrap(kind, op, err)
	}
	return code, nil
}
