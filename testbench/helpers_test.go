package testbench

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/driver"
	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/sim"
)

// -frames (or FLOWSTEER_TB_FRAMES) sizes the random run; the default keeps
// `make test` well inside its budget. The million-frame run:
//
//	go test ./testbench -run TestRandomAdversarialMutated -timeout 60m -args -frames 1000000
var framesFlag = flag.Int("frames", 0, "random frames in TestRandomAdversarialMutated (default 40000, env FLOWSTEER_TB_FRAMES)")

func randomFrames(t *testing.T) int {
	if *framesFlag > 0 {
		return *framesFlag
	}
	if s := os.Getenv("FLOWSTEER_TB_FRAMES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "FLOWSTEER_TB_FRAMES")
		return n
	}
	return 40000
}

// tracesDir is ../shared/traces (FLOWSTEER_SHARED overrides); absent, the
// test is skipped saying so.
func tracesDir(t *testing.T) string {
	d := os.Getenv("FLOWSTEER_SHARED")
	if d == "" {
		d = filepath.Join("..", "..", "shared")
	}
	p := filepath.Join(d, "traces")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared traces not found at %s (set FLOWSTEER_SHARED): skipping", p)
	}
	return p
}

// traceFiles lists the captures in the traces directory.
func traceFiles(t *testing.T) []string {
	dir := tracesDir(t)
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range ents {
		n := e.Name()
		if strings.HasSuffix(n, ".pcap") || strings.HasSuffix(n, ".pcapng") || strings.HasSuffix(n, ".cap") {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Strings(out)
	require.NotEmpty(t, out, "no captures in %s", dir)
	return out
}

func loadFrames(t *testing.T, path string, cfg *host.Config) [][]byte {
	fr, err := capture.ReadAll(path, replay.CaptureOptions(cfg))
	require.NoError(t, err, path)
	out := make([][]byte, len(fr))
	for i := range fr {
		out[i] = fr[i].Data
	}
	return out
}

// deviceCaps reads the simulated device's build parameters.
func deviceCaps(t *testing.T) driver.Caps {
	s, err := sim.New(sim.Options{})
	require.NoError(t, err)
	defer s.Close()
	c, err := driver.New(s, "sim").Caps()
	require.NoError(t, err)
	return c
}

// flowStateAvailable says whether the RTL has its flow table (issue 6).
func flowStateAvailable(t *testing.T) bool {
	return deviceCaps(t).FlowEnable
}

func newBench(t *testing.T, cfg *host.Config, opts Options) *Bench {
	t.Helper()
	if opts.ReportDir == "" {
		opts.ReportDir = filepath.Join(t.TempDir(), "report")
	}
	b, err := New(cfg, opts)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	return b
}

// runClean runs frames and fails with the report's text on a mismatch.
func runClean(t *testing.T, b *Bench, frames [][]byte, changes []Change) {
	t.Helper()
	err := b.Run(frames, changes)
	if me, ok := err.(*MismatchError); ok {
		rep, _ := os.ReadFile(filepath.Join(me.Dir, "report.txt"))
		t.Fatalf("%v\n%s", err, rep)
	}
	require.NoError(t, err)
	require.NoError(t, b.Finish())
}

// tableOf returns a table whose every entry is tm: a frame's decision then
// shows which table it saw.
func tableOf(tm uint8) *[host.TableSize]uint8 {
	var t [host.TableSize]uint8
	for i := range t {
		t[i] = tm
	}
	return &t
}
