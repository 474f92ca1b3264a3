// Command beckon is the Beckon server and the operator's CLI.
//
//	beckon [serve] [flags]   run the server (the default)
//	beckon healthcheck       exit 0 when the local server answers /healthz
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/beckonhq/beckon/config"
)

const commands = `Usage: beckon [serve] [flags]   run the server (the default)
       beckon healthcheck        exit 0 when the local server answers /healthz

`

func main() {
	args := os.Args[1:]
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "help":
		err = flag.ErrHelp
	case "serve":
		err = serve(args)
	case "healthcheck":
		err = healthcheck(args)
	default:
		err = fmt.Errorf("unknown command %q; commands: serve, healthcheck, help", cmd)
	}
	if errors.Is(err, flag.ErrHelp) { // -h, -help or help: asked for, so not a failure
		fmt.Print(commands)
		config.Usage(os.Stdout, os.Getenv)
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "beckon:", err)
		os.Exit(1)
	}
}
