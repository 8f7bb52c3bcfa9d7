package driver

//go:generate go run ./regmap/cmd/regsgen

// RegisterInfo describes one register or register array of the generated
// map (Registers in regs_gen.go), for dumps and the CLI.
type RegisterInfo struct {
	Name   string
	Addr   uint32
	Access string // RO, RW or WO
	Desc   string
	Dims   []ArrayDim  // nil for a scalar register
	Fields []FieldInfo // nil when the register is one number
}

// ArrayDim is one index of a register array.
type ArrayDim struct {
	Index  string
	Count  int
	Stride uint32
}

// FieldInfo is a bit range of a register.
type FieldInfo struct {
	Name  string
	Shift int
	Width int
}

// Field extracts a field from a register value.
func (f FieldInfo) Field(v uint32) uint32 {
	return (v >> f.Shift) & (uint32(1)<<f.Width - 1)
}

// Readable says whether reads return meaningful data.
func (r RegisterInfo) Readable() bool { return r.Access != "WO" }
