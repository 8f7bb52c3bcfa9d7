package cli

import (
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// addProgressFlag adds --progress: auto shows a bar only when stderr is a
// terminal, so logs and tests stay clean.
func addProgressFlag(flags interface {
	StringVar(p *string, name, value, usage string)
}, p *string) {
	flags.StringVar(p, "progress", "auto", "progress display on stderr: auto (when a terminal), always or never")
}

// newProgressBar returns a bar counting units (e.g. "frames", "entries") on
// env.Stderr, or nil when progress is off. total < 0 gives a spinner with a
// count and rate.
func newProgressBar(env *Env, mode string, total int64, what, unit string) (*progressbar.ProgressBar, error) {
	switch mode {
	case "never":
		return nil, nil
	case "always":
	case "auto", "":
		f, ok := env.Stderr.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return nil, nil
		}
	default:
		return nil, usageError("--progress: %q is not auto, always or never", mode)
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(env.Stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString(unit),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionClearOnFinish(),
	), nil
}

// finishBar clears the bar so the summary starts on a clean line.
func finishBar(bar *progressbar.ProgressBar) {
	if bar != nil {
		_ = bar.Finish()
		_ = bar.Clear()
	}
}
