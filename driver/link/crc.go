package link

// crc16 is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection,
// no final XOR), computed bytewise with the same XOR form the RTL uses.
// Appended big-endian, it makes the CRC of the whole frame 0.
func crc16(crc uint16, data []byte) uint16 {
	for _, b := range data {
		x := byte(crc>>8) ^ b
		x ^= x >> 4
		crc = crc<<8 ^ uint16(x)<<12 ^ uint16(x)<<5 ^ uint16(x)
	}
	return crc
}

const crcInit = 0xFFFF
