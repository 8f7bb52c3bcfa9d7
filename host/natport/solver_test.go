package natport

import (
	"slices"
	"testing"

	"github.com/flowsteer/flowsteer/host"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// The three answers must agree: linear solver, brute force over the full
// hash, and the precomputed per-address table.
func TestSolverEqualsBruteForceEqualsPortTable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := keyGen().Draw(t, "key")
		tab := tableGen().Draw(t, "table")
		addr := addrGen().Draw(t, "addr")
		tm := tmGen(tab).Draw(t, "tm")
		d := serverPortGen().Draw(t, "serverPort")

		s := NewSolver(key, tab)
		got := s.Ports(addr, d, tm)
		want := BruteForcePorts(host.NewToeplitz(key), tab, addr, d, tm)
		require.Equal(t, len(want), len(got), "count: solver vs brute force (rank %d)", s.Rank())
		if len(want) > 0 {
			require.Equal(t, want, got)
		}
		require.True(t, slices.IsSorted(got))

		pt := s.BuildPortTable(addr)
		fromTable := pt.Ports(tm, d)
		require.Equal(t, len(want), len(fromTable), "count: table vs brute force")
		if len(want) > 0 {
			require.Equal(t, want, fromTable)
		}

		n := rapid.IntRange(0, 20).Draw(t, "n")
		first := s.First(addr, d, tm, n)
		require.Len(t, first, min(n, len(want)))
		if len(first) > 0 {
			require.Equal(t, want[:len(first)], first)
		}

		if s.Buckets(tm) == 0 {
			require.Empty(t, got, "a TM without buckets has no ports")
		}
		if s.ReachableBuckets(addr, tm) == 0 {
			require.Zero(t, pt.Count(tm), "no reachable bucket, no port at all")
		} else {
			// Each reachable bucket is hit by exactly 2^(16-rank) ports.
			require.Equal(t, s.ReachableBuckets(addr, tm)<<(16-s.Rank()), pt.Count(tm))
		}
	})
}

// The port table partitions all 65536 ports among the TMs of the table, and
// each TM's list is what the bitwise hash says.
func TestPortTableCoversEveryPortOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := keyGen().Draw(t, "key")
		tab := tableGen().Draw(t, "table")
		addr := addrGen().Draw(t, "addr")
		pt := NewSolver(key, tab).BuildPortTable(addr)

		total := 0
		for tm := 0; tm < 256; tm++ {
			all := pt.All(uint8(tm))
			require.True(t, slices.IsSorted(all))
			total += len(all)
			if len(all) > 0 {
				// Spot-check with the literal SPEC 3 hash.
				x := all[rapid.IntRange(0, len(all)-1).Draw(t, "pick")]
				in := HashInput(addr, x)
				require.Equal(t, uint8(tm), tab[host.ToeplitzBitwise(key, in[:])&indexMask], "port %d", x)
			}
		}
		require.Equal(t, numPorts, total)
	})
}

// specHashInput applies SPEC 2 steps 10-11 literally to a TCP/UDP tuple: the
// 18-byte input and the reason. ok is false for equal ports (no hash).
func specHashInput(src [16]byte, sport uint16, dst [16]byte, dport uint16) (in []byte, reason host.Reason, ok bool) {
	switch {
	case sport == dport:
		return nil, host.ReasonEqualPorts, false
	case sport > dport:
		in = append(append(in, src[:]...), byte(sport>>8), byte(sport))
		return in, host.ReasonSrcHash, true
	default:
		in = append(append(in, dst[:]...), byte(dport>>8), byte(dport))
		return in, host.ReasonDstHash, true
	}
}

// Every returned port steers both directions of A:X <-> S:D to tm: the
// outgoing frame by SRC_HASH, the reply by DST_HASH, both through the
// bitwise hash of SPEC 3 and the table.
func TestPortsSteerBothDirections(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := keyGen().Draw(t, "key")
		tab := tableGen().Draw(t, "table")
		addr := addrGen().Draw(t, "addr")
		server := addrGen().Draw(t, "server")
		tm := tmGen(tab).Draw(t, "tm")
		d := serverPortGen().Draw(t, "serverPort")

		ports := NewSolver(key, tab).First(addr, d, tm, 8)
		for _, x := range ports {
			out, outReason, ok := specHashInput(addr, x, server, d)
			require.True(t, ok)
			require.Equal(t, host.ReasonSrcHash, outReason, "outgoing %d -> %d", x, d)
			back, backReason, ok := specHashInput(server, d, addr, x)
			require.True(t, ok)
			require.Equal(t, host.ReasonDstHash, backReason, "reply %d -> %d", d, x)
			require.Equal(t, out, back, "both directions hash the same 18 bytes")

			require.Equal(t, tm, tab[host.ToeplitzBitwise(key, out)&indexMask], "outgoing A:%d -> S:%d", x, d)
			require.Equal(t, tm, tab[host.ToeplitzBitwise(key, back)&indexMask], "reply S:%d -> A:%d", d, x)
		}
	})
}

// Server port 65535 leaves no port above it, whatever the TM.
func TestServerPortMaxHasNoPorts(t *testing.T) {
	var tab [4096]uint8
	for i := range tab {
		tab[i] = uint8(i % 8)
	}
	s := NewSolver(host.DefaultKey, &tab)
	addr, err := ParseAddr("192.0.2.1")
	require.NoError(t, err)
	pt := s.BuildPortTable(addr)
	for tm := uint8(0); tm < 8; tm++ {
		assert.Empty(t, s.Ports(addr, 65535, tm))
		assert.Empty(t, s.First(addr, 65535, tm, 10))
		assert.Empty(t, pt.Ports(tm, 65535))
		// 65534 leaves exactly port 65535, which belongs to one TM.
		if s.TM(addr, 65535) == tm {
			assert.Equal(t, []uint16{65535}, s.Ports(addr, 65534, tm))
		} else {
			assert.Empty(t, s.Ports(addr, 65534, tm))
		}
	}
}

// With the all-zero key every input hashes to 0, so only the TM of bucket 0
// gets ports (all of them), and every other TM, though it owns buckets, none.
func TestZeroKeyOnlyBucketZero(t *testing.T) {
	var tab [4096]uint8
	for i := range tab {
		tab[i] = uint8(i % 8)
	}
	s := NewSolver(host.Key{}, &tab)
	addr, err := ParseAddr("2001:db8::1")
	require.NoError(t, err)
	require.Equal(t, 0, s.Rank())
	ports := s.Ports(addr, 1023, 0)
	require.Len(t, ports, 65535-1023)
	require.Equal(t, uint16(1024), ports[0])
	require.Equal(t, uint16(65535), ports[len(ports)-1])
	for tm := uint8(1); tm < 8; tm++ {
		require.Equal(t, 512, s.Buckets(tm))
		require.Zero(t, s.ReachableBuckets(addr, tm))
		require.Empty(t, s.Ports(addr, 0, tm))
	}
}

// The solver copies the table: editing the caller's table afterwards must not
// change its answers.
func TestSolverCopiesTable(t *testing.T) {
	var tab [4096]uint8
	for i := range tab {
		tab[i] = uint8(i % 8)
	}
	s := NewSolver(host.DefaultKey, &tab)
	addr, _ := ParseAddr("10.1.2.3")
	before := s.Ports(addr, 1024, 3)
	for i := range tab {
		tab[i] = 7
	}
	require.Equal(t, before, s.Ports(addr, 1024, 3))
	require.Empty(t, s.Ports(addr, 1024, 9), "TM 9 owns no bucket")
}

// BruteForcePorts uses the table-driven hash; check that it equals the
// literal bitwise definition on 18-byte inputs so it is a fair reference.
func TestTableHashEqualsBitwiseOnPortInputs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := keyGen().Draw(t, "key")
		addr := addrGen().Draw(t, "addr")
		x := rapid.Uint16().Draw(t, "x")
		in := HashInput(addr, x)
		require.Equal(t, host.ToeplitzBitwise(key, in[:]), host.NewToeplitz(key).Hash(in[:]))
		require.Equal(t, uint16(host.ToeplitzBitwise(key, in[:])&indexMask), NewSolver(key, &[4096]uint8{}).Index(addr, x))
	})
}
