# Sourced by mk/demo.sh after its steps ($fs, $cap, $out and step are set).
# The same capture and configuration through the Verilated RTL, programmed
# through its registers like a board, compared frame by frame with the model;
# before frame 2000 the rebalanced nine-TM table replaces partition 0's
# through the shadow bank and COMMIT, as a live rebalance does; the AXI
# streams see random backpressure.
step "Co-simulation: the RTL against the model on $(basename "$cap"), nine.img committed (shadow bank, COMMIT) before frame 2000" \
	$fs compare "$cap" --config "$out/steer.yaml" --change "2000:$out/nine.img" \
	--backpressure random --seed 1 --png "$out/load.png" --report "$out/compare-report"
echo "per-TM load, model vs hardware: $out/load.png"
