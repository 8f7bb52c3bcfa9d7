package host

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

func newTestModel(t *testing.T, mutate func(*Config)) *Model {
	t.Helper()
	cfg := DefaultConfig()
	if mutate != nil {
		mutate(cfg)
	}
	m, err := NewModel(cfg)
	require.NoError(t, err)
	return m
}

// expectHashed computes the FORWARD decision the SPEC predicts for a hash
// input, with the bit-by-bit Toeplitz and the default table (i mod 8), so
// the expectation does not share code with the model's fast path.
func expectHashed(reason Reason, part uint8, in []byte) Decision {
	h := ToeplitzBitwise(DefaultKey, in)
	idx := uint16(h & 0xfff)
	return Decision{Action: ActionForward, Reason: reason, Partition: part, TM: uint8(idx % 8), Hash: h, Index: idx}
}

func portInput(a Addr, port uint16) []byte {
	return binary.BigEndian.AppendUint16(append([]byte{}, a[:]...), port)
}

func TestClassificationSteps(t *testing.T) {
	a4, b4 := [4]byte{10, 0, 0, 1}, [4]byte{192, 168, 1, 7}
	tcp4 := func(sp, dp uint16) []byte {
		return cat(ethHeader(macOurs, 0x0800), ipv4Header(6, a4, b4, 5, 0), ports(sp, dp))
	}
	cases := []struct {
		name  string
		frame []byte
		want  Decision
	}{
		{"empty", nil, Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"13 bytes", make([]byte, 13), Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"14 bytes ARP", ethHeader(macOurs, 0x0806), Decision{Action: ActionControl, Reason: ReasonNotIP}},
		{"LLC length field", ethHeader(macOurs, 0x0026), Decision{Action: ActionControl, Reason: ReasonNotIP}},
		{"one tag then NOT_IP", ethHeader(macOurs, 0x8100, 0x0806), Decision{Action: ActionControl, Reason: ReasonNotIP}},
		{"tag with EtherType cut", ethHeader(macOurs, 0x8100, 0x0800)[:17], Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"tag with EtherType half there", append(ethHeader(macOurs, 0x88a8), 0x00, 0x64, 0x08), Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"third tag is TOO_DEEP on its TPID alone", ethHeader(macOurs, 0x88a8, 0x8100, 0x9100)[:22], Decision{Action: ActionControl, Reason: ReasonTooDeep}},
		{"IPv4 header short", cat(ethHeader(macOurs, 0x0800), make([]byte, 19)), Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"IPv4 version 5", func() []byte { f := tcp4(1000, 80); f[14] = 0x55; return f }(), Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"IPv4 IHL 4", func() []byte { f := tcp4(1000, 80); f[14] = 0x44; return f }(), Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"IPv4 total length < IHL*4", func() []byte { f := tcp4(1000, 80); binary.BigEndian.PutUint16(f[16:], 19); return f }(), Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"IPv4 options past capture", cat(ethHeader(macOurs, 0x0800), ipv4Header(6, a4, b4, 15, 0))[:14+40], Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"IPv4 MF", cat(ethHeader(macOurs, 0x0800), ipv4Header(17, a4, b4, 5, 0x2000), ports(1, 2)), Decision{Action: ActionFragment, Reason: ReasonFragment}},
		{"IPv4 offset", cat(ethHeader(macOurs, 0x0800), ipv4Header(1, a4, b4, 5, 0x0001)), Decision{Action: ActionFragment, Reason: ReasonFragment}},
		{"IPv4 DF is not a fragment", cat(ethHeader(macOurs, 0x0800), ipv4Header(6, a4, b4, 5, 0x4000), ports(5000, 80)),
			expectHashed(ReasonSrcHash, 0, portInput(mapped4(a4), 5000))},
		{"IPv4 ports cut", tcp4(1000, 80)[:14+20+3], Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"TCP dst side", tcp4(1000, 8080), expectHashed(ReasonDstHash, 0, portInput(mapped4(b4), 8080))},
		{"TCP src side", tcp4(50000, 443), expectHashed(ReasonSrcHash, 0, portInput(mapped4(a4), 50000))},
		{"equal ports", tcp4(123, 123), Decision{Action: ActionForward, Reason: ReasonEqualPorts}},
		{"ports read from padding", func() []byte {
			f := cat(ethHeader(macOurs, 0x0800), ipv4Header(6, a4, b4, 5, 0), ports(40000, 80))
			binary.BigEndian.PutUint16(f[16:], 20) // total length says: no payload
			return f
		}(), expectHashed(ReasonSrcHash, 0, portInput(mapped4(a4), 40000))},
		{"IPv4 options then ports", cat(ethHeader(macOurs, 0x8100, 0x0800), ipv4Header(17, a4, b4, 6, 0), ports(53, 5353)),
			expectHashed(ReasonDstHash, 0, portInput(mapped4(b4), 5353))},
		{"ICMP is NON_L4 with ordered addresses", cat(ethHeader(macOurs, 0x0800), ipv4Header(1, b4, a4, 5, 0), make([]byte, 8)),
			expectHashed(ReasonNonL4, 0, cat(func() []byte { x := mapped4(a4); return x[:] }(), func() []byte { x := mapped4(b4); return x[:] }(), []byte{1}))},
		{"IPv6 short", cat(ethHeader(macOurs, 0x86dd), make([]byte, 39)), Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"IPv6 version 4", func() []byte {
			f := cat(ethHeader(macOurs, 0x86dd), ipv6Header(17, v6(1), v6(2)), ports(1, 2))
			f[14] = 0x40
			return f
		}(),
			Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"IPv6 UDP", cat(ethHeader(macOurs, 0x86dd), ipv6Header(17, v6(1), v6(2)), ports(33000, 53)),
			expectHashed(ReasonSrcHash, 0, portInput(v6(1), 33000))},
		{"IPv6 HBH, routing, dstopts, AH then TCP", cat(ethHeader(macOurs, 0x86dd), ipv6Header(0, v6(1), v6(2)), extHeader(43, 0), extHeader(60, 1),
			extHeader(51, 0), ahHeader(6, 4), ports(80, 61000)), expectHashed(ReasonDstHash, 0, portInput(v6(2), 61000))},
		{"IPv6 atomic fragment goes on", cat(ethHeader(macOurs, 0x86dd), ipv6Header(44, v6(1), v6(2)), fragHeader(17, 0, false), ports(9999, 53)),
			expectHashed(ReasonSrcHash, 0, portInput(v6(1), 9999))},
		{"IPv6 fragment M", cat(ethHeader(macOurs, 0x86dd), ipv6Header(44, v6(1), v6(2)), fragHeader(17, 0, true), ports(1, 2)),
			Decision{Action: ActionFragment, Reason: ReasonFragment}},
		{"IPv6 fragment offset", cat(ethHeader(macOurs, 0x86dd), ipv6Header(44, v6(1), v6(2)), fragHeader(6, 10, false)),
			Decision{Action: ActionFragment, Reason: ReasonFragment}},
		{"IPv6 no next header (59) is NON_L4", cat(ethHeader(macOurs, 0x86dd), ipv6Header(59, v6(9), v6(2))),
			expectHashed(ReasonNonL4, 0, cat(func() []byte { x := v6(2); return x[:] }(), func() []byte { x := v6(9); return x[:] }(), []byte{59}))},
		{"IPv6 ext header cut", cat(ethHeader(macOurs, 0x86dd), ipv6Header(0, v6(1), v6(2)), make([]byte, 7)),
			Decision{Action: ActionControl, Reason: ReasonMalformed}},
		{"IPv6 ext header past the window", cat(ethHeader(macOurs, 0x86dd), ipv6Header(60, v6(1), v6(2)), extHeader(60, 24), extHeader(6, 0)),
			Decision{Action: ActionControl, Reason: ReasonTooDeep}},
		// Ports start at 14+40+200 = 254 and would end at 258.
		{"IPv6 ports past the window but captured", cat(ethHeader(macOurs, 0x86dd), ipv6Header(60, v6(1), v6(2)), extHeader(6, 24), ports(1, 2))[:300],
			Decision{Action: ActionControl, Reason: ReasonTooDeep}},
		{"IPv6 ports past the window and not captured", cat(ethHeader(macOurs, 0x86dd), ipv6Header(60, v6(1), v6(2)), extHeader(6, 24))[:250],
			Decision{Action: ActionControl, Reason: ReasonTooDeep}},
		// Ports at 14+40+192 = 246..250: inside the window.
		{"IPv6 ports inside the window", cat(ethHeader(macOurs, 0x86dd), ipv6Header(60, v6(1), v6(2)), extHeader(6, 23), ports(3000, 2000))[:250],
			expectHashed(ReasonSrcHash, 0, portInput(v6(1), 3000))},
		{"IPv6 ports inside the window, cut", cat(ethHeader(macOurs, 0x86dd), ipv6Header(60, v6(1), v6(2)), extHeader(6, 23), ports(3000, 2000))[:249],
			Decision{Action: ActionControl, Reason: ReasonMalformed}},
	}
	m := newTestModel(t, nil)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, m.Decide(c.frame))
		})
	}
}

func TestNinthExtensionHeaderIsTooDeep(t *testing.T) {
	m := newTestModel(t, nil)
	build := func(n int) []byte {
		f := cat(ethHeader(macOurs, 0x86dd), ipv6Header(60, v6(1), v6(2)))
		for i := 0; i < n; i++ {
			next := uint8(60)
			if i == n-1 {
				next = 17
			}
			f = append(f, extHeader(next, 0)...)
		}
		return append(f, ports(5000, 80)...)
	}
	require.Equal(t, ReasonSrcHash, m.Decide(build(8)).Reason, "eight headers are walked")
	nine := build(9)
	require.Equal(t, ReasonTooDeep, m.Decide(nine).Reason)
	// The ninth is decided before it is read: even when it is not captured.
	require.Equal(t, ReasonTooDeep, m.Decide(nine[:14+40+8*8]).Reason)
}

func TestMACFilter(t *testing.T) {
	group := [6]byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}
	m := newTestModel(t, func(c *Config) { c.Promiscuous = false; c.GroupMACs = [][6]byte{macOurs, group} })
	f := cat(ethHeader(macOther, 0x0800), ipv4Header(6, [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}, 5, 0), ports(1, 2))
	require.Equal(t, Decision{Action: ActionBridge, Reason: ReasonMACMiss}, m.Decide(f))
	copy(f, group[:])
	require.Equal(t, ReasonDstHash, m.Decide(f).Reason)
	// The MAC check comes before anything else but the 14-byte check.
	require.Equal(t, ReasonMACMiss, m.Decide(ethHeader(macOther, 0x0806)).Reason)
	require.Equal(t, ReasonMalformed, m.Decide(macOther[:]).Reason)
	none := newTestModel(t, func(c *Config) { c.Promiscuous = false })
	require.Equal(t, ReasonMACMiss, none.Decide(ethHeader(macOurs, 0x0800)).Reason, "no group MACs: nothing matches")
}

func TestPartitionRules(t *testing.T) {
	var tlsTable [TableSize]uint8
	for i := range tlsTable {
		tlsTable[i] = 200 + uint8(i%3)
	}
	otherKey := MustParseKey("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728")
	m := newTestModel(t, func(c *Config) {
		c.Partitions = []PartitionConfig{DefaultPartition(), {Key: otherKey, EqualPortsTM: 77, Table: &tlsTable}}
		c.Rules = []Rule{{Proto: RuleProtoUDP, Port: 443, Partition: 0}, {Proto: RuleProtoTCP, Port: 443, Partition: 1},
			{Proto: RuleProtoAny, Port: 8443, Partition: 3}}
	})
	a, b := [4]byte{10, 1, 1, 1}, [4]byte{10, 2, 2, 2}
	tcp := cat(ethHeader(macOurs, 0x0800), ipv4Header(6, a, b, 5, 0), ports(51000, 443))
	d := m.Decide(tcp)
	h := ToeplitzBitwise(otherKey, portInput(mapped4(a), 51000))
	require.Equal(t, Decision{Action: ActionForward, Reason: ReasonSrcHash, Partition: 1, TM: tlsTable[h&0xfff], Hash: h, Index: uint16(h & 0xfff)}, d)
	udp := cat(ethHeader(macOurs, 0x0800), ipv4Header(17, a, b, 5, 0), ports(51000, 443))
	require.Equal(t, uint8(0), m.Decide(udp).Partition, "first match wins: the udp rule")
	eq := cat(ethHeader(macOurs, 0x0800), ipv4Header(6, a, b, 5, 0), ports(443, 443))
	require.Equal(t, Decision{Action: ActionForward, Reason: ReasonEqualPorts, Partition: 1, TM: 77}, m.Decide(eq))
	any := cat(ethHeader(macOurs, 0x0800), ipv4Header(17, a, b, 5, 0), ports(8443, 1000))
	d = m.Decide(any)
	require.Equal(t, uint8(3), d.Partition, "unlisted partitions exist with SPEC defaults")
	require.Equal(t, expectHashed(ReasonSrcHash, 3, portInput(mapped4(a), 8443)), d)
	icmp := cat(ethHeader(macOurs, 0x0800), ipv4Header(1, a, b, 5, 0), ports(443, 443))
	require.Equal(t, uint8(0), m.Decide(icmp).Partition, "NON_L4 is always partition 0")
}

func TestSetTableBetweenFrames(t *testing.T) {
	m := newTestModel(t, nil)
	f := cat(ethHeader(macOurs, 0x0800), ipv4Header(6, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 5, 0), ports(40000, 80))
	d := m.Decide(f)
	var tbl [TableSize]uint8
	for i := range tbl {
		tbl[i] = 42
	}
	require.NoError(t, m.SetTable(0, &tbl))
	d2 := m.Decide(f)
	require.Equal(t, uint8(42), d2.TM)
	require.Equal(t, d.Hash, d2.Hash)
	require.Error(t, m.SetTable(4, &tbl))
}

func TestDecisionLogFormat(t *testing.T) {
	var b []byte
	b = append(b, LogHeader...)
	b = Decision{Action: ActionForward, Reason: ReasonDstHash, Partition: 0, TM: 2, Hash: 0x9a31c0e2, Index: 226}.AppendLog(b, 1)
	b = Decision{Action: ActionBridge, Reason: ReasonMACMiss}.AppendLog(b, 2)
	b = Decision{Action: ActionForward, Reason: ReasonEqualPorts, Partition: 3, TM: 9}.AppendLog(b, 3)
	want := "frame\taction\treason\tpartition\ttm\thash\tindex\n" +
		"1\tFORWARD\tDST_HASH\t0\t2\t9a31c0e2\t226\n" +
		"2\tBRIDGE\tMAC_MISS\t-\t-\t-\t-\n" +
		"3\tFORWARD\tEQUAL_PORTS\t3\t9\t-\t-\n"
	require.Equal(t, want, string(b))
}

func TestDecisionWordRoundTrip(t *testing.T) {
	d := Decision{Action: ActionForward, Reason: ReasonFlowState, Partition: 2, TM: 250, Hash: 0xdeadbeef, Index: 0xeef}
	require.Equal(t, d, DecisionFromWord(d.Word()))
	require.Equal(t, uint64(0), d.Word()>>60)
}
