package testbench

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/sim"
)

// failure is what a batch knew when it found the first difference.
type failure struct {
	frames  [][]byte
	index   int // in frames; -1 = the batch as a whole
	what    string
	bp      sim.Backpressure
	pattern Pattern
	res     sim.Result
	sw      []host.Decision // nil without a model
	cfg     *host.Config    // configuration in force at the batch start
	history []step          // flow state only: every step before the batch
	runErr  error
	// commit is a table change whose COMMIT was written during this batch
	// (boundary: the first frame that saw it); a re-run does not repeat it.
	commit   *Change
	boundary int
}

// report writes the mismatch report directory and returns the error that
// names it. Files:
//
//	report.txt  what differed, where, both records, the frame in hex, how
//	            to look at the waveform
//	sw.tsv hw.tsv  the two SPEC 4 records (header + the frame's line)
//	frame.pcap  the frame alone, for `flowsteer model`
//	wave.fst    the failing batch run again, cycles around the frame
func (b *Bench) report(f failure) error {
	num := uint64(0)
	if f.index >= 0 {
		num = b.frames + uint64(f.index) + 1
	}
	dir := b.opts.ReportDir
	merr := &MismatchError{Frame: num, What: f.what, Dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("%v (and the report directory failed: %v)", merr.What, err)
	}
	var r strings.Builder
	fmt.Fprintf(&r, "flowsteer co-simulation mismatch\n\n")
	fmt.Fprintf(&r, "what:         %s\n", f.what)
	if f.index >= 0 {
		fmt.Fprintf(&r, "frame:        %d (index %d of batch %d, %d frames in the batch)\n", num, f.index, b.batches-1, len(f.frames))
	} else {
		fmt.Fprintf(&r, "batch:        %d (frames %d..%d)\n", b.batches-1, b.frames+1, b.frames+uint64(len(f.frames)))
	}
	fmt.Fprintf(&r, "backpressure: %v %+v\n", f.pattern, f.bp)
	fmt.Fprintf(&r, "sim result:   %d decisions, %d egress frames, %d cycles", len(f.res.Decisions), len(f.res.Egress), f.res.Cycles)
	if f.runErr != nil {
		fmt.Fprintf(&r, ", error: %v", f.runErr)
	}
	r.WriteString("\n")
	if f.commit != nil {
		fmt.Fprintf(&r, "commit:       %v written through the link as the batch began; frames from index %d saw it\n", *f.commit, f.boundary)
	}
	fmt.Fprintf(&r, "RTL:          %s\n", sim.BuildInfo())
	fmt.Fprintf(&r, "config:       %s\n\n", describeConfig(f.cfg))

	if f.index >= 0 && f.index < len(f.frames) {
		frame := f.frames[f.index]
		var swLine, hwLine []byte
		if f.sw != nil {
			swLine = f.sw[f.index].AppendLog(nil, num)
			fmt.Fprintf(&r, "model    %s  word %016x\n", strings.TrimSpace(string(swLine)), f.sw[f.index].Word())
		}
		if f.index < len(f.res.Decisions) {
			w := f.res.Decisions[f.index]
			hwLine = host.DecisionFromWord(w).AppendLog(nil, num)
			fmt.Fprintf(&r, "hardware %s  word %016x\n", strings.TrimSpace(string(hwLine)), w)
		} else {
			r.WriteString("hardware (no decision)\n")
		}
		if f.index < len(f.res.Egress) {
			eg := f.res.Egress[f.index]
			fmt.Fprintf(&r, "egress tdest 0x%03x, %d bytes", f.res.TDest[f.index], len(eg))
			if !bytes.Equal(eg, frame) {
				fmt.Fprintf(&r, " (differs from the input)\negress hex: %s", hex.EncodeToString(eg))
			}
			r.WriteString("\n")
		}
		fmt.Fprintf(&r, "\nframe %d, %d bytes:\n%s\n", num, len(frame), hexDump(frame))
		writeRecord := func(name string, line []byte) {
			if line != nil {
				os.WriteFile(filepath.Join(dir, name), append([]byte(host.LogHeader), line...), 0o644)
			}
		}
		writeRecord("sw.tsv", swLine)
		writeRecord("hw.tsv", hwLine)
		var pc bytes.Buffer
		if err := capture.WritePcap(&pc, capture.LinkEthernet, [][]byte{frame}); err == nil {
			os.WriteFile(filepath.Join(dir, "frame.pcap"), pc.Bytes(), 0o644)
		}
	}

	fst := filepath.Join(dir, "wave.fst")
	lo, hi, reproduced, err := b.reproduce(f, fst)
	switch {
	case err != nil:
		fmt.Fprintf(&r, "\nwaveform: not written: %v\n", err)
	default:
		fmt.Fprintf(&r, "\nwaveform: %s, cycles [%d, %d) of a fresh simulator set up the same way and\n"+
			"given the same batch with the same backpressure seed; the difference %s in that run.\n",
			fst, lo, hi, map[bool]string{true: "reproduced", false: "did NOT reproduce"}[reproduced])
		if f.commit != nil {
			r.WriteString("(the re-run does not repeat the in-flight COMMIT: it starts from the configuration before it)\n")
		}
		r.WriteString("open it with: gtkwave " + fst + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "report.txt"), []byte(r.String()), 0o644); err != nil {
		return fmt.Errorf("%v (and writing the report failed: %v)", merr.What, err)
	}
	return merr
}

// reproduce sets up a fresh simulator exactly as the failing batch found its
// own, measures the cycle at which the failing frame has come out (running
// the batch up to it), then sets up another one with the FST window around
// that cycle and runs the whole batch again.
func (b *Bench) reproduce(f failure, fstPath string) (lo, hi uint64, reproduced bool, err error) {
	setup := func(so sim.Options) (*sim.Sim, *driver.Device, error) {
		cfg := f.cfg
		if f.history != nil {
			cfg = b.initialConfig()
		}
		s, dev, err := openDevice(cfg, so)
		if err != nil {
			return nil, nil, err
		}
		for _, st := range f.history {
			if st.change != nil {
				err = applyToDevice(dev, b.cfg.FlowState.Enabled, *st.change)
			} else {
				_, err = s.Run(st.frames, st.bp)
			}
			if err != nil {
				dev.Transport().Close()
				s.Close()
				return nil, nil, fmt.Errorf("replaying earlier batches: %v", err)
			}
		}
		return s, dev, nil
	}
	so := sim.Options{ViaLink: b.opts.ViaLink}
	s1, dev1, err := setup(so)
	if err != nil {
		return 0, 0, false, err
	}
	c0 := s1.Cycles()
	upto := len(f.frames)
	if f.index >= 0 && f.index < len(f.frames) {
		upto = f.index + 1
	}
	s1.Run(f.frames[:upto], f.bp)
	c1 := s1.Cycles()
	dev1.Transport().Close()
	s1.Close()

	lo = c0
	if c1 > c0+b.opts.FSTWindow {
		lo = c1 - b.opts.FSTWindow
	}
	hi = c1 + b.opts.FSTWindow/4
	so.FST, so.FSTStart, so.FSTStop = fstPath, lo, hi
	s2, dev2, err := setup(so)
	if err != nil {
		return 0, 0, false, err
	}
	res, _ := s2.Run(f.frames, f.bp)
	dev2.Transport().Close()
	s2.Close()
	i := f.index
	switch {
	case i < 0:
		reproduced = len(res.Decisions) == len(f.res.Decisions) && len(res.Egress) == len(f.res.Egress)
	case i < len(f.res.Decisions) && i < len(res.Decisions):
		reproduced = res.Decisions[i] == f.res.Decisions[i]
		if i < len(f.res.Egress) && i < len(res.Egress) {
			reproduced = reproduced && bytes.Equal(res.Egress[i], f.res.Egress[i]) && res.TDest[i] == f.res.TDest[i]
		}
	default:
		reproduced = len(res.Decisions) == len(f.res.Decisions)
	}
	return lo, hi, reproduced, nil
}

// hexDump prints 16 bytes a line with offsets, the form people paste.
func hexDump(b []byte) string {
	var s strings.Builder
	for off := 0; off < len(b); off += 16 {
		end := min(off+16, len(b))
		fmt.Fprintf(&s, "%04x  %s\n", off, hex.EncodeToString(b[off:end]))
	}
	if len(b) == 0 {
		s.WriteString("(empty frame)\n")
	}
	s.WriteString("one line: " + hex.EncodeToString(b))
	return s.String()
}

func describeConfig(c *host.Config) string {
	var parts []string
	parts = append(parts, fmt.Sprintf("promiscuous=%v", c.Promiscuous))
	if len(c.GroupMACs) > 0 {
		var m []string
		for _, g := range c.GroupMACs {
			m = append(m, fmt.Sprintf("%x", g[:]))
		}
		parts = append(parts, "group_macs="+strings.Join(m, ","))
	}
	for i, p := range c.Partitions {
		tbl := "default"
		if p.TablePath != "" {
			tbl = p.TablePath
		} else if p.Table != nil {
			tbl = "custom"
		}
		parts = append(parts, fmt.Sprintf("p%d{key=%x.. eqtm=%d table=%s}", i, p.Key[:4], p.EqualPortsTM, tbl))
	}
	for _, r := range c.Rules {
		parts = append(parts, fmt.Sprintf("rule{%v %d -> %d}", r.Proto, r.Port, r.Partition))
	}
	if c.FlowState.Enabled {
		parts = append(parts, fmt.Sprintf("flow_state=%dx%d", c.FlowState.Sets, c.FlowState.Ways))
	}
	return strings.Join(parts, " ")
}
