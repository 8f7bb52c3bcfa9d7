package host_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

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
func BenchmarkModelDecide(b *testing.B) {
	frames := traceFrames(b)
	m, err := host.NewModel(host.DefaultConfig())
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

// BenchmarkGopacketBaseline: gopacket's DecodingLayerParser plus the same
// hash input and Toeplitz, the baseline the model is measured against.
func BenchmarkGopacketBaseline(b *testing.B) {
	frames := traceFrames(b)
	var (
		eth   layers.Ethernet
		dot1q layers.Dot1Q
		ip4   layers.IPv4
		ip6   layers.IPv6
		tcp   layers.TCP
		udp   layers.UDP
		pay   gopacket.Payload
	)
	parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &dot1q, &ip4, &ip6, &tcp, &udp, &pay) // gopacket has no DecodingLayer for IPv6 extension headers
	parser.IgnoreUnsupported = true
	decoded := make([]gopacket.LayerType, 0, 10)
	tz := host.NewToeplitz(host.DefaultKey)
	table := host.DefaultTable()
	var in [36]byte
	b.ReportAllocs()
	b.ResetTimer()
	var sink uint32
	n := 0
	for i := 0; i < b.N; i++ {
		_ = parser.DecodeLayers(frames[n], &decoded)
		var src, dstA []byte
		var sport, dport uint16
		l4 := false
		for _, lt := range decoded {
			switch lt {
			case layers.LayerTypeIPv4:
				src, dstA = ip4.SrcIP.To16(), ip4.DstIP.To16()
			case layers.LayerTypeIPv6:
				src, dstA = ip6.SrcIP, ip6.DstIP
			case layers.LayerTypeTCP:
				sport, dport, l4 = uint16(tcp.SrcPort), uint16(tcp.DstPort), true
			case layers.LayerTypeUDP:
				sport, dport, l4 = uint16(udp.SrcPort), uint16(udp.DstPort), true
			}
		}
		if len(src) == 16 {
			var h uint32
			if l4 {
				if sport > dport {
					copy(in[:16], src)
					binary.BigEndian.PutUint16(in[16:], sport)
				} else {
					copy(in[:16], dstA)
					binary.BigEndian.PutUint16(in[16:], dport)
				}
				h = tz.Hash(in[:18])
			} else {
				lo, hi := src, dstA
				if bytes.Compare(lo, hi) > 0 {
					lo, hi = hi, lo
				}
				copy(in[:16], lo)
				copy(in[16:32], hi)
				h = tz.Hash(in[:33])
			}
			sink += uint32(table[h&0xfff])
		}
		if n++; n == len(frames) {
			n = 0
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
	_ = sink
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
