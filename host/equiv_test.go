package host_test

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
)

func tracesDir(t *testing.T) string {
	d := os.Getenv("FLOWSTEER_SHARED")
	if d == "" {
		d = filepath.Join("..", "..", "shared")
	}
	files, _ := filepath.Glob(filepath.Join(d, "traces", "*.pcap*"))
	files2, _ := filepath.Glob(filepath.Join(d, "traces", "*.cap"))
	if len(files)+len(files2) == 0 {
		t.Skip("../shared/traces not found (set FLOWSTEER_SHARED): skipping parser equivalence on real captures")
	}
	return filepath.Join(d, "traces")
}

// gopacketView is what gopacket, an independent parser, says about a frame:
// the fields the model steers on. ok is false when gopacket did not decode
// the headers the comparison needs.
type gopacketView struct {
	vlanDepth  int
	ipVersion  int
	src, dst   host.Addr
	proto      uint8
	fragment   bool
	sport      uint16
	dport      uint16
	hasPorts   bool
	extHeaders int
}

func toAddr(ip net.IP) host.Addr {
	var a host.Addr
	copy(a[:], ip.To16())
	return a
}

func viewOf(frame []byte) (v gopacketView, ok bool) {
	pkt := gopacket.NewPacket(frame, layers.LayerTypeEthernet, gopacket.DecodeOptions{Lazy: false, NoCopy: true})
	ipSeen := false
	for _, l := range pkt.Layers() {
		switch l := l.(type) {
		case *layers.Ethernet:
		case *layers.Dot1Q:
			if ipSeen {
				return v, false
			}
			v.vlanDepth++
		case *layers.IPv4:
			if ipSeen {
				return v, true // a tunnel: the outer header is what counts
			}
			if l.Version != 4 { // gopacket keeps a half-decoded layer on an options error
				return v, false
			}
			ipSeen = true
			v.ipVersion = 4
			v.src, v.dst = toAddr(l.SrcIP), toAddr(l.DstIP)
			v.proto = uint8(l.Protocol)
			v.fragment = l.Flags&layers.IPv4MoreFragments != 0 || l.FragOffset != 0
		case *layers.IPv6:
			if ipSeen {
				return v, true
			}
			if l.Version != 6 {
				return v, false
			}
			ipSeen = true
			v.ipVersion = 6
			v.src, v.dst = toAddr(l.SrcIP), toAddr(l.DstIP)
			v.proto = uint8(l.NextHeader)
		case *layers.IPv6HopByHop:
			v.extHeaders++
			v.proto = uint8(l.NextHeader)
		case *layers.IPv6Routing:
			v.extHeaders++
			v.proto = uint8(l.NextHeader)
		case *layers.IPv6Destination:
			v.extHeaders++
			v.proto = uint8(l.NextHeader)
		case *layers.IPv6Fragment:
			v.extHeaders++
			v.proto = uint8(l.NextHeader)
			if l.FragmentOffset != 0 || l.MoreFragments {
				v.fragment = true
				return v, true
			}
		case *layers.IPSecAH:
			v.extHeaders++
			v.proto = uint8(l.NextHeader)
		case *layers.TCP:
			v.sport, v.dport, v.hasPorts = uint16(l.SrcPort), uint16(l.DstPort), true
			return v, ipSeen
		case *layers.UDP:
			v.sport, v.dport, v.hasPorts = uint16(l.SrcPort), uint16(l.DstPort), true
			return v, ipSeen
		case *gopacket.DecodeFailure:
			// Comparable only when gopacket finished the IP headers and
			// failed on the payload of a non-TCP/UDP protocol.
			return v, ipSeen && !isL4(v.proto) && !isExt(v.proto)
		default:
			if ipSeen {
				return v, true
			}
		}
	}
	return v, ipSeen
}

func isExt(p uint8) bool { return p == 0 || p == 43 || p == 44 || p == 51 || p == 60 }

func isL4(p uint8) bool { return p == host.ProtoTCP || p == host.ProtoUDP }

// TestParserMatchesGopacket: on every capture in ../shared/traces, for the
// frames gopacket decodes, the fields the model uses (addresses, ports,
// protocol, VLAN depth, fragment flags) equal gopacket's.
func TestParserMatchesGopacket(t *testing.T) {
	dir := tracesDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	var compared, withPorts, frames int
	macs := &host.MACFilter{Promiscuous: true}
	for _, path := range files {
		if filepath.Ext(path) != ".pcap" && filepath.Ext(path) != ".pcapng" && filepath.Ext(path) != ".cap" {
			continue
		}
		r, err := capture.Open(path, capture.Options{})
		require.NoError(t, err, path)
		for n := 1; ; n++ {
			f, err := r.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			frames++
			var p host.Parsed
			host.Parse(f.Data, macs, &p)
			if p.Outcome == host.ReasonMalformed || p.Outcome == host.ReasonTooDeep || p.Outcome == host.ReasonNotIP {
				continue // gopacket's view of a broken or non-IP frame is not comparable
			}
			v, ok := viewOf(f.Data)
			if !ok || v.ipVersion == 0 {
				continue
			}
			where := filepath.Base(path) + " frame " + itoa(n)
			require.Equal(t, v.vlanDepth, int(p.VLANDepth), where)
			require.Equal(t, v.fragment, p.Outcome == host.ReasonFragment, where)
			if v.fragment {
				compared++
				continue
			}
			require.Equal(t, v.ipVersion, int(p.IPVersion), where)
			require.Equal(t, v.src, p.Src, where)
			require.Equal(t, v.dst, p.Dst, where)
			require.Equal(t, v.proto, p.Proto, where)
			if v.ipVersion == 6 {
				require.Equal(t, v.extHeaders, int(p.ExtHeaders), where)
			}
			if v.hasPorts {
				require.Equal(t, v.sport, p.SrcPort, where)
				require.Equal(t, v.dport, p.DstPort, where)
				withPorts++
			}
			compared++
		}
		r.Close()
	}
	t.Logf("%d frames, %d compared with gopacket, %d of them with ports", frames, compared, withPorts)
	require.Greater(t, compared, frames/2, "most frames of the traces must be comparable")
}

func itoa(n int) string { return strconv.Itoa(n) }

// sharedTraces is ../shared/traces or "" when absent.
func sharedTraces() string {
	d := os.Getenv("FLOWSTEER_SHARED")
	if d == "" {
		d = filepath.Join("..", "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(d, "traces")); err != nil {
		return ""
	}
	return filepath.Join(d, "traces")
}
