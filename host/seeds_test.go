package host

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// seedFrames returns hand-built frames plus the first frames of every
// Ethernet capture in ../shared/traces (when it is there), as a fuzz corpus.
func seedFrames(t testing.TB) [][]byte {
	seeds := [][]byte{
		nil,
		ethHeader(macOurs, 0x0806),
		cat(ethHeader(macOurs, 0x8100, 0x0800), ipv4Header(6, [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}, 6, 0), ports(1000, 80)),
		cat(ethHeader(macOurs, 0x86dd), ipv6Header(0, v6(1), v6(2)), extHeader(44, 0), fragHeader(17, 0, false), ports(53, 9999)),
	}
	dir := os.Getenv("FLOWSTEER_SHARED")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "traces", "*.pcap*"))
	for _, path := range files {
		for _, fr := range firstEthernetFrames(path, 16) {
			seeds = append(seeds, fr)
		}
	}
	return seeds
}

// firstEthernetFrames reads up to n frames of an Ethernet capture with
// pcapgo; anything it cannot read is simply not a seed.
func firstEthernetFrames(path string, n int) [][]byte {
	data, err := os.ReadFile(path)
	if err != nil || len(data) < 4 {
		return nil
	}
	var src interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	if bytes.Equal(data[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(bytes.NewReader(data), pcapgo.DefaultNgReaderOptions)
		if err != nil || r.LinkType() != layers.LinkTypeEthernet {
			return nil
		}
		src = r
	} else {
		r, err := pcapgo.NewReader(bytes.NewReader(data))
		if err != nil || r.LinkType() != layers.LinkTypeEthernet {
			return nil
		}
		src = r
	}
	var out [][]byte
	for len(out) < n {
		d, _, err := src.ReadPacketData()
		if err != nil {
			break
		}
		out = append(out, append([]byte(nil), d...))
	}
	return out
}
