package redisstore

import (
	"context"
	_ "embed"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts: each is one atomic step over keys of a single site (or a
// single key), so Redis Cluster accepts it. The .lua files say what they do.
var (
	//go:embed lua/create_in_site.lua
	createInSiteLua    string
	scriptCreateInSite = redis.NewScript(createInSiteLua)

	//go:embed lua/delete_site.lua
	deleteSiteLua    string
	scriptDeleteSite = redis.NewScript(deleteSiteLua)

	//go:embed lua/del_if_equal.lua
	delIfEqualLua    string
	scriptDelIfEqual = redis.NewScript(delIfEqualLua)
)

// Results of create_in_site.lua.
const (
	createdInSite = 1
	siteMissing   = 0
	idTaken       = -1
)

// delIfEqual removes an index entry if it still points to value.
func (s *Store) delIfEqual(ctx context.Context, key, value string) error {
	return scriptDelIfEqual.Run(ctx, s.client, []string{key}, value).Err()
}
