// Package capture reads pcap and pcapng files into Ethernet frames as SPEC 1
// defines them: Ethernet records as captured, Linux SLL/SLL2 and raw IP
// records behind a synthetic 14-byte Ethernet header, any other link type
// refused before the first frame is returned.
//
// Parsing of the containers is github.com/gopacket/gopacket/pcapgo's; this
// package picks the reader from the file's magic, scans pcapng interface
// descriptions up front, converts link types, and turns every reader error
// into one line naming the file and the frame.
//
// Behaviour worth knowing:
//
//   - Format by magic, not name (several shared .pcap files are pcapng);
//     gzip-compressed files are unwrapped first.
//   - Link type: the low 16 bits of the pcap header field (libpcap's
//     LT_LINKTYPE; the upper bits carry FCS-length flags). In pcapng every
//     interface has its own link type; simple packet blocks use interface 0.
//   - pcapng interface description blocks are all scanned before Open
//     returns (scanInterfaces), so an unsupported link type anywhere in the
//     file is refused before the first frame. Next also checks each frame's
//     interface, in case a damaged block stopped the scan early.
//   - A captured length above the snaplen is accepted up to
//     max(snaplen, 262144) bytes (libpcap's MAXIMUM_SNAPLEN, pcapgo's limit);
//     a longer record is an error naming the frame. pcapgo also refuses a
//     pcap record whose captured length exceeds its original length (libpcap
//     accepts it); no shared trace has one.
//   - An SLL/SLL2 record shorter than its own header (16/20 bytes) is
//     returned with Malformed set and empty Data (so it is CONTROL /
//     MALFORMED whether or not the classifier looks at the flag).
//   - Errors are "<file>: frame N: <what>", N counting from 1 the frame
//     being read; a file cut at a record boundary is simply shorter.
//   - Steady state allocates nothing per frame (buffers are reused), except
//     pcapng link types >= 256 (SLL2), for which pcapgo boxes the link type.
package capture

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Link types accepted (SPEC 1). The pcap header field is 32 bits; like
// libpcap (LT_LINKTYPE) only its low 16 bits name the link type, the upper
// bits carry FCS information that SPEC ignores.
const (
	LinkEthernet = 1
	LinkRaw      = 101 // raw IP, version from the first nibble
	LinkSLL      = 113 // Linux cooked capture v1, 16-byte header
	LinkIPv4     = 228 // raw IPv4 (still decided by the nibble)
	LinkIPv6     = 229 // raw IPv6 (still decided by the nibble)
	LinkSLL2     = 276 // Linux cooked capture v2, 20-byte header
)

// Header sizes of the cooked captures; a shorter record is Malformed.
const (
	sllHeaderLen  = 16
	sll2HeaderLen = 20
	ethHeaderLen  = 14
)

// DefaultSynthDst is the synthetic destination MAC when no group MAC is
// configured (SPEC 1).
var DefaultSynthDst = [6]byte{0x02, 0, 0, 0, 0, 0x01}

// Options tune the conversion.
type Options struct {
	// SynthDst is the destination MAC of synthetic Ethernet headers: the
	// first configured group MAC. All zero selects DefaultSynthDst.
	SynthDst [6]byte
}

// Frame is one record of the capture as the classifier sees it.
type Frame struct {
	// Data is the Ethernet frame (caplen bytes, converted for non-Ethernet
	// link types). It is valid until the next call to Next.
	Data []byte
	// Malformed marks an SLL/SLL2 record shorter than its own link header
	// (16 / 20 bytes). Its Data is empty, so a classifier that ignores the
	// flag still decides CONTROL / MALFORMED (SPEC 2 step 1: fewer than 14
	// bytes); the model should map the flag to CONTROL / MALFORMED directly.
	Malformed bool
	// LinkType is the record's link type in the file (low 16 bits).
	LinkType uint16
	// OrigLen is the length of the packet on the wire as the file states it
	// (before any conversion).
	OrigLen int
}

// Supported reports whether SPEC 1 accepts the link type.
func Supported(lt uint16) bool {
	switch lt {
	case LinkEthernet, LinkRaw, LinkSLL, LinkIPv4, LinkIPv6, LinkSLL2:
		return true
	}
	return false
}

var linkNames = map[uint16]string{
	0: "NULL/loopback", 1: "Ethernet", 6: "IEEE 802.5", 9: "PPP", 10: "FDDI",
	12: "raw IP (OpenBSD)", 14: "raw IP (old)", 101: "raw IP", 104: "Cisco HDLC",
	105: "IEEE 802.11", 108: "OpenBSD loopback", 113: "Linux SLL", 119: "Prism",
	127: "IEEE 802.11 radiotap", 147: "USER0", 192: "PPI", 197: "ERF",
	220: "USB Linux mmapped", 228: "raw IPv4", 229: "raw IPv6", 276: "Linux SLL2",
}

// LinkTypeName names a link type for error messages: "147 (USER0)".
func LinkTypeName(lt uint16) string {
	if n, ok := linkNames[lt]; ok {
		return fmt.Sprintf("%d (%s)", lt, n)
	}
	return fmt.Sprintf("%d", lt)
}

func unsupported(lt uint16, where string) error {
	return fmt.Errorf("%slink type %s is not supported: flowsteer reads Ethernet (1), Linux SLL (113), SLL2 (276) and raw IP (101, 228, 229)", where, LinkTypeName(lt))
}

// AppendEthernet appends to dst the frame the classifier sees for one record
// of link type lt, and reports whether the record is shorter than its SLL or
// SLL2 header (then nothing is appended). dst is the frame for Ethernet; the
// others get dstMAC, source 00:00:00:00:00:00 and an EtherType from the
// record: SLL bytes 14-15, SLL2 bytes 0-1, raw IP 0x0800 / 0x86dd from the
// version nibble (0 for another nibble or an empty record). The link type
// must be Supported.
func AppendEthernet(dst []byte, lt uint16, rec []byte, dstMAC [6]byte) ([]byte, bool) {
	var etherType uint16
	var payload []byte
	switch lt {
	case LinkEthernet:
		return append(dst, rec...), false
	case LinkSLL:
		if len(rec) < sllHeaderLen {
			return dst, true
		}
		etherType = binary.BigEndian.Uint16(rec[14:16])
		payload = rec[sllHeaderLen:]
	case LinkSLL2:
		if len(rec) < sll2HeaderLen {
			return dst, true
		}
		etherType = binary.BigEndian.Uint16(rec[0:2])
		payload = rec[sll2HeaderLen:]
	default: // raw IP: 101, 228, 229 all go by the nibble, as SPEC says
		if len(rec) > 0 {
			switch rec[0] >> 4 {
			case 4:
				etherType = 0x0800
			case 6:
				etherType = 0x86dd
			}
		}
		payload = rec
	}
	dst = append(dst, dstMAC[:]...)
	dst = append(dst, 0, 0, 0, 0, 0, 0, byte(etherType>>8), byte(etherType))
	return append(dst, payload...), false
}

// Reader returns the frames of one capture file in order.
type Reader struct {
	path   string
	file   *os.File
	pcap   *pcapgo.Reader
	ng     *pcapgo.NgReader
	link   uint16 // classic pcap: the file's link type
	dst    [6]byte
	buf    []byte // converted frames, reused
	frames int    // frames returned so far
	err    error  // sticky: once failed, every Next returns it
}

var (
	pcapMagics = map[uint32]bool{0xa1b2c3d4: true, 0xd4c3b2a1: true, 0xa1b23c4d: true, 0x4d3cb2a1: true}
	ngMagic    = uint32(0x0a0d0d0a)
)

// Open opens a pcap (either byte order, micro- or nanosecond timestamps) or
// pcapng file, optionally gzip-compressed, chosen by its magic number, not
// its name. Every link type the file declares (the pcap header, or every
// pcapng interface description block, scanned before the first frame) must
// be one SPEC 1 accepts; otherwise Open fails naming the link type.
func Open(path string, opts Options) (*Reader, error) {
	r := &Reader{path: path, dst: opts.SynthDst}
	if r.dst == ([6]byte{}) {
		r.dst = DefaultSynthDst
	}
	f, src, magic, err := openStream(path)
	if err != nil {
		return nil, err
	}
	r.file = f
	switch {
	case magic == ngMagic:
		if err := scanInterfaces(path); err != nil {
			f.Close()
			return nil, err
		}
		ng, err := pcapgo.NewNgReader(src, pcapgo.NgReaderOptions{WantMixedLinkType: true})
		if err != nil {
			f.Close()
			return nil, r.headerErr("pcapng", err)
		}
		r.ng = ng
	case pcapMagics[magic]:
		p, err := pcapgo.NewReader(src)
		if err != nil {
			f.Close()
			return nil, r.headerErr("pcap", err)
		}
		r.pcap = p
		r.link = uint16(p.LinkType())
		if !Supported(r.link) {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, unsupported(r.link, ""))
		}
	default:
		f.Close()
		return nil, fmt.Errorf("%s: not a pcap or pcapng file (magic %08x)", path, magic)
	}
	return r, nil
}

func (r *Reader) headerErr(kind string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%s: truncated %s file header", r.path, kind)
	}
	return fmt.Errorf("%s: bad %s file header: %v", r.path, kind, err)
}

// openStream opens path, unwraps gzip, and peeks the container magic
// (read big-endian; the pcap magics of both byte orders are listed).
func openStream(path string) (*os.File, *bufio.Reader, uint32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(4)
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, 0, fmt.Errorf("%s: bad gzip stream: %v", path, err)
		}
		br = bufio.NewReaderSize(gz, 64<<10)
		head, _ = br.Peek(4)
	}
	if len(head) < 4 {
		f.Close()
		return nil, nil, 0, fmt.Errorf("%s: truncated: %d bytes, not even a capture file magic", path, len(head))
	}
	return f, br, binary.BigEndian.Uint32(head), nil
}

// Close releases the file.
func (r *Reader) Close() error {
	if r.file == nil {
		return nil
	}
	err := r.file.Close()
	r.file = nil
	return err
}

// Frames returns how many frames Next has returned.
func (r *Reader) Frames() int { return r.frames }

// Next returns the next frame, or io.EOF after the last one. Errors name the
// file and the number (from 1) of the frame being read; after an error Next
// keeps returning it. Frame.Data is valid until the next call.
func (r *Reader) Next() (Frame, error) {
	if r.err != nil {
		return Frame{}, r.err
	}
	fr, err := r.next()
	if err != nil {
		if err != io.EOF {
			err = fmt.Errorf("%s: frame %d: %w", r.path, r.frames+1, err)
		}
		r.err = err
		return Frame{}, err
	}
	r.frames++
	return fr, nil
}

func (r *Reader) next() (Frame, error) {
	var (
		data []byte
		ci   gopacket.CaptureInfo
		err  error
		lt   uint16
	)
	if r.pcap != nil {
		data, ci, err = r.pcap.ZeroCopyReadPacketData()
		// pcapgo returns io.EOF both at a clean end and when the file ends
		// right after a record header; the header's timestamp tells them apart.
		if err == io.EOF && !ci.Timestamp.IsZero() && ci.CaptureLength > 0 {
			err = io.ErrUnexpectedEOF
		}
		lt = r.link
	} else {
		data, ci, err = r.ng.ZeroCopyReadPacketData()
		if err == nil {
			iface, ierr := r.ng.Interface(ci.InterfaceIndex)
			if ierr != nil {
				return Frame{}, ierr
			}
			lt = uint16(iface.LinkType)
		}
	}
	switch {
	case err == io.EOF:
		return Frame{}, io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Frame{}, fmt.Errorf("file is truncated inside this record")
	case err != nil:
		return Frame{}, err
	}
	if !Supported(lt) {
		// The up-front scan stops at a damaged block; a damaged file can
		// still reach an interface it never saw.
		return Frame{}, unsupported(lt, "")
	}
	fr := Frame{LinkType: lt, OrigLen: ci.Length}
	if lt == LinkEthernet {
		fr.Data = data
		return fr, nil
	}
	r.buf, fr.Malformed = AppendEthernet(r.buf[:0], lt, data, r.dst)
	fr.Data = r.buf
	return fr, nil
}

// ReadAll reads every frame of a capture, each with its own copy of Data.
func ReadAll(path string, opts Options) ([]Frame, error) {
	r, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var out []Frame
	for {
		fr, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		fr.Data = append([]byte(nil), fr.Data...)
		out = append(out, fr)
	}
}

// WritePcap writes a classic little-endian microsecond pcap of the frames,
// for tests: record i gets timestamp i seconds, caplen = wire length.
func WritePcap(w io.Writer, linkType uint16, frames [][]byte) error {
	snap := uint32(65535)
	for _, f := range frames {
		snap = max(snap, uint32(len(f)))
	}
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(snap, layers.LinkType(linkType)); err != nil {
		return err
	}
	for i, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: unixSeconds(i + 1), CaptureLength: len(f), Length: len(f)}
		if err := pw.WritePacket(ci, f); err != nil {
			return err
		}
	}
	return nil
}
