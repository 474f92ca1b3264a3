package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// Lead buckets, nested per site like the others (DeleteSite drops them):
//
//	leads      siteID → {leadID → Lead JSON}
//	lead_times siteID → {created (8 bytes) + leadID → type \0 status \0 visitorID}
//
// The time index is the inbox's order; its values let ListLeads filter and
// VisitorLeads find a visitor's leads without decoding the others. A
// visitor index of its own would cost every lead one more page written
// (its keys land anywhere), for a lookup made only on an erasure request.
var (
	bucketLeads     = []byte("leads")
	bucketLeadTimes = []byte("lead_times")
)

// appendFill is the FillPercent of time indexes: their new keys go at the
// end, where bbolt's default split (half full) would leave every page
// half empty.
const appendFill = 0.9

// leadEntry is the lead_times value of l.
func leadEntry(l store.Lead) []byte { return []byte(l.Type + "\x00" + l.Status + "\x00" + l.VisitorID) }

// parseLeadEntry splits a lead_times value.
func parseLeadEntry(v []byte) (typ, status, visitor string) {
	t, rest, _ := bytes.Cut(v, []byte{0})
	st, vis, _ := bytes.Cut(rest, []byte{0})
	return string(t), string(st), string(vis)
}

// checkLeadKind refuses a type or status that would make the lead_times
// value ambiguous.
func checkLeadKind(l store.Lead) error {
	if strings.ContainsRune(l.Type, 0) || strings.ContainsRune(l.Status, 0) {
		return fmt.Errorf("lead type and status must not contain NUL")
	}
	return nil
}

// CreateLead implements store.Leads. The check for an existing lead and the
// write are one transaction, shared with other writers (group commit).
func (s *Store) CreateLead(ctx context.Context, l store.Lead) (store.Lead, bool, error) {
	const op = "create lead"
	if err := checkLeadKind(l); err != nil {
		return store.Lead{}, false, store.Wrap(kind, op, err)
	}
	data, err := json.Marshal(l)
	if err != nil {
		return store.Lead{}, false, store.Wrap(kind, op, err)
	}
	var (
		refused  error  // why nothing was written, if so
		existing []byte // the lead stored under l.ID before
	)
	err = s.batch(func(tx *bolt.Tx) error {
		refused, existing = nil, nil
		if !siteExists(tx, l.SiteID) {
			refused = store.ErrNotFound
			return nil
		}
		if b := siteBucket(tx, bucketLeads, l.SiteID); b != nil {
			if raw := b.Get([]byte(l.ID)); raw != nil {
				existing = bytes.Clone(raw)
				return nil
			}
		}
		return putLead(tx, l, data)
	})
	if err == nil {
		err = refused
	}
	var stored store.Lead
	if err == nil && existing != nil {
		err = json.Unmarshal(existing, &stored)
	}
	if err != nil {
		return store.Lead{}, false, store.Wrap(kind, op, err)
	}
	if existing != nil {
		return stored, false, nil
	}
	store.AnnounceLead(ctx, s, l)
	return l, true, nil
}

// putLead writes a new lead and its index entries.
func putLead(tx *bolt.Tx, l store.Lead, data []byte) error {
	leads, err := nested(tx, bucketLeads, l.SiteID)
	if err != nil {
		return err
	}
	times, err := nested(tx, bucketLeadTimes, l.SiteID)
	if err != nil {
		return err
	}
	times.FillPercent = appendFill
	return errors.Join(
		leads.Put([]byte(l.ID), data),
		times.Put(timeKey(l.CreatedAt, []byte(l.ID)), leadEntry(l)),
	)
}

// GetLead implements store.Leads.
func (s *Store) GetLead(ctx context.Context, siteID, id string) (store.Lead, error) {
	var l store.Lead
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(siteBucket(tx, bucketLeads, siteID), id, &l)
	})
	return l, store.Wrap(kind, "get lead", err)
}

// ListLeads implements store.Leads: the time index is walked backwards from
// the cursor, and only leads whose index entry matches the filter are read.
func (s *Store) ListLeads(ctx context.Context, siteID string, f store.LeadFilter) ([]store.Lead, error) {
	var list []store.Lead
	err := s.db.View(func(tx *bolt.Tx) error {
		times, leads := siteBucket(tx, bucketLeadTimes, siteID), siteBucket(tx, bucketLeads, siteID)
		if times == nil || leads == nil {
			return nil
		}
		cur := times.Cursor()
		var k, v []byte
		if f.After.CreatedAt.IsZero() && f.After.ID == "" {
			k, v = cur.Last()
		} else if k, v = cur.Seek(timeKey(f.After.CreatedAt, []byte(f.After.ID))); k == nil {
			k, v = cur.Last() // everything is older than the cursor
		} else {
			k, v = cur.Prev() // Seek found the cursor's lead or the first newer one
		}
		for ; k != nil && (f.Limit <= 0 || len(list) < f.Limit); k, v = cur.Prev() {
			typ, status, _ := parseLeadEntry(v)
			if (f.Type != "" && typ != f.Type) || (f.Status != "" && status != f.Status) {
				continue
			}
			var l store.Lead
			if err := getJSON(leads, string(k[8:]), &l); err != nil {
				return err
			}
			list = append(list, l)
		}
		return nil
	})
	return list, store.Wrap(kind, "list leads", err)
}

// UpdateLead implements store.Leads in the group commit, like
// UpdateCallback.
func (s *Store) UpdateLead(ctx context.Context, siteID, id string, fn func(*store.Lead) error) (store.Lead, error) {
	var (
		l       store.Lead
		refused error // why nothing was written, if so
	)
	err := s.batch(func(tx *bolt.Tx) error {
		l, refused = store.Lead{}, nil
		leads := siteBucket(tx, bucketLeads, siteID)
		if err := getJSON(leads, id, &l); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				refused = err
				return nil
			}
			return err
		}
		pinned := l
		if err := fn(&l); err != nil {
			refused = errFn{err}
			return nil
		}
		// The indexes are keyed by these; they do not move.
		l.ID, l.SiteID, l.Type, l.VisitorID, l.CreatedAt = pinned.ID, pinned.SiteID, pinned.Type, pinned.VisitorID, pinned.CreatedAt
		if err := checkLeadKind(l); err != nil {
			refused = err
			return nil
		}
		if err := putJSON(leads, id, l); err != nil {
			return err
		}
		if l.Status == pinned.Status {
			return nil
		}
		return siteBucket(tx, bucketLeadTimes, siteID).Put(timeKey(l.CreatedAt, []byte(l.ID)), leadEntry(l))
	})
	if err == nil {
		err = refused
	}
	if err != nil {
		return store.Lead{}, unwrapFn("update lead", err)
	}
	return l, nil
}

// DeleteLead implements store.Leads.
func (s *Store) DeleteLead(ctx context.Context, siteID, id string) error {
	var refused error
	err := s.batch(func(tx *bolt.Tx) error {
		refused = nil
		var l store.Lead
		if err := getJSON(siteBucket(tx, bucketLeads, siteID), id, &l); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				refused = err
				return nil
			}
			return err
		}
		return errors.Join(
			siteBucket(tx, bucketLeads, siteID).Delete([]byte(id)),
			siteBucket(tx, bucketLeadTimes, siteID).Delete(timeKey(l.CreatedAt, []byte(id))),
		)
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, "delete lead", err)
}

// VisitorLeads implements store.Leads by a walk of the time index.
func (s *Store) VisitorLeads(ctx context.Context, siteID, visitorID string) ([]store.Lead, error) {
	var list []store.Lead
	err := s.db.View(func(tx *bolt.Tx) error {
		times, leads := siteBucket(tx, bucketLeadTimes, siteID), siteBucket(tx, bucketLeads, siteID)
		if times == nil || leads == nil {
			return nil
		}
		cur := times.Cursor()
		for k, v := cur.Last(); k != nil; k, v = cur.Prev() {
			if _, _, visitor := parseLeadEntry(v); visitor != visitorID {
				continue
			}
			var l store.Lead
			if err := getJSON(leads, string(k[8:]), &l); err != nil {
				return err
			}
			list = append(list, l)
		}
		return nil
	})
	return list, store.Wrap(kind, "visitor leads", err)
}
