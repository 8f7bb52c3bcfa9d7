// Package regmap loads the flowsteer register map (regs.yaml, the single
// source of truth of docs/interfaces.md), checks it, and renders the three
// generated views: Go constants (driver/regs_gen.go), Verilog defines
// (hdl/regs.vh) and the documentation table (docs/registers.md).
package regmap

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Map is the whole register map, registers in file order.
type Map struct {
	Registers []Register `yaml:"registers"`
}

// Register is one register or one array of registers.
type Register struct {
	Name       string   `yaml:"name"`
	Addr       uint32   `yaml:"addr"`
	Access     string   `yaml:"access"`
	Reset      *uint32  `yaml:"reset"`
	ResetNote  string   `yaml:"reset_note"`
	ResetWords []uint32 `yaml:"reset_words"`
	Dims       []Dim    `yaml:"dims"`
	Fields     []Field  `yaml:"fields"`
	Desc       string   `yaml:"desc"`
}

// Dim is one array dimension; the address of element (i0, i1, ...) is
// Addr + i0*stride0 + i1*stride1 + ...
type Dim struct {
	Index  string `yaml:"index"`
	Count  int    `yaml:"count"`
	Stride uint32 `yaml:"stride"`
}

// Field is a bit range inside a register.
type Field struct {
	Name  string  `yaml:"name"`
	Bits  string  `yaml:"bits"`
	Reset *uint32 `yaml:"reset"`
	Desc  string  `yaml:"desc"`

	// LSB and Width are parsed from Bits by Validate.
	LSB   int `yaml:"-"`
	Width int `yaml:"-"`
}

// Mask is the field's bits in place.
func (f Field) Mask() uint32 {
	return uint32((uint64(1)<<f.Width - 1) << f.LSB)
}

// Elements is how many 32-bit registers the entry spans.
func (r Register) Elements() int {
	n := 1
	for _, d := range r.Dims {
		n *= d.Count
	}
	return n
}

// LastAddr is the address of the last element.
func (r Register) LastAddr() uint32 {
	a := r.Addr
	for _, d := range r.Dims {
		a += uint32(d.Count-1) * d.Stride
	}
	return a
}

// Load reads and validates a YAML register map.
func Load(path string) (*Map, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("regmap: %w", err)
	}
	return Parse(data)
}

// Parse decodes and validates a YAML register map.
func Parse(data []byte) (*Map, error) {
	var m Map
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true) // a typo in a key must not silently drop a field
	if err := dec.Decode(&m); err != nil {
		// yaml.v3 lists problems one a line; keep the error on one line.
		return nil, fmt.Errorf("regmap: %s", strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", ";")), " "))
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

var (
	nameRE = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)
	bitsRE = regexp.MustCompile(`^(\d+)(?::(\d+))?$`)
)

// Validate checks names, alignment, the 16-bit address space, overlaps
// between registers (every element of every array) and between fields, and
// that resets fit their fields. It fills Field.LSB/Width.
func (m *Map) Validate() error {
	if len(m.Registers) == 0 {
		return fmt.Errorf("regmap: no registers")
	}
	names := map[string]bool{}
	owner := map[uint32]string{}
	for ri := range m.Registers {
		r := &m.Registers[ri]
		where := fmt.Sprintf("regmap: register %q", r.Name)
		if !nameRE.MatchString(r.Name) {
			return fmt.Errorf("%s: name must be UPPER_SNAKE", where)
		}
		if names[r.Name] {
			return fmt.Errorf("%s: defined twice", where)
		}
		names[r.Name] = true
		switch r.Access {
		case "RO", "RW", "WO":
		default:
			return fmt.Errorf("%s: access %q is not RO, RW or WO", where, r.Access)
		}
		if r.Addr%4 != 0 {
			return fmt.Errorf("%s: address 0x%04x is not 32-bit aligned", where, r.Addr)
		}
		for di, d := range r.Dims {
			if d.Count < 1 || d.Stride == 0 || d.Stride%4 != 0 {
				return fmt.Errorf("%s: dimension %d needs count >= 1 and a non-zero stride that is a multiple of 4", where, di)
			}
			if !regexp.MustCompile(`^[a-z]$`).MatchString(d.Index) {
				return fmt.Errorf("%s: dimension %d index must be one lower-case letter", where, di)
			}
		}
		if len(r.Dims) > 2 {
			return fmt.Errorf("%s: at most 2 dimensions", where)
		}
		if uint64(r.LastAddr())+4 > 0x10000 {
			return fmt.Errorf("%s: extends beyond the 16-bit address space", where)
		}
		if len(r.ResetWords) > 0 && (len(r.Dims) == 0 || len(r.ResetWords) != r.Dims[len(r.Dims)-1].Count) {
			return fmt.Errorf("%s: reset_words needs one value per index of the innermost dimension", where)
		}
		// Every element of every array claims its address.
		var claim func(base uint32, dims []Dim) error
		claim = func(base uint32, dims []Dim) error {
			if len(dims) == 0 {
				if other, taken := owner[base]; taken {
					return fmt.Errorf("%s: address 0x%04x overlaps %s", where, base, other)
				}
				owner[base] = r.Name
				return nil
			}
			for i := 0; i < dims[0].Count; i++ {
				if err := claim(base+uint32(i)*dims[0].Stride, dims[1:]); err != nil {
					return err
				}
			}
			return nil
		}
		if err := claim(r.Addr, r.Dims); err != nil {
			return err
		}
		var used uint32
		fnames := map[string]bool{}
		var resetFromFields uint32
		allFieldResets := len(r.Fields) > 0
		for fi := range r.Fields {
			f := &r.Fields[fi]
			fw := fmt.Sprintf("%s field %q", where, f.Name)
			if !nameRE.MatchString(f.Name) || fnames[f.Name] {
				return fmt.Errorf("%s: name must be UPPER_SNAKE and unique", fw)
			}
			fnames[f.Name] = true
			mm := bitsRE.FindStringSubmatch(f.Bits)
			if mm == nil {
				return fmt.Errorf("%s: bits %q is not \"msb:lsb\" or \"bit\"", fw, f.Bits)
			}
			msb, _ := strconv.Atoi(mm[1])
			lsb := msb
			if mm[2] != "" {
				lsb, _ = strconv.Atoi(mm[2])
			}
			if msb > 31 || lsb > msb {
				return fmt.Errorf("%s: bits %q must satisfy 31 >= msb >= lsb", fw, f.Bits)
			}
			f.LSB, f.Width = lsb, msb-lsb+1
			if used&f.Mask() != 0 {
				return fmt.Errorf("%s: bits %q overlap another field", fw, f.Bits)
			}
			used |= f.Mask()
			if f.Reset != nil {
				if uint64(*f.Reset) >= uint64(1)<<f.Width {
					return fmt.Errorf("%s: reset 0x%x does not fit in %d bits", fw, *f.Reset, f.Width)
				}
				resetFromFields |= *f.Reset << f.LSB
			} else {
				allFieldResets = false
			}
		}
		if r.Reset != nil && allFieldResets && *r.Reset&used != resetFromFields {
			return fmt.Errorf("%s: reset 0x%08x disagrees with its field resets (0x%08x)", where, *r.Reset, resetFromFields)
		}
	}
	return nil
}

// Find returns the register called name.
func (m *Map) Find(name string) (*Register, bool) {
	for i := range m.Registers {
		if m.Registers[i].Name == name {
			return &m.Registers[i], true
		}
	}
	return nil, false
}

// Outputs are the generated files, relative to the module root.
const (
	GoFile  = "driver/regs_gen.go"
	VhFile  = "hdl/regs.vh"
	DocFile = "docs/registers.md"
)

// Render returns every generated file keyed by its path relative to the
// module root.
func (m *Map) Render() (map[string][]byte, error) {
	goSrc, err := m.RenderGo()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{
		GoFile:  goSrc,
		VhFile:  m.RenderVerilog(),
		DocFile: m.RenderMarkdown(),
	}, nil
}

// Generate renders the map and writes the files under root.
func (m *Map) Generate(root string) error {
	files, err := m.Render()
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fmt.Errorf("regmap: %w", err)
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return fmt.Errorf("regmap: %w", err)
		}
	}
	return nil
}

// goInitialisms keep Go's capitalisation convention for these words.
var goInitialisms = map[string]string{"ID": "ID", "MAC": "MAC", "TM": "TM", "EQTM": "EQTM", "CMD": "Cmd"}

// GoName turns UPPER_SNAKE into Go CamelCase (MAC_LO -> MACLo).
func GoName(s string) string {
	var b strings.Builder
	for _, part := range strings.Split(s, "_") {
		if v, ok := goInitialisms[part]; ok {
			b.WriteString(v)
			continue
		}
		b.WriteString(part[:1])
		b.WriteString(strings.ToLower(part[1:]))
	}
	return b.String()
}
