// Command beckon is the Beckon server and the operator's CLI.
//
//	beckon [serve] [flags]   run the server (the default)
//	beckon healthcheck       exit 0 when the local server answers /healthz
package main

import (
	"fmt"
	"os"
)

func main() {
	args := os.Args[1:]
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = serve(args)
	case "healthcheck":
		err = healthcheck(args)
	default:
		err = fmt.Errorf("unknown command %q; commands: serve, healthcheck", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "beckon:", err)
		os.Exit(1)
	}
}
