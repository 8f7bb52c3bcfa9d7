// Package framefile reads and writes the raw frames file that the C++
// baseline harness (sim/bench/fs_bench.cpp) reads: no capture-format
// parsing on the C++ side, so its timing is the RTL model's alone.
//
// Layout, little-endian: "FSFR", u32 version (1), u32 frame count, then per
// frame u32 length and the bytes.
package framefile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

const (
	magic   = "FSFR"
	version = 1
	// maxFrame bounds one frame on read so a corrupt file cannot ask for
	// gigabytes.
	maxFrame = 1 << 20
)

// Write stores frames in path.
func Write(path string, frames [][]byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	var hdr [12]byte
	copy(hdr[:4], magic)
	binary.LittleEndian.PutUint32(hdr[4:], version)
	if len(frames) > math.MaxUint32 {
		f.Close()
		return fmt.Errorf("framefile: %d frames do not fit", len(frames))
	}
	binary.LittleEndian.PutUint32(hdr[8:], uint32(len(frames)))
	w.Write(hdr[:])
	for i, fr := range frames {
		if len(fr) > maxFrame {
			f.Close()
			return fmt.Errorf("framefile: frame %d has %d bytes (limit %d)", i, len(fr), maxFrame)
		}
		var l [4]byte
		binary.LittleEndian.PutUint32(l[:], uint32(len(fr)))
		w.Write(l[:])
		w.Write(fr)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Read loads a file written by Write.
func Read(path string) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, fmt.Errorf("framefile %s: header: %w", path, err)
	}
	if string(hdr[:4]) != magic || binary.LittleEndian.Uint32(hdr[4:]) != version {
		return nil, fmt.Errorf("framefile %s: not a version %d frames file", path, version)
	}
	n := binary.LittleEndian.Uint32(hdr[8:])
	frames := make([][]byte, 0, min(n, 1<<20))
	for i := uint32(0); i < n; i++ {
		var l [4]byte
		if _, err := io.ReadFull(r, l[:]); err != nil {
			return nil, fmt.Errorf("framefile %s: frame %d length: %w", path, i, noEOF(err))
		}
		ln := binary.LittleEndian.Uint32(l[:])
		if ln > maxFrame {
			return nil, fmt.Errorf("framefile %s: frame %d claims %d bytes (limit %d)", path, i, ln, maxFrame)
		}
		fr := make([]byte, ln)
		if _, err := io.ReadFull(r, fr); err != nil {
			return nil, fmt.Errorf("framefile %s: frame %d: %w", path, i, noEOF(err))
		}
		frames = append(frames, fr)
	}
	return frames, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
