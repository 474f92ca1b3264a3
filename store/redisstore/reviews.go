package redisstore

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// A site's reviews, a fixed nine keys in the site's slot, so DeleteSite
// takes them in its one step:
//
//	<prefix>:{s:<siteID>}:reviews     hash: review ID → review JSON
//	<prefix>:{s:<siteID>}:reventry    hash: review ID → "<widget>\n<status>\n<about>\n<rating>"
//	<prefix>:{s:<siteID>}:revtimes    sorted set: "<created>:<id>" (created in 19 digits), scored 0
//	<prefix>:{s:<siteID>}:revpub      sorted set: "<widget>\n<created>:<id>" of published reviews, scored 0
//	<prefix>:{s:<siteID>}:revagg      hash: "n"/"s" + aggregate field → count / rating sum of published
//	<prefix>:{s:<siteID>}:revphotos   hash: photo ID → content type \0 bytes
//	<prefix>:{s:<siteID>}:revphotorev hash: photo ID → the review that names it
//	<prefix>:{s:<siteID>}:revunatt    sorted set: photo IDs no review names, scored by upload (ms)
//	<prefix>:{s:<siteID>}:revtokens   hash: request token used → review ID
//
// The scripts change a review's status, its aggregates and the published
// index in one step, so the aggregates always equal a count of the
// published reviews. The published index is what visitors' pages read: a
// backlog of pending or hidden reviews is never walked for them.
func (s *Store) reviewsKey(siteID string) string    { return s.siteTag(siteID) + ":reviews" }
func (s *Store) reviewEntries(siteID string) string { return s.siteTag(siteID) + ":reventry" }
func (s *Store) reviewTimes(siteID string) string   { return s.siteTag(siteID) + ":revtimes" }
func (s *Store) reviewAgg(siteID string) string     { return s.siteTag(siteID) + ":revagg" }
func (s *Store) reviewPub(siteID string) string     { return s.siteTag(siteID) + ":revpub" }
func (s *Store) reviewPhotos(siteID string) string  { return s.siteTag(siteID) + ":revphotos" }
func (s *Store) reviewPhotoRev(siteID string) string {
	return s.siteTag(siteID) + ":revphotorev"
}
func (s *Store) reviewUnattached(siteID string) string { return s.siteTag(siteID) + ":revunatt" }
func (s *Store) reviewTokens(siteID string) string     { return s.siteTag(siteID) + ":revtokens" }

// reviewDataKeys are the keys siteDataKeys lists for DeleteSite.
func (s *Store) reviewDataKeys(siteID string) []string {
	return []string{s.reviewsKey(siteID), s.reviewEntries(siteID), s.reviewTimes(siteID), s.reviewAgg(siteID),
		s.reviewPhotos(siteID), s.reviewPhotoRev(siteID), s.reviewUnattached(siteID), s.reviewTokens(siteID), s.reviewPub(siteID)}
}

var (
	//go:embed lua/create_review.lua
	createReviewLua    string
	scriptCreateReview = redis.NewScript(createReviewLua)

	//go:embed lua/import_reviews.lua
	importReviewsLua    string
	scriptImportReviews = redis.NewScript(importReviewsLua)

	//go:embed lua/swap_review.lua
	swapReviewLua    string
	scriptSwapReview = redis.NewScript(swapReviewLua)

	//go:embed lua/list_reviews.lua
	listReviewsLua    string
	scriptListReviews = redis.NewScript(listReviewsLua)

	//go:embed lua/put_review_photo.lua
	putReviewPhotoLua    string
	scriptPutReviewPhoto = redis.NewScript(putReviewPhotoLua)
)

const tokenUsed = -2 // create_review.lua: the request token was used before

func reviewMember(r store.Review) string { return lexTime(r.CreatedAt) + ":" + r.ID }

// reviewPubMember is r's member of the published index.
func reviewPubMember(r store.Review) string { return r.WidgetID + "\n" + reviewMember(r) }

func reviewEntry(r store.Review) string {
	return r.WidgetID + "\n" + r.Status + "\n" + r.About + "\n" + strconv.Itoa(r.Rating)
}

// reviewAggFields are the aggregate fields a review counts in: the
// widget's and the widget's for its about.
func reviewAggFields(widgetID, about string) (all, one string) {
	return "\x00w\x00" + widgetID, "\x00a\x00" + widgetID + "\x00" + about
}

// CreateReview implements store.Reviews in one step (create_review.lua).
func (s *Store) CreateReview(ctx context.Context, r store.Review, token string) error {
	const op = "create review"
	if err := store.CheckReview(r); err != nil {
		return wrap(op, err)
	}
	data, err := json.Marshal(r)
	if err != nil {
		return wrap(op, err)
	}
	published := "0"
	if r.Status == store.ReviewPublished {
		published = "1"
	}
	all, one := reviewAggFields(r.WidgetID, r.About)
	keys := []string{s.siteKey(r.SiteID), s.reviewsKey(r.SiteID), s.reviewEntries(r.SiteID), s.reviewTimes(r.SiteID),
		s.reviewAgg(r.SiteID), s.reviewPhotoRev(r.SiteID), s.reviewUnattached(r.SiteID), s.reviewTokens(r.SiteID), s.reviewPhotos(r.SiteID),
		s.reviewPub(r.SiteID)}
	n, err := scriptCreateReview.Run(ctx, s.client, keys, r.ID, data, reviewEntry(r), reviewMember(r), token,
		published, r.Rating, all, one, r.PhotoID, reviewPubMember(r)).Int()
	if err != nil {
		return wrap(op, err)
	}
	switch n {
	case 1:
		return nil
	case 0:
		return wrap(op, store.ErrNotFound)
	case -1:
		return wrap(op, store.ErrConflict)
	case tokenUsed:
		return wrap(op, store.ErrTokenUsed)
	}
	return wrap(op, fmt.Errorf("create_review.lua returned %d", n))
}

// ImportReviews implements store.Reviews in one step (import_reviews.lua).
func (s *Store) ImportReviews(ctx context.Context, siteID string, rs []store.Review) error {
	const op = "import reviews"
	args := make([]any, 0, 8*len(rs))
	for _, r := range rs {
		r.SiteID = siteID
		if err := store.CheckReview(r); err != nil {
			return wrap(op, err)
		}
		if r.Status != store.ReviewPublished {
			return wrap(op, errors.New("imported reviews are published"))
		}
		data, err := json.Marshal(r)
		if err != nil {
			return wrap(op, err)
		}
		all, one := reviewAggFields(r.WidgetID, r.About)
		args = append(args, r.ID, data, reviewEntry(r), reviewMember(r), r.Rating, all, one, reviewPubMember(r))
	}
	keys := []string{s.siteKey(siteID), s.reviewsKey(siteID), s.reviewEntries(siteID), s.reviewTimes(siteID), s.reviewAgg(siteID), s.reviewPub(siteID)}
	n, err := scriptImportReviews.Run(ctx, s.client, keys, args...).Int()
	if err == nil {
		switch n {
		case 0:
			err = store.ErrNotFound
		case -1:
			err = store.ErrConflict
		}
	}
	return wrap(op, err)
}

// GetReview implements store.Reviews.
func (s *Store) GetReview(ctx context.Context, siteID, id string) (store.Review, error) {
	var r store.Review
	raw, err := s.client.HGet(ctx, s.reviewsKey(siteID), id).Bytes()
	if err == nil {
		err = json.Unmarshal(raw, &r)
	}
	if err != nil {
		return store.Review{}, wrap("get review", err)
	}
	return r, nil
}

// UpdateReview implements store.Reviews optimistically; swap_review.lua
// writes the review, its entry and the aggregates' change together.
func (s *Store) UpdateReview(ctx context.Context, siteID, id string, fn func(*store.Review) error) (store.Review, error) {
	var was store.Review
	noCheck := func(store.Review) error { return nil }
	r, err := updateField(ctx, s.client, s.reviewsKey(siteID), id, noCheck, func(r *store.Review) error {
		was = *r
		if err := fn(r); err != nil {
			return callerError{err}
		}
		store.PinReview(r, was)
		return store.CheckReview(*r)
	}, func(old string, r store.Review, data []byte) (bool, error) {
		delta := 0
		switch {
		case r.Status == was.Status:
		case r.Status == store.ReviewPublished:
			delta = 1
		case was.Status == store.ReviewPublished:
			delta = -1
		}
		all, one := reviewAggFields(r.WidgetID, r.About)
		keys := []string{s.reviewsKey(siteID), s.reviewEntries(siteID), s.reviewAgg(siteID), s.reviewPub(siteID)}
		n, err := scriptSwapReview.Run(ctx, s.client, keys, id, old, data, reviewEntry(r), delta, r.Rating, all, one, reviewPubMember(r)).Int()
		return n == 1, err
	})
	var ce callerError
	if errors.As(err, &ce) {
		return store.Review{}, ce.err
	}
	if err != nil {
		return store.Review{}, wrap("update review", err)
	}
	return r, nil
}

// ListReviews implements store.Reviews by list_reviews.lua, in stretches:
// a widget's published reviews through the published index, the rest
// through the index of all.
func (s *Store) ListReviews(ctx context.Context, siteID string, f store.ReviewFilter) ([]store.Review, error) {
	const op = "list reviews"
	index, prefix, bound, lowest := s.reviewTimes(siteID), "", "+", "-"
	if f.Status == store.ReviewPublished && f.WidgetID != "" && !strings.ContainsAny(f.WidgetID, "\n\x00") {
		index, prefix = s.reviewPub(siteID), f.WidgetID+"\n"
		bound, lowest = "("+f.WidgetID+"\x0b", "["+prefix
	}
	if !f.After.CreatedAt.IsZero() || f.After.ID != "" {
		bound = "(" + prefix + lexTime(f.After.CreatedAt) + ":" + f.After.ID
	}
	keys := []string{index, s.reviewEntries(siteID), s.reviewsKey(siteID)}
	var list []store.Review
	for {
		limit := 0
		if f.Limit > 0 {
			limit = f.Limit - len(list)
		}
		res, err := scriptListReviews.Run(ctx, s.client, keys, bound, f.WidgetID, f.Status, f.About, f.MinRating, limit, listBudget,
			len(prefix), lowest).Slice()
		if err != nil {
			return nil, wrap(op, err)
		}
		raws, _ := res[0].([]any)
		for _, raw := range raws {
			var r store.Review
			str, _ := raw.(string)
			if err := json.Unmarshal([]byte(str), &r); err != nil {
				return nil, wrap(op, err)
			}
			list = append(list, r)
		}
		next, _ := res[1].(string)
		if next == "" {
			return list, nil
		}
		bound = "(" + next
	}
}

// ReviewAggregate implements store.Reviews: one HMGET.
func (s *Store) ReviewAggregate(ctx context.Context, siteID, widgetID, about string, all bool) (store.ReviewAggregate, error) {
	f, one := reviewAggFields(widgetID, about)
	if !all {
		f = one
	}
	vals, err := s.client.HMGet(ctx, s.reviewAgg(siteID), "n"+f, "s"+f).Result()
	if err != nil {
		return store.ReviewAggregate{}, wrap("review aggregate", err)
	}
	var a store.ReviewAggregate
	if str, ok := vals[0].(string); ok {
		a.Count, _ = strconv.Atoi(str)
	}
	if str, ok := vals[1].(string); ok {
		a.Sum, _ = strconv.Atoi(str)
	}
	return a, nil
}

// PutReviewPhoto implements store.Reviews in one step (put_review_photo.lua).
func (s *Store) PutReviewPhoto(ctx context.Context, siteID string, p store.ReviewPhoto) error {
	const op = "put review photo"
	if len(p.Data) > store.MaxReviewPhotoBytes || p.ID == "" || bytes.ContainsAny([]byte(p.ContentType), "\x00") {
		return wrap(op, errors.New("photo too large, without id or with a bad content type"))
	}
	val := append([]byte(p.ContentType+"\x00"), p.Data...)
	keys := []string{s.siteKey(siteID), s.reviewPhotos(siteID), s.reviewUnattached(siteID)}
	n, err := scriptPutReviewPhoto.Run(ctx, s.client, keys, p.ID, val, p.CreatedAt.UnixMilli(),
		p.CreatedAt.Add(-store.ReviewPhotoUnattached).UnixMilli()).Int()
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	return wrap(op, err)
}

// GetReviewPhoto implements store.Reviews.
func (s *Store) GetReviewPhoto(ctx context.Context, siteID, id string) (store.ReviewPhoto, string, error) {
	const op = "get review photo"
	raw, err := s.client.HGet(ctx, s.reviewPhotos(siteID), id).Bytes()
	if err != nil {
		return store.ReviewPhoto{}, "", wrap(op, err)
	}
	ct, data, _ := bytes.Cut(raw, []byte{0})
	review, err := s.client.HGet(ctx, s.reviewPhotoRev(siteID), id).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return store.ReviewPhoto{}, "", wrap(op, err)
	}
	return store.ReviewPhoto{ID: id, ContentType: string(ct), Data: data}, review, nil
}

// ReviewTokenUsed implements store.Reviews.
func (s *Store) ReviewTokenUsed(ctx context.Context, siteID, token string) (bool, error) {
	n, err := s.client.HExists(ctx, s.reviewTokens(siteID), token).Result()
	return n, wrap("review token used", err)
}

var (
	//go:embed lua/delete_review.lua
	deleteReviewLua    string
	scriptDeleteReview = redis.NewScript(deleteReviewLua)
)

// DeleteReview implements store.Reviews: the review is read, then deleted
// by delete_review.lua if unchanged meanwhile (else read again).
func (s *Store) DeleteReview(ctx context.Context, siteID, id string) error {
	const op = "delete review"
	keys := []string{s.reviewsKey(siteID), s.reviewEntries(siteID), s.reviewTimes(siteID), s.reviewAgg(siteID),
		s.reviewPub(siteID), s.reviewPhotos(siteID), s.reviewPhotoRev(siteID)}
	for n := 1; n <= maxUpdateAttempts; n++ {
		raw, err := s.client.HGet(ctx, s.reviewsKey(siteID), id).Result()
		if err != nil {
			return wrap(op, err)
		}
		var r store.Review
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return wrap(op, err)
		}
		published := "0"
		if r.Status == store.ReviewPublished {
			published = "1"
		}
		all, one := reviewAggFields(r.WidgetID, r.About)
		done, err := scriptDeleteReview.Run(ctx, s.client, keys, id, raw, reviewMember(r), reviewPubMember(r), published,
			r.Rating, all, one, r.PhotoID).Int()
		if err != nil {
			return wrap(op, err)
		}
		if done == 1 {
			return nil
		}
	}
	return wrap(op, fmt.Errorf("gave up after %d attempts lost to concurrent updates: %w", maxUpdateAttempts, store.ErrConflict))
}
