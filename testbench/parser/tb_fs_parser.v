// Unit bench for hdl/fs_parser.v: replays one vector set written by
// testbench/parser/gen (cfg, beats, expected results) with random bubbles
// and garbage on idle cycles, and checks every result field, the result
// count, the timing contract (res_valid exactly PARSE_LATENCY cycles after
// the beat that ends each parse: the last beat or beat 31) and that no
// output is ever X. Prints "N passed, M failed" and ends with $fatal (exit
// status 1 under vvp) on any failure.
//
// Plusargs: +CFG=<file> +BEATS=<file> +EXP=<file> [+SEED=<n>]
// [+BUBBLE=<percent>, default: changes every 500 beats among 0/10/50/90]
`timescale 1ns/1ps
`default_nettype none

module tb_fs_parser;
    parameter MAXB = 1 << 20;   // beats per set
    parameter MAXF = 1 << 17;   // frames per set

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

    reg [72:0]  beats [0:MAXB-1];   // {last, keep, data}
    reg [303:0] exps  [0:MAXF-1];   // {action, reason, proto, sport, dport, src, dst}
    reg [191:0] cfgv  [0:4];

    reg [8*512-1:0] f_cfg, f_beats, f_exp;
    integer nbeats, nframes, seed, bubble, bubble_fixed;
    integer bi;          // next beat to drive
    integer bif;         // index of that beat within its frame
    integer fi;          // next expected result
    integer passed, failed, xfails, tfails;
    integer cyc;
    reg         hold_chk;    // last cycle had a FORWARD result ...
    reg [255:0] hold_addr;   // ... with these addresses
    reg [7:0] endq;      // endq[i]: a parse ended i+1 cycles ago (accepted beat)

    // The addresses are part of the contract only for FORWARD (action 0):
    // for other frames the parser leaves whatever the frame's beats put
    // there, so both sides are compared with them masked.
    wire [303:0] got_raw = {2'b00, res_action, res_reason, res_proto, res_src_port, res_dst_port,
                            res_src_addr, res_dst_addr};
    wire [303:0] got = (res_action == 2'd0) ? got_raw : {got_raw[303:256], 256'd0};
    function [303:0] exp_masked;
        input [303:0] e;
        exp_masked = (e[301:300] == 2'd0) ? e : {e[303:256], 256'd0};
    endfunction

    initial begin
        if (!$value$plusargs("CFG=%s", f_cfg) || !$value$plusargs("BEATS=%s", f_beats) ||
            !$value$plusargs("EXP=%s", f_exp)) begin
            $display("usage: +CFG=<file> +BEATS=<file> +EXP=<file> [+SEED=n] [+BUBBLE=pct]");
            $fatal(1, "missing plusargs");
        end
        if (!$value$plusargs("SEED=%d", seed)) seed = 1;
        bubble_fixed = -1;
        if ($value$plusargs("BUBBLE=%d", bubble_fixed)) bubble = bubble_fixed; else bubble = 10;
        $readmemh(f_cfg, cfgv);
        nbeats = cfgv[3]; nframes = cfgv[4];
        if (nbeats > MAXB || nframes > MAXF || nbeats < 1)
            $fatal(1, "set too large or empty: %0d beats, %0d frames", nbeats, nframes);
        $readmemh(f_beats, beats, 0, nbeats - 1);
        $readmemh(f_exp, exps, 0, nframes - 1);
        cfg_promisc = cfgv[0][0];
        cfg_mac_valid = cfgv[1][3:0];
        cfg_mac = cfgv[2];
        if (dut.PARSE_LATENCY < 1 || dut.PARSE_LATENCY > 3)
            $fatal(1, "PARSE_LATENCY %0d outside 1..3", dut.PARSE_LATENCY);
        bi = 0; bif = 0; fi = 0; passed = 0; failed = 0; xfails = 0; tfails = 0; cyc = 0;
        endq = 8'd0; hold_chk = 1'b0;
        repeat (3) @(negedge clk);
        rst = 1'b0;
    end

    // Driver: new inputs at the falling edge.
    always @(negedge clk) begin
        if (!rst) begin
            if (bubble_fixed < 0 && bi % 500 == 0) begin
                case ($unsigned($random(seed)) % 4)
                    0: bubble = 0;
                    1: bubble = 10;
                    2: bubble = 50;
                    default: bubble = 90;
                endcase
            end
            if (bi < nbeats && ($unsigned($random(seed)) % 100) >= bubble) begin
                beat_valid = 1'b1;
                {beat_last, beat_keep, beat_data} = beats[bi];
            end else begin
                // idle: garbage that must be ignored
                beat_valid = 1'b0;
                beat_data = {$random(seed), $random(seed)};
                beat_keep = $random(seed);
                beat_last = $random(seed);
            end
        end
    end

    // Bookkeeping at the rising edge: which accepted beats end a parse.
    always @(posedge clk) begin
        if (!rst) begin
            cyc <= cyc + 1;
            endq <= {endq[6:0], beat_valid && bif <= 31 && (beat_last || bif == 31)};
            if (beat_valid) begin
                bi <= bi + 1;
                bif <= beat_last ? 0 : bif + 1;
            end
        end
    end

    // Checker at the falling edge: outputs of the last rising edge.
    always @(negedge clk) begin
        if (!rst) begin
            if (^{res_valid} === 1'bx) begin
                xfails = xfails + 1;
                if (xfails <= 5) $display("X on res_valid at cycle %0d", cyc);
            end
            if (res_valid !== endq[dut.PARSE_LATENCY - 1]) begin
                tfails = tfails + 1;
                if (tfails <= 12)
                    $display("timing: res_valid=%b at cycle %0d, expected %b (frame %0d)",
                             res_valid, cyc, endq[dut.PARSE_LATENCY - 1], fi);
            end
            // Hold: a FORWARD frame's addresses stay for one more cycle
            // (fs_classify's stage 2 reads them there).
            if (hold_chk && {res_src_addr, res_dst_addr} !== hold_addr) begin
                tfails = tfails + 1;
                if (tfails <= 12)
                    $display("timing: addresses of frame %0d changed in the cycle after res_valid", fi - 1);
            end
            hold_chk  = res_valid === 1'b1 && res_action == 2'd0;
            hold_addr = {res_src_addr, res_dst_addr};
            if (res_valid === 1'b1) begin
                if (fi >= nframes) begin
                    failed = failed + 1;
                    $display("extra result beyond %0d frames", nframes);
                end else if (^got === 1'bx || got !== exp_masked(exps[fi])) begin
                    failed = failed + 1;
                    if (^got === 1'bx) xfails = xfails + 1;
                    if (failed <= 20) begin
                        $display("frame %0d (0-based) MISMATCH", fi);
                        $display("  exp act %0d rsn %0d proto %0d ports %0d %0d src %h dst %h",
                                 exps[fi][301:300], exps[fi][299:296], exps[fi][295:288],
                                 exps[fi][287:272], exps[fi][271:256], exps[fi][255:128], exps[fi][127:0]);
                        $display("  got act %0d rsn %0d proto %0d ports %0d %0d src %h dst %h",
                                 res_action, res_reason, res_proto, res_src_port, res_dst_port,
                                 res_src_addr, res_dst_addr);
                    end
                    fi = fi + 1;
                end else begin
                    passed = passed + 1;
                    fi = fi + 1;
                end
            end
            if (bi >= nbeats && endq == 8'd0 && !res_valid) begin
                if (fi != nframes) begin
                    $display("got %0d results for %0d frames", fi, nframes);
                    failed = failed + (nframes - fi);
                end
                $display("%0d passed, %0d failed (%0d timing errors, %0d X) in %0d cycles",
                         passed, failed, tfails, xfails, cyc);
                if (failed != 0 || tfails != 0 || xfails != 0)
                    $fatal(1, "fs_parser bench FAILED");
                $finish;
            end
        end
    end

endmodule

`default_nettype wire
