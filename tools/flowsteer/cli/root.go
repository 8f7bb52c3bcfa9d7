// Package cli holds the flowsteer commands. Each command is a function of
// (args, stdin, stdout, stderr) through Run, so tests call it directly; the
// logic itself lives in host/, driver/, sim/ and testbench/.
package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/spf13/cobra"
)

// Env is what a command may touch: its streams. Commands never use os.Stdout
// directly, so tests capture everything.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// commandFactories holds one constructor per top-level command. Each command
// file adds itself from init(), so files can be added without editing this one.
var commandFactories = map[string]func(*Env) *cobra.Command{}

func register(name string, f func(*Env) *cobra.Command) {
	if _, dup := commandFactories[name]; dup {
		panic("cli: command registered twice: " + name)
	}
	commandFactories[name] = f
}

// ExitError carries an exit status other than 1 (compare exits 1 on a
// mismatch, usage errors exit 2).
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks bad flags or arguments (exit status 2).
func usageError(format string, a ...any) error {
	return &ExitError{Code: 2, Err: fmt.Errorf(format, a...)}
}

// NewRoot builds the command tree for one invocation.
func NewRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "flowsteer",
		Short: "Line-rate flow steering: reference model, tables, co-simulation and board driver",
		Long: `flowsteer decides, for every Ethernet frame, whether it is bridged, sent to
the control processor or fragment handler, or steered to one traffic manager
(TM) by a Toeplitz hash through a 4096-entry allocation table (SPEC.md).

The same decisions come from the Go reference model (flowsteer model), from
the Verilated RTL (flowsteer cosim) and from a programmed board.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &ExitError{Code: 2, Err: fmt.Errorf("%s: %v (see %s --help)", c.CommandPath(), err, c.CommandPath())}
	})
	names := make([]string, 0, len(commandFactories))
	for n := range commandFactories {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		root.AddCommand(commandFactories[n](env))
	}
	return root
}

// Run executes one flowsteer invocation and returns its exit status. Errors
// are printed as one line, "flowsteer: <what went wrong>".
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &Env{Stdin: stdin, Stdout: stdout, Stderr: stderr}
	root := NewRoot(env)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "flowsteer: %v\n", err)
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return 1
}

// exactArgs is cobra.ExactArgs with a usage error (exit 2) naming the
// expected operands.
func exactArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError("%s: want %s, got %d argument(s) (see %s --help)", c.CommandPath(), names, len(args), c.CommandPath())
		}
		return nil
	}
}
