package natport

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseAddr reads an IPv4 or IPv6 address as the 16-byte SPEC hash form:
// IPv4 a.b.c.d becomes ::ffff:a.b.c.d (SPEC 2 step 5), so "10.0.0.1" and
// "::ffff:10.0.0.1" are the same address.
func ParseAddr(s string) ([16]byte, error) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return [16]byte{}, fmt.Errorf("address %q: not an IPv4 or IPv6 address", s)
	}
	if a.Zone() != "" {
		return [16]byte{}, fmt.Errorf("address %q: zones are not part of the hash input; drop %%%s", s, a.Zone())
	}
	return a.As16(), nil
}

// FormatAddr prints a 16-byte address the way ParseAddr reads it back:
// IPv4-mapped addresses as dotted quads, others as IPv6.
func FormatAddr(a [16]byte) string {
	return netip.AddrFrom16(a).Unmap().String()
}
