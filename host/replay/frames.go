package replay

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/capture"
)

// ReadFrames reads one capture, or every capture file (.pcap, .pcapng,
// .cap) in a directory in name order as one mix, converted as cfg implies
// (CaptureOptions). It returns the frames and how many files they came
// from. A file that cannot be read is an error: a benchmark figure would
// otherwise be of a different mix than asked for.
func ReadFrames(path string, cfg *host.Config) ([][]byte, int, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	names := []string{path}
	if st.IsDir() {
		ents, err := os.ReadDir(path)
		if err != nil {
			return nil, 0, err
		}
		names = names[:0]
		for _, e := range ents {
			switch filepath.Ext(e.Name()) {
			case ".pcap", ".pcapng", ".cap":
				names = append(names, filepath.Join(path, e.Name()))
			}
		}
		sort.Strings(names)
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
