package link

import (
	"math/rand"
	"testing"
)

func TestDbgSoak(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	regs := NewMapRegisters()
	lb := NewLoopback(regs)
	c, _ := NewConn(lb)
	c.Retries = 20
	var last []byte
	mangle := func(b []byte, toPeer bool) [][]byte {
		k := rng.Intn(10)
		var out [][]byte
		switch k {
		case 0:
		case 1:
			i := rng.Intn(len(b) - 1)
			out = [][]byte{append(append([]byte(nil), b[:i]...), b[i+1:]...)}
		case 2:
			c := append([]byte(nil), b...)
			c[rng.Intn(len(c))] ^= byte(1 << rng.Intn(8))
			out = [][]byte{c}
		case 3:
			out = [][]byte{b, b}
		default:
			out = [][]byte{b}
		}
		if toPeer {
			last = nil
			for _, o := range out {
				last = append(last, o...)
			}
			t.Logf("orig % x  fault %d sent % x", b, k, last)
		}
		return out
	}
	lb.ToPeer = func(_ int, b []byte) [][]byte { return mangle(b, true) }
	lb.ToHost = func(_ int, b []byte) [][]byte { return mangle(b, false) }
	for i := 0; i < 1524; i++ {
		a := uint16(4 * rng.Intn(16))
		if rng.Intn(2) == 0 {
			if err := c.Write32(uint32(a), rng.Uint32()); err != nil {
				t.Fatalf("op %d: %v", i, err)
			}
		} else {
			if _, err := c.Read32(uint32(a)); err != nil {
				t.Fatalf("op %d: %v", i, err)
			}
		}
	}
}
