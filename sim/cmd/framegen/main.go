// Command framegen writes a capture (or every capture of a directory, as one
// mix) as a raw frames file (package sim/framefile), the input of the plain
// C++ harness build/sim/fs_bench. It does not import package sim, so the
// sim library's build can run it: the harness, built with
// -fprofile-generate, replays the bundled capture to train the compiler's
// profile-guided optimisation of the Verilated model (sim/sim.mk).
//
//	go run ./sim/cmd/framegen -o build/sim/train_frames.bin testdata/demo/many-protocols.pcap
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/sim/framefile"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "framegen:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("framegen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	out := fs.String("o", "", "frames file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 1 {
		return errors.New("usage: framegen -o FRAMES.bin CAPTURE|DIR")
	}
	frames, files, err := replay.ReadFrames(fs.Arg(0), host.DefaultConfig())
	if err != nil {
		return err
	}
	if err := framefile.Write(*out, frames); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "framegen: %d frames from %d capture(s) -> %s\n", len(frames), files, *out)
	return nil
}
