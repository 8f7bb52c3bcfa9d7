// tb_flow_table: self-checking Icarus bench of hdl/fs_flow_table.v against
// host.FlowTable (expectations written by testbench/flow/vecgen).
//
// Events (ev.hex, layout in vecgen/main.go) are replayed in order:
//   CYCLE  one cycle of inputs; a request first waits until busy is low (the
//          pipeline's contract), command pulses never wait. Requests follow
//          each other on consecutive cycles whenever the stream allows.
//   IDLE   N cycles with nothing asserted.
//   CHECK  wait until every response is out and busy is low, then compare
//          the five counters with the next cnt.hex word.
//   CLEAR  drain likewise, then pulse cnt_clear.
// Every response is compared (rsp_hit, rsp_tm) with the model's, in order,
// and must come exactly FLOW_LATENCY cycles after its request; a response
// with nothing outstanding, an X on rsp_valid/busy or on a valid response,
// or a counter mismatch is a failure. Prints "N passed, M failed" (N, M
// count responses and counter checks) and ends with $fatal on a failure.
//
// Plusargs: +vec=DIR (ev.hex and cnt.hex). Parameters: SETS_LOG2, WAYS,
// TM_BITS of the DUT; MAX_EV, MAX_CHK size the vector memories.
module tb_flow_table;
    parameter SETS_LOG2 = 2;
    parameter WAYS      = 4;
    parameter TM_BITS   = 8;
    parameter MAX_EV    = 262144;
    parameter MAX_CHK   = 16384;
    localparam LATENCY  = 2;   // fs_flow_table's FLOW_LATENCY
    localparam QLEN     = 8;   // response queue (latency + 1 is enough)

    reg clk = 1'b0;
    always #5 clk = ~clk;
    reg rst = 1'b1;

    reg                req_valid = 1'b0, req_apply = 1'b0;
    reg [1:0]          req_partition = 2'd0;
    reg [143:0]        req_key = 144'd0;
    reg [31:0]         req_hash = 32'd0;
    reg [TM_BITS-1:0]  req_tm = {TM_BITS{1'b0}};
    reg                cmd_flush_all = 1'b0, cmd_flush_tm = 1'b0;
    reg [7:0]          cmd_tm = 8'd0;
    reg                cnt_clear = 1'b0;
    wire               rsp_valid, rsp_hit, busy;
    wire [TM_BITS-1:0] rsp_tm;
    wire [31:0]        cnt_hits, cnt_misses, cnt_inserts, cnt_evictions, cnt_flushed;

    fs_flow_table #(.SETS_LOG2(SETS_LOG2), .WAYS(WAYS), .TM_BITS(TM_BITS)) dut (
        .clk(clk), .rst(rst),
        .req_valid(req_valid), .req_apply(req_apply), .req_partition(req_partition),
        .req_key(req_key), .req_hash(req_hash), .req_tm(req_tm),
        .rsp_valid(rsp_valid), .rsp_hit(rsp_hit), .rsp_tm(rsp_tm),
        .cmd_flush_all(cmd_flush_all), .cmd_flush_tm(cmd_flush_tm), .cmd_tm(cmd_tm),
        .busy(busy),
        .cnt_hits(cnt_hits), .cnt_misses(cnt_misses), .cnt_inserts(cnt_inserts),
        .cnt_evictions(cnt_evictions), .cnt_flushed(cnt_flushed), .cnt_clear(cnt_clear));

    reg [255:0] ev  [0:MAX_EV-1];
    reg [159:0] chk [0:MAX_CHK-1];
    reg [8*512-1:0] dir;

    integer passed = 0, failed = 0, cycle = 0;
    integer q_head = 0, q_tail = 0;          // outstanding responses
    reg              q_hit  [0:QLEN-1];
    reg [TM_BITS-1:0] q_tm  [0:QLEN-1];
    integer          q_when [0:QLEN-1];

    // Every negedge: first look at what the last posedge produced, then the
    // stimulus process drives the next cycle's inputs (it also waits on
    // negedge and runs after this block has checked: it is scheduled by a
    // #1 delay).
    always @(negedge clk) begin
        cycle = cycle + 1;
        if (!rst) begin
            if (rsp_valid === 1'bx || busy === 1'bx) begin
                failed = failed + 1;
                $display("FAIL cycle %0d: X on rsp_valid or busy", cycle);
            end
            if (rsp_valid === 1'b1) begin
                if (q_head == q_tail) begin
                    failed = failed + 1;
                    $display("FAIL cycle %0d: response with no request outstanding", cycle);
                end else begin
                    if (^{rsp_hit, rsp_tm} === 1'bx) begin
                        failed = failed + 1;
                        $display("FAIL cycle %0d: X in response", cycle);
                    end else if (rsp_hit !== q_hit[q_head % QLEN] || rsp_tm !== q_tm[q_head % QLEN]) begin
                        failed = failed + 1;
                        $display("FAIL cycle %0d: response %0d: hit %0d tm %0d, model says hit %0d tm %0d",
                                 cycle, q_head, rsp_hit, rsp_tm, q_hit[q_head % QLEN], q_tm[q_head % QLEN]);
                    end else if (cycle - q_when[q_head % QLEN] != LATENCY) begin
                        failed = failed + 1;
                        $display("FAIL cycle %0d: response %0d after %0d cycles, not %0d",
                                 cycle, q_head, cycle - q_when[q_head % QLEN], LATENCY);
                    end else
                        passed = passed + 1;
                    q_head = q_head + 1;
                end
            end
            if (q_head != q_tail && cycle - q_when[q_head % QLEN] > LATENCY) begin
                failed = failed + 1;
                $display("FAIL cycle %0d: response %0d missing", cycle, q_head);
                q_head = q_head + 1;
            end
        end
    end

    task idle_inputs;
        begin
            req_valid = 1'b0; req_apply = 1'b0;
            cmd_flush_all = 1'b0; cmd_flush_tm = 1'b0; cnt_clear = 1'b0;
        end
    endtask

    task next_cycle;   // to the next negedge, after the checker
        begin
            @(negedge clk);
            #1;
        end
    endtask

    task drain;
        integer guard;
        begin
            guard = 0;
            while ((q_head != q_tail || busy !== 1'b0) && guard < (4 << SETS_LOG2) + 100) begin
                next_cycle;
                guard = guard + 1;
            end
            if (q_head != q_tail || busy !== 1'b0) begin
                failed = failed + 1;
                $display("FAIL cycle %0d: not drained (busy %b, %0d outstanding)", cycle, busy, q_tail - q_head);
            end
        end
    endtask

    integer i, n_chk, k, guard;
    reg [255:0] e;
    reg [3:0]   kind;
    reg [159:0] got;
    initial begin
        if (!$value$plusargs("vec=%s", dir)) dir = "build/flow/vec";
        for (i = 0; i < MAX_EV; i = i + 1) ev[i] = {4'hf, 252'd0};
        $readmemh({dir, "/ev.hex"}, ev);
        $readmemh({dir, "/cnt.hex"}, chk);

        rst = 1'b1;
        repeat (3) next_cycle;
        rst = 1'b0;
        // The reset walk: busy until every set is cleared.
        guard = 0;
        next_cycle;
        if (busy !== 1'b1) begin
            failed = failed + 1;
            $display("FAIL: busy not raised by the reset walk");
        end
        while (busy !== 1'b0 && guard < (4 << SETS_LOG2) + 100) begin next_cycle; guard = guard + 1; end

        n_chk = 0;
        i = 0;
        kind = 4'd0;
        while (kind != 4'hf && i < MAX_EV) begin
            e = ev[i];
            kind = e[255:252];
            case (kind)
                4'd0: begin
                    if (e[251]) begin
                        guard = 0;
                        while (busy !== 1'b0 && guard < (4 << SETS_LOG2) + 100) begin
                            idle_inputs;
                            next_cycle;
                            guard = guard + 1;
                        end
                    end
                    req_valid     = e[251];
                    req_apply     = e[250];
                    cmd_flush_all = e[249];
                    cmd_flush_tm  = e[248];
                    cmd_tm        = e[247:240];
                    req_partition = e[239:238];
                    req_key       = e[237:94];
                    req_hash      = e[93:62];
                    req_tm        = e[54 +: TM_BITS];
                    if (e[251]) begin
                        q_hit[q_tail % QLEN]  = e[53];
                        q_tm[q_tail % QLEN]   = e[45 +: TM_BITS];
                        q_when[q_tail % QLEN] = cycle;
                        q_tail = q_tail + 1;
                    end
                    next_cycle;
                    idle_inputs;
                end
                4'd1: begin
                    idle_inputs;
                    repeat (e[31:0]) next_cycle;
                end
                4'd2, 4'd3: begin
                    idle_inputs;
                    drain;
                    if (kind == 4'd2) begin
                        got = {cnt_hits, cnt_misses, cnt_inserts, cnt_evictions, cnt_flushed};
                        if (^got === 1'bx || got !== chk[n_chk]) begin
                            failed = failed + 1;
                            $display("FAIL cycle %0d: counters (hits misses inserts evictions flushed) %0d %0d %0d %0d %0d, model says %0d %0d %0d %0d %0d",
                                     cycle, cnt_hits, cnt_misses, cnt_inserts, cnt_evictions, cnt_flushed,
                                     chk[n_chk][159:128], chk[n_chk][127:96], chk[n_chk][95:64],
                                     chk[n_chk][63:32], chk[n_chk][31:0]);
                        end else
                            passed = passed + 1;
                        n_chk = n_chk + 1;
                    end else begin
                        cnt_clear = 1'b1;
                        next_cycle;
                        idle_inputs;
                    end
                end
                default: ;
            endcase
            i = i + 1;
        end
        idle_inputs;
        drain;
        k = q_tail;
        $display("tb_flow_table SETS_LOG2=%0d WAYS=%0d TM_BITS=%0d: %0d requests, %0d counter checks, %0d cycles",
                 SETS_LOG2, WAYS, TM_BITS, k, n_chk, cycle);
        $display("%0d passed, %0d failed", passed, failed);
        if (failed != 0 || passed == 0) $fatal(1, "tb_flow_table: FAILED");
        $finish;
    end
endmodule
