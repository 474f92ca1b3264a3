package redisstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/beckonhq/beckon/store"
)

// The dashboard's accounts (store.Accounts) share one hash tag, {acct}: the
// people of a Beckon server are few and change rarely, and one slot lets
// every change that touches two keys (a user and the e-mail index, a
// session and its user's set) be one script or one MULTI, on a Cluster too.
//
//	{acct}:users            hash userID → User JSON
//	{acct}:emails           hash e-mail → userID
//	{acct}:sessions         hash id hash → Session JSON
//	{acct}:usess:<userID>   set of the user's session id hashes
//	{acct}:invites          hash token hash → Invite JSON
//	{acct}:members:<siteID> hash userID → Membership JSON
//	{acct}:memberof:<user>  hash siteID → Membership JSON
//	{acct}:audit:<scope>    list of AuditEntry JSON, newest first

func (s *Store) acctKey(name string) string { return s.prefix + ":{acct}:" + name }

var (
	// KEYS: users, emails; ARGV: id, email, user JSON.
	scriptCreateUser = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1`)
	// KEYS: two hashes indexing one membership both ways; ARGV: the field
	// of each. Deletes both only when the first held it: 1, else 0.
	scriptDeletePair = redis.NewScript(`
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[2])
return 1`)
	// KEYS: user's session set, sessions; ARGV: id hash. Deletes the
	// session only when it is the user's.
	scriptDeleteSession = redis.NewScript(`
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[1])
return 1`)
	// KEYS: invites; ARGV: token hash. Returns the invite and deletes it.
	scriptTakeField = redis.NewScript(`
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return v`)
)

// CreateUser implements store.Accounts.
func (s *Store) CreateUser(ctx context.Context, u store.User) error {
	const op = "create user"
	data, err := json.Marshal(u)
	if err != nil {
		return wrap(op, err)
	}
	created, err := scriptCreateUser.Run(ctx, s.client,
		[]string{s.acctKey("users"), s.acctKey("emails")}, u.ID, u.Email, data).Int()
	if err == nil && created == 0 {
		err = store.ErrConflict
	}
	return wrap(op, err)
}

// GetUser implements store.Accounts.
func (s *Store) GetUser(ctx context.Context, id string) (store.User, error) {
	var u store.User
	return u, wrap("get user", s.hgetJSON(ctx, s.acctKey("users"), id, &u))
}

// UserByEmail implements store.Accounts.
func (s *Store) UserByEmail(ctx context.Context, email string) (store.User, error) {
	var u store.User
	id, err := s.client.HGet(ctx, s.acctKey("emails"), email).Result()
	if err == nil {
		err = s.hgetJSON(ctx, s.acctKey("users"), id, &u)
	}
	return u, wrap("get user by email", err)
}

// ListUsers implements store.Accounts.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	list, err := hvalsJSON[store.User](ctx, s.client, s.acctKey("users"))
	slices.SortFunc(list, func(a, b store.User) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return list, wrap("list users", err)
}

// UpdateUser implements store.Accounts.
func (s *Store) UpdateUser(ctx context.Context, id string, fn func(*store.User) error) (store.User, error) {
	u, err := updateJSON(ctx, s.client, s.acctKey("users"), id, func(u *store.User) error {
		before := *u
		if err := fn(u); err != nil {
			return callerError{err}
		}
		u.ID, u.Email = before.ID, before.Email
		return nil
	})
	var ce callerError
	if errors.As(err, &ce) {
		return store.User{}, ce.err
	}
	if err != nil {
		return store.User{}, wrap("update user", err)
	}
	return u, nil
}

// CreateSession implements store.Accounts. The user's ended sessions are
// found first and deleted in the same MULTI that adds the new one; a
// session deleted meanwhile by another call is deleted twice, harmlessly.
func (s *Store) CreateSession(ctx context.Context, sess store.Session) error {
	const op = "create session"
	data, err := json.Marshal(sess)
	if err != nil {
		return wrap(op, err)
	}
	old, err := s.ListSessions(ctx, sess.UserID)
	if err != nil {
		return wrap(op, err)
	}
	setKey, all := s.acctKey("usess:"+sess.UserID), s.acctKey("sessions")
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, o := range old {
			if o.ExpiresAt.Before(sess.CreatedAt) {
				p.HDel(ctx, all, o.IDHash)
				p.SRem(ctx, setKey, o.IDHash)
			}
		}
		p.HSet(ctx, all, sess.IDHash, data)
		p.SAdd(ctx, setKey, sess.IDHash)
		return nil
	})
	return wrap(op, err)
}

// GetSession implements store.Accounts.
func (s *Store) GetSession(ctx context.Context, idHash string) (store.Session, error) {
	var sess store.Session
	return sess, wrap("get session", s.hgetJSON(ctx, s.acctKey("sessions"), idHash, &sess))
}

// UpdateSession implements store.Accounts.
func (s *Store) UpdateSession(ctx context.Context, idHash string, fn func(*store.Session) error) (store.Session, error) {
	sess, err := updateJSON(ctx, s.client, s.acctKey("sessions"), idHash, func(sess *store.Session) error {
		before := *sess
		if err := fn(sess); err != nil {
			return callerError{err}
		}
		sess.IDHash, sess.UserID = before.IDHash, before.UserID
		return nil
	})
	var ce callerError
	if errors.As(err, &ce) {
		return store.Session{}, ce.err
	}
	if err != nil {
		return store.Session{}, wrap("update session", err)
	}
	return sess, nil
}

// ListSessions implements store.Accounts.
func (s *Store) ListSessions(ctx context.Context, userID string) ([]store.Session, error) {
	const op = "list sessions"
	ids, err := s.client.SMembers(ctx, s.acctKey("usess:"+userID)).Result()
	if err != nil || len(ids) == 0 {
		return nil, wrap(op, err)
	}
	vals, err := s.client.HMGet(ctx, s.acctKey("sessions"), ids...).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	list := make([]store.Session, 0, len(vals))
	for _, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue // deleted meanwhile
		}
		var sess store.Session
		if err := json.Unmarshal([]byte(raw), &sess); err != nil {
			return nil, wrap(op, err)
		}
		list = append(list, sess)
	}
	slices.SortFunc(list, func(a, b store.Session) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(a.IDHash, b.IDHash))
	})
	return list, nil
}

// DeleteSession implements store.Accounts.
func (s *Store) DeleteSession(ctx context.Context, userID, idHash string) error {
	n, err := scriptDeleteSession.Run(ctx, s.client,
		[]string{s.acctKey("usess:" + userID), s.acctKey("sessions")}, idHash).Int()
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	return wrap("delete session", err)
}

// DeleteSessions implements store.Accounts.
func (s *Store) DeleteSessions(ctx context.Context, userID, keep string) error {
	const op = "delete sessions"
	setKey := s.acctKey("usess:" + userID)
	ids, err := s.client.SMembers(ctx, setKey).Result()
	if err != nil {
		return wrap(op, err)
	}
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range ids {
			if id != keep {
				p.HDel(ctx, s.acctKey("sessions"), id)
				p.SRem(ctx, setKey, id)
			}
		}
		return nil
	})
	return wrap(op, err)
}

// CreateInvite implements store.Accounts.
func (s *Store) CreateInvite(ctx context.Context, inv store.Invite) error {
	const op = "create invite"
	data, err := json.Marshal(inv)
	if err != nil {
		return wrap(op, err)
	}
	set, err := s.client.HSetNX(ctx, s.acctKey("invites"), inv.TokenHash, data).Result()
	if err == nil && !set {
		err = store.ErrConflict
	}
	return wrap(op, err)
}

// GetInvite implements store.Accounts.
func (s *Store) GetInvite(ctx context.Context, tokenHash string) (store.Invite, error) {
	var inv store.Invite
	return inv, wrap("get invite", s.hgetJSON(ctx, s.acctKey("invites"), tokenHash, &inv))
}

// TakeInvite implements store.Accounts.
func (s *Store) TakeInvite(ctx context.Context, tokenHash string) (store.Invite, error) {
	var inv store.Invite
	raw, err := scriptTakeField.Run(ctx, s.client, []string{s.acctKey("invites")}, tokenHash).Text()
	if err == nil {
		err = json.Unmarshal([]byte(raw), &inv)
	}
	return inv, wrap("take invite", err)
}

// ListInvites implements store.Accounts: a scan, as invites are few.
func (s *Store) ListInvites(ctx context.Context, siteID string) ([]store.Invite, error) {
	all, err := hvalsJSON[store.Invite](ctx, s.client, s.acctKey("invites"))
	list := slices.DeleteFunc(all, func(inv store.Invite) bool { return inv.SiteID != siteID })
	slices.SortFunc(list, func(a, b store.Invite) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.TokenHash, b.TokenHash))
	})
	return list, wrap("list invites", err)
}

// DeleteInvite implements store.Accounts.
func (s *Store) DeleteInvite(ctx context.Context, siteID, tokenHash string) error {
	const op = "delete invite"
	inv, err := s.GetInvite(ctx, tokenHash)
	if err != nil {
		return err
	}
	if inv.SiteID != siteID {
		return wrap(op, store.ErrNotFound)
	}
	return wrap(op, s.client.HDel(ctx, s.acctKey("invites"), tokenHash).Err())
}

// SetMembership implements store.Accounts.
func (s *Store) SetMembership(ctx context.Context, m store.Membership) error {
	const op = "set membership"
	data, err := json.Marshal(m)
	if err != nil {
		return wrap(op, err)
	}
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.acctKey("members:"+m.SiteID), m.UserID, data)
		p.HSet(ctx, s.acctKey("memberof:"+m.UserID), m.SiteID, data)
		return nil
	})
	return wrap(op, err)
}

// DeleteMembership implements store.Accounts.
func (s *Store) DeleteMembership(ctx context.Context, siteID, userID string) error {
	n, err := scriptDeletePair.Run(ctx, s.client,
		[]string{s.acctKey("members:" + siteID), s.acctKey("memberof:" + userID)}, userID, siteID).Int()
	if err == nil && n == 0 {
		err = store.ErrNotFound
	}
	return wrap("delete membership", err)
}

// GetMembership implements store.Accounts.
func (s *Store) GetMembership(ctx context.Context, siteID, userID string) (store.Membership, error) {
	var m store.Membership
	return m, wrap("get membership", s.hgetJSON(ctx, s.acctKey("members:"+siteID), userID, &m))
}

// ListMembers implements store.Accounts.
func (s *Store) ListMembers(ctx context.Context, siteID string) ([]store.Membership, error) {
	list, err := hvalsJSON[store.Membership](ctx, s.client, s.acctKey("members:"+siteID))
	sortMemberships(list)
	return list, wrap("list members", err)
}

// ListMemberships implements store.Accounts.
func (s *Store) ListMemberships(ctx context.Context, userID string) ([]store.Membership, error) {
	list, err := hvalsJSON[store.Membership](ctx, s.client, s.acctKey("memberof:"+userID))
	sortMemberships(list)
	return list, wrap("list memberships", err)
}

func sortMemberships(list []store.Membership) {
	slices.SortFunc(list, func(a, b store.Membership) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.SiteID+a.UserID, b.SiteID+b.UserID))
	})
}

// AppendAudit implements store.Accounts.
func (s *Store) AppendAudit(ctx context.Context, scope string, e store.AuditEntry) error {
	const op = "append audit"
	data, err := json.Marshal(e)
	if err != nil {
		return wrap(op, err)
	}
	key := s.acctKey("audit:" + scope)
	_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, key, data)
		p.LTrim(ctx, key, 0, store.MaxAuditEntries-1)
		return nil
	})
	return wrap(op, err)
}

// ListAudit implements store.Accounts.
func (s *Store) ListAudit(ctx context.Context, scope string, limit int) ([]store.AuditEntry, error) {
	const op = "list audit"
	if limit <= 0 {
		return nil, nil
	}
	raws, err := s.client.LRange(ctx, s.acctKey("audit:"+scope), 0, int64(limit-1)).Result()
	if err != nil {
		return nil, wrap(op, err)
	}
	list := make([]store.AuditEntry, 0, len(raws))
	for _, raw := range raws {
		var e store.AuditEntry
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return nil, wrap(op, err)
		}
		list = append(list, e)
	}
	return list, nil
}

// hgetJSON decodes the hash field into v; redis.Nil when absent.
func (s *Store) hgetJSON(ctx context.Context, key, field string, v any) error {
	raw, err := s.client.HGet(ctx, key, field).Bytes()
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// hvalsJSON decodes every value of the hash.
func hvalsJSON[T any](ctx context.Context, c redis.UniversalClient, key string) ([]T, error) {
	raws, err := c.HVals(ctx, key).Result()
	if err != nil {
		return nil, err
	}
	list := make([]T, 0, len(raws))
	for _, raw := range raws {
		var v T
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, nil
}
