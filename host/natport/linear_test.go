package natport

import (
	"math/bits"
	"testing"

	"github.com/flowsteer/flowsteer/host"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// bitwiseIndex is the low 12 bits of the literal SPEC 3 hash of 0^16 ‖ X:
// the matrix M computed without the byte tables the solver uses.
func bitwiseIndex(key host.Key, x uint16) uint16 {
	in := HashInput([16]byte{}, x)
	return uint16(host.ToeplitzBitwise(key, in[:]) & indexMask)
}

// The inverse must be exact: rank-nullity, every kernel vector maps to 0,
// every particular solution maps to its index, and the image has 2^rank
// elements.
func TestPortMapInverse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := keyGen().Draw(t, "key")
		m := newPortMap(host.NewToeplitz(key))

		for i := 0; i < 64; i++ {
			x := rapid.Uint16().Draw(t, "x")
			require.Equal(t, bitwiseIndex(key, x), m.apply(x), "M·%d against the bitwise hash", x)
		}
		require.Equal(t, portBits, m.rank+len(m.kernel), "rank + nullity")
		for _, k := range m.kernel {
			require.NotZero(t, k)
			require.Zero(t, m.apply(k), "kernel vector %#04x", k)
		}
		reachable := 0
		for y := 0; y < numIdx; y++ {
			if m.reachable[y] {
				reachable++
				if got := m.apply(m.particular[y]); got != uint16(y) {
					t.Fatalf("particular solution of %d maps to %d", y, got)
				}
			}
		}
		require.Equal(t, 1<<m.rank, reachable, "image size")
		// The span holds distinct kernel elements only.
		// (Plain ifs: up to 65536 elements, too many for testify calls.)
		var seen [numPorts]bool
		for _, k := range m.kernelSpan {
			if m.apply(k) != 0 || seen[k] {
				t.Fatalf("kernel span element %#04x: M·k = %#03x, repeated %v", k, m.apply(k), seen[k])
			}
			seen[k] = true
		}
		require.Len(t, m.kernelSpan, 1<<len(m.kernel))
	})
}

// Rank, counted independently: the dimension of the image found by
// enumerating M·X over all 65536 X with the bitwise hash for the columns.
func TestPortMapRankMatchesImage(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		key := keyGen().Draw(t, "key")
		var cols [16]uint16
		for j := range cols {
			cols[j] = bitwiseIndex(key, 1<<j)
		}
		image := map[uint16]bool{}
		for x := 0; x < numPorts; x++ {
			var v uint16
			for j := 0; j < 16; j++ {
				if x&(1<<j) != 0 {
					v ^= cols[j]
				}
			}
			image[v] = true
		}
		rank := bits.Len(uint(len(image))) - 1
		require.Equal(t, 1<<rank, len(image), "image of a linear map is a power of two")
		require.Equal(t, rank, newPortMap(host.NewToeplitz(key)).rank)
	})
}

// The all-zero key maps every port to index 0: rank 0, every port in the kernel.
func TestPortMapZeroKey(t *testing.T) {
	m := newPortMap(host.NewToeplitz(host.Key{}))
	require.Equal(t, 0, m.rank)
	require.Len(t, m.kernel, 16)
	require.Len(t, m.kernelSpan, numPorts)
	require.True(t, m.reachable[0])
	for y := 1; y < numIdx; y++ {
		require.False(t, m.reachable[y], "index %d", y)
	}
}

// The Microsoft key gives M full rank, so every bucket is reachable from any
// address with 16 ports each (checked by counting, not by the solver).
func TestDefaultKeyFullRank(t *testing.T) {
	var hits [numIdx]int
	for x := 0; x < numPorts; x++ {
		hits[bitwiseIndex(host.DefaultKey, uint16(x))]++
	}
	for y, n := range hits {
		require.Equal(t, 16, n, "ports reaching index %d", y)
	}
	require.Equal(t, 12, newPortMap(host.NewToeplitz(host.DefaultKey)).rank)
}
