package capture

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// sharedDir finds ../shared: env FLOWSTEER_SHARED, else beside the repo root.
func sharedDir(t testing.TB) string {
	if d := os.Getenv("FLOWSTEER_SHARED"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("repository root (go.mod) not found, so ../shared is unknown")
		}
		dir = parent
	}
}

type manifestEntry struct {
	file      string
	linkTypes []uint16
	packets   int
}

func readManifest(t testing.TB) (string, []manifestEntry) {
	traces := filepath.Join(sharedDir(t), "traces")
	f, err := os.Open(filepath.Join(traces, "MANIFEST.tsv"))
	if os.IsNotExist(err) {
		t.Skipf("%s absent: shared traces not available", traces)
	}
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	var out []manifestEntry
	for line := 0; sc.Scan(); line++ {
		if line == 0 {
			continue
		}
		col := strings.Split(sc.Text(), "\t")
		require.GreaterOrEqual(t, len(col), 8, "MANIFEST line %d", line+1)
		n, err := strconv.Atoi(col[7])
		require.NoError(t, err)
		e := manifestEntry{file: col[0], packets: n}
		for _, s := range strings.Split(col[6], ",") {
			v, err := strconv.Atoi(s)
			require.NoError(t, err)
			e.linkTypes = append(e.linkTypes, uint16(v))
		}
		out = append(out, e)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out)
	return traces, out
}

// Every shared capture opens and yields the manifest's packet count, with
// only the manifest's link types, and converted frames carry the synthetic
// header.
func TestSharedTracesMatchManifest(t *testing.T) {
	dir, entries := readManifest(t)
	for _, e := range entries {
		t.Run(e.file, func(t *testing.T) {
			r, err := Open(filepath.Join(dir, e.file), Options{})
			require.NoError(t, err)
			defer r.Close()
			n := 0
			seen := map[uint16]bool{}
			for {
				fr, err := r.Next()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				n++
				seen[fr.LinkType] = true
				require.Contains(t, e.linkTypes, fr.LinkType, "frame %d", n)
				if fr.LinkType != LinkEthernet && !fr.Malformed {
					require.GreaterOrEqual(t, len(fr.Data), 14, "frame %d", n)
					require.Equal(t, DefaultSynthDst[:], fr.Data[0:6], "frame %d", n)
					require.Equal(t, make([]byte, 6), fr.Data[6:12], "frame %d", n)
				}
			}
			require.Equal(t, e.packets, n)
			require.Equal(t, n, r.Frames())
			require.Len(t, seen, len(e.linkTypes), "link types seen %v", seen)
		})
	}
}
