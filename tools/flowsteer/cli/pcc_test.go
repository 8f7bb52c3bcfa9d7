package cli

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/table"
)

// pccConn is a TCP/UDP connection of a generated capture.
type pccConn struct {
	udp          bool
	client, srv  [4]byte
	cport, sport uint16 // cport > sport: the client side is hashed
}

// frame builds Ethernet / IPv4 / L4 bytes by hand, either direction.
func (c pccConn) frame(fromClient bool) []byte {
	src, dst, sp, dp := c.client, c.srv, c.cport, c.sport
	if !fromClient {
		src, dst, sp, dp = c.srv, c.client, c.sport, c.cport
	}
	b := []byte{0x02, 0, 0, 0, 0, 0x01, 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0x08, 0x00}
	ip := make([]byte, 20)
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], 40)
	ip[8], ip[9] = 64, 6
	if c.udp {
		ip[9] = 17
	}
	copy(ip[12:], src[:])
	copy(ip[16:], dst[:])
	l4 := make([]byte, 20)
	binary.BigEndian.PutUint16(l4[0:], sp)
	binary.BigEndian.PutUint16(l4[2:], dp)
	return append(append(b, ip...), l4...)
}

// bucket is the connection's table index, computed here from SPEC 2 step 11
// and SPEC 3 (client address as ::ffff:a.b.c.d ‖ client port, default key).
func (c pccConn) bucket() int {
	in := make([]byte, 18)
	in[10], in[11] = 0xff, 0xff
	copy(in[12:16], c.client[:])
	binary.BigEndian.PutUint16(in[16:], c.cport)
	return int(host.ToeplitzBitwise(host.DefaultKey, in) & 0xfff)
}

func pccWriteCapture(t *testing.T, dir string, frames [][]byte) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, capture.WritePcap(&buf, 1, frames))
	p := filepath.Join(dir, "gen.pcap")
	require.NoError(t, os.WriteFile(p, buf.Bytes(), 0o644))
	return p
}

func pccWriteImage(t *testing.T, dir string, name string, tbl [host.TableSize]uint8) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, table.WriteFile(p, table.Image{Partition: 0, TMBits: 8, Table: table.Table(tbl)}))
	return p
}

// pccNumber finds "<label> <n>" in the report (label is a regexp).
func pccNumber(t *testing.T, out, label string) int {
	t.Helper()
	m := regexp.MustCompile(label + `\s+(\d+)`).FindStringSubmatch(out)
	require.NotNil(t, m, "no %q in:\n%s", label, out)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

func runPcc(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// A hand-traced case: one set of four ways, every bucket moved by the
// change. A B C D fill the set (A least recent); after the change the new
// connection N evicts A; B C D hit; A misses (re-inserted with the new TM:
// moved) and evicts N. Expected by hand: 4 established, all 4 move without
// flow state, exactly 1 (A) with it, 2 evictions after the change.
func TestPccHandTraced(t *testing.T) {
	dir := t.TempDir()
	srv := [4]byte{10, 9, 9, 9}
	conn := func(last byte) pccConn {
		return pccConn{client: [4]byte{10, 0, 0, last}, srv: srv, cport: 40000, sport: 80}
	}
	A, B, C, D, N := conn(1), conn(2), conn(3), conn(4), conn(5)
	frames := [][]byte{A.frame(true), B.frame(true), C.frame(true), D.frame(true),
		N.frame(true), B.frame(false), C.frame(false), D.frame(true), A.frame(false)}
	capPath := pccWriteCapture(t, dir, frames)
	var next [host.TableSize]uint8
	for i := range next {
		next[i] = uint8((i + 1) % 8) // the default is i mod 8: every bucket moves
	}
	img := pccWriteImage(t, dir, "next.fstb", next)
	pngPath := filepath.Join(dir, "pcc.png")

	code, out, errs := runPcc(t, "pcc", capPath, "--change", "5:"+img, "--sets", "1", "--ways", "4", "--png", pngPath)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, 5, pccNumber(t, out, `connections \(hashed TCP/UDP\)`))
	assert.Equal(t, 4, pccNumber(t, out, `established \(both sides\)`))
	assert.Equal(t, 1, pccNumber(t, out, `only after the change`))
	assert.Equal(t, 4096, pccNumber(t, out, `buckets moved by the change`))
	assert.Equal(t, 4, pccNumber(t, out, `established moved, flow state off`))
	assert.Equal(t, 1, pccNumber(t, out, `established moved, flow state on`))
	assert.Equal(t, 1, pccNumber(t, out, `predicted by flow-table misses`))
	assert.Contains(t, out, "after the change: 3 hits, 2 evictions, 2 misses = 1 on 1 keys new since the change + 1 re-insertions")
	assert.Contains(t, out, "occupancy 4 at the change, 4 at the end")
	assert.Contains(t, out, ": consistent")

	f, err := os.Open(pngPath)
	require.NoError(t, err)
	defer f.Close()
	im, err := png.Decode(f)
	require.NoError(t, err)
	assert.Greater(t, im.Bounds().Dx(), 100)
}

// A generated capture with a deliberately small flow table: the damage
// (established connections moved with flow state on) equals what the flow
// table's events predict, the moved count without flow state equals the
// count this test derives from the buckets, and a table larger than the
// connections brings the damage to zero.
func TestPccSmallTableDamageIsPredicted(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(7))
	var conns []pccConn
	servers := [][4]byte{{192, 168, 0, 1}, {192, 168, 0, 2}, {192, 168, 0, 3}}
	for i := 0; i < 200; i++ {
		conns = append(conns, pccConn{udp: i%5 == 0, client: [4]byte{10, 1, byte(i >> 8), byte(i)},
			srv: servers[rng.Intn(3)], cport: uint16(1024 + rng.Intn(60000)), sport: []uint16{53, 80, 443}[rng.Intn(3)]})
	}
	var frames [][]byte
	before, after := map[int]bool{}, map[int]bool{}
	for k := 0; k < 1500; k++ { // connections 0..149 before the change
		i := rng.Intn(150)
		before[i] = true
		frames = append(frames, conns[i].frame(rng.Intn(2) == 0))
	}
	changeFrame := len(frames) + 1
	for k := 0; k < 1500; k++ { // connections 50..199 after it
		i := 50 + rng.Intn(150)
		after[i] = true
		frames = append(frames, conns[i].frame(rng.Intn(2) == 0))
	}
	var next [host.TableSize]uint8
	movedBuckets := 0
	for i := range next {
		next[i] = uint8(rng.Intn(8))
		if next[i] != uint8(i%8) {
			movedBuckets++
		}
	}
	established, movedOff := 0, 0
	for i := range conns {
		if before[i] && after[i] {
			established++
			b := conns[i].bucket()
			if next[b] != uint8(b%8) {
				movedOff++
			}
		}
	}
	capPath := pccWriteCapture(t, dir, frames)
	img := pccWriteImage(t, dir, "next.fstb", next)
	change := strconv.Itoa(changeFrame) + ":" + img

	code, out, errs := runPcc(t, "pcc", capPath, "--change", change, "--sets", "8", "--ways", "2")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, established, pccNumber(t, out, `established \(both sides\)`))
	assert.Equal(t, movedBuckets, pccNumber(t, out, `buckets moved by the change`))
	assert.Equal(t, movedOff, pccNumber(t, out, `established moved, flow state off`))
	damage := pccNumber(t, out, `established moved, flow state on`)
	predicted := pccNumber(t, out, `predicted by flow-table misses`)
	assert.Equal(t, predicted, damage, "damage equals the prediction")
	assert.Greater(t, damage, 0, "16 entries for 150 active connections must lose some")
	assert.LessOrEqual(t, damage, movedOff, "flow state never moves a connection the table change did not")
	assert.Contains(t, out, ": consistent")
	// The counters' own identity: misses after the change split into new
	// keys' misses and re-insertions of older keys.
	m := regexp.MustCompile(`(\d+) misses = (\d+) on \d+ keys new since the change \+ (\d+) re-insertions`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	total, _ := strconv.Atoi(m[1])
	newMisses, _ := strconv.Atoi(m[2])
	reins, _ := strconv.Atoi(m[3])
	assert.Equal(t, total, newMisses+reins)
	reMissed := regexp.MustCompile(`\((\d+) established re-inserted`).FindStringSubmatch(out)
	require.NotNil(t, reMissed, out)
	nReMissed, _ := strconv.Atoi(reMissed[1])
	assert.GreaterOrEqual(t, reins, nReMissed, "each re-inserted connection needs a re-insertion")
	assert.GreaterOrEqual(t, nReMissed, damage)

	// Large table: no eviction, no damage.
	code, out, errs = runPcc(t, "pcc", capPath, "--change", change, "--sets", "1024", "--ways", "8")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "whole capture: ")
	assert.Regexp(t, `whole capture: \d+ hits, \d+ misses, \d+ inserts, 0 evictions`, out)
	assert.Equal(t, 0, pccNumber(t, out, `established moved, flow state on`))
	assert.Equal(t, movedOff, pccNumber(t, out, `established moved, flow state off`))
}

func TestPccUsageErrors(t *testing.T) {
	dir := t.TempDir()
	capPath := pccWriteCapture(t, dir, [][]byte{pccConn{client: [4]byte{10, 0, 0, 1}, srv: [4]byte{10, 0, 0, 2}, cport: 5000, sport: 80}.frame(true)})
	var tbl [host.TableSize]uint8
	img := pccWriteImage(t, dir, "zero.fstb", tbl)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"pcc", capPath}, 2, "exactly one --change"},
		{[]string{"pcc", capPath, "--change", "1:" + img, "--change", "1:" + img}, 2, "exactly one --change"},
		{[]string{"pcc", capPath, "--change", "zero:" + img}, 2, "not a frame number"},
		{[]string{"pcc", capPath, "--change", "1:" + filepath.Join(dir, "none.fstb")}, 2, "none.fstb"},
		{[]string{"pcc", capPath, "--change", "2:" + img}, 1, "only 1 frames"},
		{[]string{"pcc", capPath, "--change", "1:" + img, "--sets", "3"}, 1, "power of two"},
		{[]string{"pcc", filepath.Join(dir, "nope.pcap"), "--change", "1:" + img}, 1, "nope.pcap"},
	} {
		code, _, errs := runPcc(t, c.args...)
		assert.Equal(t, c.code, code, "%v: %s", c.args, errs)
		assert.Contains(t, errs, c.msg, "%v", c.args)
		assert.Equal(t, 1, strings.Count(errs, "\n"), "one-line error: %q", errs)
	}
}

// model --change: the decision log switches tables before the given frame.
func TestModelChangeFlag(t *testing.T) {
	dir := t.TempDir()
	var frames [][]byte
	for i := 0; i < 6; i++ {
		frames = append(frames, pccConn{client: [4]byte{10, 0, 0, byte(i)}, srv: [4]byte{10, 0, 0, 200}, cport: 30000, sport: 80}.frame(true))
	}
	capPath := pccWriteCapture(t, dir, frames)
	var sevens, fives [host.TableSize]uint8
	for i := range sevens {
		sevens[i], fives[i] = 7, 5
	}
	img7 := pccWriteImage(t, dir, "seven.fstb", sevens)
	img5 := pccWriteImage(t, dir, "five.fstb", fives)
	code, out, errs := runPcc(t, "model", capPath, "--change", "3:"+img7, "--change", "5:"+img5)
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 7)
	for i, want := range []string{"", "", "7", "7", "5", "5"} {
		tm := strings.Split(lines[1+i], "\t")[4]
		if want == "" {
			assert.NotEqual(t, "7", tm)
			assert.NotEqual(t, "5", tm)
		} else {
			assert.Equal(t, want, tm, "frame %d", i+1)
		}
	}
	code, _, errs = runPcc(t, "model", capPath, "--change", "9:"+img7)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "only 6 frames")
}

func pccSharedDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("FLOWSTEER_SHARED"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("../shared not found (set FLOWSTEER_SHARED): skipping pcc on shared traces")
	}
	return d
}

// Shared traces: every run is internally consistent (damage == prediction,
// damage <= moved without flow state) for a small and the default table.
func TestPccSharedTraces(t *testing.T) {
	traces := filepath.Join(pccSharedDir(t), "traces")
	dir := t.TempDir()
	var next [host.TableSize]uint8
	for i := range next {
		next[i] = uint8((i*5 + i/512) % 8) // moves most buckets, keeps some
	}
	img := pccWriteImage(t, dir, "next.fstb", next)
	for _, name := range []string{"pcapplusplus__many-protocols.pcap", "pcapplusplus__tls2.pcap", "nDPI__reddit.pcap"} {
		p := filepath.Join(traces, name)
		if _, err := os.Stat(p); err != nil {
			t.Logf("%s absent, skipped", name)
			continue
		}
		frames, err := capture.ReadAll(p, capture.Options{})
		require.NoError(t, err)
		change := strconv.Itoa(len(frames)/2) + ":" + img
		for _, geo := range [][]string{{"--sets", "16", "--ways", "2"}, {}} {
			args := append([]string{"pcc", p, "--change", change}, geo...)
			code, out, errs := runPcc(t, args...)
			require.Equal(t, 0, code, errs)
			damage := pccNumber(t, out, `established moved, flow state on`)
			assert.Equal(t, pccNumber(t, out, `predicted by flow-table misses`), damage, "%s %v", name, geo)
			assert.LessOrEqual(t, damage, pccNumber(t, out, `established moved, flow state off`))
			assert.Contains(t, out, ": consistent")
			t.Logf("%s %v:\n%s", name, geo, out)
		}
	}
}
