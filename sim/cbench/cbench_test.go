package cbench

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	r, err := Parse("frames 97338 bytes 14520596 cycles 1862213 seconds 1.265664 frames_per_s 76907 " +
		"cycles_per_s 1471333 dec_fnv a451b9855f80f8c6 egress_fnv fa529cf7a31961f4")
	require.NoError(t, err)
	assert.Equal(t, Result{Frames: 97338, Cycles: 1862213, Seconds: 1.265664, FramesPerS: 76907,
		CyclesPerS: 1471333, DecFNV: "a451b9855f80f8c6", EgressFNV: "fa529cf7a31961f4"}, r)

	for line, want := range map[string]string{
		"":                  "key/value pairs",
		"frames":            "key/value pairs",
		"frames 1 cycles 2": "missing seconds",
		"frames x cycles 2": "frames",
		"frames 1 cycles 2 seconds 1 frames_per_s 1 cycles_per_s 2 dec_fnv zz egress_fnv 0000000000000000": "dec_fnv",
	} {
		_, err := Parse(line)
		assert.ErrorContains(t, err, want, "%q", line)
	}
}

func TestRunReportsHarnessFailure(t *testing.T) {
	_, err := Run("/bin/false", "/nonexistent")
	assert.ErrorContains(t, err, "/bin/false")
	_, err = Run("/bin/echo", "notes then") // echo prints its argument: not a result line
	assert.Error(t, err)
}

func TestOkMiss(t *testing.T) {
	assert.Equal(t, "ok", OkMiss(true))
	assert.Equal(t, "MISS", OkMiss(false))
}
