package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
	"github.com/flowsteer/flowsteer/host/replay"
	"github.com/flowsteer/flowsteer/sim/framefile"
)

// The frames file holds the capture's frames, in order and byte for byte,
// as capture.ReadAll (the reader the model's replay is built on) sees them.
func TestWritesCaptureFrames(t *testing.T) {
	const pcap = "../../../testdata/demo/many-protocols.pcap"
	out := filepath.Join(t.TempDir(), "f.bin")
	var stdout bytes.Buffer
	require.NoError(t, run([]string{"-o", out, pcap}, &stdout))
	require.Contains(t, stdout.String(), "from 1 capture(s)")

	got, err := framefile.Read(out)
	require.NoError(t, err)
	want, err := capture.ReadAll(pcap, replay.CaptureOptions(host.DefaultConfig()))
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i].Data, got[i], "frame %d", i)
	}
}

func TestUsageErrors(t *testing.T) {
	var stdout bytes.Buffer
	require.ErrorContains(t, run(nil, &stdout), "usage")
	require.ErrorContains(t, run([]string{"x.pcap"}, &stdout), "usage")
	require.Error(t, run([]string{"-o", filepath.Join(t.TempDir(), "f"), "/nonexistent.pcap"}, &stdout))
	require.Error(t, run([]string{"-bogus"}, &stdout))
}
