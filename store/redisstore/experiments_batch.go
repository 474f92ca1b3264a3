package redisstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// ExposeVisitors implements store.Experiments: a batch of exposures in one
// pipeline of experiment_expose.lua calls (each atomic, with
// ExposeVisitor's once-per-visitor check). Exposures of a site that no
// longer exists are skipped.
func (s *Store) ExposeVisitors(ctx context.Context, batch []store.Exposure) (int, error) {
	const op = "expose visitors"
	for _, x := range batch {
		if err := checkTally(store.ExperimentTally(x.ExperimentID)); err != nil {
			return 0, wrap(op, err)
		}
	}
	firsts, err := s.exposePipeline(ctx, batch, false)
	if redis.HasErrorPrefix(errors.Unwrap(err), "NOSCRIPT") {
		// A Redis that restarted (or a new node) lost the script: send it
		// whole this once, which loads it again.
		firsts, err = s.exposePipeline(ctx, batch, true)
	}
	return firsts, wrap(op, err)
}

func (s *Store) exposePipeline(ctx context.Context, batch []store.Exposure, whole bool) (int, error) {
	cmds := make([]*redis.Cmd, len(batch))
	_, err := s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, x := range batch {
			keys := []string{s.siteKey(x.SiteID), s.talliesKey(x.SiteID), s.tallyIndex(x.SiteID)}
			args := []any{experimentVisitorField(x.ExperimentID, x.VisitorID), x.Variant,
				store.ExperimentTally(x.ExperimentID) + "\x00" + x.Variant + ":exposures"}
			if whole {
				cmds[i] = scriptExperimentExpose.Eval(ctx, p, keys, args...)
			} else {
				cmds[i] = scriptExperimentExpose.EvalSha(ctx, p, keys, args...)
			}
		}
		return nil
	})
	firsts := 0
	for _, c := range cmds {
		if n, cerr := c.Int(); cerr == nil && n == 1 {
			firsts++
		}
	}
	if err != nil {
		return firsts, fmt.Errorf("pipeline: %w", err)
	}
	return firsts, nil
}
