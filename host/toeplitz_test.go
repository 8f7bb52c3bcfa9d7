package host

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestToeplitzPublishedVectors checks every row of the Microsoft RSS
// verification table shipped in ../shared/vectors.
func TestToeplitzPublishedVectors(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedDir(t), "vectors", "rss_toeplitz.tsv"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	rows := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.GreaterOrEqual(t, len(cols), 4, "row %q", sc.Text())
		key, err := ParseKey(cols[1])
		require.NoError(t, err)
		in, err := hex.DecodeString(cols[2])
		require.NoError(t, err)
		got := fmt.Sprintf("%08x", NewToeplitz(key).Hash(in))
		require.Equal(t, cols[3], got, "vector %s", cols[0])
		require.Equal(t, cols[3], fmt.Sprintf("%08x", ToeplitzBitwise(key, in)), "bitwise, vector %s", cols[0])
		rows++
	}
	require.NoError(t, sc.Err())
	require.Equal(t, 16, rows, "the vectors file has 16 rows")
}

// TestToeplitzTablesMatchBitwise holds the per-byte tables against the
// bit-by-bit definition for random keys and inputs of every length.
func TestToeplitzTablesMatchBitwise(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for trial := 0; trial < 200; trial++ {
		var k Key
		rng.Read(k[:])
		tz := NewToeplitz(k)
		in := make([]byte, rng.Intn(MaxHashInput+1))
		rng.Read(in)
		require.Equal(t, ToeplitzBitwise(k, in), tz.Hash(in), "key %s input %x", k, in)
	}
}

// TestToeplitzLinear checks the GF(2) linearity the NAT solver relies on.
func TestToeplitzLinear(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	tz := NewToeplitz(DefaultKey)
	a, b, c := make([]byte, 18), make([]byte, 18), make([]byte, 18)
	for i := 0; i < 1000; i++ {
		rng.Read(a)
		rng.Read(b)
		for j := range c {
			c[j] = a[j] ^ b[j]
		}
		require.Equal(t, tz.Hash(a)^tz.Hash(b), tz.Hash(c))
	}
}

func TestParseKeyErrors(t *testing.T) {
	_, err := ParseKey("abcd")
	require.ErrorContains(t, err, "2 bytes, want 40")
	_, err = ParseKey(strings.Repeat("zz", 40))
	require.ErrorContains(t, err, "not hex")
	k, err := ParseKey("0x" + DefaultKey.String())
	require.NoError(t, err)
	require.Equal(t, DefaultKey, k)
}
