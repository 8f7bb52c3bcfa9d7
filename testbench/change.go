package testbench

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/table"
)

// Change is a configuration change applied between two frames: before frame
// Frame (numbered from 1), in the model and on the device alike. A table
// change goes through ProgramTable (shadow, verify, commit: the hitless path
// a board uses); a key change is written only with the pipeline drained
// (docs/interfaces.md: keys take effect when written).
//
// host/replay has no change type yet; this is the testbench's minimal one.
type Change struct {
	Frame     uint64
	Partition int
	Table     *[host.TableSize]uint8 // nil: no table change
	Key       *host.Key              // nil: no key change
	Source    string                 // for messages: the --change argument
}

// ParseChange reads a --change argument "FRAME:IMG": the table image IMG is
// loaded into the partition its header names (docs/spec.md item 4), before
// frame FRAME.
func ParseChange(s string) (Change, error) {
	fs, path, ok := strings.Cut(s, ":")
	if !ok || fs == "" || path == "" {
		return Change{}, fmt.Errorf("--change %q: want FRAME:IMG (e.g. 1000:new.img)", s)
	}
	n, err := strconv.ParseUint(fs, 10, 64)
	if err != nil || n < 1 {
		return Change{}, fmt.Errorf("--change %q: frame %q is not a frame number (1, 2, ...)", s, fs)
	}
	img, err := table.ReadFile(path)
	if err != nil {
		return Change{}, fmt.Errorf("--change %q: %v", s, err)
	}
	t := [host.TableSize]uint8(img.Table)
	return Change{Frame: n, Partition: int(img.Partition), Table: &t, Source: s}, nil
}

// ParseChanges parses every argument and sorts them by frame (stable, so
// two changes before one frame apply in the order given).
func ParseChanges(args []string) ([]Change, error) {
	out := make([]Change, 0, len(args))
	for _, a := range args {
		c, err := ParseChange(a)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	SortChanges(out)
	return out, nil
}

// SortChanges orders changes by frame, keeping the given order within one.
func SortChanges(cs []Change) {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Frame < cs[j].Frame })
}

func (c Change) String() string {
	if c.Source != "" {
		return c.Source
	}
	var what []string
	if c.Table != nil {
		what = append(what, "table")
	}
	if c.Key != nil {
		what = append(what, "key")
	}
	return fmt.Sprintf("%s of partition %d before frame %d", strings.Join(what, "+"), c.Partition, c.Frame)
}
