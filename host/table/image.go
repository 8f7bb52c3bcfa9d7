package table

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// Image file layout (docs/image-format.md), little-endian:
//
//	0    4     magic "FSTB"
//	4    2     version (1)
//	6    1     partition (0..3)
//	7    1     TM width in bits (1..8)
//	8    4096  entries, one byte each, index 0 first
//	4104 4     CRC-32 (IEEE) of bytes 0..4103
const (
	ImageMagic   = "FSTB"
	ImageVersion = 1
	headerSize   = 8
	crcOffset    = headerSize + Size
	ImageSize    = crcOffset + 4 // 4108 bytes
	MaxPartition = 3
)

// Image is one partition's table as loaded into the device.
type Image struct {
	Partition uint8 // 0..3
	TMBits    uint8 // width of an entry in the RTL, 1..8; every entry < 2^TMBits
	Table     Table
}

// MinTMBits is the narrowest entry width that holds every TM id of t.
func MinTMBits(t Table) uint8 {
	m := t.MaxTM()
	b := uint8(1)
	for m >= 1<<b {
		b++
	}
	return b
}

// Validate checks the fields a device would refuse.
func (img Image) Validate() error {
	if img.Partition > MaxPartition {
		return fmt.Errorf("partition %d out of range 0..%d", img.Partition, MaxPartition)
	}
	if img.TMBits < 1 || img.TMBits > 8 {
		return fmt.Errorf("TM width %d bits out of range 1..8", img.TMBits)
	}
	limit := 1 << img.TMBits
	for i, tm := range img.Table {
		if int(tm) >= limit {
			return fmt.Errorf("entry %d is TM %d, which does not fit in %d bits (max %d)", i, tm, img.TMBits, limit-1)
		}
	}
	return nil
}

// Encode serialises the image. It does not validate; WriteFile does.
func Encode(img Image) []byte {
	b := make([]byte, ImageSize)
	copy(b[0:4], ImageMagic)
	binary.LittleEndian.PutUint16(b[4:6], ImageVersion)
	b[6] = img.Partition
	b[7] = img.TMBits
	copy(b[headerSize:crcOffset], img.Table[:])
	binary.LittleEndian.PutUint32(b[crcOffset:], crc32.ChecksumIEEE(b[:crcOffset]))
	return b
}

// Decode parses and validates an image. Errors name what is wrong: bad magic,
// unsupported version, truncated, trailing bytes, CRC mismatch, or a field
// out of range. The CRC is checked before the fields, so a damaged file is
// reported as damaged rather than as a strange value.
func Decode(b []byte) (Image, error) {
	if len(b) < 4 {
		return Image{}, fmt.Errorf("table image truncated: %d bytes, want %d", len(b), ImageSize)
	}
	if string(b[0:4]) != ImageMagic {
		return Image{}, fmt.Errorf("not a table image: bad magic % x, want % x (%q)", b[0:4], ImageMagic, ImageMagic)
	}
	if len(b) < headerSize {
		return Image{}, fmt.Errorf("table image truncated: %d bytes, want %d", len(b), ImageSize)
	}
	if v := binary.LittleEndian.Uint16(b[4:6]); v != ImageVersion {
		return Image{}, fmt.Errorf("unsupported table image version %d (this build reads version %d)", v, ImageVersion)
	}
	if len(b) < ImageSize {
		return Image{}, fmt.Errorf("table image truncated: %d bytes, want %d", len(b), ImageSize)
	}
	if len(b) > ImageSize {
		return Image{}, fmt.Errorf("table image has %d trailing bytes after its %d-byte end", len(b)-ImageSize, ImageSize)
	}
	want := binary.LittleEndian.Uint32(b[crcOffset:])
	if got := crc32.ChecksumIEEE(b[:crcOffset]); got != want {
		return Image{}, fmt.Errorf("table image CRC mismatch: stored %08x, computed %08x (file damaged)", want, got)
	}
	img := Image{Partition: b[6], TMBits: b[7]}
	copy(img.Table[:], b[headerSize:crcOffset])
	if err := img.Validate(); err != nil {
		return Image{}, fmt.Errorf("table image: %w", err)
	}
	return img, nil
}

// ReadFile loads and validates an image file.
func ReadFile(path string) (Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Image{}, err
	}
	img, err := Decode(b)
	if err != nil {
		return Image{}, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// WriteFile validates img and writes it atomically: to a temporary file in
// the same directory, synced, then renamed over path, so a reader sees the
// old file or the new one, never half of one.
func WriteFile(path string, img Image) error {
	if err := img.Validate(); err != nil {
		return err
	}
	return writeAtomic(path, Encode(img))
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// AppendHex appends the table in $readmemh form: 4096 lines of two lowercase
// hex digits, entry 0 first.
func AppendHex(dst []byte, t Table) []byte {
	const digits = "0123456789abcdef"
	for _, tm := range t {
		dst = append(dst, digits[tm>>4], digits[tm&0xf], '\n')
	}
	return dst
}

// WriteHex writes AppendHex's form to w.
func WriteHex(w io.Writer, t Table) error {
	_, err := w.Write(AppendHex(make([]byte, 0, 3*Size), t))
	return err
}

// WriteHexFile writes the hex form atomically.
func WriteHexFile(path string, t Table) error {
	return writeAtomic(path, AppendHex(make([]byte, 0, 3*Size), t))
}
