package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/beckonhq/beckon/store"
)

func newUser(email string) store.User {
	return store.User{ID: newID("user"), Email: email, PasswordHash: "$argon2id$x", CreatedAt: now()}
}

func newSession(userID string, created time.Time) store.Session {
	return store.Session{IDHash: newID("sess"), UserID: userID, CSRFToken: "t", CreatedAt: created,
		LastSeen: created, ExpiresAt: created.Add(30 * 24 * time.Hour)}
}

var accountTests = []test{
	{"user by id and e-mail; e-mail is unique", func(t *testing.T, st store.Store) {
		email := newID("ann") + "@example.com"
		u := newUser(email)
		must(t, "CreateUser", st.CreateUser(ctx(t), u))
		got, err := st.UserByEmail(ctx(t), email)
		must(t, "UserByEmail", err)
		if got.ID != u.ID || got.PasswordHash != u.PasswordHash {
			t.Fatalf("UserByEmail: %+v, want %+v", got, u)
		}
		wantErr(t, "CreateUser same e-mail", st.CreateUser(ctx(t), newUser(email)), store.ErrConflict)
		other := newUser(newID("bob") + "@example.com")
		other.ID = u.ID
		wantErr(t, "CreateUser same id", st.CreateUser(ctx(t), other), store.ErrConflict)
		_, err = st.UserByEmail(ctx(t), other.Email)
		wantErr(t, "UserByEmail of the refused user", err, store.ErrNotFound)
		_, err = st.GetUser(ctx(t), newID("user"))
		wantErr(t, "GetUser unknown", err, store.ErrNotFound)
	}},
	{"update user keeps id and e-mail; fn error aborts", func(t *testing.T, st store.Store) {
		u := newUser(newID("ann") + "@example.com")
		must(t, "CreateUser", st.CreateUser(ctx(t), u))
		got, err := st.UpdateUser(ctx(t), u.ID, func(x *store.User) error {
			x.Email, x.ID, x.TOTPSecret = "evil@example.com", "other", "SECRET"
			return nil
		})
		must(t, "UpdateUser", err)
		if got.ID != u.ID || got.Email != u.Email || got.TOTPSecret != "SECRET" {
			t.Fatalf("UpdateUser: %+v", got)
		}
		boom := errors.New("boom")
		_, err = st.UpdateUser(ctx(t), u.ID, func(x *store.User) error { x.TOTPSecret = ""; return boom })
		if !errors.Is(err, boom) {
			t.Fatalf("UpdateUser with failing fn: %v, want boom", err)
		}
		stored, err := st.GetUser(ctx(t), u.ID)
		must(t, "GetUser", err)
		if stored.TOTPSecret != "SECRET" {
			t.Fatal("a failed update changed the user")
		}
		_, err = st.UpdateUser(ctx(t), newID("user"), func(*store.User) error { return nil })
		wantErr(t, "UpdateUser unknown", err, store.ErrNotFound)
	}},
	{"concurrent updates of a user lose nothing", func(t *testing.T, st store.Store) {
		// What single-use recovery codes and TOTP replay refusal rely on.
		u := newUser(newID("ann") + "@example.com")
		must(t, "CreateUser", st.CreateUser(ctx(t), u))
		var wg sync.WaitGroup
		for i := range concurrency {
			wg.Go(func() {
				_, err := st.UpdateUser(ctx(t), u.ID, func(x *store.User) error {
					x.RecoveryHashes = append(x.RecoveryHashes, fmt.Sprint(i))
					return nil
				})
				if err != nil {
					t.Errorf("UpdateUser: %v", err)
				}
			})
		}
		wg.Wait()
		got, err := st.GetUser(ctx(t), u.ID)
		must(t, "GetUser", err)
		if len(got.RecoveryHashes) != concurrency {
			t.Fatalf("%d entries after %d concurrent appends", len(got.RecoveryHashes), concurrency)
		}
	}},
	{"sessions: list newest first, revoke one, revoke all but one", func(t *testing.T, st store.Store) {
		u := newUser(newID("ann") + "@example.com")
		must(t, "CreateUser", st.CreateUser(ctx(t), u))
		base := now()
		var ids []string
		for i := range 3 {
			s := newSession(u.ID, base.Add(time.Duration(i)*time.Minute))
			must(t, "CreateSession", st.CreateSession(ctx(t), s))
			ids = append(ids, s.IDHash)
		}
		list, err := st.ListSessions(ctx(t), u.ID)
		must(t, "ListSessions", err)
		if len(list) != 3 || list[0].IDHash != ids[2] || list[2].IDHash != ids[0] {
			t.Fatalf("ListSessions: %+v", list)
		}
		other := newUser(newID("bob") + "@example.com")
		must(t, "CreateUser", st.CreateUser(ctx(t), other))
		wantErr(t, "DeleteSession of another user", st.DeleteSession(ctx(t), other.ID, ids[0]), store.ErrNotFound)
		must(t, "DeleteSession", st.DeleteSession(ctx(t), u.ID, ids[0]))
		_, err = st.GetSession(ctx(t), ids[0])
		wantErr(t, "GetSession revoked", err, store.ErrNotFound)
		must(t, "DeleteSessions", st.DeleteSessions(ctx(t), u.ID, ids[2]))
		list, err = st.ListSessions(ctx(t), u.ID)
		must(t, "ListSessions", err)
		if len(list) != 1 || list[0].IDHash != ids[2] {
			t.Fatalf("after DeleteSessions: %+v, want only the kept one", list)
		}
		if _, err := st.GetSession(ctx(t), ids[1]); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("GetSession of a deleted session: %v", err)
		}
	}},
	{"update session keeps identity; ended sessions dropped on create", func(t *testing.T, st store.Store) {
		u := newUser(newID("ann") + "@example.com")
		must(t, "CreateUser", st.CreateUser(ctx(t), u))
		old := newSession(u.ID, now().Add(-40*24*time.Hour))
		must(t, "CreateSession", st.CreateSession(ctx(t), old))
		got, err := st.UpdateSession(ctx(t), old.IDHash, func(s *store.Session) error {
			s.UserID, s.Pending2FA = "someone-else", true
			return nil
		})
		must(t, "UpdateSession", err)
		if got.UserID != u.ID || !got.Pending2FA {
			t.Fatalf("UpdateSession: %+v", got)
		}
		fresh := newSession(u.ID, now())
		must(t, "CreateSession", st.CreateSession(ctx(t), fresh))
		list, err := st.ListSessions(ctx(t), u.ID)
		must(t, "ListSessions", err)
		if len(list) != 1 || list[0].IDHash != fresh.IDHash {
			t.Fatalf("ListSessions: %+v, want only the fresh session", list)
		}
	}},
	{"invite is taken once", func(t *testing.T, st store.Store) {
		site := newID("site")
		inv := store.Invite{TokenHash: newID("inv"), Email: "x@example.com", SiteID: site, Role: store.RoleOwner,
			CreatedAt: now(), ExpiresAt: now().Add(time.Hour)}
		must(t, "CreateInvite", st.CreateInvite(ctx(t), inv))
		wantErr(t, "CreateInvite again", st.CreateInvite(ctx(t), inv), store.ErrConflict)
		list, err := st.ListInvites(ctx(t), site)
		must(t, "ListInvites", err)
		if len(list) != 1 || list[0].Email != inv.Email {
			t.Fatalf("ListInvites: %+v", list)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		taken := 0
		for range concurrency {
			wg.Go(func() {
				got, err := st.TakeInvite(ctx(t), inv.TokenHash)
				if err == nil && got.SiteID == site {
					mu.Lock()
					taken++
					mu.Unlock()
				} else if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("TakeInvite: %v", err)
				}
			})
		}
		wg.Wait()
		if taken != 1 {
			t.Fatalf("invite taken %d times, want once", taken)
		}
		list, err = st.ListInvites(ctx(t), site)
		must(t, "ListInvites", err)
		if len(list) != 0 {
			t.Fatalf("ListInvites after take: %+v", list)
		}
	}},
	{"delete invite is scoped by site", func(t *testing.T, st store.Store) {
		inv := store.Invite{TokenHash: newID("inv"), SiteID: newID("site"), Role: store.RoleManager, CreatedAt: now()}
		must(t, "CreateInvite", st.CreateInvite(ctx(t), inv))
		wantErr(t, "DeleteInvite other site", st.DeleteInvite(ctx(t), newID("site"), inv.TokenHash), store.ErrNotFound)
		must(t, "DeleteInvite", st.DeleteInvite(ctx(t), inv.SiteID, inv.TokenHash))
		_, err := st.GetInvite(ctx(t), inv.TokenHash)
		wantErr(t, "GetInvite deleted", err, store.ErrNotFound)
	}},
	{"memberships both ways", func(t *testing.T, st store.Store) {
		siteA, siteB, user := newID("site"), newID("site"), newID("user")
		must(t, "SetMembership", st.SetMembership(ctx(t), store.Membership{SiteID: siteA, UserID: user, Role: store.RoleOwner, CreatedAt: now()}))
		must(t, "SetMembership", st.SetMembership(ctx(t), store.Membership{SiteID: siteB, UserID: user, Role: store.RoleManager, CreatedAt: now().Add(time.Second)}))
		must(t, "SetMembership change role", st.SetMembership(ctx(t), store.Membership{SiteID: siteA, UserID: user, Role: store.RoleManager, CreatedAt: now()}))
		mine, err := st.ListMemberships(ctx(t), user)
		must(t, "ListMemberships", err)
		if len(mine) != 2 || mine[0].SiteID != siteA || mine[0].Role != store.RoleManager {
			t.Fatalf("ListMemberships: %+v", mine)
		}
		members, err := st.ListMembers(ctx(t), siteB)
		must(t, "ListMembers", err)
		if len(members) != 1 || members[0].UserID != user {
			t.Fatalf("ListMembers: %+v", members)
		}
		must(t, "DeleteMembership", st.DeleteMembership(ctx(t), siteA, user))
		wantErr(t, "DeleteMembership again", st.DeleteMembership(ctx(t), siteA, user), store.ErrNotFound)
		_, err = st.GetMembership(ctx(t), siteA, user)
		wantErr(t, "GetMembership deleted", err, store.ErrNotFound)
		mine, err = st.ListMemberships(ctx(t), user)
		must(t, "ListMemberships", err)
		if len(mine) != 1 || mine[0].SiteID != siteB {
			t.Fatalf("ListMemberships after delete: %+v", mine)
		}
	}},
	{"audit list newest first, bounded", func(t *testing.T, st store.Store) {
		scope := "user:" + newID("user")
		for i := range 3 {
			must(t, "AppendAudit", st.AppendAudit(ctx(t), scope, store.AuditEntry{At: now(), Action: fmt.Sprint("a", i)}))
		}
		list, err := st.ListAudit(ctx(t), scope, 2)
		must(t, "ListAudit", err)
		if len(list) != 2 || list[0].Action != "a2" || list[1].Action != "a1" {
			t.Fatalf("ListAudit: %+v", list)
		}
		other, err := st.ListAudit(ctx(t), "user:"+newID("user"), 10)
		must(t, "ListAudit", err)
		if len(other) != 0 {
			t.Fatalf("another scope's audit: %+v", other)
		}
	}},
	{"audit list keeps the newest MaxAuditEntries", func(t *testing.T, st store.Store) {
		// Appended from many goroutines at once, which also shows that none
		// of them is lost below the bound.
		scope := "site:" + newID("site")
		var wg sync.WaitGroup
		for g := range concurrency {
			wg.Go(func() {
				for i := g; i < store.MaxAuditEntries+5; i += concurrency {
					if err := st.AppendAudit(ctx(t), scope, store.AuditEntry{At: now(), Action: fmt.Sprint(i)}); err != nil {
						t.Errorf("AppendAudit: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		must(t, "AppendAudit", st.AppendAudit(ctx(t), scope, store.AuditEntry{At: now(), Action: "last"}))
		list, err := st.ListAudit(ctx(t), scope, store.MaxAuditEntries+10)
		must(t, "ListAudit", err)
		seen := map[string]bool{}
		for _, e := range list {
			seen[e.Action] = true
		}
		if len(list) != store.MaxAuditEntries || len(seen) != len(list) || list[0].Action != "last" {
			t.Fatalf("ListAudit: %d entries (%d distinct), first %+v; want %d, the last first",
				len(list), len(seen), list[0], store.MaxAuditEntries)
		}
	}},
}
