package host

import (
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// flowSpec is a random conversation; frames are serialized by gopacket, an
// encoder independent of the model's parser.
type flowSpec struct {
	v6         bool
	tags       int
	tpid       layers.EthernetType
	src, dst   net.IP
	proto      layers.IPProtocol
	sport      uint16
	dport      uint16
	extHeaders int // IPv6 hop-by-hop / destination options before L4
}

func genFlow(t *rapid.T) flowSpec {
	f := flowSpec{
		v6:    rapid.Bool().Draw(t, "v6"),
		tags:  rapid.IntRange(0, 2).Draw(t, "tags"),
		tpid:  rapid.SampledFrom([]layers.EthernetType{0x8100, 0x88a8, 0x9100}).Draw(t, "tpid"),
		proto: rapid.SampledFrom([]layers.IPProtocol{layers.IPProtocolTCP, layers.IPProtocolUDP, layers.IPProtocolICMPv4, 47, 132}).Draw(t, "proto"),
		sport: rapid.Uint16().Draw(t, "sport"),
		dport: rapid.Uint16().Draw(t, "dport"),
	}
	n := 4
	if f.v6 {
		n = 16
		f.extHeaders = rapid.IntRange(0, 3).Draw(t, "ext")
	}
	f.src = net.IP(rapid.SliceOfN(rapid.Byte(), n, n).Draw(t, "src"))
	f.dst = net.IP(rapid.SliceOfN(rapid.Byte(), n, n).Draw(t, "dst"))
	return f
}

func (f flowSpec) reversed() flowSpec {
	r := f
	r.src, r.dst = f.dst, f.src
	r.sport, r.dport = f.dport, f.sport
	return r
}

func (f flowSpec) frame(t require.TestingT) []byte {
	var ls []gopacket.SerializableLayer
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 1, 1, 1, 1, 1}, DstMAC: net.HardwareAddr(macOurs[:])}
	ls = append(ls, eth)
	l3 := layers.EthernetTypeIPv4
	if f.v6 {
		l3 = layers.EthernetTypeIPv6
	}
	if f.tags == 0 {
		eth.EthernetType = l3
	} else {
		eth.EthernetType = f.tpid
		for i := 0; i < f.tags; i++ {
			next := f.tpid
			if i == f.tags-1 {
				next = l3
			}
			ls = append(ls, &layers.Dot1Q{VLANIdentifier: uint16(100 + i), Type: next})
		}
	}
	proto := f.proto
	if f.v6 && proto == layers.IPProtocolICMPv4 {
		proto = layers.IPProtocolICMPv6
	}
	if f.v6 {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, SrcIP: f.src, DstIP: f.dst, NextHeader: proto}
		ls = append(ls, ip)
		if f.extHeaders > 0 {
			// gopacket cannot serialize a chain, so the chain is raw bytes:
			// destination options headers of 8 bytes each.
			ip.NextHeader = layers.IPProtocolIPv6Destination
			var raw []byte
			for i := 0; i < f.extHeaders; i++ {
				next := byte(layers.IPProtocolIPv6Destination)
				if i == f.extHeaders-1 {
					next = byte(proto)
				}
				raw = append(raw, next, 0, 1, 4, 0, 0, 0, 0) // PadN option
			}
			ls = append(ls, gopacket.Payload(raw))
		}
	} else {
		ls = append(ls, &layers.IPv4{Version: 4, IHL: 5, TTL: 64, SrcIP: f.src, DstIP: f.dst, Protocol: proto})
	}
	switch proto {
	case layers.IPProtocolTCP:
		ls = append(ls, &layers.TCP{SrcPort: layers.TCPPort(f.sport), DstPort: layers.TCPPort(f.dport), Window: 1000})
	case layers.IPProtocolUDP:
		ls = append(ls, &layers.UDP{SrcPort: layers.UDPPort(f.sport), DstPort: layers.UDPPort(f.dport)})
	}
	ls = append(ls, gopacket.Payload([]byte("flowsteer")))
	buf := gopacket.NewSerializeBuffer()
	require.NoError(t, gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, ls...))
	return buf.Bytes()
}

// Both directions of any TCP/UDP connection and of any non-L4 conversation
// meet the same TM (and the same partition, hash and bucket).
func TestPropertyBothDirectionsSameTM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var tbl [TableSize]uint8
		for i := range tbl {
			tbl[i] = rapid.Uint8().Draw(t, "entry")
			if i > 64 {
				tbl[i] = tbl[i%64]
			}
		}
		m, err := NewModel(&Config{Promiscuous: true, Partitions: []PartitionConfig{{Key: DefaultKey, Table: &tbl}},
			Rules: []Rule{{Proto: RuleProtoTCP, Port: 443, Partition: 1}}})
		require.NoError(t, err)
		f := genFlow(t)
		a, b := m.Decide(f.frame(t)), m.Decide(f.reversed().frame(t))
		require.Equal(t, ActionForward, a.Action, "%+v", f)
		require.Equal(t, a.TM, b.TM)
		require.Equal(t, a.Partition, b.Partition)
		require.Equal(t, a.Hash, b.Hash)
		if a.Reason == ReasonSrcHash {
			require.Equal(t, ReasonDstHash, b.Reason)
		}
		switch {
		case f.proto != layers.IPProtocolTCP && f.proto != layers.IPProtocolUDP:
			require.Equal(t, ReasonNonL4, a.Reason)
		case f.sport == f.dport:
			require.Equal(t, ReasonEqualPorts, a.Reason)
		case f.sport > f.dport:
			require.Equal(t, ReasonSrcHash, a.Reason)
		default:
			require.Equal(t, ReasonDstHash, a.Reason)
		}
	})
}

// checkDecisionShape is what every decision must satisfy, whatever the input.
func checkDecisionShape(t require.TestingT, d Decision) {
	require.Less(t, int(d.Action), NumActions)
	require.Less(t, int(d.Reason), NumReasons)
	// The SPEC 2 action of each reason, written out here rather than taken
	// from Reason.Action, so the check does not share the model's code.
	wantAction := map[Reason]Action{ReasonMACMiss: ActionBridge, ReasonNotIP: ActionControl, ReasonMalformed: ActionControl,
		ReasonTooDeep: ActionControl, ReasonFragment: ActionFragment}[d.Reason]
	require.Equal(t, wantAction, d.Action, "reason %v", d.Reason)
	if d.Action != ActionForward {
		require.Zero(t, d.Partition)
		require.Zero(t, d.TM)
	}
	if !d.Reason.Hashed() {
		require.Zero(t, d.Hash)
		require.Zero(t, d.Index)
	} else {
		require.Equal(t, uint16(d.Hash&0xfff), d.Index)
	}
}

func FuzzDecide(f *testing.F) {
	for _, fr := range seedFrames(f) {
		f.Add(fr)
	}
	m, err := NewModel(DefaultConfig())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, frame []byte) {
		checkDecisionShape(t, m.Decide(frame))
		// Truncations of the same frame decide too.
		for n := 0; n < len(frame) && n < 300; n += 7 {
			checkDecisionShape(t, m.Decide(frame[:n]))
		}
	})
}
