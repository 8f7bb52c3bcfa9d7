package replay

import (
	"io"

	"github.com/flowsteer/flowsteer/host/capture"
)

// batch is a run of frames copied out of the capture reader, so reading and
// deciding can run on two cores.
type batch struct {
	buf  []byte
	lens []int
	offs []int
	err  error // the reader's error after these frames (not io.EOF)
	free chan *batch
}

func (b *batch) frame(i int) []byte { return b.buf[b.offs[i] : b.offs[i]+b.lens[i]] }

// release hands the batch back to the reader for reuse.
func (b *batch) release() {
	b.buf, b.lens, b.offs, b.err = b.buf[:0], b.lens[:0], b.offs[:0], nil
	b.free <- b
}

const (
	batchFrames = 2048
	batchBytes  = 1 << 20
	batchCount  = 4
)

// readAhead opens the capture and reads it on its own goroutine in batches.
// Opening errors (bad file, unsupported link type) are returned at once;
// later read errors arrive with the last batch. stop ends the reader early.
func readAhead(path string, opts capture.Options) (<-chan *batch, func(), error) {
	r, err := capture.Open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	out := make(chan *batch, batchCount)
	free := make(chan *batch, batchCount)
	for i := 0; i < batchCount; i++ {
		free <- &batch{buf: make([]byte, 0, batchBytes), free: free}
	}
	done := make(chan struct{})
	go func() {
		defer close(out)
		defer r.Close()
		for {
			var b *batch
			select {
			case b = <-free:
			case <-done:
				return
			}
			for len(b.lens) < batchFrames && len(b.buf) < batchBytes {
				f, err := r.Next()
				if err == io.EOF {
					out <- b
					return
				}
				if err != nil {
					b.err = err
					out <- b
					return
				}
				b.offs = append(b.offs, len(b.buf))
				b.lens = append(b.lens, len(f.Data))
				b.buf = append(b.buf, f.Data...)
			}
			select {
			case out <- b:
			case <-done:
				return
			}
		}
	}()
	stop := func() {
		close(done)
		for range out { // let the reader finish and close the file
		}
	}
	return out, stop, nil
}
