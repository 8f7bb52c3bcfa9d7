#!/usr/bin/env bash
# make demo: the main job on the bundled capture, printed for a person.
# Each step is a flowsteer command a user would type.
set -euo pipefail
cd "$(dirname "$0")/.."
fs=bin/flowsteer
cap=testdata/demo/many-protocols.pcap
out=build/demo
mkdir -p "$out"

step() { printf '\n=== %s\n$ %s\n' "$1" "${*:2}"; "${@:2}"; }

step "Toeplitz: first Microsoft RSS verification vector (expect 51ccc178)" \
	$fs hash --data 420995bba18e64500aea06e6
step "An allocation table for 8 TMs, TM 0 and 1 weighted double" \
	$fs table build --weights 2,2,1,1,1,1,1,1 -o "$out/weighted.img"
step "Its per-TM buckets against the ideal" $fs table show "$out/weighted.img"
step "Rebalance live: a ninth TM joins with weight 1; the fewest buckets move" \
	$fs table rebalance "$out/weighted.img" --weights 2,2,1,1,1,1,1,1,1 -o "$out/nine.img"
cat > "$out/steer.yaml" <<YAML
# Partition 1 holds TLS (TCP 443) on its own table; everything else is partition 0.
promiscuous: true
partitions:
  - table: weighted.img
  - table: nine.img
    equal_ports_tm: 3
rules:
  - {proto: tcp, port: 443, partition: 1}
YAML
step "The reference model on the bundled capture ($(basename $cap))" \
	$fs model "$cap" --config "$out/steer.yaml" -o "$out/sw.tsv"
echo "decision log: $out/sw.tsv ($(($(wc -l < "$out/sw.tsv") - 1)) frames); first lines:"
head -5 "$out/sw.tsv"
step "NAT: source ports for 192.0.2.10 toward server port 443 that stay on TM 5" \
	$fs natport --addr 192.0.2.10 --server-port 443 --tm 5 --count 5 --config "$out/steer.yaml" --partition 1
for extra in mk/demo.d/*.sh; do
	[ -e "$extra" ] && source "$extra"
done
echo
echo "demo: done (outputs in $out/)"
