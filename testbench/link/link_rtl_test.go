// Package linkbench drives hdl/fs_link_bridge.v under Icarus with frames
// from the Go encoder (driver/link) and checks every response byte and the
// final register file against the Go bridge model (link.Peer).
package linkbench

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/flowsteer/flowsteer/driver/link"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// script builds steps.hex and, through the Go model, the expected output.
type script struct {
	steps  []uint16
	peer   *link.Peer
	regs   *link.MapRegisters
	want   []byte
	frames int
	labels map[int]string // step index of a wait -> what it waited for
}

func newScript() *script {
	regs := link.NewMapRegisters()
	// Same error window as the bench's register file.
	regs.Fail = func(a uint16) bool { return a>>12 == 0xE }
	return &script{peer: link.NewPeer(regs), regs: regs, labels: map[int]string{}}
}

// send puts bytes on rx and feeds them to the model.
func (s *script) send(b []byte) {
	for _, x := range b {
		s.steps = append(s.steps, uint16(x))
	}
	out := s.peer.Feed(b)
	s.want = append(s.want, out...)
	s.frames += bytes.Count(out, []byte{0})
}

// wait makes the bench wait for every response so far.
func (s *script) wait(label string) {
	if s.frames >= 0x1000 {
		panic("script too long for the 12-bit frame count")
	}
	s.labels[len(s.steps)] = label
	s.steps = append(s.steps, 0x1000|uint16(s.frames))
}

func (s *script) reset() {
	s.steps = append(s.steps, 0x2000)
	s.peer.Reset()
}

func (s *script) do(label string, r link.Request) []byte {
	w := link.EncodeRequest(r)
	s.send(w)
	s.wait(label)
	return w
}

func words(vals ...uint32) []byte {
	var b []byte
	for _, v := range vals {
		b = append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return b
}

func buildScript(rng *rand.Rand) *script {
	s := newScript()
	seq := byte(0)
	next := func() byte { seq++; return seq }
	s.send([]byte{0})
	s.do("sync", link.Request{Cmd: link.CmdSync, Seq: seq, N: 1})
	s.do("write scratch", link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x000C, N: 1, Data: words(0xDEADBEEF)})
	s.do("read scratch", link.Request{Cmd: link.CmdRead, Seq: next(), Addr: 0x000C, N: 1})

	// 64 words with no zero byte: the 261-byte read response needs a
	// 0xFF COBS block in the encoder.
	var full []uint32
	for i := 0; i < 64; i++ {
		full = append(full, 0x01010101*uint32(i%200+1)^0x80402010)
	}
	s.do("write 64 words", link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x1000, N: 64, Data: words(full...)})
	s.do("read 64 words", link.Request{Cmd: link.CmdRead, Seq: next(), Addr: 0x1000, N: 64})
	table := make([]byte, 256)
	for i := range table {
		table[i] = byte(i%255 + 1)
	}
	s.do("write8 256 (max frame)", link.Request{Cmd: link.CmdWrite8, Seq: next(), Addr: 0x4000, N: 256, Data: table})
	s.do("read8 256", link.Request{Cmd: link.CmdRead8, Seq: next(), Addr: 0x4000, N: 256})
	for i := range table {
		table[i] = byte(i % 8)
	}
	s.do("write8 with zeros", link.Request{Cmd: link.CmdWrite8, Seq: next(), Addr: 0x4400, N: 256, Data: table})
	s.do("read8 with zeros", link.Request{Cmd: link.CmdRead8, Seq: next(), Addr: 0x4400, N: 256})

	// Retry of the same frame: replayed, not re-executed.
	w := s.do("write to retry", link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x0010, N: 1, Data: words(5)})
	s.send(append([]byte{0}, w...))
	s.wait("replay")
	s.do("newer write", link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x0010, N: 1, Data: words(6)})
	s.send(w)
	s.wait("stale duplicate dropped")

	// Corruption: bit flip, truncation, garbage, overflow.
	good := link.EncodeRequest(link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x0014, N: 1, Data: words(0x77)})
	bad := append([]byte(nil), good...)
	bad[4] ^= 0x08
	s.send(bad)
	s.wait("bit flip dropped")
	s.send(append(append([]byte(nil), good[:len(good)/2]...), 0))
	s.wait("truncated dropped")
	s.send([]byte{0x05, 0x33, 0xFF, 0x12, 0x01})
	s.send(good)
	s.wait("good frame after garbage")
	long := link.EncodeRequest(link.Request{Cmd: link.CmdWrite8, Seq: next(), Addr: 0x4000, N: 256, Data: append(make([]byte, 256), 9)})
	s.send(long)
	s.wait("overflow dropped")
	seq-- // the dropped frame's seq was not consumed by the bridge

	// Bad requests get a status.
	s.do("unknown cmd", link.Request{Cmd: 0x7E, Seq: next(), N: 1})
	s.do("wrong length", link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x20, N: 2, Data: words(1)})
	s.do("n over 64", link.Request{Cmd: link.CmdRead, Seq: next(), Addr: 0x20, N: 65})
	s.do("unaligned", link.Request{Cmd: link.CmdRead, Seq: next(), Addr: 0x22, N: 1})
	s.do("past 0xFFFF", link.Request{Cmd: link.CmdWrite8, Seq: next(), Addr: 0xFFFC, N: 2, Data: []byte{1, 2}})
	s.do("last register", link.Request{Cmd: link.CmdRead8, Seq: next(), Addr: 0xFFFC, N: 1})

	// AXI errors stop the command at the failing word.
	s.do("write into SLVERR", link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0xDFF8, N: 4, Data: words(1, 2, 3, 4)})
	s.do("read into SLVERR", link.Request{Cmd: link.CmdRead, Seq: next(), Addr: 0xDFF8, N: 3})

	// Two frames back to back: the second waits on rx backpressure.
	s.send(link.EncodeRequest(link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x0030, N: 1, Data: words(0x30)}))
	s.send(link.EncodeRequest(link.Request{Cmd: link.CmdRead, Seq: next(), Addr: 0x0030, N: 1}))
	s.wait("back to back")

	// Bridge reset between commands and inside a frame: fresh flag.
	s.reset()
	s.do("after reset", link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x0034, N: 1, Data: words(0x34)})
	half := link.EncodeRequest(link.Request{Cmd: link.CmdWrite, Seq: next(), Addr: 0x0038, N: 1, Data: words(0x38)})
	s.send(half[:5])
	s.reset()
	s.send(append([]byte{0}, link.EncodeRequest(link.Request{Cmd: link.CmdWrite, Seq: seq, Addr: 0x0038, N: 1, Data: words(0x38)})...))
	s.wait("reset inside a frame")
	s.do("sync again", link.Request{Cmd: link.CmdSync, Seq: 200, N: 1})
	seq = 200

	// Random traffic, with retries and filler zeros.
	var last []byte
	for i := 0; i < 250; i++ {
		if last != nil && rng.Intn(8) == 0 {
			s.send(last)
			s.wait(fmt.Sprintf("random retry %d", i))
			continue
		}
		cmd := []byte{link.CmdRead, link.CmdWrite, link.CmdRead8, link.CmdWrite8}[rng.Intn(4)]
		n := 1 + rng.Intn(64)
		if cmd == link.CmdWrite8 || cmd == link.CmdRead8 {
			n = 1 + rng.Intn(256)
		}
		addr := uint16(rng.Intn(0x800)) * 4
		if rng.Intn(10) == 0 {
			addr = 0xDF00 + uint16(rng.Intn(64))*4
		}
		var data []byte
		switch cmd {
		case link.CmdWrite:
			data = make([]byte, 4*n)
		case link.CmdWrite8:
			data = make([]byte, n)
		}
		for j := range data {
			if rng.Intn(4) == 0 {
				data[j] = 0
			} else {
				data[j] = byte(rng.Intn(256))
			}
		}
		if uint32(addr)+4*uint32(n) > 0x10000 {
			n = 1
			data = data[:len(data)/max(1, len(data))]
		}
		last = link.EncodeRequest(link.Request{Cmd: cmd, Seq: next(), Addr: addr, N: n, Data: data})
		if rng.Intn(5) == 0 {
			s.send(make([]byte, 1+rng.Intn(6))) // SPI-style filler
		}
		s.send(last)
		s.wait(fmt.Sprintf("random %d", i))
	}
	return s
}

func sharedHDL(t *testing.T) string {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return filepath.Join(root, "hdl")
}

type benchRun struct {
	tx          []byte
	regs        []uint32
	turnarounds map[int]int
	log         string
}

func runBench(t *testing.T, s *script, stall int) benchRun {
	t.Helper()
	if _, err := exec.LookPath("iverilog"); err != nil {
		t.Skip("iverilog not installed")
	}
	dir := t.TempDir()
	var sb strings.Builder
	for _, st := range s.steps {
		fmt.Fprintf(&sb, "%04x\n", st)
	}
	sb.WriteString("ffff\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "steps.hex"), []byte(sb.String()), 0o644))
	hdl := sharedHDL(t)
	out, err := exec.Command("iverilog", "-g2005", "-Wall", "-o", filepath.Join(dir, "tb.vvp"),
		"tb_link_bridge.v", filepath.Join(hdl, "fs_link_bridge.v"), filepath.Join(hdl, "fs_link_ram.v")).CombinedOutput()
	require.NoError(t, err, string(out))
	cmd := exec.Command("vvp", "-n", "tb.vvp", fmt.Sprintf("+stall=%d", stall), "+seed=7")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	r := benchRun{log: string(out), turnarounds: map[int]int{}}
	require.Contains(t, r.log, "DONE", r.log)
	assert.NotContains(t, r.log, "FAIL", r.log)
	for _, m := range regexp.MustCompile(`TURNAROUND (\d+) (-?\d+)`).FindAllStringSubmatch(r.log, -1) {
		step, _ := strconv.Atoi(m[1])
		cyc, _ := strconv.Atoi(m[2])
		r.turnarounds[step] = cyc
	}
	r.tx = readHexFile(t, filepath.Join(dir, "tx.hex"), 8)
	for _, v := range readHexFileWords(t, filepath.Join(dir, "regs.hex")) {
		r.regs = append(r.regs, v)
	}
	return r
}

func readHexFile(t *testing.T, path string, bits int) []byte {
	var out []byte
	for _, v := range readHexFileWords(t, path) {
		out = append(out, byte(v))
	}
	return out
}

func readHexFileWords(t *testing.T, path string) []uint32 {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []uint32
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "//") || strings.HasPrefix(line, "@") {
			continue
		}
		v, err := strconv.ParseUint(line, 16, 32)
		require.NoError(t, err, line)
		out = append(out, uint32(v))
	}
	return out
}

func checkAgainstModel(t *testing.T, s *script, r benchRun) {
	t.Helper()
	// Compare frame by frame so a failure names the first bad response.
	wantFrames := bytes.SplitAfter(s.want, []byte{0})
	gotFrames := bytes.SplitAfter(r.tx, []byte{0})
	for i := 0; i < min(len(wantFrames), len(gotFrames)); i++ {
		if !bytes.Equal(wantFrames[i], gotFrames[i]) {
			t.Fatalf("response %d differs:\n got % x\nwant % x", i, gotFrames[i], wantFrames[i])
		}
	}
	require.Equal(t, len(wantFrames), len(gotFrames), "response count")
	require.Len(t, r.regs, 16384)
	for i, v := range r.regs {
		want := s.regs.Vals[uint16(4*i)]
		if v != want {
			t.Fatalf("register 0x%04x = 0x%08x, model 0x%08x", 4*i, v, want)
		}
	}
}

func TestBridgeMatchesModel(t *testing.T) {
	s := buildScript(rand.New(rand.NewSource(3)))
	require.Greater(t, s.frames, 250)
	for _, stall := range []int{0, 1} {
		t.Run(fmt.Sprintf("stall=%d", stall), func(t *testing.T) {
			r := runBench(t, s, stall)
			checkAgainstModel(t, s, r)
		})
	}
}

// BridgeCyclesPerWord8 is measured here and used by the driver benchmark:
// cycles from the last byte of a 256-entry WRITE8 to the first response
// byte, with a zero-wait register file.
func TestBridgeWrite8Turnaround(t *testing.T) {
	s := newScript()
	s.send([]byte{0})
	s.do("sync", link.Request{Cmd: link.CmdSync, N: 1})
	table := make([]byte, 256)
	s.do("write8 256", link.Request{Cmd: link.CmdWrite8, Seq: 1, Addr: 0x4000, N: 256, Data: table})
	s.do("read8 256", link.Request{Cmd: link.CmdRead8, Seq: 2, Addr: 0x4000, N: 256})
	r := runBench(t, s, 0)
	checkAgainstModel(t, s, r)
	var steps []int
	for st, label := range s.labels {
		if strings.HasSuffix(label, " 256") {
			steps = append(steps, st)
		}
	}
	require.Len(t, steps, 2)
	for _, st := range steps {
		cyc, ok := r.turnarounds[st]
		require.True(t, ok, "no turnaround for %s", s.labels[st])
		t.Logf("%s: %d cycles from the last request byte to the first response byte (%.2f per entry)", s.labels[st], cyc, float64(cyc)/256)
		// docs/link-protocol.md promises 2 cycles per entry with a zero-wait slave.
		assert.LessOrEqual(t, cyc, 2*256+32, s.labels[st])
	}
}
