// Package link implements the flowsteer byte-stream link protocol (docs/
// link-protocol.md) that carries register accesses over USB bulk endpoints
// or SPI to hdl/fs_link_bridge.v: COBS framing with 0x00 delimiters,
// CRC-16/GENIBUS, 8-bit sequence numbers, stop-and-wait with timeouts and
// bounded retries, and idempotent retry (the bridge replays its last
// response for a repeated sequence number).
//
// Conn is the host side; Peer is a Go model of the bridge with a map
// register file and fault injection, for tests and as the reference the
// RTL bench compares against.
package link

import (
	"errors"
	"fmt"
)

// Commands (request byte 0).
const (
	CmdSync   = 0x01 // reset the sequence state; reply data = ProtocolVersion
	CmdRead   = 0x10 // read n 32-bit words
	CmdWrite  = 0x11 // write n 32-bit words (n > 1: a burst write)
	CmdRead8  = 0x12 // read the low byte of n words
	CmdWrite8 = 0x13 // write n words, each the zero-extended byte carried
)

// Status codes (response status byte bits [3:0]); bit 7 is StatusFresh.
const (
	StatusOK         = 0
	StatusAXIError   = 1 // SLVERR/DECERR on an access; the command stopped there
	StatusBadRequest = 2 // unknown command or a length that does not match it
	StatusBadAddress = 3 // unaligned, or the burst runs past 0xFFFF
	StatusFresh      = 0x80
)

// Limits and sizes.
const (
	ProtocolVersion = 1
	HeaderLen       = 5   // cmd, seq, addr_hi, addr_lo, n-1
	CRCLen          = 2   // CRC-16 big-endian
	MaxWords        = 64  // n limit of READ / WRITE
	MaxBytes8       = 256 // n limit of READ8 / WRITE8
	MaxDataBytes    = 256 // data bytes of any frame
	MaxRequestLen   = HeaderLen + MaxDataBytes + CRCLen
	MaxResponseLen  = 2 + MaxDataBytes + 1 + CRCLen // cmd, seq, data, status, crc
)

// Request is one decoded host-to-bridge frame.
type Request struct {
	Cmd  byte
	Seq  byte
	Addr uint16
	N    int    // 1..256 (encoded as n-1)
	Data []byte // WRITE: 4n bytes big-endian words; WRITE8: n bytes
}

// Response is one decoded bridge-to-host frame.
type Response struct {
	Cmd    byte
	Seq    byte
	Data   []byte
	Status byte
}

// appendFrame appends COBS(payload ‖ crc) and the 0x00 delimiter.
func appendFrame(dst, payload []byte) []byte {
	crc := frameCRC(payload)
	raw := make([]byte, 0, len(payload)+CRCLen)
	raw = append(append(raw, payload...), byte(crc>>8), byte(crc))
	return append(cobsEncode(dst, raw), 0)
}

// EncodeRequest returns the wire bytes of a request.
func EncodeRequest(r Request) []byte {
	p := make([]byte, 0, HeaderLen+len(r.Data))
	p = append(p, r.Cmd, r.Seq, byte(r.Addr>>8), byte(r.Addr), byte(r.N-1))
	p = append(p, r.Data...)
	return appendFrame(nil, p)
}

// EncodeResponse returns the wire bytes of a response.
func EncodeResponse(r Response) []byte {
	p := make([]byte, 0, 3+len(r.Data))
	p = append(p, r.Cmd, r.Seq)
	p = append(p, r.Data...)
	p = append(p, r.Status)
	return appendFrame(nil, p)
}

var errCRC = errors.New("bad CRC")

// checkCRC strips and checks the CRC of a decoded frame.
func checkCRC(frame []byte) ([]byte, error) {
	if len(frame) < CRCLen {
		return nil, fmt.Errorf("frame of %d bytes", len(frame))
	}
	if crc16(crcInit, frame) != crcResidue {
		return nil, errCRC
	}
	return frame[:len(frame)-CRCLen], nil
}

// parseResponse decodes a CRC-checked response payload.
func parseResponse(p []byte) (Response, error) {
	if len(p) < 3 {
		return Response{}, fmt.Errorf("response of %d bytes", len(p))
	}
	return Response{Cmd: p[0], Seq: p[1], Data: p[2 : len(p)-1], Status: p[len(p)-1]}, nil
}

// StatusError is a non-OK status returned by the bridge.
type StatusError struct {
	Cmd    byte
	Addr   uint16
	Status byte
}

func (e *StatusError) Error() string {
	var what string
	switch e.Status & 0x0F {
	case StatusAXIError:
		what = "AXI error response (SLVERR/DECERR)"
	case StatusBadRequest:
		what = "bad request (unknown command or length)"
	case StatusBadAddress:
		what = "bad address (unaligned or past 0xFFFF)"
	default:
		what = fmt.Sprintf("status 0x%02x", e.Status)
	}
	return fmt.Sprintf("%s 0x%04x: bridge reports %s", cmdName(e.Cmd), e.Addr, what)
}

func cmdName(c byte) string {
	switch c {
	case CmdSync:
		return "sync"
	case CmdRead:
		return "read"
	case CmdWrite:
		return "write"
	case CmdRead8:
		return "read8"
	case CmdWrite8:
		return "write8"
	}
	return fmt.Sprintf("command 0x%02x", c)
}
