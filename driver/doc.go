// Package driver programs a flowsteer device through one Transport: the
// link protocol over USB or SPI (driver/link, driver/usb, driver/spi), a
// PCIe BAR (driver/pcie) or the Verilated RTL (registered by sim/ through
// RegisterOpener so this package stays free of cgo).
//
// The register map is generated from driver/regmap/regs.yaml into
// regs_gen.go (go generate ./driver).
package driver
