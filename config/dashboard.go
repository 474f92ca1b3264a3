package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Dashboard is the sign-in policy of the owner's dashboard (/app).
type Dashboard struct {
	// Require2FA sends every user without TOTP to enrol it before anything.
	Require2FA bool
	// OIDC sign-in, when OIDCIssuer is set ("Sign in with OIDCName").
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	OIDCName         string
}

// OIDCEnabled reports whether sign-in with an OpenID Connect provider is on.
func (d Dashboard) OIDCEnabled() bool { return d.OIDCIssuer != "" }

func setRequire2FA(c *Config, v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	c.Dashboard.Require2FA = b
	return nil
}

func setOIDCIssuer(c *Config, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("want the provider's absolute http(s) issuer URL")
	}
	c.Dashboard.OIDCIssuer = strings.TrimRight(v, "/")
	return nil
}

// setOIDCName runs after the other OIDC settings (Vars' order), so it also
// checks that an issuer comes with a client ID.
func setOIDCName(c *Config, v string) error {
	if len(v) > 60 || strings.ContainsAny(v, "\r\n") {
		return fmt.Errorf("want a short one-line name")
	}
	c.Dashboard.OIDCName = v
	if c.Dashboard.OIDCIssuer != "" && c.Dashboard.OIDCClientID == "" {
		return fmt.Errorf("BECKON_OIDC_ISSUER is set but BECKON_OIDC_CLIENT_ID is not")
	}
	return nil
}
