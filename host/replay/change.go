package replay

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/table"
)

// Change is a table change in the middle of a capture: before frame Frame
// (numbered from 1) is decided, partition Partition's table becomes Table.
// SPEC 3: a frame sees the old or the new table, whole.
type Change struct {
	Frame     uint64
	Partition int
	Path      string // the image it came from, for messages
	Table     *[host.TableSize]uint8
}

// ParseChange reads "FRAME:IMG": a frame number (from 1) and a table image
// file; the partition is the image's own.
func ParseChange(s string) (Change, error) {
	frameStr, path, ok := strings.Cut(s, ":")
	if !ok || frameStr == "" || path == "" {
		return Change{}, fmt.Errorf("change %q: want FRAME:IMAGE, e.g. 5000:new.fstb", s)
	}
	frame, err := strconv.ParseUint(frameStr, 10, 64)
	if err != nil || frame == 0 {
		return Change{}, fmt.Errorf("change %q: frame %q is not a frame number (1, 2, ...)", s, frameStr)
	}
	img, err := table.ReadFile(path)
	if err != nil {
		return Change{}, fmt.Errorf("change %q: %v", s, err)
	}
	t := [host.TableSize]uint8(img.Table)
	return Change{Frame: frame, Partition: int(img.Partition), Path: path, Table: &t}, nil
}

// ParseChanges parses each "FRAME:IMG" and orders them by frame; changes for
// one frame keep their command-line order (a later one wins for the same
// partition).
func ParseChanges(specs []string) ([]Change, error) {
	var cs []Change
	for _, s := range specs {
		c, err := ParseChange(s)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Frame < cs[j].Frame })
	return cs, nil
}

// frameLoop reads the capture and calls decide for every frame in order,
// applying each change to every model just before its frame. It reports
// progress like Run and fails if a change lies beyond the last frame (the
// user asked for a change that never happened).
func frameLoop(path string, cfg *host.Config, changes []Change, models []*host.Model,
	progress Progress, decide func(n uint64, f capture.Frame) error) (uint64, error) {
	cs := append([]Change(nil), changes...)
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Frame < cs[j].Frame })
	for _, c := range cs {
		if c.Frame == 0 {
			return 0, fmt.Errorf("change from %s: frame 0 does not exist (frames count from 1)", c.Path)
		}
		if c.Table == nil {
			return 0, fmt.Errorf("change at frame %d: no table", c.Frame)
		}
	}
	batches, stop, err := readAhead(path, CaptureOptions(cfg))
	if err != nil {
		return 0, err
	}
	defer stop()
	var n uint64
	next := 0
	for b := range batches {
		for i := range b.lens {
			f := capture.Frame{Data: b.frame(i)}
			n++
			for next < len(cs) && cs[next].Frame == n {
				for _, m := range models {
					if err := m.SetTable(cs[next].Partition, cs[next].Table); err != nil {
						return n, fmt.Errorf("change at frame %d from %s: %v", n, cs[next].Path, err)
					}
				}
				next++
			}
			if err := decide(n, f); err != nil {
				return n, err
			}
			if progress != nil && n&0xffff == 0 {
				progress(n)
			}
		}
		if b.err != nil {
			return n, b.err
		}
		b.release()
	}
	if progress != nil {
		progress(n)
	}
	if next < len(cs) {
		return n, fmt.Errorf("change at frame %d from %s: the capture has only %d frames", cs[next].Frame, cs[next].Path, n)
	}
	return n, nil
}

// RunWithChanges is Run with table changes applied between frames: each
// change takes effect before its frame is decided. With no changes it
// writes the same log as Run.
func RunWithChanges(path string, cfg *host.Config, changes []Change, out io.Writer, progress Progress) (Summary, error) {
	var sum Summary
	m, err := host.NewModel(cfg)
	if err != nil {
		return sum, err
	}
	var bw *bufio.Writer
	if out != nil {
		bw = bufio.NewWriterSize(out, 1<<20)
		bw.WriteString(host.LogHeader)
	}
	line := make([]byte, 0, 128)
	start := time.Now()
	_, err = frameLoop(path, cfg, changes, []*host.Model{m}, progress, func(n uint64, f capture.Frame) error {
		d := m.Decide(f.Data)
		sum.Add(d)
		if bw != nil {
			line = d.AppendLog(line[:0], n)
			if _, err := bw.Write(line); err != nil {
				return fmt.Errorf("writing log: %v", err)
			}
		}
		return nil
	})
	sum.Elapsed = time.Since(start)
	if err != nil {
		return sum, err
	}
	if bw != nil {
		if err := bw.Flush(); err != nil {
			return sum, fmt.Errorf("writing log: %v", err)
		}
	}
	return sum, nil
}

// WriteLogFileWithChanges is WriteLogFile with table changes: the log goes
// to a temporary file renamed into place only when the run succeeded.
func WriteLogFileWithChanges(path, outPath string, cfg *host.Config, changes []Change, progress Progress) (Summary, error) {
	tmp, err := os.CreateTemp(dirOf(outPath), ".flowsteer-log-*")
	if err != nil {
		return Summary{}, err
	}
	defer os.Remove(tmp.Name())
	sum, err := RunWithChanges(path, cfg, changes, tmp, progress)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return sum, err
	}
	return sum, os.Rename(tmp.Name(), outPath)
}
