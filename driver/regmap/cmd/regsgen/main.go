// Command regsgen writes driver/regs_gen.go, hdl/regs.vh and
// docs/registers.md from driver/regmap/regs.yaml.
//
//	go run ./driver/regmap/cmd/regsgen            # from anywhere in the module
//	go generate ./driver                          # the same, through go:generate
//	go run ./driver/regmap/cmd/regsgen -root /tmp/x   # write elsewhere (tests)
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/flowsteer/flowsteer/driver/regmap"
)

func main() {
	root := flag.String("root", "", "module root to write into (default: the directory holding go.mod above the working directory)")
	in := flag.String("yaml", "", "register map (default: <module root>/driver/regmap/regs.yaml)")
	flag.Parse()
	if err := run(*root, *in); err != nil {
		fmt.Fprintln(os.Stderr, "regsgen:", err)
		os.Exit(1)
	}
}

func run(root, in string) error {
	modRoot, err := findModuleRoot()
	if err != nil {
		return err
	}
	if root == "" {
		root = modRoot
	}
	if in == "" {
		in = filepath.Join(modRoot, "driver", "regmap", "regs.yaml")
	}
	m, err := regmap.Load(in)
	if err != nil {
		return err
	}
	return m.Generate(root)
}

// findModuleRoot walks up from the working directory to go.mod, so the
// command works both from the root and from go:generate in driver/.
func findModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; pass -root and -yaml")
		}
		dir = parent
	}
}
