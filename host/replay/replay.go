// Package replay runs captures through the reference model: it joins the
// capture reader (host/capture), the configuration with its table images
// (host/table) and the model (host), and keeps the counts a person reads.
package replay

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/table"
)

// ReadTable loads a table image for a configuration's partition.
func ReadTable(path string) (*[host.TableSize]uint8, error) {
	img, err := table.ReadFile(path)
	if err != nil {
		return nil, err
	}
	t := [host.TableSize]uint8(img.Table)
	return &t, nil
}

// LoadConfig reads a configuration file with its table images; an empty
// path gives SPEC 1's defaults.
func LoadConfig(path string) (*host.Config, error) {
	if path == "" {
		return host.DefaultConfig(), nil
	}
	return host.LoadConfig(path, ReadTable)
}

// CaptureOptions are the capture conversion options a configuration implies
// (the synthetic destination MAC of SPEC 1).
func CaptureOptions(cfg *host.Config) capture.Options {
	return capture.Options{SynthDst: cfg.SynthDstMAC()}
}

// Summary counts decisions the way the CLI reports them.
type Summary struct {
	Frames  uint64
	Actions [host.NumActions]uint64
	Reasons [host.NumReasons]uint64
	// TMLoad counts FORWARD frames per partition and TM.
	TMLoad  [host.MaxPartitions][256]uint64
	Elapsed time.Duration
}

// Add counts one decision.
func (s *Summary) Add(d host.Decision) {
	s.Frames++
	s.Actions[d.Action]++
	s.Reasons[d.Reason]++
	if d.Action == host.ActionForward {
		s.TMLoad[d.Partition][d.TM]++
	}
}

// Merge adds o's counts to s (Elapsed stays s's).
func (s *Summary) Merge(o *Summary) {
	s.Frames += o.Frames
	for i := range s.Actions {
		s.Actions[i] += o.Actions[i]
	}
	for i := range s.Reasons {
		s.Reasons[i] += o.Reasons[i]
	}
	for p := range s.TMLoad {
		for t := range s.TMLoad[p] {
			s.TMLoad[p][t] += o.TMLoad[p][t]
		}
	}
}

// FramesPerSecond is the rate over Elapsed.
func (s *Summary) FramesPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Frames) / s.Elapsed.Seconds()
}

// Write prints the summary for a person: totals, actions, reasons (indented
// under the actions), per-TM load with shares, and the rate.
func (s *Summary) Write(w io.Writer) error {
	pct := func(n uint64) string {
		if s.Frames == 0 {
			return "-"
		}
		return fmt.Sprintf("%5.1f%%", 100*float64(n)/float64(s.Frames))
	}
	fmt.Fprintf(w, "frames %d\n", s.Frames)
	for a := 0; a < host.NumActions; a++ {
		if s.Actions[a] == 0 {
			continue
		}
		fmt.Fprintf(w, "  %-14s %9d %s\n", host.Action(a), s.Actions[a], pct(s.Actions[a]))
		for r := 0; r < host.NumReasons; r++ {
			if s.Reasons[r] > 0 && host.Reason(r).Action() == host.Action(a) {
				fmt.Fprintf(w, "    %-12s %9d %s\n", host.Reason(r), s.Reasons[r], pct(s.Reasons[r]))
			}
		}
	}
	for p := 0; p < host.MaxPartitions; p++ {
		var total uint64
		var tms []int
		for tm, n := range s.TMLoad[p] {
			if n > 0 {
				total += n
				tms = append(tms, tm)
			}
		}
		if total == 0 {
			continue
		}
		sort.Ints(tms)
		var b strings.Builder
		for _, tm := range tms {
			fmt.Fprintf(&b, " %d:%d(%.1f%%)", tm, s.TMLoad[p][tm], 100*float64(s.TMLoad[p][tm])/float64(total))
		}
		fmt.Fprintf(w, "partition %d load, TM:frames(share):%s\n", p, b.String())
	}
	if s.Elapsed > 0 {
		fmt.Fprintf(w, "%.0f frames/s (%.3f s)\n", s.FramesPerSecond(), s.Elapsed.Seconds())
	}
	return nil
}

// Progress is told how many frames are done; nil means no progress output.
type Progress func(frames uint64)

// Run decides every frame of the capture at path with the model for cfg and
// writes the SPEC 4 log to out (nil: no log). The log is written through a
// buffer; on an error after some frames the error says which frame.
func Run(path string, cfg *host.Config, out io.Writer, progress Progress) (Summary, error) {
	return RunWithChanges(path, cfg, nil, out, progress)
}

// WriteLogFile runs Run into a file, written to a temporary name and renamed
// into place, so a failed run never leaves a half-written log.
func WriteLogFile(path, outPath string, cfg *host.Config, progress Progress) (Summary, error) {
	return WriteLogFileWithChanges(path, outPath, cfg, nil, progress)
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return "."
}
