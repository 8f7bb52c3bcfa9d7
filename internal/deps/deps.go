//go:build tools

// Package deps pins modules that the project uses in several places so that
// `go mod tidy` keeps them while parts of the tree are still being written.
package deps

import (
	_ "github.com/google/gousb"
	_ "github.com/gopacket/gopacket/pcapgo"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/spf13/cobra"
	_ "github.com/stretchr/testify/require"
	_ "gonum.org/v1/plot"
	_ "gopkg.in/yaml.v3"
	_ "periph.io/x/conn/v3/spi/spitest"
	_ "periph.io/x/host/v3"
	_ "pgregory.net/rapid"
)
