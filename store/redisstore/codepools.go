package redisstore

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// A site's code pools, a fixed four keys in the site's slot however many
// pools it has, so DeleteSite takes them in its one step:
//
//	<prefix>:{s:<siteID>}:pools     hash: pool ID → pool JSON (ID, name, created)
//	<prefix>:{s:<siteID>}:poolcodes sorted set: "<pool>\0<code>" of every code, scored 0
//	<prefix>:{s:<siteID>}:poolfree  sorted set: "<pool>\0<seq>\0<code>" of codes not
//	                                handed out, scored 0; seq (8 digits) keeps the order added
//	<prefix>:{s:<siteID>}:poolvis   sorted set: "<pool>\0<visitor>\0<code>" of codes
//	                                handed out, scored 0
//
// A pool's members are the range that starts "<pool>\0", which neither IDs
// nor codes may contain (store.CheckPoolInput); the counts are ZLEXCOUNTs of
// that range, so no counter can drift from the codes.
func (s *Store) poolsKey(siteID string) string     { return s.siteTag(siteID) + ":pools" }
func (s *Store) poolCodesKey(siteID string) string { return s.siteTag(siteID) + ":poolcodes" }
func (s *Store) poolFreeKey(siteID string) string  { return s.siteTag(siteID) + ":poolfree" }
func (s *Store) poolGivenKey(siteID string) string { return s.siteTag(siteID) + ":poolvis" }

var (
	//go:embed lua/code_pool_add.lua
	codePoolAddLua    string
	scriptCodePoolAdd = redis.NewScript(codePoolAddLua)

	//go:embed lua/code_pool_claim.lua
	codePoolClaimLua    string
	scriptCodePoolClaim = redis.NewScript(codePoolClaimLua)

	//go:embed lua/code_pool_read.lua
	codePoolReadLua    string
	scriptCodePoolRead = redis.NewScript(codePoolReadLua)

	//go:embed lua/code_pool_delete.lua
	codePoolDeleteLua    string
	scriptCodePoolDelete = redis.NewScript(codePoolDeleteLua)
)

// Answers of the code pool scripts beyond createdInSite, siteMissing and
// idTaken.
const poolBounded = -2 // code_pool_add.lua: too many codes; code_pool_claim.lua: none left

// CreateCodePool implements store.CodePools in one step (code_pool_add.lua).
func (s *Store) CreateCodePool(ctx context.Context, p store.CodePool, codes []string, limit int) error {
	const op = "create code pool"
	if err := store.CheckPoolInput([]string{p.ID}, codes); err != nil {
		return wrap(op, err)
	}
	p.Total, p.Issued = 0, 0
	meta, err := json.Marshal(p)
	if err != nil {
		return wrap(op, err)
	}
	_, _, err = s.addCodes(ctx, p.SiteID, p.ID, string(meta), codes, limit)
	return wrap(op, err)
}

// AddCodes implements store.CodePools in one step (code_pool_add.lua).
func (s *Store) AddCodes(ctx context.Context, siteID, poolID string, codes []string, limit int) (int, int, error) {
	const op = "add codes"
	if err := store.PoolIDError(poolID); err != nil {
		return 0, 0, wrap(op, err)
	}
	if err := store.CheckPoolInput(nil, codes); err != nil {
		return 0, 0, wrap(op, err)
	}
	added, total, err := s.addCodes(ctx, siteID, poolID, "", codes, limit)
	return added, total, wrap(op, err)
}

// addCodes runs code_pool_add.lua: a create when meta is the new pool's
// JSON, an append when it is empty.
func (s *Store) addCodes(ctx context.Context, siteID, poolID, meta string, codes []string, limit int) (int, int, error) {
	keys := []string{s.siteKey(siteID), s.poolsKey(siteID), s.poolCodesKey(siteID), s.poolFreeKey(siteID)}
	args := make([]any, 0, 3+len(codes))
	args = append(args, poolID, meta, limit)
	for _, c := range codes {
		args = append(args, c)
	}
	res, err := scriptCodePoolAdd.Run(ctx, s.client, keys, args...).Int64Slice()
	if err != nil {
		return 0, 0, err
	}
	switch res[0] {
	case createdInSite:
		return int(res[1]), int(res[2]), nil
	case siteMissing:
		return 0, 0, store.ErrNotFound
	case idTaken:
		return 0, 0, store.ErrConflict
	case poolBounded:
		return 0, 0, store.ErrPoolFull
	}
	return 0, 0, fmt.Errorf("code_pool_add.lua returned %v", res)
}

// readPools runs code_pool_read.lua for one pool, or all with no poolID.
func (s *Store) readPools(ctx context.Context, siteID string, poolID ...any) ([]store.CodePool, error) {
	keys := []string{s.poolsKey(siteID), s.poolCodesKey(siteID), s.poolFreeKey(siteID)}
	res, err := scriptCodePoolRead.Run(ctx, s.client, keys, poolID...).Slice()
	if err != nil {
		return nil, err
	}
	var list []store.CodePool
	for i := 0; i+2 < len(res); i += 3 {
		var p store.CodePool
		raw, _ := res[i].(string)
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return nil, err
		}
		total, _ := res[i+1].(int64)
		free, _ := res[i+2].(int64)
		p.Total, p.Issued = int(total), int(total-free)
		list = append(list, p)
	}
	return list, nil
}

// GetCodePool implements store.CodePools.
func (s *Store) GetCodePool(ctx context.Context, siteID, poolID string) (store.CodePool, error) {
	err := store.PoolIDError(poolID)
	var list []store.CodePool
	if err == nil {
		list, err = s.readPools(ctx, siteID, poolID)
	}
	if err == nil && len(list) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.CodePool{}, wrap("get code pool", err)
	}
	return list[0], nil
}

// ListCodePools implements store.CodePools.
func (s *Store) ListCodePools(ctx context.Context, siteID string) ([]store.CodePool, error) {
	list, err := s.readPools(ctx, siteID)
	slices.SortStableFunc(list, func(a, b store.CodePool) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return list, wrap("list code pools", err)
}

// DeleteCodePool implements store.CodePools in one step
// (code_pool_delete.lua).
func (s *Store) DeleteCodePool(ctx context.Context, siteID, poolID string) error {
	if err := store.PoolIDError(poolID); err != nil {
		return wrap("delete code pool", err)
	}
	keys := []string{s.poolsKey(siteID), s.poolCodesKey(siteID), s.poolFreeKey(siteID), s.poolGivenKey(siteID)}
	n, err := scriptCodePoolDelete.Run(ctx, s.client, keys, poolID).Int64()
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	return wrap("delete code pool", err)
}

// ClaimCode implements store.CodePools in one step (code_pool_claim.lua).
func (s *Store) ClaimCode(ctx context.Context, siteID, poolID, visitorID string) (string, error) {
	const op = "claim code"
	if err := store.PoolIDError(poolID); err != nil {
		return "", wrap(op, err)
	}
	if err := store.CheckPoolInput([]string{visitorID}, nil); err != nil {
		return "", wrap(op, err)
	}
	keys := []string{s.poolsKey(siteID), s.poolFreeKey(siteID), s.poolGivenKey(siteID)}
	res, err := scriptCodePoolClaim.Run(ctx, s.client, keys, poolID, visitorID).Slice()
	if err != nil {
		return "", wrap(op, err)
	}
	switch res[0] {
	case int64(createdInSite):
		code, _ := res[1].(string)
		return code, nil
	case int64(siteMissing):
		return "", wrap(op, store.ErrNotFound)
	case int64(poolBounded):
		return "", wrap(op, store.ErrPoolEmpty)
	}
	return "", wrap(op, fmt.Errorf("code_pool_claim.lua returned %v", res))
}
