package redisstore

import (
	"context"
	_ "embed"

	"github.com/redis/go-redis/v9"
)

// The Lua scripts: each is one atomic step over keys of a single site, of
// the job queue, or a single key, so Redis Cluster accepts it. The .lua
// files say what they do.
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

	//go:embed lua/create_callback.lua
	createCallbackLua    string
	scriptCreateCallback = redis.NewScript(createCallbackLua)

	//go:embed lua/enqueue_job.lua
	enqueueJobLua    string
	scriptEnqueueJob = redis.NewScript(enqueueJobLua)

	//go:embed lua/claim_jobs.lua
	claimJobsLua    string
	scriptClaimJobs = redis.NewScript(claimJobsLua)

	//go:embed lua/swap_json.lua
	swapJSONLua    string
	scriptSwapJSON = redis.NewScript(swapJSONLua)

	//go:embed lua/redact_callback.lua
	redactCallbackLua    string
	scriptRedactCallback = redis.NewScript(redactCallbackLua)

	//go:embed lua/extend_job.lua
	extendJobLua    string
	scriptExtendJob = redis.NewScript(extendJobLua)
)

// Results of create_in_site.lua and create_callback.lua.
const (
	createdInSite = 1
	siteMissing   = 0
	idTaken       = -1
	duplicate     = 2 // create_callback.lua only
)

// indexChanged is delete_site.lua's answer when a callback request was
// created since the caller read the site's index.
const indexChanged = -1

// delIfEqual removes an index entry if it still points to value.
func (s *Store) delIfEqual(ctx context.Context, key, value string) error {
	return scriptDelIfEqual.Run(ctx, s.client, []string{key}, value).Err()
}
