package capture

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// scanInterfaces walks the block structure of a pcapng file and checks the
// link type of every interface description block (IDB) before any frame is
// read, so an unsupported interface is refused up front even when its first
// packet comes late (SPEC 1: "before any frame is processed"). The walk only
// reads block types and lengths (and 2 bytes of each IDB); it stops quietly
// at the first damaged block, leaving that error to pcapgo's reader, which
// reports it with the frame number when the frames get there.
func scanInterfaces(path string) error {
	f, br, _, err := openStream(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var order binary.ByteOrder = binary.LittleEndian
	section, iface := 0, 0
	var hdr [12]byte
	for {
		if _, err := io.ReadFull(br, hdr[:8]); err != nil {
			return nil // end of file, or a damaged tail: pcapgo reports it
		}
		typ := order.Uint32(hdr[0:4])
		if binary.LittleEndian.Uint32(hdr[0:4]) == ngMagic {
			if _, err := io.ReadFull(br, hdr[8:12]); err != nil {
				return nil
			}
			switch {
			case binary.LittleEndian.Uint32(hdr[8:12]) == 0x1a2b3c4d:
				order = binary.LittleEndian
			case binary.BigEndian.Uint32(hdr[8:12]) == 0x1a2b3c4d:
				order = binary.BigEndian
			default:
				return nil
			}
			section++
			iface = 0
			typ = ngMagic
		}
		length := order.Uint32(hdr[4:8])
		if length < 12 || length%4 != 0 {
			return nil
		}
		body := int64(length) - 8
		if typ == ngMagic {
			body -= 4
		}
		if typ == 1 { // interface description block
			var lt [2]byte
			if _, err := io.ReadFull(br, lt[:]); err != nil {
				return nil
			}
			if v := order.Uint16(lt[:]); !Supported(v) {
				return fmt.Errorf("%s: %w", path, unsupported(v, fmt.Sprintf("pcapng section %d interface %d: ", section, iface)))
			}
			iface++
			body -= 2
		}
		if _, err := br.Discard(int(body)); err != nil {
			return nil
		}
	}
}

func unixSeconds(s int) time.Time { return time.Unix(int64(s), 0).UTC() }
