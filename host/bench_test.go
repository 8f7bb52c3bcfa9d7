package host_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/replay"
)

// traceFrames loads every frame of every capture in ../shared/traces.
func traceFrames(b *testing.B) [][]byte {
	d := tracesDirB(b)
	files, _ := filepath.Glob(filepath.Join(d, "*"))
	var frames [][]byte
	for _, f := range files {
		if ext := filepath.Ext(f); ext != ".pcap" && ext != ".pcapng" && ext != ".cap" {
			continue
		}
		fs, err := capture.ReadAll(f, capture.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, fr := range fs {
			frames = append(frames, fr.Data)
		}
	}
	return frames
}

func tracesDirB(b *testing.B) string {
	d := sharedTraces()
	if d == "" {
		b.Skip("../shared/traces not found (set FLOWSTEER_SHARED): skipping benchmark on real captures")
	}
	return d
}

// BenchmarkModelDecide: the reference model on in-memory frames from the
// traces (target 10 M frames/s on one core, 0 allocations per frame).
func BenchmarkModelDecide(b *testing.B) { benchDecide(b, host.DefaultConfig()) }

// BenchmarkModelDecideFlowState: the same with the SPEC 5 flow table on
// (1024 sets x 4 ways).
func BenchmarkModelDecideFlowState(b *testing.B) {
	cfg := host.DefaultConfig()
	cfg.FlowState.Enabled = true
	benchDecide(b, cfg)
}

func benchDecide(b *testing.B, cfg *host.Config) {
	frames := traceFrames(b)
	m, err := host.NewModel(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var sink uint32
	n := 0
	for i := 0; i < b.N; i++ {
		sink += m.Decide(frames[n]).Hash
		if n++; n == len(frames) {
			n = 0
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	_ = sink
}

// gopacketBaseline is the comparison point: gopacket's DecodingLayerParser
// plus the same hash input, Toeplitz and table as the model.
type gopacketBaseline struct {
	eth     layers.Ethernet
	dot1q   layers.Dot1Q
	ip4     layers.IPv4
	ip6     layers.IPv6
	tcp     layers.TCP
	udp     layers.UDP
	pay     gopacket.Payload
	parser  *gopacket.DecodingLayerParser
	decoded []gopacket.LayerType
	tz      *host.Toeplitz
	table   [host.TableSize]uint8
	in      [36]byte
}

func newGopacketBaseline() *gopacketBaseline {
	g := &gopacketBaseline{tz: host.NewToeplitz(host.DefaultKey), table: host.DefaultTable()}
	// gopacket has no DecodingLayer for IPv6 extension headers.
	g.parser = gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &g.eth, &g.dot1q, &g.ip4, &g.ip6, &g.tcp, &g.udp, &g.pay)
	g.parser.IgnoreUnsupported = true
	g.decoded = make([]gopacket.LayerType, 0, 10)
	return g
}

// decide returns the TM and hash the baseline picks (0, 0 when not hashed).
func (g *gopacketBaseline) decide(frame []byte) (uint8, uint32) {
	_ = g.parser.DecodeLayers(frame, &g.decoded)
	var src, dst []byte
	var sport, dport uint16
	l4 := false
	for _, lt := range g.decoded {
		switch lt {
		case layers.LayerTypeIPv4:
			src, dst = g.ip4.SrcIP.To16(), g.ip4.DstIP.To16()
		case layers.LayerTypeIPv6:
			src, dst = g.ip6.SrcIP, g.ip6.DstIP
		case layers.LayerTypeTCP:
			sport, dport, l4 = uint16(g.tcp.SrcPort), uint16(g.tcp.DstPort), true
		case layers.LayerTypeUDP:
			sport, dport, l4 = uint16(g.udp.SrcPort), uint16(g.udp.DstPort), true
		}
	}
	if len(src) != 16 || len(dst) != 16 {
		return 0, 0
	}
	var h uint32
	if l4 {
		if sport > dport {
			copy(g.in[:16], src)
			binary.BigEndian.PutUint16(g.in[16:], sport)
		} else {
			copy(g.in[:16], dst)
			binary.BigEndian.PutUint16(g.in[16:], dport)
		}
		h = g.tz.Hash(g.in[:18])
	} else {
		lo, hi := src, dst
		if bytes.Compare(lo, hi) > 0 {
			lo, hi = hi, lo
		}
		copy(g.in[:16], lo)
		copy(g.in[16:32], hi)
		h = g.tz.Hash(g.in[:33])
	}
	return g.table[h&0xfff], h
}

// BenchmarkGopacketBaseline: the baseline on the same in-memory frames.
func BenchmarkGopacketBaseline(b *testing.B) {
	frames := traceFrames(b)
	g := newGopacketBaseline()
	b.ReportAllocs()
	b.ResetTimer()
	var sink uint32
	n := 0
	for i := 0; i < b.N; i++ {
		tm, _ := g.decide(frames[n])
		sink += uint32(tm)
		if n++; n == len(frames) {
			n = 0
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	_ = sink
}

// BenchmarkGopacketCaptureFile: the end-to-end baseline, pcapgo reading,
// the baseline decision and a log line per frame, on the same file.
func BenchmarkGopacketCaptureFile(b *testing.B) {
	path := filepath.Join(tracesDirB(b), "stopddos__pkt.TCP.synflood.spoofed.pcap")
	g := newGopacketBaseline()
	b.ResetTimer()
	var frames uint64
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := pcapgo.NewReader(bufio.NewReaderSize(f, 1<<20))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(io.Discard, 1<<20)
		var line []byte
		for n := uint64(1); ; n++ {
			data, _, err := r.ZeroCopyReadPacketData()
			if err != nil {
				break
			}
			tm, h := g.decide(data)
			line = strconv.AppendUint(line[:0], n, 10)
			line = append(line, '\t')
			line = strconv.AppendUint(line, uint64(tm), 10)
			line = append(line, '\t')
			line = strconv.AppendUint(line, uint64(h), 16)
			line = append(line, '\n')
			w.Write(line)
			frames++
		}
		w.Flush()
		f.Close()
	}
	b.StopTimer()
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkModelCaptureFile: what `flowsteer model FILE -o log` does end to
// end (read, convert, decide, format the log), on the largest trace
// (target 2 M frames/s).
func BenchmarkModelCaptureFile(b *testing.B) {
	path := filepath.Join(tracesDirB(b), "stopddos__pkt.TCP.synflood.spoofed.pcap")
	cfg := host.DefaultConfig()
	b.ResetTimer()
	var frames uint64
	for i := 0; i < b.N; i++ {
		sum, err := replay.Run(path, cfg, io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
		frames += sum.Frames
	}
	b.StopTimer()
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}
