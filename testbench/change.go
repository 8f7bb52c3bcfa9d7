package testbench

import (
	"fmt"
	"sort"
	"strings"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/replay"
)

// Change is a configuration change applied between two frames: before frame
// Frame (numbered from 1), in the model and on the device alike. A table
// change goes through ProgramTable (shadow, verify, commit: the hitless path
// a board uses); a key change is written only with the pipeline drained
// (docs/interfaces.md: keys take effect when written).
//
// It is host/replay's Change (tables only) plus the key changes the bench
// exercises.
type Change struct {
	Frame     uint64
	Partition int
	Table     *[host.TableSize]uint8 // nil: no table change
	Key       *host.Key              // nil: no key change
	Source    string                 // for messages: the --change argument
}

// ParseChanges reads --change arguments "FRAME:IMG" (the image's partition,
// before frame FRAME) with host/replay's parser, so cosim and compare read
// them exactly as `flowsteer model` does, sorted by frame.
func ParseChanges(args []string) ([]Change, error) {
	rc, err := replay.ParseChanges(args)
	if err != nil {
		return nil, err
	}
	return FromReplay(rc), nil
}

// FromReplay converts host/replay's table changes.
func FromReplay(rc []replay.Change) []Change {
	out := make([]Change, len(rc))
	for i, c := range rc {
		out[i] = Change{Frame: c.Frame, Partition: c.Partition, Table: c.Table,
			Source: fmt.Sprintf("%d:%s", c.Frame, c.Path)}
	}
	return out
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
