package host

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseConfigYAMLAndJSON(t *testing.T) {
	var loaded []string
	readTable := func(path string) (*[TableSize]uint8, error) {
		loaded = append(loaded, path)
		var tb [TableSize]uint8
		tb[0] = 9
		return &tb, nil
	}
	yamlDoc := `
promiscuous: false
group_macs: ["01:00:5e:00:00:fb", "02:00:00:00:00:01"]
partitions:
  - key: 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728
    equal_ports_tm: 7
  - table: tls.img
rules:
  - {proto: tcp, port: 443, partition: 1}
  - {proto: any, port: 53}
flow_state: {enabled: true, sets: 256, ways: 2}
`
	jsonDoc := `{"promiscuous": false, "group_macs": ["01:00:5e:00:00:fb", "02:00:00:00:00:01"],
 "partitions": [{"key": "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728", "equal_ports_tm": 7},
                {"table": "tls.img"}],
 "rules": [{"proto": "tcp", "port": 443, "partition": 1}, {"proto": "any", "port": 53}],
 "flow_state": {"enabled": true, "sets": 256, "ways": 2}}`
	for name, doc := range map[string]string{"yaml": yamlDoc, "json": jsonDoc} {
		loaded = nil
		cfg, err := ParseConfig([]byte(doc), "/etc/fs", readTable)
		require.NoError(t, err, name)
		require.False(t, cfg.Promiscuous)
		require.Equal(t, [][6]byte{{0x01, 0, 0x5e, 0, 0, 0xfb}, {2, 0, 0, 0, 0, 1}}, cfg.GroupMACs)
		require.Len(t, cfg.Partitions, 2)
		require.Equal(t, uint8(7), cfg.Partitions[0].EqualPortsTM)
		require.Equal(t, byte(0x01), cfg.Partitions[0].Key[0])
		require.Nil(t, cfg.Partitions[0].Table)
		require.Equal(t, DefaultKey, cfg.Partitions[1].Key)
		require.Equal(t, uint8(9), cfg.Partitions[1].Table[0])
		require.Equal(t, []string{"/etc/fs/tls.img"}, loaded, "table paths are relative to the config file")
		require.Equal(t, []Rule{{RuleProtoTCP, 443, 1}, {RuleProtoAny, 53, 0}}, cfg.Rules)
		require.Equal(t, FlowStateConfig{Enabled: true, Sets: 256, Ways: 2}, cfg.FlowState)
		require.Equal(t, [6]byte{0x01, 0, 0x5e, 0, 0, 0xfb}, cfg.SynthDstMAC())
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte(""), ".", nil)
	require.NoError(t, err)
	require.Equal(t, DefaultConfig(), cfg)
	require.Equal(t, [6]byte{2, 0, 0, 0, 0, 1}, cfg.SynthDstMAC())
}

// Every invalid configuration is refused with a message naming the field.
func TestParseConfigErrorsNameTheField(t *testing.T) {
	cases := map[string]string{
		"promiscuous: maybe":                                    "promiscuous",
		"group_macs: [zz]":                                      "group_macs[0]",
		"group_macs: [a, b, c, d, e]":                           "group_macs",
		"partitions: [{key: abcd}]":                             "partitions[0].key",
		"partitions: [{equal_ports_tm: 256}]":                   "partitions[0].equal_ports_tm",
		"partitions: [{}, {}, {}, {}, {}]":                      "partitions",
		"partitions: [{table: missing.img}]":                    "partitions[0].table",
		"rules: [{proto: icmp, port: 1}]":                       "rules[0].proto",
		"rules: [{proto: tcp}]":                                 "rules[0].port",
		"rules: [{proto: tcp, port: 70000}]":                    "rules[0].port",
		"rules: [{proto: tcp, port: 1, partition: 4}]":          "rules[0].partition",
		"flow_state: {enabled: true, sets: 1000}":               "flow_state.sets",
		"flow_state: {enabled: true, ways: 0}":                  "flow_state.ways",
		"flow_stat: {}":                                         "flow_stat",
		"rules: [{proto: tcp, port: 1, partiton: 1}]":           "partiton",
		"rules: [" + repeat("{proto: tcp, port: 1}, ", 9) + "]": "rules",
	}
	readTable := func(path string) (*[TableSize]uint8, error) {
		_, err := os.Stat(path)
		return nil, err
	}
	for doc, field := range cases {
		_, err := ParseConfig([]byte(doc), t.TempDir(), readTable)
		require.Error(t, err, doc)
		require.Contains(t, err.Error(), field, doc)
		require.NotContains(t, err.Error(), "\n", "one line: %s", doc)
	}
}

func repeat(s string, n int) string {
	out := ""
	for i := 0; i < n; i++ {
		out += s
	}
	return out
}

func TestLoadConfigFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.json")
	require.NoError(t, os.WriteFile(p, []byte(`{"promiscuous": true, "rules": [{"proto": "udp", "port": 53, "partition": 2}]}`), 0o644))
	cfg, err := LoadConfig(p, nil)
	require.NoError(t, err)
	require.Equal(t, []Rule{{RuleProtoUDP, 53, 2}}, cfg.Rules)
	_, err = LoadConfig(filepath.Join(dir, "none.yaml"), nil)
	require.ErrorContains(t, err, "none.yaml")
}
