package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// jobGroup is the consumer group of every replica's workers.
const jobGroup = "workers"

// claimBlockSlice bounds one blocking read of a waiting ClaimJobs. go-redis
// does not interrupt a blocked read when ctx is cancelled, so a long wait
// is cut into slices to notice ctx (and the store's Close). An enqueue ends
// the read at once whatever its length, so the slice adds nothing to how
// soon a new job is handed out; after each slice the claim script also
// takes over jobs whose consumer died.
const claimBlockSlice = time.Second

// queuedJob is what the stream and the schedule hold for a job; its ID and
// delivery count are the stream's.
type queuedJob struct {
	SiteID     string `json:"s"`
	CallbackID string `json:"c"`
	Due        int64  `json:"d"` // Unix nanoseconds
}

// EnqueueJob implements store.Jobs (enqueue_job.lua).
func (s *Store) EnqueueJob(ctx context.Context, j store.Job) error {
	return wrap("enqueue job", s.enqueue(ctx, j))
}

func (s *Store) enqueue(ctx context.Context, j store.Job) error {
	due := store.UnixNanos(j.Due)
	payload, err := json.Marshal(queuedJob{SiteID: j.SiteID, CallbackID: j.CallbackID, Due: due})
	if err != nil {
		return err
	}
	// The schedule counts milliseconds; rounding up keeps a job from being
	// handed out before it is due.
	keys := []string{s.jobStream(), s.jobSchedule()}
	return scriptEnqueueJob.Run(ctx, s.client, keys, payload, ceilMillis(due), ceilMillis(store.UnixNanos(time.Now()))).Err()
}

func ceilMillis(nanos int64) int64 {
	return nanos/int64(time.Millisecond) + min(nanos%int64(time.Millisecond), 1)
}

// ClaimJobs implements store.Jobs. Each round runs claim_jobs.lua (due
// scheduled jobs into the stream, takeovers, new jobs); with nothing to
// take it blocks on the stream with XREADGROUP, which an enqueue (or the
// wake entry of an earlier scheduled job) ends at once, for no longer than
// until the first scheduled job is due.
func (s *Store) ClaimJobs(ctx context.Context, consumer string, max int, lease, wait time.Duration) ([]store.Job, error) {
	const op = "claim jobs"
	deadline := time.Now().Add(wait)
	for ctx.Err() == nil && max > 0 {
		if s.isClosed() {
			return nil, wrap(op, errClosed)
		}
		jobs, next, err := s.claimDue(ctx, consumer, max, lease)
		if err != nil || len(jobs) > 0 {
			return jobs, s.claimError(ctx, op, err)
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, nil
		}
		block := min(left, claimBlockSlice)
		if !next.IsZero() {
			block = min(block, time.Until(next))
		}
		if block < time.Millisecond {
			block = time.Millisecond // BLOCK counts milliseconds, and 0 would mean forever
		}
		jobs, err = s.readNew(ctx, consumer, max, block)
		if err != nil || len(jobs) > 0 {
			return jobs, s.claimError(ctx, op, err)
		}
	}
	return nil, nil
}

// claimError is nil when ctx ended: ClaimJobs then returns no jobs and no
// error. A job a cancelled call had claimed comes back after its lease.
func (s *Store) claimError(ctx context.Context, op string, err error) error {
	if err != nil && ctx.Err() != nil {
		return nil
	}
	return wrap(op, err)
}

// claimDue runs claim_jobs.lua, creating the consumer group first if the
// queue has none yet. It reports when the first scheduled job is due (zero:
// none is scheduled).
func (s *Store) claimDue(ctx context.Context, consumer string, max int, lease time.Duration) ([]store.Job, time.Time, error) {
	keys := []string{s.jobStream(), s.jobSchedule()}
	run := func() ([]any, error) {
		return scriptClaimJobs.Run(ctx, s.client, keys, jobGroup, consumer, time.Now().UnixMilli(), max, lease.Milliseconds()).Slice()
	}
	res, err := run()
	if isNoGroup(err) {
		if err = s.createGroup(ctx); err == nil {
			res, err = run()
		}
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	var next time.Time
	if ms, _ := res[0].(int64); ms >= 0 {
		next = time.UnixMilli(ms)
	}
	var jobs []store.Job
	for i := 1; i+2 < len(res); i += 3 {
		id, _ := res[i].(string)
		payload, _ := res[i+1].(string)
		deliveries, _ := res[i+2].(int64)
		j, err := decodeJob(id, payload, int(deliveries))
		if err != nil {
			return nil, time.Time{}, err
		}
		jobs = append(jobs, j)
	}
	return jobs, next, nil
}

// readNew blocks up to block for new stream entries. Wake entries among
// them are acked and deleted: they only ended the wait.
func (s *Store) readNew(ctx context.Context, consumer string, max int, block time.Duration) ([]store.Job, error) {
	streams, err := s.client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group:    jobGroup,
		Consumer: consumer,
		Streams:  []string{s.jobStream(), ">"},
		Count:    int64(max),
		Block:    block,
	}).Result()
	if errors.Is(err, redis.Nil) { // nothing came
		return nil, nil
	}
	if isNoGroup(err) { // the queue was flushed while we waited; the next claim makes it anew
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var jobs []store.Job
	var wakes []string
	for _, st := range streams {
		for _, msg := range st.Messages {
			payload, ok := msg.Values["job"].(string)
			if !ok {
				wakes = append(wakes, msg.ID)
				continue
			}
			j, err := decodeJob(msg.ID, payload, 1)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
		}
	}
	if len(wakes) > 0 {
		if err := s.removeEntries(ctx, wakes...); err != nil {
			return nil, err
		}
	}
	return jobs, nil
}

func decodeJob(id, payload string, deliveries int) (store.Job, error) {
	var q queuedJob
	if err := json.Unmarshal([]byte(payload), &q); err != nil {
		return store.Job{}, fmt.Errorf("job %s: %w", id, err)
	}
	return store.Job{
		ID:         id,
		SiteID:     q.SiteID,
		CallbackID: q.CallbackID,
		Due:        time.Unix(0, q.Due).UTC(),
		Deliveries: deliveries,
	}, nil
}

// createGroup creates the queue's consumer group (and the stream, if no job
// was ever enqueued), reading from the start: jobs enqueued before it are
// delivered too. Another replica creating it first is fine.
func (s *Store) createGroup(ctx context.Context) error {
	err := s.client.XGroupCreateMkStream(ctx, s.jobStream(), jobGroup, "0").Err()
	if err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return nil
	}
	return err
}

func isNoGroup(err error) bool {
	return err != nil && strings.Contains(err.Error(), "NOGROUP")
}

// ExtendJob implements store.Jobs (extend_job.lua). Redis keeps no lease:
// renewing resets the job's idle time, and other consumers take it over
// once it has been idle longer than the lease they claim with.
func (s *Store) ExtendJob(ctx context.Context, consumer string, j store.Job) error {
	const op = "extend job"
	res, err := scriptExtendJob.Run(ctx, s.client, []string{s.jobStream()}, jobGroup, consumer, j.ID).Int()
	switch {
	case isNoGroup(err):
		err = store.ErrNotFound // no group, so nothing was ever claimed
	case err != nil:
	case res == 0:
		err = store.ErrNotFound
	case res < 0:
		err = store.ErrConflict
	}
	return wrap(op, err)
}

// AckJob implements store.Jobs: XACK and XDEL, so the stream holds only
// jobs not yet done.
func (s *Store) AckJob(ctx context.Context, j store.Job) error {
	err := s.removeEntries(ctx, j.ID)
	if isNoGroup(err) {
		err = nil // no group, nothing to ack
	}
	return wrap("ack job", err)
}

func (s *Store) removeEntries(ctx context.Context, ids ...string) error {
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, s.jobStream(), jobGroup, ids...)
		p.XDel(ctx, s.jobStream(), ids...)
		return nil
	})
	return err
}
