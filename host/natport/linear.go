package natport

import "github.com/flowsteer/flowsteer/host"

// portBits is the width of the port X; indexBits the width of the table index.
const (
	portBits  = 16
	indexBits = 12
	indexMask = 1<<indexBits - 1
	numPorts  = 1 << portBits
	numIdx    = 1 << indexBits
)

// portMap is the GF(2)-linear map X -> toeplitz(0^16 ‖ X_be16) & 0xfff and its
// exact inverse. The Toeplitz hash is linear over GF(2), so for any address A
// index(A, X) = index(A, 0) XOR M·X with M a 12x16 matrix; inverting M once
// per key turns "which ports land on bucket i" into a table lookup plus a walk
// over M's kernel.
type portMap struct {
	// hi[v] and lo[v] are M applied to X = v<<8 and X = v: M·X = hi[X>>8] ^ lo[X&0xff].
	hi, lo [256]uint16

	rank int
	// pivotColumn[b] is the port bit whose column gave the pivot with leading
	// index bit b, or -1 when no column has b as leading bit.
	pivotColumn [indexBits]int8

	// particular[y] is one X with M·X = y, valid when reachable[y]; the image
	// of M has 2^rank elements, the other indices no port can reach.
	particular [numIdx]uint16
	reachable  [numIdx]bool

	// kernel is a basis of {X : M·X = 0} (16 - rank vectors); kernelSpan lists
	// all 2^(16-rank) of its elements, kernelSpan[0] = 0. The ports landing on
	// a reachable y are exactly particular[y] XOR each element of kernelSpan.
	kernel     []uint16
	kernelSpan []uint16
}

// newPortMap inverts M for one key by Gaussian elimination over GF(2).
func newPortMap(tz *host.Toeplitz) *portMap {
	m := &portMap{}
	// Bytes 16 and 17 of the 18-byte input hold X big-endian; the address
	// bytes 0..15 only shift the result by index(A, 0).
	for v := 0; v < 256; v++ {
		m.hi[v] = uint16(tz.ByteContribution(16, byte(v)) & indexMask)
		m.lo[v] = uint16(tz.ByteContribution(17, byte(v)) & indexMask)
	}

	// Row-reduce the 16 columns. basisVal[b] is an image vector whose highest
	// set bit is b and basisComb[b] the port X with M·X = basisVal[b]. A
	// column that reduces to zero yields a kernel vector instead; each kernel
	// vector contains its own column bit and only lower ones, so they are
	// independent and there are exactly 16 - rank of them.
	var basisVal, basisComb [indexBits]uint16
	var hasPivot [indexBits]bool
	for b := range m.pivotColumn {
		m.pivotColumn[b] = -1
	}
	for col := 0; col < portBits; col++ {
		x := uint16(1) << col
		v := m.apply(x)
		for b := indexBits - 1; b >= 0 && v != 0; b-- {
			if v&(1<<b) == 0 {
				continue
			}
			if hasPivot[b] {
				v ^= basisVal[b]
				x ^= basisComb[b]
				continue
			}
			basisVal[b], basisComb[b], hasPivot[b] = v, x, true
			m.pivotColumn[b] = int8(col)
			m.rank++
			v = 0
			x = 0 // consumed as a pivot, not a kernel vector
		}
		if x != 0 {
			m.kernel = append(m.kernel, x)
		}
	}

	// A particular solution for every index: reduce y by the pivots from the
	// top bit down; a leftover bit without a pivot means y is not in the image.
	for y := 0; y < numIdx; y++ {
		rest, x := uint16(y), uint16(0)
		ok := true
		for b := indexBits - 1; b >= 0; b-- {
			if rest&(1<<b) == 0 {
				continue
			}
			if !hasPivot[b] {
				ok = false
				break
			}
			rest ^= basisVal[b]
			x ^= basisComb[b]
		}
		if ok {
			m.particular[y], m.reachable[y] = x, true
		}
	}

	// The span in Gray-code order: each element differs from the previous one
	// by a single basis vector.
	m.kernelSpan = make([]uint16, 1<<len(m.kernel))
	for i := 1; i < len(m.kernelSpan); i++ {
		m.kernelSpan[i] = m.kernelSpan[i-1] ^ m.kernel[trailingZeros(i)]
	}
	return m
}

// apply is M·X: the low 12 hash bits of 0^16 ‖ X.
func (m *portMap) apply(x uint16) uint16 { return m.hi[x>>8] ^ m.lo[x&0xff] }

func trailingZeros(i int) int {
	n := 0
	for i&1 == 0 {
		i >>= 1
		n++
	}
	return n
}
