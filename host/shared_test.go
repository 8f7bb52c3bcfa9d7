package host

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// sharedDir finds ../shared (the published vectors and captures): env
// FLOWSTEER_SHARED, else the folder beside the repository. Tests that need
// it skip, saying so, when it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("FLOWSTEER_SHARED"); d != "" {
		if _, err := os.Stat(d); err == nil {
			return d
		}
	}
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "shared")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("../shared not found (set FLOWSTEER_SHARED): skipping test that needs published vectors/captures")
	}
	return d
}
