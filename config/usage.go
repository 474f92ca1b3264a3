package config

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
)

// secret names the settings whose values are never printed, not in help and
// not in errors: they show as "set".
var secret = map[string]bool{
	"BECKON_ADMIN_TOKEN":        true,
	"BECKON_TWILIO_AUTH_TOKEN":  true,
	"BECKON_OIDC_CLIENT_SECRET": true,
}

// display is how a value of v may be shown: quoted, "set" for a secret, and
// a URL with its password replaced by xxxxx (a Redis URL may carry one).
func (v Var) display(value string) string {
	if secret[v.Env] {
		return "set (not shown)"
	}
	if u, err := url.Parse(value); err == nil && u.User != nil {
		value = u.Redacted()
	}
	return strconv.Quote(value)
}

// Usage writes the flags of beckon serve with their variables, defaults and
// the values the environment gives them now, without any secret's value.
func Usage(w io.Writer, getenv func(string) string) {
	fmt.Fprint(w, "Flags of beckon serve; each has an environment variable, and a flag wins over its variable:\n\n")
	for _, v := range Vars {
		fmt.Fprintf(w, "  -%s  $%s\n      %s\n", v.Flag, v.Env, v.Help)
		def := "unset"
		if v.Default != "" {
			def = strconv.Quote(v.Default)
		}
		fmt.Fprintf(w, "      default: %s", def)
		if env := getenv(v.Env); env != "" {
			fmt.Fprintf(w, "; from the environment: %s", v.display(env))
		}
		fmt.Fprintln(w)
	}
}
