package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeTemp(t testing.TB, name string, b []byte) string {
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

func pcapBytes(t testing.TB, lt uint16, frames [][]byte) []byte {
	var buf bytes.Buffer
	require.NoError(t, WritePcap(&buf, lt, frames))
	return buf.Bytes()
}

// synth builds the expected converted frame by hand.
func synth(dst []byte, etherType []byte, payload []byte) []byte {
	out := append([]byte{}, dst...)
	out = append(out, 0, 0, 0, 0, 0, 0)
	out = append(out, etherType...)
	return append(out, payload...)
}

var defDst = []byte{0x02, 0, 0, 0, 0, 0x01}

func TestEthernetPassesThrough(t *testing.T) {
	frames := [][]byte{{1, 2, 3}, bytes.Repeat([]byte{0xab}, 60), {}}
	got, err := ReadAll(writeTemp(t, "e.pcap", pcapBytes(t, 1, frames)), Options{})
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i, f := range frames {
		assert.Equal(t, f, append([]byte{}, got[i].Data...), "frame %d", i+1)
		assert.Equal(t, uint16(1), got[i].LinkType)
		assert.Equal(t, len(f), got[i].OrigLen)
		assert.False(t, got[i].Malformed)
	}
}

func TestSLLConversion(t *testing.T) {
	payload := []byte{0x45, 0, 0, 20, 9, 9}
	sll := append([]byte{0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x86, 0xdd}, payload...)
	short := sll[:15]
	exact := sll[:16]
	got, err := ReadAll(writeTemp(t, "s.pcap", pcapBytes(t, 113, [][]byte{sll, short, exact, {}})), Options{})
	require.NoError(t, err)
	require.Len(t, got, 4)
	assert.Equal(t, synth(defDst, []byte{0x86, 0xdd}, payload), got[0].Data)
	assert.False(t, got[0].Malformed)
	assert.True(t, got[1].Malformed)
	assert.Empty(t, got[1].Data, "a malformed record must also be a <14-byte frame")
	assert.Equal(t, synth(defDst, []byte{0x86, 0xdd}, nil), got[2].Data)
	assert.False(t, got[2].Malformed)
	assert.True(t, got[3].Malformed)
	for _, f := range got {
		assert.Equal(t, uint16(113), f.LinkType)
	}
}

func TestSLL2Conversion(t *testing.T) {
	payload := []byte{0x60, 1, 2, 3}
	sll2 := append([]byte{0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0}, payload...)
	dst := [6]byte{0x01, 0x00, 0x5e, 0, 0, 7}
	got, err := ReadAll(writeTemp(t, "s2.pcap", pcapBytes(t, 276, [][]byte{sll2, sll2[:19], sll2[:20]})), Options{SynthDst: dst})
	require.NoError(t, err)
	require.Len(t, got, 3)
	// EtherType from SLL2 bytes 0-1 (0x0800), not from the payload's nibble
	assert.Equal(t, synth(dst[:], []byte{0x08, 0x00}, payload), got[0].Data)
	assert.True(t, got[1].Malformed)
	assert.Empty(t, got[1].Data)
	assert.Equal(t, synth(dst[:], []byte{0x08, 0x00}, nil), got[2].Data)
}

func TestRawIPConversion(t *testing.T) {
	v4 := []byte{0x45, 0, 0, 20}
	v6 := []byte{0x60, 0, 0, 0}
	v5 := []byte{0x50, 1}
	for _, lt := range []uint16{101, 228, 229} {
		got, err := ReadAll(writeTemp(t, "r.pcap", pcapBytes(t, lt, [][]byte{v4, v6, v5, {}})), Options{})
		require.NoError(t, err)
		require.Len(t, got, 4)
		assert.Equal(t, synth(defDst, []byte{0x08, 0x00}, v4), got[0].Data, "lt %d", lt)
		assert.Equal(t, synth(defDst, []byte{0x86, 0xdd}, v6), got[1].Data, "lt %d", lt)
		assert.Equal(t, synth(defDst, []byte{0, 0}, v5), got[2].Data, "lt %d", lt)
		assert.Equal(t, synth(defDst, []byte{0, 0}, nil), got[3].Data, "lt %d: empty packet", lt)
		for _, f := range got {
			assert.False(t, f.Malformed)
			assert.Equal(t, lt, f.LinkType)
		}
	}
}

// handPcap builds a classic pcap header and records byte by byte, for the
// variants pcapgo's writer does not produce.
func handPcap(order binary.AppendByteOrder, magic uint32, snaplen, link uint32, recs [][]byte) []byte {
	var b []byte
	b = order.AppendUint32(b, magic)
	b = order.AppendUint16(b, 2)
	b = order.AppendUint16(b, 4)
	b = order.AppendUint32(b, 0)
	b = order.AppendUint32(b, 0)
	b = order.AppendUint32(b, snaplen)
	b = order.AppendUint32(b, link)
	for i, r := range recs {
		b = order.AppendUint32(b, uint32(i+1))
		b = order.AppendUint32(b, 999)
		b = order.AppendUint32(b, uint32(len(r)))
		b = order.AppendUint32(b, uint32(len(r)+4))
		b = append(b, r...)
	}
	return b
}

func TestPcapVariants(t *testing.T) {
	recs := [][]byte{bytes.Repeat([]byte{7}, 100), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}}
	cases := []struct {
		name    string
		order   binary.AppendByteOrder
		magic   uint32
		snaplen uint32
		link    uint32
		want    uint16
	}{
		{"le-micro", binary.LittleEndian, 0xa1b2c3d4, 65535, 1, 1},
		{"be-micro", binary.BigEndian, 0xa1b2c3d4, 65535, 1, 1},
		{"le-nano", binary.LittleEndian, 0xa1b23c4d, 65535, 1, 1},
		{"be-nano", binary.BigEndian, 0xa1b23c4d, 65535, 1, 1},
		{"caplen-above-snaplen", binary.LittleEndian, 0xa1b2c3d4, 64, 1, 1},
		{"fcs-bits-in-linktype", binary.BigEndian, 0xa1b2c3d4, 65535, 0x14000001, 1},
		{"high-bits-sll", binary.LittleEndian, 0xa1b2c3d4, 65535, 0x00ff0000 | 113, 113},
	}
	for _, c := range cases {
		got, err := ReadAll(writeTemp(t, c.name+".pcap", handPcap(c.order, c.magic, c.snaplen, c.link, recs)), Options{})
		require.NoError(t, err, c.name)
		require.Len(t, got, 2, c.name)
		assert.Equal(t, c.want, got[0].LinkType, c.name)
		assert.Equal(t, 104, got[0].OrigLen, c.name)
		if c.want == 1 {
			assert.Equal(t, recs[0], got[0].Data, c.name)
		}
	}
}

func TestUnsupportedLinkTypeNamed(t *testing.T) {
	_, err := Open(writeTemp(t, "u.pcap", pcapBytes(t, 147, [][]byte{{1}})), Options{})
	require.ErrorContains(t, err, "link type 147 (USER0) is not supported")
	// the upper 16 bits do not rescue an unsupported low half
	_, err = Open(writeTemp(t, "u2.pcap", handPcap(binary.LittleEndian, 0xa1b2c3d4, 100, 0x00010000|105, nil)), Options{})
	require.ErrorContains(t, err, "link type 105")
}

func ngBytes(t testing.TB, ifaces []uint16, recs []struct {
	iface int
	data  []byte
}, lateIface uint16) []byte {
	var buf bytes.Buffer
	intf := pcapgo.DefaultNgInterface
	intf.LinkType = layers.LinkType(ifaces[0])
	w, err := pcapgo.NewNgWriterInterface(&buf, intf, pcapgo.DefaultNgWriterOptions)
	require.NoError(t, err)
	for _, lt := range ifaces[1:] {
		intf.LinkType = layers.LinkType(lt)
		_, err := w.AddInterface(intf)
		require.NoError(t, err)
	}
	for i, r := range recs {
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(int64(i+1), 0), CaptureLength: len(r.data), Length: len(r.data), InterfaceIndex: r.iface}
		require.NoError(t, w.WritePacket(ci, r.data))
	}
	if lateIface != 0 {
		intf.LinkType = layers.LinkType(lateIface)
		_, err := w.AddInterface(intf)
		require.NoError(t, err)
	}
	require.NoError(t, w.Flush())
	return buf.Bytes()
}

type rec = struct {
	iface int
	data  []byte
}

func TestPcapngPerInterfaceLinkType(t *testing.T) {
	eth := bytes.Repeat([]byte{0xee}, 20)
	raw := []byte{0x45, 1, 2}
	sll := append(make([]byte, 14), 0x08, 0x06, 0xaa)
	b := ngBytes(t, []uint16{1, 101, 113}, []rec{{0, eth}, {1, raw}, {2, sll}, {0, eth}, {2, sll[:3]}}, 0)
	got, err := ReadAll(writeTemp(t, "m.pcapng", b), Options{})
	require.NoError(t, err)
	require.Len(t, got, 5)
	assert.Equal(t, []uint16{1, 101, 113, 1, 113}, []uint16{got[0].LinkType, got[1].LinkType, got[2].LinkType, got[3].LinkType, got[4].LinkType})
	assert.Equal(t, eth, got[0].Data)
	assert.Equal(t, synth(defDst, []byte{0x08, 0x00}, raw), got[1].Data)
	assert.Equal(t, synth(defDst, []byte{0x08, 0x06}, []byte{0xaa}), got[2].Data)
	assert.True(t, got[4].Malformed)

	// a .pcap name does not matter: the magic decides
	got, err = ReadAll(writeTemp(t, "named.pcap", b), Options{})
	require.NoError(t, err)
	assert.Len(t, got, 5)
}

func TestPcapngLateUnsupportedInterfaceRefusedUpFront(t *testing.T) {
	eth := bytes.Repeat([]byte{0xee}, 20)
	b := ngBytes(t, []uint16{1}, []rec{{0, eth}, {0, eth}}, 127)
	_, err := Open(writeTemp(t, "late.pcapng", b), Options{})
	require.ErrorContains(t, err, "pcapng section 1 interface 1: link type 127 (IEEE 802.11 radiotap) is not supported")
}

func TestGzipCapture(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, err := zw.Write(pcapBytes(t, 1, [][]byte{{1, 2}, {3}}))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	got, err := ReadAll(writeTemp(t, "z.pcap.gz", z.Bytes()), Options{})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, []byte{3}, got[1].Data)
}

func TestBadFiles(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":      {},
		"short":      {0xd4, 0xc3},
		"bad magic":  []byte("this is not a capture file at all"),
		"header cut": pcapBytes(t, 1, nil)[:20],
	} {
		_, err := Open(writeTemp(t, "bad", b), Options{})
		assert.Error(t, err, name)
	}
	_, err := Open(filepath.Join(t.TempDir(), "missing.pcap"), Options{})
	assert.Error(t, err)
	_, err = Open(writeTemp(t, "x", []byte("GARBAGE!")), Options{})
	assert.ErrorContains(t, err, "not a pcap or pcapng file")
}

// Every truncation of a small pcap: a cut at a record boundary is a shorter
// valid file; any other cut is an error naming the frame being read.
func TestEveryPcapTruncation(t *testing.T) {
	frames := [][]byte{bytes.Repeat([]byte{1}, 30), {2, 2, 2}, bytes.Repeat([]byte{3}, 17)}
	full := pcapBytes(t, 113, frames)
	boundaries := map[int]int{24: 0}
	off := 24
	for i, f := range frames {
		off += 16 + len(f)
		boundaries[off] = i + 1
	}
	for n := 0; n < len(full); n++ {
		p := writeTemp(t, "cut.pcap", full[:n])
		got, err := ReadAll(p, Options{})
		if k, ok := boundaries[n]; ok {
			require.NoError(t, err, "cut at %d", n)
			require.Len(t, got, k, "cut at %d", n)
			continue
		}
		require.Error(t, err, "cut at %d accepted", n)
		if n > 24 {
			// the frame being read when the file ended
			k := 0
			for b, c := range boundaries {
				if b < n && c > k {
					k = c
				}
			}
			require.ErrorContains(t, err, "frame "+strconv.Itoa(k+1)+":", "cut at %d", n)
		}
	}
}

// Every truncation of a small pcapng: no panic, and what is read is a
// prefix of the full file's frames.
func TestEveryPcapngTruncation(t *testing.T) {
	eth := bytes.Repeat([]byte{0xee}, 21)
	full := ngBytes(t, []uint16{1, 276}, []rec{{0, eth}, {1, make([]byte, 25)}, {0, eth[:5]}}, 0)
	want, err := ReadAll(writeTemp(t, "full.pcapng", full), Options{})
	require.NoError(t, err)
	require.Len(t, want, 3)
	errs := 0
	for n := 0; n < len(full); n++ {
		got, err := ReadAll(writeTemp(t, "cut.pcapng", full[:n]), Options{})
		if err != nil {
			errs++
			continue
		}
		require.LessOrEqual(t, len(got), len(want))
		for i := range got {
			require.Equal(t, want[i], got[i], "cut at %d frame %d", n, i+1)
		}
	}
	require.Greater(t, errs, len(full)/2, "most cuts land inside a block and must fail")
}

func TestOversizedCaplenIsAnError(t *testing.T) {
	b := handPcap(binary.LittleEndian, 0xa1b2c3d4, 65535, 1, [][]byte{{1, 2, 3}})
	binary.LittleEndian.PutUint32(b[24+8:], 0x7fffffff) // caplen
	binary.LittleEndian.PutUint32(b[24+12:], 0x7fffffff)
	_, err := ReadAll(writeTemp(t, "big.pcap", b), Options{})
	require.ErrorContains(t, err, "frame 1:")
}

func TestNextIsStickyAfterError(t *testing.T) {
	full := pcapBytes(t, 1, [][]byte{{1, 2, 3, 4}})
	r, err := Open(writeTemp(t, "s.pcap", full[:len(full)-1]), Options{})
	require.NoError(t, err)
	defer r.Close()
	_, err1 := r.Next()
	require.Error(t, err1)
	_, err2 := r.Next()
	require.Equal(t, err1, err2)
}

// Steady state allocates nothing per frame: pcap and pcapng, Ethernet and a
// converted link type. (pcapng link types >= 256, i.e. SLL2, cost one small
// allocation per frame inside pcapgo, which boxes the link type.)
func TestNoAllocationsPerFrame(t *testing.T) {
	for _, lt := range []uint16{1, 113} {
		frames := make([][]byte, 2000)
		var recs []rec
		for i := range frames {
			frames[i] = bytes.Repeat([]byte{byte(i)}, 40+i%200)
			recs = append(recs, rec{0, frames[i]})
		}
		for name, b := range map[string][]byte{
			"pcap":   pcapBytes(t, lt, frames),
			"pcapng": ngBytes(t, []uint16{lt}, recs, 0),
		} {
			r, err := Open(writeTemp(t, "many", b), Options{})
			require.NoError(t, err)
			for i := 0; i < 300; i++ { // warm up: buffers grow to the largest frame
				_, err := r.Next()
				require.NoError(t, err)
			}
			allocs := testing.AllocsPerRun(1000, func() {
				if _, err := r.Next(); err != nil {
					t.Fatal(err)
				}
			})
			assert.Zero(t, allocs, "%s link type %d", name, lt)
			r.Close()
		}
	}
}

func BenchmarkNextSLL(b *testing.B) {
	frames := make([][]byte, 10000)
	for i := range frames {
		frames[i] = bytes.Repeat([]byte{byte(i)}, 60+i%1400)
	}
	p := writeTemp(b, "bench.pcap", pcapBytes(b, 113, frames))
	b.ReportAllocs()
	r, err := Open(p, Options{})
	require.NoError(b, err)
	for b.Loop() {
		if _, err := r.Next(); err == io.EOF {
			r.Close()
			if r, err = Open(p, Options{}); err != nil {
				b.Fatal(err)
			}
		} else if err != nil {
			b.Fatal(err)
		}
	}
	r.Close()
}

func FuzzCapture(f *testing.F) {
	f.Add(pcapBytes(f, 1, [][]byte{{1, 2, 3}, make([]byte, 14)}))
	f.Add(pcapBytes(f, 113, [][]byte{make([]byte, 20), {1}}))
	f.Add(pcapBytes(f, 101, [][]byte{{0x45}, {0x60}, {}}))
	f.Add(handPcap(binary.BigEndian, 0xa1b23c4d, 10, 276, [][]byte{make([]byte, 24)}))
	f.Add(ngBytes(f, []uint16{1, 229}, []rec{{0, []byte{1, 2}}, {1, []byte{0x60, 0}}}, 0))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(dir, "fuzz.cap")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(p, Options{})
		if err != nil {
			return
		}
		defer r.Close()
		for i := 0; i < 1<<16; i++ {
			fr, err := r.Next()
			if err != nil {
				if err != io.EOF && r.Frames() != i {
					t.Fatalf("frame count %d after %d frames", r.Frames(), i)
				}
				return
			}
			if fr.Malformed && len(fr.Data) != 0 {
				t.Fatalf("malformed frame with %d bytes", len(fr.Data))
			}
			if fr.LinkType != LinkEthernet && !fr.Malformed && len(fr.Data) < 14 {
				t.Fatalf("converted frame shorter than its synthetic header")
			}
		}
	})
}
