package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/table"
	"github.com/flowsteer/flowsteer/testbench"
)

// demoCapture is the capture bundled with the repository (testdata/demo).
func demoCapture(t *testing.T) string {
	p := filepath.Join("..", "..", "..", "testdata", "demo", "many-protocols.pcap")
	_, err := os.Stat(p)
	require.NoError(t, err, "bundled demo capture")
	return p
}

// cosimFixture writes a configuration with two table images (partition 1
// for TCP 443) and a change image, all built by `flowsteer table build`.
func cosimFixture(t *testing.T) (dir, cfgPath, changeImg string) {
	dir = t.TempDir()
	for _, a := range [][]string{
		{"table", "build", "--weights", "3,1,1,1,2", "-o", filepath.Join(dir, "p0.img")},
		{"table", "build", "--weights", "1,1,1,1,1,1,1,1,1,1,1", "-o", filepath.Join(dir, "p1.img")},
		{"table", "build", "--weights", "0,0,0,0,0,0,0,0,0,1,1", "-o", filepath.Join(dir, "change.img")},
	} {
		code, _, errs := run(t, "", a...)
		require.Equal(t, 0, code, "%v: %s", a, errs)
	}
	cfgPath = filepath.Join(dir, "steer.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(`promiscuous: true
partitions:
  - table: p0.img
  - table: p1.img
    equal_ports_tm: 4
rules:
  - {proto: tcp, port: 443, partition: 1}
`), 0o644))
	return dir, cfgPath, filepath.Join(dir, "change.img")
}

// TestCosimLogEqualsModelLog: the hardware's log from cosim is byte for
// byte the model's log from `flowsteer model`, with a table change in the
// middle and bursty backpressure, directly and over the link bridge.
func TestCosimLogEqualsModelLog(t *testing.T) {
	capPath := demoCapture(t)
	dir, cfgPath, changeImg := cosimFixture(t)
	change := "1500:" + changeImg
	sw := filepath.Join(dir, "sw.tsv")
	code, _, errs := run(t, "", "model", capPath, "--config", cfgPath, "--change", change, "-o", sw)
	require.Equal(t, 0, code, errs)
	want, err := os.ReadFile(sw)
	require.NoError(t, err)
	for _, extra := range [][]string{{"--backpressure", "bursty"}, {"--link", "--backpressure", "random", "--seed", "9"}} {
		hw := filepath.Join(dir, "hw.tsv")
		args := append([]string{"cosim", capPath, "--config", cfgPath, "--change", change, "-o", hw}, extra...)
		code, out, errs := run(t, "", args...)
		require.Equal(t, 0, code, "%v: %s", extra, errs)
		assert.Empty(t, out)
		assert.Contains(t, errs, "frames 4709")
		assert.Contains(t, errs, "cycles/s")
		got, err := os.ReadFile(hw)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%v", extra)
	}
}

// TestCosimStreamsAcrossChunks: with the capture streamed in chunks of 1000
// frames, changes before, at and after chunk boundaries still land on their
// frames: the hardware log equals the model's.
func TestCosimStreamsAcrossChunks(t *testing.T) {
	capPath := demoCapture(t)
	dir, cfgPath, changeImg := cosimFixture(t)
	saved := streamChunk
	streamChunk = 1000
	defer func() { streamChunk = saved }()
	changes := []string{"--change", "1000:" + changeImg, "--change", "2001:" + filepath.Join(dir, "p0.img"),
		"--change", "4709:" + changeImg}
	sw := filepath.Join(dir, "sw.tsv")
	code, _, errs := run(t, "", append([]string{"model", capPath, "--config", cfgPath, "-o", sw}, changes...)...)
	require.Equal(t, 0, code, errs)
	want, err := os.ReadFile(sw)
	require.NoError(t, err)
	// One simulator, then three sharing every chunk (parts of about 333
	// frames, so changes fall at part edges too), then one per CPU.
	for _, jobs := range []string{"1", "3", "0"} {
		hw := filepath.Join(dir, "hw.tsv")
		code, _, errs = run(t, "", append([]string{"cosim", capPath, "--config", cfgPath, "-o", hw, "--jobs", jobs}, changes...)...)
		require.Equal(t, 0, code, errs)
		assert.Contains(t, errs, "frames 4709")
		got, err := os.ReadFile(hw)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "--jobs %s", jobs)
	}
	code, out, errs := run(t, "", append([]string{"compare", capPath, "--config", cfgPath, "-j", "2",
		"--report", filepath.Join(dir, "rep")}, changes...)...)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "simulators  2")
	assert.Contains(t, out, "commits     3")
	assert.Contains(t, out, "agree on every frame")
}

// TestComparePassesAndDrawsLoad: compare agrees on the bundled capture
// and writes the PNG; the printed counts match the model's own summary.
func TestComparePassesAndDrawsLoad(t *testing.T) {
	capPath := demoCapture(t)
	dir, cfgPath, changeImg := cosimFixture(t)
	png := filepath.Join(dir, "load.png")
	code, out, errs := run(t, "", "compare", capPath, "--config", cfgPath, "--change", "100:"+changeImg,
		"--png", png, "--report", filepath.Join(dir, "rep"))
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "mismatches  0")
	assert.Contains(t, out, "frames      4709")
	assert.Contains(t, out, "agree on every frame")
	assert.NotContains(t, out, "differs")
	b, err := os.ReadFile(png)
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG", string(b[:4]))
	_, err = os.Stat(filepath.Join(dir, "rep"))
	assert.True(t, os.IsNotExist(err), "no report without a mismatch")

	// The per-reason counts printed are the model's (from `flowsteer model`).
	_, _, merrs := run(t, "", "model", capPath, "--config", cfgPath, "--change", "100:"+changeImg, "-o", filepath.Join(dir, "sw.tsv"))
	for _, line := range strings.Split(merrs, "\n") {
		f := strings.Fields(line)
		if len(f) == 3 && strings.HasSuffix(f[2], "%") && f[0] != "frames" {
			assert.Regexp(t, `(?m)^\s*`+f[0]+`\s+`+f[1]+`\s+`+f[1]+`$`, out, "%s in both columns", f[0])
		}
	}
}

// TestCompareCommitInFlight: with --link --commit-in-flight the COMMITs are
// written while frames stream, and the RTL still agrees with the model
// switching tables at one frame boundary within the first few frames.
func TestCompareCommitInFlight(t *testing.T) {
	capPath := demoCapture(t)
	dir, cfgPath, changeImg := cosimFixture(t)
	code, out, errs := run(t, "", "compare", capPath, "--config", cfgPath, "--link", "--commit-in-flight",
		"--change", "700:"+changeImg, "--change", "3000:"+filepath.Join(dir, "p1.img"), "--report", filepath.Join(dir, "rep"))
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "mismatches  0")
	assert.Regexp(t, `commits     2 \(2 in flight; the hardware switched at these frames: \[(70[0-9]|71[0-9]) (30[0-9][0-9])\]\)`, out)
	code, _, errs = run(t, "", "compare", capPath, "--commit-in-flight")
	assert.Equal(t, 2, code, errs)
	assert.Contains(t, errs, "--link")
}

func TestCosimCompareErrors(t *testing.T) {
	capPath := demoCapture(t)
	dir := t.TempDir()
	img := filepath.Join(dir, "x.img")
	var tbl table.Table
	require.NoError(t, table.WriteFile(img, table.Image{Partition: 0, TMBits: 8, Table: tbl}))
	flowCfg := filepath.Join(dir, "flow.yaml")
	require.NoError(t, os.WriteFile(flowCfg, []byte("flow_state:\n  enabled: true\n"), 0o644))
	for _, c := range []struct {
		code int
		args []string
	}{
		{2, []string{"cosim"}},
		{2, []string{"compare", "a", "b"}},
		{2, []string{"compare", capPath, "--backpressure", "sometimes"}},
		{2, []string{"cosim", capPath, "--change", "nope"}},
		{2, []string{"cosim", capPath, "--batch", "0"}},
		{2, []string{"cosim", capPath, "--jobs", "-1"}},
		{2, []string{"cosim", capPath, "--jobs", "65"}},
		{2, []string{"compare", capPath, "--jobs", "2", "--config", flowCfg}},
		{2, []string{"compare", capPath, "--jobs", "2", "--link", "--commit-in-flight"}},
		{2, []string{"cosim", capPath, "--jobs", "2", "--fst", filepath.Join(dir, "w.fst")}},
		{1, []string{"compare", filepath.Join(dir, "missing.pcap")}},
		{1, []string{"compare", capPath, "--config", filepath.Join(dir, "missing.yaml")}},
		{1, []string{"cosim", capPath, "--change", "999999:" + img}},
	} {
		code, out, errs := run(t, "", c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, errs)
		assert.Empty(t, out, "%v", c.args)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "one line: %q", errs)
		assert.True(t, strings.HasPrefix(errs, "flowsteer: "), errs)
	}
	for _, name := range []string{"cosim", "compare"} {
		code, out, _ := run(t, "", name, "--help")
		require.Equal(t, 0, code)
		assert.Contains(t, out, "Examples:")
		assert.Contains(t, out, "flowsteer "+name+" ")
	}
}

// TestAutoJobs: --jobs 0 runs one simulator per CPU (capped) only when the
// frames may be split between devices.
func TestAutoJobs(t *testing.T) {
	plain := &host.Config{}
	flow := &host.Config{}
	flow.FlowState.Enabled = true
	assert.Equal(t, 2, autoJobs(plain, testbench.Options{}, 2))
	assert.Equal(t, 1, autoJobs(plain, testbench.Options{}, 1))
	assert.Equal(t, maxAutoJobs, autoJobs(plain, testbench.Options{}, 96))
	assert.Equal(t, 1, autoJobs(flow, testbench.Options{}, 4), "flow state")
	assert.Equal(t, 1, autoJobs(plain, testbench.Options{InFlightCommits: true}, 4), "in-flight commits")
	assert.Equal(t, 1, autoJobs(plain, testbench.Options{FST: "x.fst"}, 4), "whole-run FST")
}
