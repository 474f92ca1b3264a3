package redisstore

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// A site's tallies, in the site's slot:
//
//	<prefix>:{s:<siteID>}:tallies    hash: "<name>\0<field>" → count
//	<prefix>:{s:<siteID>}:tallyidx   sorted set: the same "<name>\0<field>", scored 0
//
// The sorted set lists a tally's fields as one range; two keys per site,
// however many tallies, so that deleting the site takes them in its step.
func (s *Store) talliesKey(siteID string) string { return s.siteTag(siteID) + ":tallies" }
func (s *Store) tallyIndex(siteID string) string { return s.siteTag(siteID) + ":tallyidx" }

var (
	//go:embed lua/add_tally.lua
	addTallyLua    string
	scriptAddTally = redis.NewScript(addTallyLua)

	//go:embed lua/read_tally.lua
	readTallyLua    string
	scriptReadTally = redis.NewScript(readTallyLua)
)

// checkTally refuses a name that would run into its fields.
func checkTally(name string) error {
	if strings.ContainsRune(name, 0) {
		return fmt.Errorf("tally name %q contains NUL", name)
	}
	return nil
}

// AddTally implements store.Tallies in one step (add_tally.lua).
func (s *Store) AddTally(ctx context.Context, siteID, name string, deltas map[string]int64) error {
	const op = "add tally"
	if err := checkTally(name); err != nil {
		return wrap(op, err)
	}
	args := make([]any, 0, 1+2*len(deltas))
	args = append(args, name+"\x00")
	for field, delta := range deltas {
		args = append(args, field, delta)
	}
	keys := []string{s.siteKey(siteID), s.talliesKey(siteID), s.tallyIndex(siteID)}
	ok, err := scriptAddTally.Run(ctx, s.client, keys, args...).Int()
	if err == nil && ok == 0 {
		err = store.ErrNotFound
	}
	return wrap(op, err)
}

// Tally implements store.Tallies in one step (read_tally.lua).
func (s *Store) Tally(ctx context.Context, siteID, name string) (map[string]int64, error) {
	const op = "tally"
	if err := checkTally(name); err != nil {
		return nil, wrap(op, err)
	}
	prefix := name + "\x00"
	keys := []string{s.talliesKey(siteID), s.tallyIndex(siteID)}
	pairs, err := scriptReadTally.Run(ctx, s.client, keys, "["+prefix, "("+name+"\x01", len(prefix)).StringSlice()
	if err != nil {
		return nil, wrap(op, err)
	}
	fields := make(map[string]int64, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		n, err := strconv.ParseInt(pairs[i+1], 10, 64)
		if err != nil {
			return nil, wrap(op, err)
		}
		fields[pairs[i]] = n
	}
	return fields, nil
}
