package cli

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowsteer/flowsteer/host"
)

func init() { register("hash", newHashCmd) }

func newHashCmd(env *Env) *cobra.Command {
	var keyHex, dataHex string
	cmd := &cobra.Command{
		Use:   "hash --key HEX --data HEX",
		Short: "Print the 32-bit Toeplitz hash of some bytes",
		Long: `hash prints the Toeplitz hash (SPEC 3) of --data under the 40-byte --key as
8 lowercase hex digits. --data holds at most 36 bytes (the longest SPEC
input). The default key is the Microsoft RSS key.`,
		Example: `  flowsteer hash --key 6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa --data 420995bba18e6450
  flowsteer hash --data 00000000000000000000ffff0a000001c350`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			key := host.DefaultKey
			if cmd.Flags().Changed("key") {
				k, err := host.ParseKey(keyHex)
				if err != nil {
					return usageError("--%v", err)
				}
				key = k
			}
			if !cmd.Flags().Changed("data") {
				return usageError("hash: --data is required")
			}
			data, err := hex.DecodeString(strings.TrimPrefix(strings.ReplaceAll(dataHex, ":", ""), "0x"))
			if err != nil {
				return usageError("--data: not hex: %v", err)
			}
			if len(data) > host.MaxHashInput {
				return usageError("--data: %d bytes, at most %d fit under a 40-byte key", len(data), host.MaxHashInput)
			}
			_, err = fmt.Fprintf(env.Stdout, "%08x\n", host.NewToeplitz(key).Hash(data))
			return err
		},
	}
	cmd.Flags().StringVar(&keyHex, "key", host.DefaultKey.String(), "40-byte Toeplitz key, 80 hex digits")
	cmd.Flags().StringVar(&dataHex, "data", "", "bytes to hash, hex")
	return cmd
}
