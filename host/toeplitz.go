package host

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// KeySize is the length of a Toeplitz key in bytes (SPEC 3): 320 bits cover
// the longest hash input, 36 bytes, plus the 32-bit window.
const KeySize = 40

// MaxHashInput is the longest input the key can hash: every input bit needs
// 32 key bits starting at its own position.
const MaxHashInput = KeySize - 4

// Key is a programmable Toeplitz key, byte 0 first as written in hex.
type Key [KeySize]byte

// DefaultKey is the Microsoft RSS default key, the SPEC 1 default for every
// partition.
var DefaultKey = MustParseKey("6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa")

// ParseKey reads a key written as 80 hex digits (colons, spaces and a 0x
// prefix are allowed, as keys are often printed that way).
func ParseKey(s string) (Key, error) {
	var k Key
	clean := strings.NewReplacer(":", "", " ", "", "_", "").Replace(strings.TrimPrefix(strings.TrimSpace(s), "0x"))
	b, err := hex.DecodeString(clean)
	if err != nil {
		return k, fmt.Errorf("key: not hex: %v", err)
	}
	if len(b) != KeySize {
		return k, fmt.Errorf("key: %d bytes, want %d", len(b), KeySize)
	}
	copy(k[:], b)
	return k, nil
}

// MustParseKey is ParseKey for constants.
func MustParseKey(s string) Key {
	k, err := ParseKey(s)
	if err != nil {
		panic(err)
	}
	return k
}

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Toeplitz hashes with one key. The definition (SPEC 3) is bitwise: for each
// input bit i that is 1, XOR key bits i..i+31 into the result. Because that is
// linear over GF(2), the contribution of input byte n with value v is the XOR
// of the windows of its set bits, so it is precomputed per (position, value):
// hashing is then one table load and XOR per input byte.
type Toeplitz struct {
	key   Key
	table [MaxHashInput][256]uint32
}

// NewToeplitz builds the per-byte lookup tables for key (36 x 256 words).
func NewToeplitz(key Key) *Toeplitz {
	t := &Toeplitz{key: key}
	for pos := 0; pos < MaxHashInput; pos++ {
		var window [8]uint32 // window[b] = key bits 8*pos+b .. +31
		for b := 0; b < 8; b++ {
			window[b] = keyWindow(&key, 8*pos+b)
		}
		for v := 0; v < 256; v++ {
			var h uint32
			for b := 0; b < 8; b++ {
				if v&(0x80>>b) != 0 {
					h ^= window[b]
				}
			}
			t.table[pos][v] = h
		}
	}
	return t
}

// Key returns the key the tables were built from.
func (t *Toeplitz) Key() Key { return t.key }

// Hash returns the Toeplitz hash of data, which must be at most MaxHashInput
// bytes long (longer inputs would run past the key; they panic).
func (t *Toeplitz) Hash(data []byte) uint32 {
	var h uint32
	for i, v := range data {
		h ^= t.table[i][v]
	}
	return h
}

// ByteContribution is the hash of an input that is zero except for value v
// at position pos. Linearity makes Hash(data) the XOR of these; the NAT
// solver (SPEC 6) builds on it.
func (t *Toeplitz) ByteContribution(pos int, v byte) uint32 { return t.table[pos][v] }

// keyWindow returns key bits bit..bit+31 (bit 0 = MSB of key byte 0).
func keyWindow(key *Key, bit int) uint32 {
	var w uint32
	for j := 0; j < 32; j++ {
		n := bit + j
		if key[n/8]&(0x80>>(n%8)) != 0 {
			w |= 1 << (31 - j)
		}
	}
	return w
}

// ToeplitzBitwise is the literal SPEC 3 definition, one input bit at a time.
// It is the independent side that tests hold the table-driven Hash against.
func ToeplitzBitwise(key Key, data []byte) uint32 {
	var h uint32
	for i := 0; i < 8*len(data); i++ {
		if data[i/8]&(0x80>>(i%8)) != 0 {
			h ^= keyWindow(&key, i)
		}
	}
	return h
}
