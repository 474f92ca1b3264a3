// Package accounts is who may use the owner's dashboard and how they prove
// it: users with argon2id passwords, sessions kept in the store by the
// SHA-256 of their cookie, CSRF tokens, TOTP two-factor sign-in with
// single-use recovery codes, invites by link, roles per site, failed
// sign-in limits, OpenID Connect sign-in and an audit list. It knows
// nothing of HTTP; package dashboard serves it.
//
// Time comes from Service.Now, so tests of a 14-day idle timeout or a
// 15-minute lockout move a clock instead of waiting.
package accounts
