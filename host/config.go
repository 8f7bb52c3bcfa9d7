package host

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Proto is a partition rule's protocol match (SPEC 1).
type Proto uint8

// Rule protocol codes as the RTL's RULE register holds them.
const (
	RuleProtoTCP Proto = 1
	RuleProtoUDP Proto = 2
	RuleProtoAny Proto = 3
)

// Matches reports whether a frame's IP protocol satisfies the rule.
func (p Proto) Matches(ipProto uint8) bool {
	switch p {
	case RuleProtoTCP:
		return ipProto == ProtoTCP
	case RuleProtoUDP:
		return ipProto == ProtoUDP
	case RuleProtoAny:
		return true
	}
	return false
}

func (p Proto) String() string {
	switch p {
	case RuleProtoTCP:
		return "tcp"
	case RuleProtoUDP:
		return "udp"
	case RuleProtoAny:
		return "any"
	}
	return fmt.Sprintf("proto(%d)", uint8(p))
}

// ParseProto reads "tcp", "udp" or "any".
func ParseProto(s string) (Proto, error) {
	switch strings.ToLower(s) {
	case "tcp":
		return RuleProtoTCP, nil
	case "udp":
		return RuleProtoUDP, nil
	case "any":
		return RuleProtoAny, nil
	}
	return 0, fmt.Errorf("proto %q is not tcp, udp or any", s)
}

// Rule sends frames whose protocol matches and one of whose ports equals
// Port to Partition (SPEC 1; first match wins).
type Rule struct {
	Proto     Proto
	Port      uint16
	Partition uint8
}

// PartitionConfig is one partition: its key, its EQUAL_PORTS TM and its
// table (nil = SPEC default, entry i = i mod 8).
type PartitionConfig struct {
	Key          Key
	EqualPortsTM uint8
	Table        *[TableSize]uint8
	TablePath    string // where Table came from, for messages and for programming a device
}

// FlowStateConfig enables SPEC 5.
type FlowStateConfig struct {
	Enabled bool
	Sets    int
	Ways    int
}

// Config is everything SPEC 1 and 5 let a user set.
type Config struct {
	Promiscuous bool
	GroupMACs   [][6]byte
	Partitions  []PartitionConfig
	Rules       []Rule
	FlowState   FlowStateConfig
}

// DefaultPartition is SPEC 1's partition default.
func DefaultPartition() PartitionConfig {
	return PartitionConfig{Key: DefaultKey}
}

// DefaultConfig is SPEC 1's defaults: promiscuous, one default partition,
// no rules, flow state off (with the 1024 x 4 geometry ready).
func DefaultConfig() *Config {
	return &Config{
		Promiscuous: true,
		Partitions:  []PartitionConfig{DefaultPartition()},
		FlowState:   FlowStateConfig{Sets: 1024, Ways: 4},
	}
}

// Validate checks SPEC 1's limits, naming the field that is wrong.
func (c *Config) Validate() error {
	if len(c.GroupMACs) > MaxGroupMACs {
		return fmt.Errorf("group_macs: %d addresses, at most %d", len(c.GroupMACs), MaxGroupMACs)
	}
	if len(c.Partitions) > MaxPartitions {
		return fmt.Errorf("partitions: %d, at most %d", len(c.Partitions), MaxPartitions)
	}
	if len(c.Rules) > MaxRules {
		return fmt.Errorf("rules: %d, at most %d", len(c.Rules), MaxRules)
	}
	for i, r := range c.Rules {
		if r.Proto < RuleProtoTCP || r.Proto > RuleProtoAny {
			return fmt.Errorf("rules[%d].proto: must be tcp, udp or any", i)
		}
		if int(r.Partition) >= MaxPartitions {
			return fmt.Errorf("rules[%d].partition: %d is not in 0..%d", i, r.Partition, MaxPartitions-1)
		}
	}
	if c.FlowState.Enabled {
		if _, err := NewFlowTable(c.FlowState.Sets, c.FlowState.Ways); err != nil {
			return err
		}
	}
	return nil
}

// SynthDstMAC is the destination given to frames of non-Ethernet captures
// (SPEC 1): the first group MAC, or 02:00:00:00:00:01.
func (c *Config) SynthDstMAC() [6]byte {
	if len(c.GroupMACs) > 0 {
		return c.GroupMACs[0]
	}
	return [6]byte{0x02, 0, 0, 0, 0, 0x01}
}

// The file form of a configuration (YAML; JSON is read by the same decoder).
type fileConfig struct {
	Promiscuous *bool           `yaml:"promiscuous"`
	GroupMACs   []string        `yaml:"group_macs"`
	Partitions  []filePartition `yaml:"partitions"`
	Rules       []fileRule      `yaml:"rules"`
	FlowState   *fileFlowState  `yaml:"flow_state"`
}

type filePartition struct {
	Key          string `yaml:"key"`
	EqualPortsTM *int   `yaml:"equal_ports_tm"`
	Table        string `yaml:"table"`
}

type fileRule struct {
	Proto     string `yaml:"proto"`
	Port      *int   `yaml:"port"`
	Partition *int   `yaml:"partition"`
}

type fileFlowState struct {
	Enabled *bool `yaml:"enabled"`
	Sets    *int  `yaml:"sets"`
	Ways    *int  `yaml:"ways"`
}

// TableReader loads a table image for a partition. It is set by package
// table's users (the CLI wires host/table.ReadFile) so that host stays free
// of the image format.
type TableReader func(path string) (*[TableSize]uint8, error)

// LoadConfig reads a YAML or JSON configuration. Table paths are relative
// to the file's directory.
func LoadConfig(path string, readTable TableReader) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %v", err)
	}
	cfg, err := ParseConfig(data, filepath.Dir(path), readTable)
	if err != nil {
		return nil, fmt.Errorf("config %s: %v", path, err)
	}
	return cfg, nil
}

// ParseConfig decodes a configuration; unknown fields are errors.
func ParseConfig(data []byte, dir string, readTable TableReader) (*Config, error) {
	var fc fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&fc); err != nil && err != io.EOF {
		return nil, describeYAMLError(data, err)
	}
	cfg := DefaultConfig()
	if fc.Promiscuous != nil {
		cfg.Promiscuous = *fc.Promiscuous
	}
	for i, s := range fc.GroupMACs {
		hw, err := net.ParseMAC(s)
		if err != nil || len(hw) != 6 {
			return nil, fmt.Errorf("group_macs[%d]: %q is not a 48-bit MAC address", i, s)
		}
		var mac [6]byte
		copy(mac[:], hw)
		cfg.GroupMACs = append(cfg.GroupMACs, mac)
	}
	if len(fc.Partitions) > 0 {
		cfg.Partitions = nil
	}
	for i, fp := range fc.Partitions {
		pc := DefaultPartition()
		if fp.Key != "" {
			k, err := ParseKey(fp.Key)
			if err != nil {
				return nil, fmt.Errorf("partitions[%d].%v", i, err)
			}
			pc.Key = k
		}
		if fp.EqualPortsTM != nil {
			if *fp.EqualPortsTM < 0 || *fp.EqualPortsTM > 255 {
				return nil, fmt.Errorf("partitions[%d].equal_ports_tm: %d is not in 0..255", i, *fp.EqualPortsTM)
			}
			pc.EqualPortsTM = uint8(*fp.EqualPortsTM)
		}
		if fp.Table != "" {
			if readTable == nil {
				return nil, fmt.Errorf("partitions[%d].table: no table reader", i)
			}
			p := fp.Table
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			t, err := readTable(p)
			if err != nil {
				return nil, fmt.Errorf("partitions[%d].table: %v", i, err)
			}
			pc.Table = t
			pc.TablePath = p
		}
		cfg.Partitions = append(cfg.Partitions, pc)
	}
	for i, fr := range fc.Rules {
		proto, err := ParseProto(fr.Proto)
		if err != nil {
			return nil, fmt.Errorf("rules[%d].%v", i, err)
		}
		if fr.Port == nil || *fr.Port < 0 || *fr.Port > 65535 {
			return nil, fmt.Errorf("rules[%d].port: missing or not in 0..65535", i)
		}
		part := 0
		if fr.Partition != nil {
			part = *fr.Partition
		}
		if part < 0 || part >= MaxPartitions {
			return nil, fmt.Errorf("rules[%d].partition: %d is not in 0..%d", i, part, MaxPartitions-1)
		}
		cfg.Rules = append(cfg.Rules, Rule{Proto: proto, Port: uint16(*fr.Port), Partition: uint8(part)})
	}
	if fs := fc.FlowState; fs != nil {
		if fs.Enabled != nil {
			cfg.FlowState.Enabled = *fs.Enabled
		}
		if fs.Sets != nil {
			cfg.FlowState.Sets = *fs.Sets
		}
		if fs.Ways != nil {
			cfg.FlowState.Ways = *fs.Ways
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

var yamlErrLine = regexp.MustCompile(`line (\d+): (.*)`)
var yamlUnknownField = regexp.MustCompile(`field (\S+) not found`)
var yamlBadValue = regexp.MustCompile("`([^`]*)`")

// describeYAMLError turns yaml.v3's "line N: cannot unmarshal ..." into one
// line that names the field ("rules[0].port: ..."), found by walking the
// document for the node on that line that the message talks about.
func describeYAMLError(data []byte, err error) error {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	var msgs []string
	for _, line := range strings.Split(err.Error(), "\n") {
		m := yamlErrLine.FindStringSubmatch(line)
		if m == nil {
			if t := strings.TrimSpace(line); t != "" && !strings.HasSuffix(t, "errors:") {
				msgs = append(msgs, t)
			}
			continue
		}
		n, _ := strconv.Atoi(m[1])
		want, isKey := "", false
		if u := yamlUnknownField.FindStringSubmatch(m[2]); u != nil {
			want, isKey = u[1], true
			m[2] = "unknown field"
		} else if v := yamlBadValue.FindStringSubmatch(m[2]); v != nil {
			want = v[1]
		}
		if path := findYAMLPath(&doc, "", n, want, isKey); path != "" {
			msgs = append(msgs, path+": "+m[2])
		} else {
			msgs = append(msgs, "line "+m[1]+": "+m[2])
		}
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

// findYAMLPath returns the dotted path of the key (isKey) or scalar value
// with text want on line n.
func findYAMLPath(node *yaml.Node, path string, n int, want string, isKey bool) string {
	switch node.Kind {
	case yaml.DocumentNode:
		for _, c := range node.Content {
			if p := findYAMLPath(c, path, n, want, isKey); p != "" {
				return p
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(node.Content); i += 2 {
			k, v := node.Content[i], node.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			if isKey && k.Line == n && k.Value == want {
				return p
			}
			if !isKey && v.Kind == yaml.ScalarNode && v.Line == n && v.Value == want {
				return p
			}
			if q := findYAMLPath(v, p, n, want, isKey); q != "" {
				return q
			}
		}
	case yaml.SequenceNode:
		for i, c := range node.Content {
			if q := findYAMLPath(c, path+"["+strconv.Itoa(i)+"]", n, want, isKey); q != "" {
				return q
			}
		}
	}
	return ""
}
