package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host"
	"github.com/flowsteer/flowsteer/host/natport"
	"github.com/flowsteer/flowsteer/host/table"
)

func init() { register("natport", newNatportCommand) }

// natportSource is how a natport command learns the key and table of the
// partition it works on: a configuration file, or --key and --table, or the
// SPEC defaults (Microsoft key, entry i = i mod 8).
type natportSource struct {
	configPath string
	keyHex     string
	tablePath  string
	partition  int
}

func (ps *natportSource) addFlags(c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&ps.configPath, "config", "", "configuration file (YAML/JSON); key and table of --partition come from it")
	f.StringVar(&ps.keyHex, "key", "", "Toeplitz key, 80 hex digits (default: Microsoft RSS key)")
	f.StringVar(&ps.tablePath, "table", "", "table image (flowsteer table format; default: entry i = i mod 8)")
	f.IntVar(&ps.partition, "partition", 0, "partition 0..3 whose key and table steer the flow")
}

// solver builds the solver of the chosen partition and says which partition
// it is (a table image names its own).
func (ps *natportSource) solver(c *cobra.Command) (*natport.Solver, int, error) {
	if ps.partition < 0 || ps.partition > 3 {
		return nil, 0, usageError("--partition %d: want 0..3", ps.partition)
	}
	if ps.configPath != "" {
		if ps.keyHex != "" || ps.tablePath != "" {
			return nil, 0, usageError("--config gives key and table; do not combine it with --key or --table")
		}
		cfg, err := host.LoadConfig(ps.configPath, natportReadTableImage)
		if err != nil {
			return nil, 0, err
		}
		if ps.partition >= len(cfg.Partitions) {
			return nil, 0, usageError("--partition %d: %s defines %d partition(s)", ps.partition, ps.configPath, len(cfg.Partitions))
		}
		pc := cfg.Partitions[ps.partition]
		tab := pc.Table
		if tab == nil {
			d := table.Default()
			tab = (*[4096]uint8)(&d)
		}
		return natport.NewSolver(pc.Key, tab), ps.partition, nil
	}

	key := host.DefaultKey
	if ps.keyHex != "" {
		k, err := host.ParseKey(ps.keyHex)
		if err != nil {
			return nil, 0, usageError("--key: %v", err)
		}
		key = k
	}
	tab := table.Default()
	partition := ps.partition
	if ps.tablePath != "" {
		img, err := table.ReadFile(ps.tablePath)
		if err != nil {
			return nil, 0, err
		}
		if c.Flags().Changed("partition") && int(img.Partition) != ps.partition {
			return nil, 0, usageError("--table %s is an image for partition %d, not --partition %d", ps.tablePath, img.Partition, ps.partition)
		}
		tab, partition = img.Table, int(img.Partition)
	}
	return natport.NewSolver(key, (*[4096]uint8)(&tab)), partition, nil
}

// natportReadTableImage is the host.TableReader for configuration files.
func natportReadTableImage(path string) (*[host.TableSize]uint8, error) {
	img, err := table.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return (*[host.TableSize]uint8)(&img.Table), nil
}

func newNatportCommand(env *Env) *cobra.Command {
	var (
		src        natportSource
		addrText   string
		serverPort uint16
		tm         uint8
		count      int
	)
	c := &cobra.Command{
		Use:   "natport --addr A --server-port D --tm T [flags]",
		Short: "NAT self-source ports that keep a connection on one TM (SPEC 6)",
		Long: `natport lists the source ports X a NAT can give a connection from the
translated address A to a server port D so that both directions are steered
to traffic manager T (SPEC 6, process 900 of US 7,395,349).

With X > D, the outgoing frame A:X -> server:D is hashed as SRC_HASH on A ‖ X
and the reply server:D -> A:X as DST_HASH on the same 18 bytes, so one table
lookup decides both. natport solves table[toeplitz(key, A ‖ X) & 0xfff] = T
exactly (the hash is linear over GF(2)), so the answer does not depend on the
server address.

Ports go to stdout one per line, ascending (the first --count of them); the
total number of usable ports goes to stderr. When T owns no bucket of the
table, or no port above D reaches it, natport says why and exits 1.

IPv4 addresses are hashed IPv4-mapped (::ffff:a.b.c.d), as SPEC 2 does.
The key and table are the SPEC defaults unless --config, or --key and
--table, say otherwise.

"natport table" writes the precomputed self-source port table of a list of
addresses (docs/natport.md).`,
		Example: `  # ten ports for 203.0.113.5 talking to HTTPS servers, kept on TM 3
  flowsteer natport --addr 203.0.113.5 --server-port 443 --tm 3

  # all of them, with partition 1 of a configuration
  flowsteer natport --addr 2001:db8::7 --server-port 53 --tm 0 --config fs.yaml --partition 1 --count 0

  # a custom key and table image
  flowsteer natport --addr 10.0.0.1 --server-port 80 --tm 2 --key 6d5a56da...01fa --table p0.img`,
		Args: natportNoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			for _, name := range []string{"addr", "server-port", "tm"} {
				if !c.Flags().Changed(name) {
					return usageError("natport: --%s is required (see flowsteer natport --help)", name)
				}
			}
			if count < 0 {
				return usageError("--count %d: want 0 (all) or more", count)
			}
			addr, err := natport.ParseAddr(addrText)
			if err != nil {
				return usageError("--addr: %v", err)
			}
			s, partition, err := src.solver(c)
			if err != nil {
				return err
			}
			ports := s.Ports(addr, serverPort, tm)
			if len(ports) == 0 {
				return natportNoPortsError(s, partition, addr, serverPort, tm)
			}
			shown := ports
			if count > 0 && count < len(ports) {
				shown = ports[:count]
			}
			w := bufio.NewWriter(env.Stdout)
			for _, x := range shown {
				fmt.Fprintln(w, x)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "%d usable ports > %d for TM %d from %s (partition %d); %d shown\n",
				len(ports), serverPort, tm, natport.FormatAddr(addr), partition, len(shown))
			return nil
		},
	}
	src.addFlags(c)
	f := c.Flags()
	f.StringVar(&addrText, "addr", "", "translated source address A (IPv4 or IPv6)")
	f.Uint16Var(&serverPort, "server-port", 0, "server (destination) port D; usable ports are > D")
	f.Uint8Var(&tm, "tm", 0, "target traffic manager T (0..255)")
	f.IntVar(&count, "count", 10, "print the first N ports (0 = all)")
	c.AddCommand(newNatportTableCommand(env))
	return c
}

// natportNoPortsError explains an empty answer, most basic cause first.
func natportNoPortsError(s *natport.Solver, partition int, addr [16]byte, serverPort uint16, tm uint8) error {
	a := natport.FormatAddr(addr)
	switch {
	case s.Buckets(tm) == 0:
		return fmt.Errorf("TM %d owns no bucket of partition %d's table, so no port reaches it", tm, partition)
	case s.ReachableBuckets(addr, tm) == 0:
		return fmt.Errorf("TM %d owns %d buckets, but with this key a port reaches only %d of the 4096 buckets from %s (rank %d) and none of TM %d's",
			tm, s.Buckets(tm), 1<<s.Rank(), a, s.Rank(), tm)
	case serverPort == 0xffff:
		return fmt.Errorf("no port is above server port 65535")
	default:
		return fmt.Errorf("no port above %d reaches TM %d from %s (TM %d's ports from it are all <= %d)", serverPort, tm, a, tm, serverPort)
	}
}

func newNatportTableCommand(env *Env) *cobra.Command {
	var (
		src       natportSource
		addrList  []string
		addrsFile string
		outPath   string
	)
	c := &cobra.Command{
		Use:   "table (--addrs A,B,... | --addrs-file F) -o OUT [flags]",
		Short: "Write the precomputed self-source port table of some addresses",
		Long: `table writes, for each address, every port 0..65535 grouped by the TM it
steers to, as TSV (docs/natport.md): a header naming partition, key and a
SHA-256 of the table, then one row per address and TM:

  addr  tm  count  ports        (ports as a,b-c,... ranges, ascending)

A NAT answers "a port > D for TM T" from it by a binary search in T's row.
The file is read back by natport.ReadTables, which checks that each address
lists every port exactly once.`,
		Example: `  flowsteer natport table --addrs 203.0.113.5,203.0.113.6 -o ports.tsv
  flowsteer natport table --addrs-file nat-pool.txt --config fs.yaml --partition 1 -o ports.tsv
  flowsteer natport table --addrs 2001:db8::1 -o -        # to stdout`,
		Args: natportNoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if outPath == "" {
				return usageError("natport table: -o OUT is required (- for stdout)")
			}
			texts := addrList
			if addrsFile != "" {
				if len(addrList) > 0 {
					return usageError("natport table: give --addrs or --addrs-file, not both")
				}
				var err error
				if texts, err = natportReadAddrs(addrsFile); err != nil {
					return err
				}
			}
			if len(texts) == 0 {
				return usageError("natport table: no addresses (use --addrs or --addrs-file)")
			}
			addrs := make([][16]byte, 0, len(texts))
			seen := map[[16]byte]string{}
			for _, t := range texts {
				a, err := natport.ParseAddr(t)
				if err != nil {
					return usageError("natport table: %v", err)
				}
				if prev, dup := seen[a]; dup {
					return usageError("natport table: address %q given twice (first as %q)", t, prev)
				}
				seen[a] = t
				addrs = append(addrs, a)
			}
			s, partition, err := src.solver(c)
			if err != nil {
				return err
			}
			tables := make([]*natport.PortTable, len(addrs))
			for i, a := range addrs {
				tables[i] = s.BuildPortTable(a)
			}
			if outPath == "-" {
				return natport.WriteTables(env.Stdout, s.Header(partition), tables)
			}
			if err := natportWriteAtomic(outPath, func(w io.Writer) error {
				return natport.WriteTables(w, s.Header(partition), tables)
			}); err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "wrote the port tables of %d address(es), partition %d, to %s\n", len(addrs), partition, outPath)
			return nil
		},
	}
	src.addFlags(c)
	f := c.Flags()
	f.StringSliceVar(&addrList, "addrs", nil, "addresses, comma-separated (IPv4 or IPv6)")
	f.StringVar(&addrsFile, "addrs-file", "", "file with one address a line (# comments and blank lines ignored)")
	f.StringVarP(&outPath, "output", "o", "", "output file (- for stdout)")
	return c
}

// natportNoArgs rejects positional arguments as a usage error (exit 2), which also
// catches a mistyped subcommand such as "natport tabel".
func natportNoArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError("%s: unexpected argument %q (see %s --help)", c.CommandPath(), args[0], c.CommandPath())
	}
	return nil
}

func natportReadAddrs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return out, nil
}

// natportWriteAtomic writes through a temporary file renamed over path, so an
// interrupted run never leaves a half-written table that parses.
func natportWriteAtomic(path string, write func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
