package link

// The frame check is CRC-16/GENIBUS: CRC-16/CCITT (poly 0x1021, init
// 0xFFFF, no reflection) with the result complemented, appended big-endian.
// The complement matters: with a plain CCITT-FALSE CRC the CRC register of
// a good frame is 0, and a 0x00 appended to the frame (a delimiter flipped
// into a COBS code) keeps it 0, so the corrupted frame would pass. With the
// complement a good frame leaves the constant residue crcResidue instead,
// and every appended byte changes it.
func crc16(crc uint16, data []byte) uint16 {
	for _, b := range data {
		x := byte(crc>>8) ^ b
		x ^= x >> 4
		crc = crc<<8 ^ uint16(x)<<12 ^ uint16(x)<<5 ^ uint16(x)
	}
	return crc
}

const (
	crcInit   = 0xFFFF
	crcXorOut = 0xFFFF
	// crcResidue is the CRC register after a whole good frame, CRC bytes
	// included (the RTL compares against the same constant).
	crcResidue = 0x1D0F
)

// frameCRC is the value appended to a payload.
func frameCRC(payload []byte) uint16 { return crc16(crcInit, payload) ^ crcXorOut }
