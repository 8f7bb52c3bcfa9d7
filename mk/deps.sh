#!/usr/bin/env bash
# Installs the tools flowsteer needs on a fresh Debian machine. Idempotent:
# it only calls apt-get when something is missing, and runs `apt-get update`
# once before the first install.
set -euo pipefail

need=()
command -v verilator      >/dev/null 2>&1 || need+=(verilator)
command -v iverilog       >/dev/null 2>&1 || need+=(iverilog)
command -v yosys          >/dev/null 2>&1 || need+=(yosys)
command -v nextpnr-ice40  >/dev/null 2>&1 || need+=(nextpnr-ice40)
command -v icepack        >/dev/null 2>&1 || need+=(fpga-icestorm)
command -v pkg-config     >/dev/null 2>&1 || need+=(pkg-config)
pkg-config --exists libusb-1.0 2>/dev/null || need+=(libusb-1.0-0-dev)

if ((${#need[@]})); then
	sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	echo "deps: installing ${need[*]}"
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${need[@]}"
fi
command -v go >/dev/null 2>&1 || { echo "deps: Go toolchain not found (need Go 1.26)" >&2; exit 1; }
go mod download
