package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Reviews live in one bucket per site, so DeleteSite drops them at once:
//
//	reviews siteID → {
//	    "r"  → {reviewID → Review JSON}
//	    "t"  → {created (8 bytes) + reviewID → widget \0 status \0 about \0 rating}
//	    "pt" → {widgetID \0 created (8 bytes) + reviewID → the same}  published only
//	    "a"  → {aggregate key → count (8 bytes) + sum (8 bytes)}
//	    "p"  → {photoID → content type \0 bytes}
//	    "pr" → {photoID → the reviewID that names it}
//	    "pu" → {uploaded (8 bytes) + photoID → ""}   photos no review names yet
//	    "k"  → {request token → reviewID}            tokens used
//	}
//
// Aggregates and the published index are written in the transaction that
// changes a review's status, so they always equal what a count of the
// reviews would give; visitors' pages walk the published index and never
// a backlog of pending or hidden reviews.
var bucketReviews = []byte("reviews")

var (
	rvItems    = []byte("r")
	rvTimes    = []byte("t")
	rvAgg      = []byte("a")
	rvPhotos   = []byte("p")
	rvPhotoRev = []byte("pr")
	rvUnattach = []byte("pu")
	rvTokens   = []byte("k")
	rvPubTimes = []byte("pt")
	rvBuckets  = [][]byte{rvItems, rvTimes, rvAgg, rvPhotos, rvPhotoRev, rvUnattach, rvTokens, rvPubTimes}
)

func reviewEntry(r store.Review) []byte {
	return []byte(r.WidgetID + "\x00" + r.Status + "\x00" + r.About + "\x00" + strconv.Itoa(r.Rating))
}

func parseReviewEntry(v []byte) (widget, status, about string, rating int) {
	parts := bytes.SplitN(v, []byte{0}, 4)
	if len(parts) != 4 {
		return "", "", "", 0
	}
	rating, _ = strconv.Atoi(string(parts[3]))
	return string(parts[0]), string(parts[1]), string(parts[2]), rating
}

// aggKeys are the aggregates a review of widget about about counts in:
// the widget's, and the widget's for that about.
func aggKeys(widgetID, about string) [][]byte {
	return [][]byte{[]byte("w\x00" + widgetID), []byte("a\x00" + widgetID + "\x00" + about)}
}

// reviewsSite is the site's reviews bucket with its sub-buckets, created
// when missing.
func reviewsSite(tx *bolt.Tx, siteID string) (*bolt.Bucket, error) {
	site, err := nested(tx, bucketReviews, siteID)
	if err != nil {
		return nil, err
	}
	for _, name := range rvBuckets {
		if _, err := site.CreateBucketIfNotExists(name); err != nil {
			return nil, err
		}
	}
	return site, nil
}

// pubKey is r's key in the published index.
func pubKey(r store.Review) []byte {
	return append([]byte(r.WidgetID+"\x00"), timeKey(r.CreatedAt, []byte(r.ID))...)
}

// addAggregate adds sign times r to its aggregates and puts it in (1) or
// takes it out of (-1) the published index.
func addAggregate(site *bolt.Bucket, r store.Review, sign int) error {
	pub := site.Bucket(rvPubTimes)
	if sign > 0 {
		pub.FillPercent = appendFill
		if err := pub.Put(pubKey(r), reviewEntry(r)); err != nil {
			return err
		}
	} else if err := pub.Delete(pubKey(r)); err != nil {
		return err
	}
	agg := site.Bucket(rvAgg)
	for _, k := range aggKeys(r.WidgetID, r.About) {
		var count, sum int64
		if v := agg.Get(k); len(v) == 16 {
			count, sum = int64(binary.BigEndian.Uint64(v[:8])), int64(binary.BigEndian.Uint64(v[8:]))
		}
		count += int64(sign)
		sum += int64(sign * r.Rating)
		v := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(count)), uint64(sum))
		if err := agg.Put(k, v); err != nil {
			return err
		}
	}
	return nil
}

// putNewReview writes r, its index entry, its aggregates and its photo's
// link; ErrConflict when its id is taken.
func putNewReview(site *bolt.Bucket, r store.Review) error {
	items := site.Bucket(rvItems)
	if items.Get([]byte(r.ID)) != nil {
		return store.ErrConflict
	}
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	times := site.Bucket(rvTimes)
	times.FillPercent = appendFill
	if err := errors.Join(items.Put([]byte(r.ID), data), times.Put(timeKey(r.CreatedAt, []byte(r.ID)), reviewEntry(r))); err != nil {
		return err
	}
	if r.Status == store.ReviewPublished {
		if err := addAggregate(site, r, 1); err != nil {
			return err
		}
	}
	if r.PhotoID != "" {
		return attachPhoto(site, r.PhotoID, r.ID)
	}
	return nil
}

// attachPhoto links a photo to its review and takes it off the unattached list.
func attachPhoto(site *bolt.Bucket, photoID, reviewID string) error {
	if site.Bucket(rvPhotos).Get([]byte(photoID)) == nil {
		return nil // never uploaded, or dropped: the review shows no photo
	}
	// The unattached list is short (a day of uploads): a walk finds it.
	un := site.Bucket(rvUnattach)
	c := un.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if string(k[8:]) == photoID {
			if err := un.Delete(k); err != nil {
				return err
			}
			break
		}
	}
	return site.Bucket(rvPhotoRev).Put([]byte(photoID), []byte(reviewID))
}

// CreateReview implements store.Reviews in one write transaction.
func (s *Store) CreateReview(ctx context.Context, r store.Review, token string) error {
	const op = "create review"
	if err := store.CheckReview(r); err != nil {
		return store.Wrap(kind, op, err)
	}
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		refused = nil
		if !siteExists(tx, r.SiteID) {
			refused = store.ErrNotFound
			return nil
		}
		site, err := reviewsSite(tx, r.SiteID)
		if err != nil {
			return err
		}
		if site.Bucket(rvItems).Get([]byte(r.ID)) != nil {
			refused = store.ErrConflict
			return nil
		}
		if token != "" {
			tokens := site.Bucket(rvTokens)
			if tokens.Get([]byte(token)) != nil {
				refused = store.ErrTokenUsed
				return nil
			}
			if err := tokens.Put([]byte(token), []byte(r.ID)); err != nil {
				return err
			}
		}
		return putNewReview(site, r)
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, op, err)
}

// ImportReviews implements store.Reviews in one transaction: an error
// rolls all of it back.
func (s *Store) ImportReviews(ctx context.Context, siteID string, rs []store.Review) error {
	const op = "import reviews"
	for _, r := range rs {
		if err := store.CheckReview(r); err != nil {
			return store.Wrap(kind, op, err)
		}
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if !siteExists(tx, siteID) {
			return store.ErrNotFound
		}
		site, err := reviewsSite(tx, siteID)
		if err != nil {
			return err
		}
		for _, r := range rs {
			r.SiteID = siteID
			if err := putNewReview(site, r); err != nil {
				return err
			}
		}
		return nil
	})
	return store.Wrap(kind, op, err)
}

// GetReview implements store.Reviews.
func (s *Store) GetReview(ctx context.Context, siteID, id string) (store.Review, error) {
	var r store.Review
	err := s.db.View(func(tx *bolt.Tx) error {
		site := siteBucket(tx, bucketReviews, siteID)
		if site == nil {
			return store.ErrNotFound
		}
		return getJSON(site.Bucket(rvItems), id, &r)
	})
	return r, store.Wrap(kind, "get review", err)
}

// UpdateReview implements store.Reviews in the group commit; a change of
// status moves the aggregates in the same transaction.
func (s *Store) UpdateReview(ctx context.Context, siteID, id string, fn func(*store.Review) error) (store.Review, error) {
	var (
		r       store.Review
		refused error
	)
	err := s.batch(func(tx *bolt.Tx) error {
		r, refused = store.Review{}, nil
		if siteBucket(tx, bucketReviews, siteID) == nil {
			refused = store.ErrNotFound
			return nil
		}
		site, err := reviewsSite(tx, siteID)
		if err != nil {
			return err
		}
		items := site.Bucket(rvItems)
		if err := getJSON(items, id, &r); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				refused = err
				return nil
			}
			return err
		}
		was := r
		if err := fn(&r); err != nil {
			refused = errFn{err}
			return nil
		}
		store.PinReview(&r, was)
		if err := store.CheckReview(r); err != nil {
			refused = err
			return nil
		}
		if err := putJSON(items, id, r); err != nil {
			return err
		}
		if r.Status == was.Status {
			return nil
		}
		if err := site.Bucket(rvTimes).Put(timeKey(r.CreatedAt, []byte(r.ID)), reviewEntry(r)); err != nil {
			return err
		}
		switch {
		case r.Status == store.ReviewPublished:
			return addAggregate(site, r, 1)
		case was.Status == store.ReviewPublished:
			return addAggregate(site, r, -1)
		}
		return nil
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return store.Review{}, unwrapFn("update review", err)
	}
	return r, nil
}

// ListReviews implements store.Reviews by a walk from the cursor backwards
// of the widget's published index (for its published reviews) or of the
// time index; only matching entries' reviews are decoded.
func (s *Store) ListReviews(ctx context.Context, siteID string, f store.ReviewFilter) ([]store.Review, error) {
	var list []store.Review
	err := s.db.View(func(tx *bolt.Tx) error {
		site := siteBucket(tx, bucketReviews, siteID)
		if site == nil {
			return nil
		}
		index, prefix := site.Bucket(rvTimes), []byte(nil)
		if pub := site.Bucket(rvPubTimes); pub != nil && f.Status == store.ReviewPublished && f.WidgetID != "" {
			index, prefix = pub, []byte(f.WidgetID+"\x00")
		}
		items, cur := site.Bucket(rvItems), index.Cursor()
		var k, v []byte
		if f.After.CreatedAt.IsZero() && f.After.ID == "" {
			// The last key of the prefix: the one before the first after it.
			if prefix == nil {
				k, v = cur.Last()
			} else if k, v = cur.Seek(append(bytes.Clone(prefix[:len(prefix)-1]), 1)); k == nil {
				k, v = cur.Last()
			} else {
				k, v = cur.Prev()
			}
		} else if k, v = cur.Seek(append(bytes.Clone(prefix), timeKey(f.After.CreatedAt, []byte(f.After.ID))...)); k == nil {
			k, v = cur.Last()
		} else {
			k, v = cur.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && (f.Limit <= 0 || len(list) < f.Limit); k, v = cur.Prev() {
			widget, status, about, rating := parseReviewEntry(v)
			if (f.WidgetID != "" && widget != f.WidgetID) || (f.Status != "" && status != f.Status) ||
				(f.About != "" && about != f.About) || rating < f.MinRating {
				continue
			}
			var r store.Review
			if err := getJSON(items, string(k[len(prefix)+8:]), &r); err != nil {
				return err
			}
			list = append(list, r)
		}
		return nil
	})
	return list, store.Wrap(kind, "list reviews", err)
}

// ReviewAggregate implements store.Reviews.
func (s *Store) ReviewAggregate(ctx context.Context, siteID, widgetID, about string, all bool) (store.ReviewAggregate, error) {
	var a store.ReviewAggregate
	err := s.db.View(func(tx *bolt.Tx) error {
		site := siteBucket(tx, bucketReviews, siteID)
		if site == nil {
			return nil
		}
		k := aggKeys(widgetID, about)[1]
		if all {
			k = aggKeys(widgetID, about)[0]
		}
		if v := site.Bucket(rvAgg).Get(k); len(v) == 16 {
			a.Count, a.Sum = int(binary.BigEndian.Uint64(v[:8])), int(binary.BigEndian.Uint64(v[8:]))
		}
		return nil
	})
	return a, store.Wrap(kind, "review aggregate", err)
}

// PutReviewPhoto implements store.Reviews; unattached photos past their
// time go in the same transaction.
func (s *Store) PutReviewPhoto(ctx context.Context, siteID string, p store.ReviewPhoto) error {
	const op = "put review photo"
	if len(p.Data) > store.MaxReviewPhotoBytes || p.ID == "" || bytes.ContainsAny([]byte(p.ContentType), "\x00") {
		return store.Wrap(kind, op, errors.New("photo too large, without id or with a bad content type"))
	}
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		refused = nil
		if !siteExists(tx, siteID) {
			refused = store.ErrNotFound
			return nil
		}
		site, err := reviewsSite(tx, siteID)
		if err != nil {
			return err
		}
		photos, un := site.Bucket(rvPhotos), site.Bucket(rvUnattach)
		cutoff := timeBytes(p.CreatedAt.Add(-store.ReviewPhotoUnattached))
		c := un.Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], cutoff) < 0; k, _ = c.First() {
			if err := errors.Join(photos.Delete(k[8:]), un.Delete(k)); err != nil {
				return err
			}
		}
		val := append([]byte(p.ContentType+"\x00"), p.Data...)
		return errors.Join(photos.Put([]byte(p.ID), val), un.Put(timeKey(p.CreatedAt, []byte(p.ID)), []byte{}))
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, op, err)
}

// GetReviewPhoto implements store.Reviews.
func (s *Store) GetReviewPhoto(ctx context.Context, siteID, id string) (store.ReviewPhoto, string, error) {
	var (
		p      store.ReviewPhoto
		review string
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		site := siteBucket(tx, bucketReviews, siteID)
		if site == nil {
			return store.ErrNotFound
		}
		raw := site.Bucket(rvPhotos).Get([]byte(id))
		if raw == nil {
			return store.ErrNotFound
		}
		ct, data, _ := bytes.Cut(raw, []byte{0})
		p = store.ReviewPhoto{ID: id, ContentType: string(ct), Data: bytes.Clone(data)}
		review = string(site.Bucket(rvPhotoRev).Get([]byte(id)))
		return nil
	})
	return p, review, store.Wrap(kind, "get review photo", err)
}

// ReviewTokenUsed implements store.Reviews.
func (s *Store) ReviewTokenUsed(ctx context.Context, siteID, token string) (bool, error) {
	var used bool
	err := s.db.View(func(tx *bolt.Tx) error {
		if site := siteBucket(tx, bucketReviews, siteID); site != nil {
			used = site.Bucket(rvTokens).Get([]byte(token)) != nil
		}
		return nil
	})
	return used, store.Wrap(kind, "review token used", err)
}

// DeleteReview implements store.Reviews in one transaction.
func (s *Store) DeleteReview(ctx context.Context, siteID, id string) error {
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		refused = nil
		if siteBucket(tx, bucketReviews, siteID) == nil {
			refused = store.ErrNotFound
			return nil
		}
		site, err := reviewsSite(tx, siteID)
		if err != nil {
			return err
		}
		var r store.Review
		if err := getJSON(site.Bucket(rvItems), id, &r); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				refused = err
				return nil
			}
			return err
		}
		if r.Status == store.ReviewPublished {
			if err := addAggregate(site, r, -1); err != nil {
				return err
			}
		}
		if r.PhotoID != "" {
			if err := errors.Join(site.Bucket(rvPhotos).Delete([]byte(r.PhotoID)), site.Bucket(rvPhotoRev).Delete([]byte(r.PhotoID))); err != nil {
				return err
			}
		}
		return errors.Join(site.Bucket(rvItems).Delete([]byte(id)), site.Bucket(rvTimes).Delete(timeKey(r.CreatedAt, []byte(id))))
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, "delete review", err)
}
