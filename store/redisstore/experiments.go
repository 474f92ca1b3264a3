package redisstore

import (
	"context"
	_ "embed"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// An experiment's visitor records are fields of the site's tallies hash,
// beside the experiment's counts, so one script changes both and
// DeleteSite takes them with the site:
//
//	<prefix>:{s:<siteID>}:tallies   "\0exp\0<experimentID>\0<visitorID>" → variant ["\0c" once converted]
var (
	//go:embed lua/experiment_expose.lua
	experimentExposeLua    string
	scriptExperimentExpose = redis.NewScript(experimentExposeLua)

	//go:embed lua/experiment_convert.lua
	experimentConvertLua    string
	scriptExperimentConvert = redis.NewScript(experimentConvertLua)
)

func experimentVisitorField(experimentID, visitorID string) string {
	return "\x00exp\x00" + experimentID + "\x00" + visitorID
}

// ExposeVisitor implements store.Experiments in one step (experiment_expose.lua).
func (s *Store) ExposeVisitor(ctx context.Context, siteID, experimentID, visitorID, variant string) (bool, error) {
	const op = "expose visitor"
	name := store.ExperimentTally(experimentID)
	if err := checkTally(name); err != nil {
		return false, wrap(op, err)
	}
	keys := []string{s.siteKey(siteID), s.talliesKey(siteID), s.tallyIndex(siteID)}
	n, err := scriptExperimentExpose.Run(ctx, s.client, keys,
		experimentVisitorField(experimentID, visitorID), variant, name+"\x00"+variant+":exposures").Int()
	if err == nil && n < 0 {
		err = store.ErrNotFound
	}
	return n == 1, wrap(op, err)
}

// ConvertVisitor implements store.Experiments in one step (experiment_convert.lua).
func (s *Store) ConvertVisitor(ctx context.Context, siteID, experimentID, visitorID string) (string, error) {
	const op = "convert visitor"
	name := store.ExperimentTally(experimentID)
	if err := checkTally(name); err != nil {
		return "", wrap(op, err)
	}
	keys := []string{s.siteKey(siteID), s.talliesKey(siteID), s.tallyIndex(siteID)}
	res, err := scriptExperimentConvert.Run(ctx, s.client, keys, experimentVisitorField(experimentID, visitorID), name+"\x00").Result()
	if err != nil {
		return "", wrap(op, err)
	}
	switch v := res.(type) {
	case string:
		return v, nil
	case int64:
		return "", wrap(op, store.ErrNotFound)
	}
	return "", nil
}
