// Simulation-speed bench for hdl/fs_parser.v (Verilator): replays the first
// beats of a vector set in a loop, a beat every cycle (bubbles every 8th
// cycle), for +CYCLES cycles, and folds every result into a checksum so that
// nothing is optimised away. No checking: tb_fs_parser.v does that. run.sh
// --speed times it and prints cycles per second of wall clock.
//
// Plusargs: +CFG=<file> +BEATS=<file> [+CYCLES=<n>, default 10000000]
`timescale 1ns/1ps
`default_nettype none

module tb_fs_parser_speed;
    parameter MAXB = 1 << 20;

    reg clk = 1'b0;
    reg rst = 1'b1;
    reg         beat_valid = 1'b0;
    reg [63:0]  beat_data = 64'd0;
    reg [7:0]   beat_keep = 8'd0;
    reg         beat_last = 1'b0;
    reg         cfg_promisc = 1'b0;
    reg [191:0] cfg_mac = 192'd0;
    reg [3:0]   cfg_mac_valid = 4'd0;
    wire        res_valid;
    wire [1:0]  res_action;
    wire [3:0]  res_reason;
    wire [127:0] res_src_addr, res_dst_addr;
    wire [7:0]  res_proto;
    wire [15:0] res_src_port, res_dst_port;

    fs_parser dut (
        .clk(clk), .rst(rst),
        .beat_valid(beat_valid), .beat_data(beat_data), .beat_keep(beat_keep), .beat_last(beat_last),
        .cfg_promisc(cfg_promisc), .cfg_mac(cfg_mac), .cfg_mac_valid(cfg_mac_valid),
        .res_valid(res_valid), .res_action(res_action), .res_reason(res_reason),
        .res_src_addr(res_src_addr), .res_dst_addr(res_dst_addr), .res_proto(res_proto),
        .res_src_port(res_src_port), .res_dst_port(res_dst_port));

    always #5 clk = ~clk;

    reg [72:0]  beats [0:MAXB-1];
    reg [191:0] cfgv  [0:4];
    reg [8*512-1:0] f_cfg, f_beats;
    integer nbeats, cycles, cyc, bi, results;
    reg [303:0] sum;

    initial begin
        if (!$value$plusargs("CFG=%s", f_cfg) || !$value$plusargs("BEATS=%s", f_beats))
            $fatal(1, "usage: +CFG=<file> +BEATS=<file> [+CYCLES=n]");
        if (!$value$plusargs("CYCLES=%d", cycles)) cycles = 10000000;
        $readmemh(f_cfg, cfgv);
        nbeats = cfgv[3];
        if (nbeats > MAXB || nbeats < 1) $fatal(1, "set too large or empty: %0d beats", nbeats);
        $readmemh(f_beats, beats, 0, nbeats - 1);
        cfg_promisc = cfgv[0][0];
        cfg_mac_valid = cfgv[1][3:0];
        cfg_mac = cfgv[2];
        cyc = 0; bi = 0; results = 0; sum = 304'd0;
        repeat (3) @(negedge clk);
        rst = 1'b0;
    end

    always @(negedge clk) begin
        if (!rst) begin
            cyc = cyc + 1;
            if (cyc[2:0] != 3'd0) begin
                beat_valid = 1'b1;
                {beat_last, beat_keep, beat_data} = beats[bi];
                bi = (bi + 1 == nbeats) ? 0 : bi + 1;
            end else begin
                beat_valid = 1'b0;
            end
            if (res_valid) begin
                results = results + 1;
                sum = {sum[302:0], sum[303]} ^ {2'b00, res_action, res_reason, res_proto,
                      res_src_port, res_dst_port, res_src_addr, res_dst_addr};
            end
            if (cyc >= cycles) begin
                $display("%0d cycles, %0d results, checksum %h", cyc, results, sum[31:0] ^ sum[63:32]);
                $finish;
            end
        end
    end
endmodule

`default_nettype wire
