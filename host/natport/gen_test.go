package natport

import (
	"github.com/flowsteer/flowsteer/host"
	"pgregory.net/rapid"
)

// Generators shared by the property tests.

// keyGen draws keys of three kinds: uniformly random (M almost surely has
// rank 12), all zero (rank 0), and random with the key bytes that feed M's
// rows (bytes 18..21: the low 12 hash bits of input bits 128..143 are key
// bits 148..175) mostly cleared, which gives every rank in between.
func keyGen() *rapid.Generator[host.Key] {
	return rapid.Custom(func(t *rapid.T) host.Key {
		var k host.Key
		switch rapid.IntRange(0, 3).Draw(t, "keyKind") {
		case 0:
			return k
		case 1:
			copy(k[:], rapid.SliceOfN(rapid.Byte(), host.KeySize, host.KeySize).Draw(t, "keySparseBase"))
			for i := 18; i <= 21; i++ {
				k[i] = 0
			}
			for _, bit := range rapid.SliceOfN(rapid.IntRange(144, 175), 0, 14).Draw(t, "keySparseBits") {
				k[bit/8] |= 0x80 >> (bit % 8)
			}
			return k
		default:
			copy(k[:], rapid.SliceOfN(rapid.Byte(), host.KeySize, host.KeySize).Draw(t, "key"))
			return k
		}
	})
}

// addrGen draws IPv4-mapped and general IPv6 addresses.
func addrGen() *rapid.Generator[[16]byte] {
	return rapid.Custom(func(t *rapid.T) [16]byte {
		var a [16]byte
		if rapid.Bool().Draw(t, "ipv4") {
			a[10], a[11] = 0xff, 0xff
			copy(a[12:], rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "v4"))
		} else {
			copy(a[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "v6"))
		}
		return a
	})
}

// tableGen draws a table over a random number of TMs: sometimes SPEC's
// default (i mod 8), sometimes every entry from a small random set of TMs (so
// most TMs own no bucket), sometimes one TM owning only a handful of buckets.
func tableGen() *rapid.Generator[*[4096]uint8] {
	return rapid.Custom(func(t *rapid.T) *[4096]uint8 {
		var tab [4096]uint8
		switch rapid.IntRange(0, 2).Draw(t, "tableKind") {
		case 0:
			for i := range tab {
				tab[i] = uint8(i % 8)
			}
		case 1:
			tms := rapid.SliceOfN(rapid.Uint8(), 1, 256).Draw(t, "tms")
			seed := rapid.Uint64().Draw(t, "tableSeed")
			for i := range tab {
				seed = seed*6364136223846793005 + 1442695040888963407
				tab[i] = tms[(seed>>33)%uint64(len(tms))]
			}
		default:
			bg := rapid.Uint8().Draw(t, "background")
			for i := range tab {
				tab[i] = bg
			}
			rare := rapid.Uint8().Draw(t, "rare")
			for _, i := range rapid.SliceOfN(rapid.IntRange(0, 4095), 0, 5).Draw(t, "rareBuckets") {
				tab[i] = rare
			}
		}
		return &tab
	})
}

// tmGen draws a TM that is in the table most of the time, any TM otherwise
// (which then often owns no bucket).
func tmGen(tab *[4096]uint8) *rapid.Generator[uint8] {
	return rapid.Custom(func(t *rapid.T) uint8 {
		if rapid.IntRange(0, 3).Draw(t, "tmFromTable") > 0 {
			return tab[rapid.IntRange(0, 4095).Draw(t, "tmBucket")]
		}
		return rapid.Uint8().Draw(t, "tmAny")
	})
}

// serverPortGen favours the edges: 0, 65535, 65534 and well-known ports.
func serverPortGen() *rapid.Generator[uint16] {
	return rapid.OneOf(
		rapid.SampledFrom([]uint16{0, 1, 80, 443, 1023, 65534, 65535}),
		rapid.Uint16(),
	)
}
