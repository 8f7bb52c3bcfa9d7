// Package all links every board transport into a program, so driver.Open
// understands usb:, spi: and pcie: (the simulator registers "sim" from its
// own package).
package all

import (
	_ "github.com/flowsteer/flowsteer/driver/pcie" // pcie:DDDD:BB:DD.F
	_ "github.com/flowsteer/flowsteer/driver/spi"  // spi:/dev/spidevB.C
	_ "github.com/flowsteer/flowsteer/driver/usb"  // usb:VID:PID
)
