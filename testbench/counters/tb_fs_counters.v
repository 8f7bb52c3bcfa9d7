// tb_fs_counters: unit bench of hdl/fs_counters.v against a behavioural
// count kept here (frames, per action, per reason). Random events on three
// cycles in four, X on the event fields of idle cycles (so a counter that
// looks at them when ev_valid is low is caught), a clear about every
// thousand cycles, back-to-back events on one counter (the read-modify-write
// forwarding), and every 50 cycles a pause in which all 16 read indexes are
// read and compared. Prints "tb_fs_counters: PASSED" or the first errors.
`timescale 1ns/1ps
module tb_fs_counters;
    reg        clk = 1'b0, rst = 1'b1, clear = 1'b0, ev_valid = 1'b0;
    reg  [1:0] ev_action;
    reg  [3:0] ev_reason;
    reg  [3:0] rd_idx = 4'd15;
    wire [31:0] rd_data;

    fs_counters dut (
        .clk(clk), .rst(rst), .clear(clear), .ev_valid(ev_valid),
        .ev_action(ev_action), .ev_reason(ev_reason),
        .rd_idx(rd_idx), .rd_data(rd_data)
    );

    // index k: 0 frames, 1..4 actions 0..3, 5..14 reasons 0..9, 15 none
    reg [31:0] want [0:15];
    integer i, cyc, errs = 0, checks = 0, events = 0;
    always #5 clk = ~clk;

    initial begin
        for (i = 0; i < 16; i = i + 1) want[i] = 32'd0;
        ev_action = 2'bx;
        ev_reason = 4'bx;
        repeat (3) @(posedge clk);
        rst <= 1'b0;
        for (cyc = 0; cyc < 40000; cyc = cyc + 1) begin
            @(negedge clk);
            if (cyc % 50 == 49) begin
                ev_valid = 1'b0; ev_action = 2'bx; ev_reason = 4'bx; clear = 1'b0;
                repeat (4) @(negedge clk);          // let the pipeline settle
                for (i = 0; i < 16; i = i + 1) begin
                    rd_idx = i;
                    @(negedge clk);                 // data the cycle after the index
                    checks = checks + 1;
                    if (rd_data !== want[i]) begin
                        errs = errs + 1;
                        if (errs <= 10)
                            $display("FAIL cycle %0d: counter %0d reads %h, want %h", cyc, i, rd_data, want[i]);
                    end
                end
                rd_idx = 4'd15;
            end
            // runs of one counter stress the forwarding; otherwise random
            ev_valid = ($random & 3) != 0;
            if (ev_valid) begin
                ev_action = (cyc % 200 < 20) ? 2'd1 : $random;
                ev_reason = (cyc % 200 < 20) ? 4'd7 : ($unsigned($random) % 12); // 10, 11: no reason counter
                events = events + 1;
            end else begin
                ev_action = 2'bx;
                ev_reason = 4'bx;
            end
            clear = ($random & 1023) == 0;
            // a clear wins over an event in its own cycle (fs_counters header)
            if (clear)
                for (i = 0; i < 16; i = i + 1) want[i] = 32'd0;
            else if (ev_valid) begin
                want[0] = want[0] + 1;
                want[1 + ev_action] = want[1 + ev_action] + 1;
                if (ev_reason < 10) want[5 + ev_reason] = want[5 + ev_reason] + 1;
            end
        end
        if (errs == 0)
            $display("tb_fs_counters: PASSED (%0d events, %0d reads compared)", events, checks);
        else
            $display("tb_fs_counters: FAILED, %0d of %0d reads differ", errs, checks);
        $finish;
    end
endmodule
