package embedded

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/beckonhq/beckon/store"
)

// The dashboard's accounts (store.Accounts):
//
//	acct_users     userID → User JSON
//	acct_emails    e-mail → userID
//	acct_sessions  id hash → Session JSON
//	acct_user_sess userID → {id hash → ""}
//	acct_invites   token hash → Invite JSON
//	acct_members   siteID → {userID → Membership JSON}
//	acct_member_of userID → {siteID → Membership JSON}
//	acct_audit     scope → {seq (8 bytes) → AuditEntry JSON}
//
// People sign in rarely next to the traffic of widgets, so these writes use
// plain transactions (fn runs exactly once), not the group commit. The
// buckets are made on first write; a read of a missing one finds nothing.
var (
	bucketUsers       = []byte("acct_users")
	bucketUserEmails  = []byte("acct_emails")
	bucketSessions    = []byte("acct_sessions")
	bucketUserSess    = []byte("acct_user_sess")
	bucketInvites     = []byte("acct_invites")
	bucketMembers     = []byte("acct_members")
	bucketMemberOf    = []byte("acct_member_of")
	bucketAuditTrails = []byte("acct_audit")
)

// CreateUser implements store.Accounts.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	var refused error
	err := s.db.Update(func(tx *bolt.Tx) error {
		users, err := tx.CreateBucketIfNotExists(bucketUsers)
		if err != nil {
			return err
		}
		emails, err := tx.CreateBucketIfNotExists(bucketUserEmails)
		if err != nil {
			return err
		}
		if users.Get([]byte(u.ID)) != nil || emails.Get([]byte(u.Email)) != nil {
			refused = store.ErrConflict
			return nil
		}
		if err := emails.Put([]byte(u.Email), []byte(u.ID)); err != nil {
			return err
		}
		return putJSON(users, u.ID, u)
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, "create user", err)
}

// GetUser implements store.Accounts.
func (s *Store) GetUser(ctx context.Context, id string) (store.User, error) {
	var u store.User
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketUsers), id, &u) })
	return u, store.Wrap(kind, "get user", err)
}

// UserByEmail implements store.Accounts.
func (s *Store) UserByEmail(ctx context.Context, email string) (store.User, error) {
	var u store.User
	err := s.db.View(func(tx *bolt.Tx) error {
		emails := tx.Bucket(bucketUserEmails)
		if emails == nil || emails.Get([]byte(email)) == nil {
			return store.ErrNotFound
		}
		return getJSON(tx.Bucket(bucketUsers), string(emails.Get([]byte(email))), &u)
	})
	return u, store.Wrap(kind, "get user by email", err)
}

// ListUsers implements store.Accounts.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	var list []store.User
	err := s.db.View(func(tx *bolt.Tx) error {
		return listJSON(tx.Bucket(bucketUsers), func(raw []byte) error {
			var u store.User
			if err := json.Unmarshal(raw, &u); err != nil {
				return err
			}
			list = append(list, u)
			return nil
		})
	})
	slices.SortFunc(list, func(a, b store.User) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return list, store.Wrap(kind, "list users", err)
}

// UpdateUser implements store.Accounts.
func (s *Store) UpdateUser(ctx context.Context, id string, fn func(*store.User) error) (store.User, error) {
	var u store.User
	err := s.db.Update(func(tx *bolt.Tx) error {
		users := tx.Bucket(bucketUsers)
		if err := getJSON(users, id, &u); err != nil {
			return err
		}
		before := u
		if err := fn(&u); err != nil {
			return errFn{err}
		}
		u.ID, u.Email = before.ID, before.Email
		return putJSON(users, id, u)
	})
	if err != nil {
		return store.User{}, unwrapFn("update user", err)
	}
	return u, nil
}

// CreateSession implements store.Accounts.
func (s *Store) CreateSession(ctx context.Context, sess store.Session) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		all, err := tx.CreateBucketIfNotExists(bucketSessions)
		if err != nil {
			return err
		}
		mine, err := nested(tx, bucketUserSess, sess.UserID)
		if err != nil {
			return err
		}
		// Drop the user's ended sessions, so a list never grows without end.
		var ended [][]byte
		if err := mine.ForEach(func(k, _ []byte) error {
			var old store.Session
			if getJSON(all, string(k), &old) != nil || old.ExpiresAt.Before(sess.CreatedAt) {
				ended = append(ended, slices.Clone(k))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range ended {
			if err := all.Delete(k); err != nil {
				return err
			}
			if err := mine.Delete(k); err != nil {
				return err
			}
		}
		if err := mine.Put([]byte(sess.IDHash), []byte{}); err != nil {
			return err
		}
		return putJSON(all, sess.IDHash, sess)
	})
	return store.Wrap(kind, "create session", err)
}

// GetSession implements store.Accounts.
func (s *Store) GetSession(ctx context.Context, idHash string) (store.Session, error) {
	var sess store.Session
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketSessions), idHash, &sess) })
	return sess, store.Wrap(kind, "get session", err)
}

// UpdateSession implements store.Accounts.
func (s *Store) UpdateSession(ctx context.Context, idHash string, fn func(*store.Session) error) (store.Session, error) {
	var sess store.Session
	err := s.db.Update(func(tx *bolt.Tx) error {
		all := tx.Bucket(bucketSessions)
		if err := getJSON(all, idHash, &sess); err != nil {
			return err
		}
		before := sess
		if err := fn(&sess); err != nil {
			return errFn{err}
		}
		sess.IDHash, sess.UserID = before.IDHash, before.UserID
		return putJSON(all, idHash, sess)
	})
	if err != nil {
		return store.Session{}, unwrapFn("update session", err)
	}
	return sess, nil
}

// ListSessions implements store.Accounts.
func (s *Store) ListSessions(ctx context.Context, userID string) ([]store.Session, error) {
	var list []store.Session
	err := s.db.View(func(tx *bolt.Tx) error {
		all, idx := tx.Bucket(bucketSessions), tx.Bucket(bucketUserSess)
		if all == nil || idx == nil || idx.Bucket([]byte(userID)) == nil {
			return nil
		}
		return idx.Bucket([]byte(userID)).ForEach(func(k, _ []byte) error {
			var sess store.Session
			if err := getJSON(all, string(k), &sess); err != nil {
				return nil // deleted meanwhile
			}
			list = append(list, sess)
			return nil
		})
	})
	slices.SortFunc(list, func(a, b store.Session) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(a.IDHash, b.IDHash))
	})
	return list, store.Wrap(kind, "list sessions", err)
}

// DeleteSession implements store.Accounts.
func (s *Store) DeleteSession(ctx context.Context, userID, idHash string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		all, idx := tx.Bucket(bucketSessions), tx.Bucket(bucketUserSess)
		if all == nil || idx == nil || idx.Bucket([]byte(userID)) == nil ||
			idx.Bucket([]byte(userID)).Get([]byte(idHash)) == nil {
			return store.ErrNotFound
		}
		if err := idx.Bucket([]byte(userID)).Delete([]byte(idHash)); err != nil {
			return err
		}
		return all.Delete([]byte(idHash))
	})
	return store.Wrap(kind, "delete session", err)
}

// DeleteSessions implements store.Accounts.
func (s *Store) DeleteSessions(ctx context.Context, userID, keep string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		all, idx := tx.Bucket(bucketSessions), tx.Bucket(bucketUserSess)
		if all == nil || idx == nil || idx.Bucket([]byte(userID)) == nil {
			return nil
		}
		mine := idx.Bucket([]byte(userID))
		var gone [][]byte
		mine.ForEach(func(k, _ []byte) error {
			if string(k) != keep {
				gone = append(gone, slices.Clone(k))
			}
			return nil
		})
		for _, k := range gone {
			if err := mine.Delete(k); err != nil {
				return err
			}
			if err := all.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	return store.Wrap(kind, "delete sessions", err)
}

// CreateInvite implements store.Accounts.
func (s *Store) CreateInvite(ctx context.Context, inv store.Invite) error {
	var refused error
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketInvites)
		if err != nil {
			return err
		}
		if b.Get([]byte(inv.TokenHash)) != nil {
			refused = store.ErrConflict
			return nil
		}
		return putJSON(b, inv.TokenHash, inv)
	})
	if err == nil {
		err = refused
	}
	return store.Wrap(kind, "create invite", err)
}

// GetInvite implements store.Accounts.
func (s *Store) GetInvite(ctx context.Context, tokenHash string) (store.Invite, error) {
	var inv store.Invite
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(bucketInvites), tokenHash, &inv) })
	return inv, store.Wrap(kind, "get invite", err)
}

// TakeInvite implements store.Accounts.
func (s *Store) TakeInvite(ctx context.Context, tokenHash string) (store.Invite, error) {
	var inv store.Invite
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInvites)
		if err := getJSON(b, tokenHash, &inv); err != nil {
			return err
		}
		return b.Delete([]byte(tokenHash))
	})
	return inv, store.Wrap(kind, "take invite", err)
}

// ListInvites implements store.Accounts: a scan, as invites are few.
func (s *Store) ListInvites(ctx context.Context, siteID string) ([]store.Invite, error) {
	var list []store.Invite
	err := s.db.View(func(tx *bolt.Tx) error {
		return listJSON(tx.Bucket(bucketInvites), func(raw []byte) error {
			var inv store.Invite
			if err := json.Unmarshal(raw, &inv); err != nil {
				return err
			}
			if inv.SiteID == siteID {
				list = append(list, inv)
			}
			return nil
		})
	})
	slices.SortFunc(list, func(a, b store.Invite) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.TokenHash, b.TokenHash))
	})
	return list, store.Wrap(kind, "list invites", err)
}

// DeleteInvite implements store.Accounts.
func (s *Store) DeleteInvite(ctx context.Context, siteID, tokenHash string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInvites)
		var inv store.Invite
		if err := getJSON(b, tokenHash, &inv); err != nil {
			return err
		}
		if inv.SiteID != siteID {
			return store.ErrNotFound
		}
		return b.Delete([]byte(tokenHash))
	})
	return store.Wrap(kind, "delete invite", err)
}

// SetMembership implements store.Accounts.
func (s *Store) SetMembership(ctx context.Context, m store.Membership) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		members, err := nested(tx, bucketMembers, m.SiteID)
		if err != nil {
			return err
		}
		of, err := nested(tx, bucketMemberOf, m.UserID)
		if err != nil {
			return err
		}
		if err := putJSON(members, m.UserID, m); err != nil {
			return err
		}
		return putJSON(of, m.SiteID, m)
	})
	return store.Wrap(kind, "set membership", err)
}

// DeleteMembership implements store.Accounts.
func (s *Store) DeleteMembership(ctx context.Context, siteID, userID string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		members, of := subBucket(tx, bucketMembers, siteID), subBucket(tx, bucketMemberOf, userID)
		if members == nil || members.Get([]byte(userID)) == nil {
			return store.ErrNotFound
		}
		if err := members.Delete([]byte(userID)); err != nil {
			return err
		}
		if of != nil {
			return of.Delete([]byte(siteID))
		}
		return nil
	})
	return store.Wrap(kind, "delete membership", err)
}

// GetMembership implements store.Accounts.
func (s *Store) GetMembership(ctx context.Context, siteID, userID string) (store.Membership, error) {
	var m store.Membership
	err := s.db.View(func(tx *bolt.Tx) error {
		return getJSON(subBucket(tx, bucketMembers, siteID), userID, &m)
	})
	return m, store.Wrap(kind, "get membership", err)
}

// ListMembers implements store.Accounts.
func (s *Store) ListMembers(ctx context.Context, siteID string) ([]store.Membership, error) {
	list, err := s.listMemberships(bucketMembers, siteID)
	return list, store.Wrap(kind, "list members", err)
}

// ListMemberships implements store.Accounts.
func (s *Store) ListMemberships(ctx context.Context, userID string) ([]store.Membership, error) {
	list, err := s.listMemberships(bucketMemberOf, userID)
	return list, store.Wrap(kind, "list memberships", err)
}

func (s *Store) listMemberships(top []byte, id string) ([]store.Membership, error) {
	var list []store.Membership
	err := s.db.View(func(tx *bolt.Tx) error {
		return listJSON(subBucket(tx, top, id), func(raw []byte) error {
			var m store.Membership
			if err := json.Unmarshal(raw, &m); err != nil {
				return err
			}
			list = append(list, m)
			return nil
		})
	})
	slices.SortFunc(list, func(a, b store.Membership) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.SiteID+a.UserID, b.SiteID+b.UserID))
	})
	return list, err
}

// AppendAudit implements store.Accounts. Entries are keyed by the bucket's
// sequence, so the one that falls out of the bound is the key MaxAuditEntries
// below the new one. It goes through the group commit: fn may run again,
// and a rolled-back run takes its sequence number back with it.
func (s *Store) AppendAudit(ctx context.Context, scope string, e store.AuditEntry) error {
	err := s.batch(func(tx *bolt.Tx) error {
		b, err := nested(tx, bucketAuditTrails, scope)
		if err != nil {
			return err
		}
		b.FillPercent = appendFill
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := putJSON(b, string(binary.BigEndian.AppendUint64(nil, seq)), e); err != nil {
			return err
		}
		if seq > store.MaxAuditEntries {
			return b.Delete(binary.BigEndian.AppendUint64(nil, seq-store.MaxAuditEntries))
		}
		return nil
	})
	return store.Wrap(kind, "append audit", err)
}

// ListAudit implements store.Accounts.
func (s *Store) ListAudit(ctx context.Context, scope string, limit int) ([]store.AuditEntry, error) {
	var list []store.AuditEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		b := subBucket(tx, bucketAuditTrails, scope)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && len(list) < limit; k, v = c.Prev() {
			var e store.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			list = append(list, e)
		}
		return nil
	})
	return list, store.Wrap(kind, "list audit", err)
}

// subBucket is top's nested bucket named id, or nil.
func subBucket(tx *bolt.Tx, top []byte, id string) *bolt.Bucket {
	b := tx.Bucket(top)
	if b == nil {
		return nil
	}
	return b.Bucket([]byte(id))
}
