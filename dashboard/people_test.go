package dashboard_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

var inviteLink = regexp.MustCompile(`id="link" type="text" readonly value="https?://[^"]*(/app/invite/[A-Za-z0-9_-]{43})"`)

// invite makes an invite on the people page and returns the link's path.
func (b *browser) invite(siteID, email, role string) string {
	b.t.Helper()
	people := "/app/sites/" + siteID + "/people"
	p := b.submit(people, people+"/invite", url.Values{"email": {email}, "role": {role}})
	wantStatus(b.t, "invite", p, http.StatusOK)
	m := inviteLink.FindStringSubmatch(p.Body)
	if m == nil {
		b.t.Fatalf("no invite link on the page: %s", p.Body)
	}
	return m[1]
}

// TestInvitesAndRolesKeepSitesApart, on both stores: the operator invites
// an owner of site A by link; the owner invites a manager; each sees what
// their role allows and nothing of site B, which answers 404 as if it did
// not exist.
func TestInvitesAndRolesKeepSitesApart(t *testing.T) {
	t.Parallel()
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		d := startDash(t, newStore(t), nil)
		siteA := d.CreateSite("Shop A", "https://a.example")["id"].(string)
		siteB := d.CreateSite("Shop B", "https://b.example")["id"].(string)
		op := d.browser(t, "operator")
		op.setup()
		wantBody(t, "operator sees all sites", op.get("/app/"), "Shop A", "Shop B", "Operator")

		p := op.submit("/app/sites/"+siteA+"/people", "/app/sites/"+siteA+"/people/invite", url.Values{"email": {"not an e-mail"}, "role": {"owner"}})
		wantStatus(t, "invite with a bad e-mail", p, http.StatusUnprocessableEntity)
		wantBody(t, "invite with a bad e-mail", p, "Enter an e-mail address")
		wantBody(t, "no members yet", op.get("/app/sites/"+siteA+"/people"), "No members yet.")
		replaced := op.invite(siteA, "owner@example.com", store.RoleOwner)
		link := op.invite(siteA, "Owner@Example.com", store.RoleOwner)
		listed := op.get("/app/sites/" + siteA + "/people")
		wantBody(t, "open invite listed", listed, "owner@example.com", "Open invites")
		if n := strings.Count(listed.Body, "<strong>owner@example.com</strong>"); n != 1 {
			t.Fatalf("%d open invites of one person, want the newest only", n)
		}
		wantStatus(t, "the replaced link", d.browser(t, "x").get(replaced), http.StatusNotFound)

		owner := d.browser(t, "owner")
		wantBody(t, "invite page", owner.get(link), "Join Shop A", "owner@example.com")
		p = owner.submit(link, link, url.Values{"password": {"short"}})
		wantStatus(t, "too short a password", p, http.StatusUnprocessableEntity)
		wantRedirect(t, "accept", owner.submit(link, link, url.Values{"password": {"owner-pass-1"}}), "/app/sites/"+siteA)
		wantStatus(t, "the link is used", d.browser(t, "x").get(link), http.StatusNotFound)

		sites := owner.get("/app/")
		wantBody(t, "owner's sites", sites, "Shop A", "Owner")
		if strings.Contains(sites.Body, "Shop B") {
			t.Fatal("the owner of A sees site B")
		}
		for _, path := range []string{"/app/sites/" + siteB, "/app/sites/" + siteB + "/people", "/app/sites/no-such-site"} {
			wantStatus(t, "owner of A opens "+path, owner.get(path), http.StatusNotFound)
		}
		token := csrfField.FindStringSubmatch(owner.get("/app/").Body)[1]
		p = owner.post("/app/sites/"+siteB+"/people/invite", url.Values{"csrf": {token}, "email": {"x@example.com"}, "role": {"owner"}})
		wantStatus(t, "owner of A invites to B", p, http.StatusNotFound)

		mlink := owner.invite(siteA, "manager@example.com", store.RoleManager)
		manager := d.browser(t, "manager")
		wantRedirect(t, "manager accepts", manager.submit(mlink, mlink, url.Values{"password": {"manager-pass-1"}}), "/app/sites/"+siteA)
		people := manager.get("/app/sites/" + siteA + "/people")
		wantBody(t, "manager sees the people", people, "owner@example.com", "manager@example.com")
		if strings.Contains(people.Body, "Invite someone") || strings.Contains(people.Body, "/remove") {
			t.Fatal("a manager is offered to manage people")
		}
		ownerID, managerID := userID(t, d, "owner@example.com"), userID(t, d, "manager@example.com")
		mtoken := csrfField.FindStringSubmatch(people.Body)[1]
		p = manager.post("/app/sites/"+siteA+"/people/"+ownerID+"/remove", url.Values{"csrf": {mtoken}})
		wantStatus(t, "manager removes the owner", p, http.StatusNotFound)
		if _, err := d.Store.GetMembership(t.Context(), siteA, ownerID); err != nil {
			t.Fatalf("the owner's membership after a refused removal: %v", err)
		}

		wantRedirect(t, "owner promotes the manager", owner.submit("/app/sites/"+siteA+"/people", "/app/sites/"+siteA+"/people/"+managerID+"/role", url.Values{"role": {store.RoleOwner}}), "/app/sites/"+siteA+"/people")
		if m, _ := d.Store.GetMembership(t.Context(), siteA, managerID); m.Role != store.RoleOwner {
			t.Fatalf("role after the change: %q", m.Role)
		}
		p = owner.submit("/app/sites/"+siteA+"/people", "/app/sites/"+siteA+"/people/"+ownerID+"/remove", nil)
		wantStatus(t, "owner removes themself", p, http.StatusUnprocessableEntity)
		wantRedirect(t, "owner removes the other", owner.submit("/app/sites/"+siteA+"/people", "/app/sites/"+siteA+"/people/"+managerID+"/remove", nil), "/app/sites/"+siteA+"/people")
		wantStatus(t, "removed member opens the site", manager.get("/app/sites/"+siteA), http.StatusNotFound)

		audit, err := d.Store.ListAudit(t.Context(), "site:"+siteA, 50)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range audit {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"invited", "invite_accepted", "role_changed", "member_removed"} {
			if !strings.Contains(strings.Join(actions, " "), want) {
				t.Errorf("site audit lacks %s: %v", want, actions)
			}
		}
		if b, _ := d.Store.ListAudit(t.Context(), "site:"+siteB, 50); len(b) != 0 {
			t.Errorf("site B's audit has entries of A: %+v", b)
		}
	})
}

// TestInviteOfAnExistingAccountNeedsItsPassword: a person with an account
// joins a second site by proving they own it.
func TestInviteOfAnExistingAccountNeedsItsPassword(t *testing.T) {
	t.Parallel()
	d := startDash(t, servertest.NewStore(t, "embedded"), nil)
	siteA := d.CreateSite("Shop A", "https://a.example")["id"].(string)
	siteB := d.CreateSite("Shop B", "https://b.example")["id"].(string)
	op := d.browser(t, "operator")
	op.setup()
	first := op.invite(siteA, "ann@example.com", store.RoleOwner)
	ann := d.browser(t, "ann")
	ann.submit(first, first, url.Values{"password": {"ann-pass-12"}})
	second := op.invite(siteB, "ann@example.com", store.RoleManager)
	stranger := d.browser(t, "stranger")
	wantBody(t, "invite of an existing account", stranger.get(second), "has an account already")
	wantStatus(t, "wrong password", stranger.submit(second, second, url.Values{"password": {"guess-guess"}}), http.StatusUnauthorized)
	wantRedirect(t, "right password", stranger.submit(second, second, url.Values{"password": {"ann-pass-12"}}), "/app/sites/"+siteB)
	wantBody(t, "ann's sites", ann.get("/app/"), "Shop A", "Shop B", "Owner", "Manager")
}
