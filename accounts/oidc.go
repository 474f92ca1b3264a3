package accounts

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/beckonhq/beckon/store"
)

// OIDC signs people in with an OpenID Connect provider: the authorization
// code flow with PKCE, state and nonce. A person is matched by a verified
// e-mail to an existing account or an open invite; nobody signs up alone.
type OIDC struct {
	Name                                  string
	issuer, clientID, secret, redirectURL string

	mu       sync.Mutex // guards the lazily discovered provider
	verifier *oidc.IDTokenVerifier
	oauth    *oauth2.Config
}

// NewOIDC describes the provider; it is asked for its discovery document
// on first use, so a provider that is down does not stop Beckon starting.
func NewOIDC(name, issuer, clientID, secret, redirectURL string) *OIDC {
	return &OIDC{Name: name, issuer: issuer, clientID: clientID, secret: secret, redirectURL: redirectURL}
}

func (o *OIDC) discover(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.oauth != nil {
		return o.oauth, o.verifier, nil
	}
	p, err := oidc.NewProvider(ctx, o.issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("accounts: oidc discovery: %w", err)
	}
	o.verifier = p.Verifier(&oidc.Config{ClientID: o.clientID})
	o.oauth = &oauth2.Config{ClientID: o.clientID, ClientSecret: o.secret, Endpoint: p.Endpoint(),
		RedirectURL: o.redirectURL, Scopes: []string{oidc.ScopeOpenID, "email"}}
	return o.oauth, o.verifier, nil
}

// OIDCFlow is what the browser keeps (in a short-lived HttpOnly cookie)
// between leaving for the provider and coming back.
type OIDCFlow struct {
	State, Nonce, Verifier string
}

// Encode and DecodeOIDCFlow turn a flow into a cookie value and back.
func (f OIDCFlow) Encode() string { return f.State + "." + f.Nonce + "." + f.Verifier }

func DecodeOIDCFlow(v string) (OIDCFlow, bool) {
	p := strings.Split(v, ".")
	if len(p) != 3 || p[0] == "" || p[1] == "" || p[2] == "" {
		return OIDCFlow{}, false
	}
	return OIDCFlow{p[0], p[1], p[2]}, true
}

// Start returns where to send the browser and the flow to remember.
func (o *OIDC) Start(ctx context.Context) (string, OIDCFlow, error) {
	cfg, _, err := o.discover(ctx)
	if err != nil {
		return "", OIDCFlow{}, err
	}
	f := OIDCFlow{State: NewToken(), Nonce: NewToken(), Verifier: oauth2.GenerateVerifier()}
	return cfg.AuthCodeURL(f.State, oidc.Nonce(f.Nonce), oauth2.S256ChallengeOption(f.Verifier)), f, nil
}

// ErrOIDC is a refused OIDC sign-in; the detail is logged, not shown.
var ErrOIDC = errors.New("sign-in with the provider failed")

// Finish checks the provider's answer and returns the verified e-mail.
func (o *OIDC) Finish(ctx context.Context, f OIDCFlow, state, code string) (string, error) {
	if subtle.ConstantTimeCompare([]byte(state), []byte(f.State)) != 1 || code == "" {
		return "", fmt.Errorf("%w: state does not match", ErrOIDC)
	}
	cfg, verifier, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return "", fmt.Errorf("%w: exchange code: %v", ErrOIDC, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("%w: id token: %v", ErrOIDC, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(f.Nonce)) != 1 {
		return "", fmt.Errorf("%w: nonce does not match", ErrOIDC)
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil {
		return "", fmt.Errorf("%w: claims: %v", ErrOIDC, err)
	}
	email, ok := NormalizeEmail(claims.Email)
	if !ok || !claims.Verified {
		return "", fmt.Errorf("%w: no verified e-mail", ErrOIDC)
	}
	return email, nil
}

// OIDCUser is the account of a verified e-mail: an existing one, or one
// made now from an open invite (without a password). ErrBadCredentials
// when there is neither.
func (s *Service) OIDCUser(ctx context.Context, email, ip string) (store.User, error) {
	u, err := s.Store.UserByEmail(ctx, email)
	if err == nil {
		return u, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("accounts: oidc user: %w", err)
	}
	sites, err := s.Store.ListSites(ctx)
	if err != nil {
		return u, fmt.Errorf("accounts: oidc invites: %w", err)
	}
	for _, site := range sites {
		invs, err := s.Store.ListInvites(ctx, site.ID)
		if err != nil {
			return u, fmt.Errorf("accounts: oidc invites: %w", err)
		}
		for _, inv := range invs {
			if inv.Email != email || !s.now().Before(inv.ExpiresAt) {
				continue
			}
			if _, err := s.Store.TakeInvite(ctx, inv.TokenHash); err != nil {
				continue // taken meanwhile
			}
			if u.ID == "" {
				u = store.User{ID: newID(), Email: email, CreatedAt: s.now()}
				if err := s.Store.CreateUser(ctx, u); err != nil {
					return u, fmt.Errorf("accounts: oidc user: %w", err)
				}
			}
			m := store.Membership{SiteID: inv.SiteID, UserID: u.ID, Role: inv.Role, CreatedAt: s.now()}
			if err := s.Store.SetMembership(ctx, m); err != nil {
				return u, fmt.Errorf("accounts: oidc join: %w", err)
			}
			s.Audit(ctx, store.AuditEntry{Action: "invite_accepted", UserID: u.ID, SiteID: inv.SiteID, IP: ip, Detail: inv.Role + " (oidc)"})
		}
	}
	if u.ID == "" {
		s.failed(ctx, email, ip, "")
		return u, ErrBadCredentials
	}
	return u, nil
}
