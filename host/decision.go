package host

import (
	"fmt"
	"strconv"
)

// Action is what the distributor does with a frame (SPEC 4). The numeric
// codes are the ones the RTL drives on its decision stream.
type Action uint8

const (
	ActionForward  Action = iota // to one traffic manager
	ActionBridge                 // L2 bridge: destination MAC not ours (802)
	ActionControl                // control processor: not IP, malformed, too deep
	ActionFragment               // fragment handler (806)
	numActions
)

// Reason says which SPEC 2 step decided.
type Reason uint8

const (
	ReasonMACMiss Reason = iota
	ReasonNotIP
	ReasonMalformed
	ReasonTooDeep
	ReasonFragment
	ReasonNonL4
	ReasonEqualPorts
	ReasonSrcHash
	ReasonDstHash
	ReasonFlowState
	numReasons
)

// NumActions and NumReasons size per-action and per-reason counters.
const (
	NumActions = int(numActions)
	NumReasons = int(numReasons)
)

var actionNames = [...]string{"FORWARD", "BRIDGE", "CONTROL", "FRAGMENT"}
var reasonNames = [...]string{"MAC_MISS", "NOT_IP", "MALFORMED", "TOO_DEEP", "FRAGMENT",
	"NON_L4", "EQUAL_PORTS", "SRC_HASH", "DST_HASH", "FLOW_STATE"}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "ACTION(" + strconv.Itoa(int(a)) + ")"
}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "REASON(" + strconv.Itoa(int(r)) + ")"
}

// ParseAction and ParseReason read the log's names back.
func ParseAction(s string) (Action, error) {
	for i, n := range actionNames {
		if n == s {
			return Action(i), nil
		}
	}
	return 0, fmt.Errorf("unknown action %q", s)
}

func ParseReason(s string) (Reason, error) {
	for i, n := range reasonNames {
		if n == s {
			return Reason(i), nil
		}
	}
	return 0, fmt.Errorf("unknown reason %q", s)
}

// Hashed reports whether the reason carries a hash and index in the log.
func (r Reason) Hashed() bool {
	return r == ReasonNonL4 || r == ReasonSrcHash || r == ReasonDstHash || r == ReasonFlowState
}

// Decision is one frame's record (SPEC 4). Fields that the log prints as
// "-" are zero: Partition and TM unless FORWARD, Hash and Index unless the
// reason is hashed. Hardware drives the same zeros, so records compare with ==.
type Decision struct {
	Action    Action
	Reason    Reason
	Partition uint8
	TM        uint8
	Hash      uint32
	Index     uint16
}

// LogHeader is the first line of a decision log.
const LogHeader = "frame\taction\treason\tpartition\ttm\thash\tindex\n"

// AppendLog appends the SPEC 4 line for frame number n (from 1).
func (d Decision) AppendLog(dst []byte, n uint64) []byte {
	dst = strconv.AppendUint(dst, n, 10)
	dst = append(dst, '\t')
	dst = append(dst, d.Action.String()...)
	dst = append(dst, '\t')
	dst = append(dst, d.Reason.String()...)
	if d.Action == ActionForward {
		dst = append(dst, '\t')
		dst = strconv.AppendUint(dst, uint64(d.Partition), 10)
		dst = append(dst, '\t')
		dst = strconv.AppendUint(dst, uint64(d.TM), 10)
	} else {
		dst = append(dst, "\t-\t-"...)
	}
	if d.Reason.Hashed() {
		dst = append(dst, '\t')
		dst = appendHex32(dst, d.Hash)
		dst = append(dst, '\t')
		dst = strconv.AppendUint(dst, uint64(d.Index), 10)
	} else {
		dst = append(dst, "\t-\t-"...)
	}
	return append(dst, '\n')
}

const hexDigits = "0123456789abcdef"

func appendHex32(dst []byte, v uint32) []byte {
	for s := 28; s >= 0; s -= 4 {
		dst = append(dst, hexDigits[(v>>uint(s))&0xf])
	}
	return dst
}

// Word packs the decision as the RTL's decision beat (docs/interfaces.md):
// [1:0] action, [5:2] reason, [7:6] partition, [15:8] tm, [47:16] hash,
// [59:48] index.
func (d Decision) Word() uint64 {
	return uint64(d.Action)&3 | (uint64(d.Reason)&0xf)<<2 | (uint64(d.Partition)&3)<<6 |
		uint64(d.TM)<<8 | uint64(d.Hash)<<16 | (uint64(d.Index)&0xfff)<<48
}

// DecisionFromWord unpacks a decision beat.
func DecisionFromWord(w uint64) Decision {
	return Decision{
		Action:    Action(w & 3),
		Reason:    Reason(w >> 2 & 0xf),
		Partition: uint8(w >> 6 & 3),
		TM:        uint8(w >> 8),
		Hash:      uint32(w >> 16),
		Index:     uint16(w >> 48 & 0xfff),
	}
}

// Action is the action every decision with this reason takes (SPEC 2).
func (r Reason) Action() Action {
	switch r {
	case ReasonMACMiss:
		return ActionBridge
	case ReasonNotIP, ReasonMalformed, ReasonTooDeep:
		return ActionControl
	case ReasonFragment:
		return ActionFragment
	}
	return ActionForward
}
