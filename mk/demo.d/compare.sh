# Sourced by mk/demo.sh after its steps ($fs, $cap, $out and step are set).
# The same capture and configuration through the Verilated RTL, programmed
# through its registers like a board, compared frame by frame with the model;
# halfway through, the rebalanced nine-TM table goes live in partition 0
# through the shadow bank and COMMIT while the AXI streams see random
# backpressure.
step "Co-simulation: the RTL against the model on $(basename "$cap"), nine.img committed live before frame 2000" \
	$fs compare "$cap" --config "$out/steer.yaml" --change "2000:$out/nine.img" \
	--backpressure random --seed 1 --png "$out/load.png" --report "$out/compare-report"
echo "per-TM load, model vs hardware: $out/load.png"
