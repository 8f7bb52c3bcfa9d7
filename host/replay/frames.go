package replay

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
)

// CaptureFiles is path itself when it is a file, or every capture file
// (.pcap, .pcapng, .cap) in the directory path, in name order.
func CaptureFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	ents, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		switch filepath.Ext(e.Name()) {
		case ".pcap", ".pcapng", ".cap":
			names = append(names, filepath.Join(path, e.Name()))
		}
	}
	sort.Strings(names)
	return names, nil
}

// ReadFrames reads one capture, or every capture file of a directory
// (CaptureFiles) as one mix, converted as cfg implies (CaptureOptions). It
// returns the frames and how many files they came from. A file that cannot
// be read is an error: a benchmark figure would otherwise be of a different
// mix than asked for.
func ReadFrames(path string, cfg *host.Config) ([][]byte, int, error) {
	names, err := CaptureFiles(path)
	if err != nil {
		return nil, 0, err
	}
	var frames [][]byte
	for _, n := range names {
		fr, err := capture.ReadAll(n, CaptureOptions(cfg))
		if err != nil {
			return nil, 0, err
		}
		for i := range fr {
			frames = append(frames, fr[i].Data)
		}
	}
	if len(frames) == 0 {
		return nil, 0, fmt.Errorf("%s: no frames", path)
	}
	return frames, len(names), nil
}
