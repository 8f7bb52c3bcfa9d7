// Command flowsteer is the host tool of the flowsteer packet-steering offload.
package main

import (
	"os"

	"github.com/flowsteer/flowsteer/tools/flowsteer/cli"
)

func main() { os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
