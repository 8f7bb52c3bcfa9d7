package natport

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/flowsteer/flowsteer/host"
)

// The port table file (docs/natport.md) is TSV, readable and reloadable:
//
//	# flowsteer natport table v1
//	# partition	0
//	# key	6d5a56da...
//	# table_sha256	<64 hex digits of sha256 over the 4096 table bytes>
//	addr	tm	count	ports
//	10.0.0.1	0	8192	2,9-10,13,...
//
// One row per (address, TM owning at least one port); rows of one address are
// contiguous with TMs ascending; ports are every port 0..65535 of that TM,
// ascending, as comma-separated values and lo-hi ranges. A TM without a row
// has no port. The header names the key and table so a reader can tell a
// stale file from a current one.

const (
	fileMagic  = "# flowsteer natport table v1"
	fileColumn = "addr\ttm\tcount\tports"
)

// FileHeader identifies the partition the tables were computed for.
type FileHeader struct {
	Partition   int
	Key         host.Key
	TableSHA256 [32]byte
}

// Header describes s for a table file of the given partition.
func (s *Solver) Header(partition int) FileHeader {
	return FileHeader{Partition: partition, Key: s.Key(), TableSHA256: sha256.Sum256(s.table[:])}
}

// WriteTables writes the header and the tables in the order given.
func WriteTables(w io.Writer, h FileHeader, tables []*PortTable) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "%s\n# partition\t%d\n# key\t%s\n# table_sha256\t%s\n%s\n",
		fileMagic, h.Partition, h.Key, hex.EncodeToString(h.TableSHA256[:]), fileColumn)
	var line []byte
	for _, pt := range tables {
		addr := FormatAddr(pt.Addr)
		for t := 0; t < 256; t++ {
			ports := pt.All(uint8(t))
			if len(ports) == 0 {
				continue
			}
			line = append(line[:0], addr...)
			line = append(line, '\t')
			line = strconv.AppendInt(line, int64(t), 10)
			line = append(line, '\t')
			line = strconv.AppendInt(line, int64(len(ports)), 10)
			line = append(line, '\t')
			line = appendRanges(line, ports)
			line = append(line, '\n')
			bw.Write(line)
		}
	}
	return bw.Flush()
}

// appendRanges writes ascending ports as "a,b-c,...".
func appendRanges(dst []byte, ports []uint16) []byte {
	for i := 0; i < len(ports); {
		j := i
		for j+1 < len(ports) && ports[j+1] == ports[j]+1 {
			j++
		}
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendUint(dst, uint64(ports[i]), 10)
		if j > i {
			dst = append(dst, '-')
			dst = strconv.AppendUint(dst, uint64(ports[j]), 10)
		}
		i = j + 1
	}
	return dst
}

// ReadTables reads a file written by WriteTables. Each address must list
// every port 0..65535 exactly once across its TMs, so a truncated or edited
// file is an error naming the line, not a silently wrong table.
func ReadTables(r io.Reader) (FileHeader, []*PortTable, error) {
	var h FileHeader
	br := bufio.NewReaderSize(r, 1<<16)
	lineNo := 0
	readLine := func() (string, error) {
		s, err := br.ReadString('\n')
		if err == io.EOF && s != "" {
			err = nil
		}
		if err != nil {
			return "", err
		}
		lineNo++
		return strings.TrimRight(s, "\r\n"), nil
	}
	fail := func(format string, a ...any) error {
		return fmt.Errorf("port table line %d: %s", lineNo, fmt.Sprintf(format, a...))
	}

	// Header: magic, three "# name<TAB>value" lines, column names.
	want := []string{fileMagic, "# partition", "# key", "# table_sha256", fileColumn}
	for _, w := range want {
		s, err := readLine()
		if err != nil {
			return h, nil, fmt.Errorf("port table: header incomplete after line %d", lineNo)
		}
		if w == fileMagic || w == fileColumn {
			if s != w {
				return h, nil, fail("want %q, got %q", w, truncate(s))
			}
			continue
		}
		name, value, ok := strings.Cut(s, "\t")
		if !ok || name != w {
			return h, nil, fail("want %q<TAB>value, got %q", w, truncate(s))
		}
		switch w {
		case "# partition":
			p, err := strconv.Atoi(value)
			if err != nil || p < 0 || p > 3 {
				return h, nil, fail("partition %q: want 0..3", value)
			}
			h.Partition = p
		case "# key":
			k, err := host.ParseKey(value)
			if err != nil {
				return h, nil, fail("%v", err)
			}
			h.Key = k
		case "# table_sha256":
			b, err := hex.DecodeString(value)
			if err != nil || len(b) != 32 {
				return h, nil, fail("table_sha256 %q: want 64 hex digits", truncate(value))
			}
			copy(h.TableSHA256[:], b)
		}
	}

	var tables []*PortTable
	var cur *PortTable
	var seen [numPorts / 64]uint64
	filled, lastTM := 0, -1
	finish := func() error {
		if cur != nil && filled != numPorts {
			return fmt.Errorf("port table: address %s lists %d of the 65536 ports", FormatAddr(cur.Addr), filled)
		}
		return nil
	}
	for {
		s, err := readLine()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return h, nil, fmt.Errorf("port table: %v", err)
		}
		if s == "" {
			continue
		}
		f := strings.Split(s, "\t")
		if len(f) != 4 {
			return h, nil, fail("%d fields, want 4 (addr, tm, count, ports)", len(f))
		}
		addr, err := ParseAddr(f[0])
		if err != nil {
			return h, nil, fail("%v", err)
		}
		tm, err := strconv.ParseUint(f[1], 10, 8)
		if err != nil {
			return h, nil, fail("tm %q: want 0..255", f[1])
		}
		count, err := strconv.Atoi(f[2])
		if err != nil || count < 1 || count > numPorts {
			return h, nil, fail("count %q: want 1..65536", f[2])
		}
		if cur == nil || addr != cur.Addr {
			if err := finish(); err != nil {
				return h, nil, err
			}
			for _, t := range tables {
				if t.Addr == addr {
					return h, nil, fail("address %s appears in two separate blocks", f[0])
				}
			}
			cur = &PortTable{Addr: addr}
			tables = append(tables, cur)
			seen = [numPorts / 64]uint64{}
			filled, lastTM = 0, -1
		}
		if int(tm) <= lastTM {
			return h, nil, fail("tm %d after tm %d: TMs of an address must ascend", tm, lastTM)
		}
		// TMs skipped since the last row own no port.
		for t := lastTM + 1; t <= int(tm); t++ {
			cur.start[t+1] = uint32(filled)
		}
		n, err := parseRanges(f[3], cur.ports[filled:filled], &seen)
		if err != nil {
			return h, nil, fail("%v", err)
		}
		if n != count {
			return h, nil, fail("count %d but %d ports listed", count, n)
		}
		filled += n
		lastTM = int(tm)
		// Until another row says otherwise, tm ends here and later TMs are empty.
		for t := lastTM; t < 256; t++ {
			cur.start[t+1] = uint32(filled)
		}
	}
	if err := finish(); err != nil {
		return h, nil, err
	}
	return h, tables, nil
}

// parseRanges appends the ports of "a,b-c,..." to dst (which has room for
// every remaining port, as the whole address holds 65536), requiring them
// ascending and not yet seen for this address.
func parseRanges(s string, dst []uint16, seen *[numPorts / 64]uint64) (int, error) {
	prev := -1
	for _, item := range strings.Split(s, ",") {
		loS, hiS, isRange := strings.Cut(item, "-")
		lo, err := strconv.ParseUint(loS, 10, 16)
		if err != nil {
			return 0, fmt.Errorf("port %q: want 0..65535", item)
		}
		hi := lo
		if isRange {
			if hi, err = strconv.ParseUint(hiS, 10, 16); err != nil || hi < lo {
				return 0, fmt.Errorf("range %q: want lo-hi with lo <= hi <= 65535", item)
			}
		}
		if int(lo) <= prev {
			return 0, fmt.Errorf("port %d after %d: ports must ascend", lo, prev)
		}
		for x := lo; x <= hi; x++ {
			if seen[x>>6]&(1<<(x&63)) != 0 {
				return 0, fmt.Errorf("port %d listed under two TMs", x)
			}
			seen[x>>6] |= 1 << (x & 63)
			dst = append(dst, uint16(x))
		}
		prev = int(hi)
	}
	return len(dst), nil
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
