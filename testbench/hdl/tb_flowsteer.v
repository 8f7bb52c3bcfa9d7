// tb_flowsteer: self-checking Icarus testbench of flowsteer_top.
//
// Replays the vectors written by vecgen (the Go reference model's decisions
// for capture and generated frames, default configuration, flow state on
// when the vectors say so):
//   start: after reset, wait for s_axis_tready (the flow table clears its
//     sets first), write CTRL (FLOW_EN from the vectors) and, when the
//     vectors have a COMMIT, table2.hex into partition 0's shadow bank;
//   phase 1 (first quarter of the frames): input valid every cycle, both
//     outputs always ready -- checks that the decision latency is one fixed
//     number and that s_axis_tready never drops (one beat per cycle);
//   phase 2 (the rest): random valid gaps and random tready drops on the
//     egress and decision streams, and egress stalls long enough to fill
//     the data FIFO (s_axis_tready must drop, no beat may be lost);
//   register events (COMMIT, FLOW_CMD) from the vectors: the stream is held
//     before the named frame's first beat, the register written, the stream
//     resumed -- frames already inside the core are not waited for.
// Checks every decision word, every egress beat (data, keep, last) byte for
// byte against the frame sent, tdest against the model, and no X on any
// valid output. Then register checks over AXI4-Lite (CAPS, counters incl.
// the flow counters against the model's, tables, COMMIT). Prints
// "N passed, M failed" (frames, then register checks) and calls $fatal on
// any failure. Vectors with flow state must have been made for this DUT's
// FLOW_SETS_LOG2 / FLOW_WAYS (checked).
//
// Defines: VEC_DIR (directory of beats.hex, dec.hex, tdest.hex, meta.hex,
// table2.hex), MAX_BEATS, MAX_FRAMES, SEED. Parameters of the DUT:
// PARTITIONS, TM_BITS, HASH_CHUNKS, FLOW_ENABLE, FLOW_SETS_LOG2, FLOW_WAYS
// (defaults = the full configuration).
`timescale 1ns/1ps
`ifndef VEC_DIR
`define VEC_DIR "build/hdl/vec"
`endif
`ifndef MAX_BEATS
`define MAX_BEATS 262144
`endif
`ifndef MAX_FRAMES
`define MAX_FRAMES 65536
`endif
`ifndef SEED
`define SEED 1
`endif
`include "regs.vh"
module tb_flowsteer;
    parameter PARTITIONS  = 4;
    parameter TM_BITS     = 8;
    parameter HASH_CHUNKS = 1;
    parameter FLOW_ENABLE    = 1;
    parameter FLOW_SETS_LOG2 = 10;
    parameter FLOW_WAYS      = 4;
    localparam META_HDR = 12;          // meta.hex words before the events
    localparam MAX_EV   = 16;

    reg clk = 1'b0;
    always #5 clk = ~clk;
    reg rst = 1'b1;

    reg [79:0] beats  [0:`MAX_BEATS-1];
    reg [63:0] decs   [0:`MAX_FRAMES-1];
    reg [9:0]  tdests [0:`MAX_FRAMES-1];
    reg [31:0] meta   [0:META_HDR+3*MAX_EV-1];
    reg [7:0]  table2 [0:4095];
    integer    nev, ev_idx;
    reg        go;                     // the stream may start
    reg        frame_bad [0:`MAX_FRAMES-1];
    integer    dec_time  [0:`MAX_FRAMES-1];
    integer nbeats, nframes, calm_frames;
    integer seed = `SEED;
    integer cycle = 0;
    always @(posedge clk) cycle <= cycle + 1;

    // DUT
    wire        s_axis_tready;
    reg         s_valid;
    integer     in_ptr, in_frame, in_bidx;
    wire [79:0] in_word = beats[in_ptr];
    wire [63:0] m_axis_tdata;  wire [7:0] m_axis_tkeep; wire m_axis_tvalid, m_axis_tlast;
    wire [9:0]  m_axis_tdest;
    reg         m_ready, d_ready;
    wire [63:0] m_dec_tdata;   wire m_dec_tvalid;
    reg  [15:0] awaddr, araddr; reg awvalid, wvalid, bready, arvalid, rready;
    reg  [31:0] wdata; reg [3:0] wstrb;
    wire awready, wready, bvalid, arready, rvalid; wire [1:0] bresp, rresp; wire [31:0] rdata;

    flowsteer_top #(.PARTITIONS(PARTITIONS), .TM_BITS(TM_BITS), .FLOW_ENABLE(FLOW_ENABLE),
                    .FLOW_SETS_LOG2(FLOW_SETS_LOG2), .FLOW_WAYS(FLOW_WAYS),
                    .HASH_CHUNKS(HASH_CHUNKS)) dut (
        .clk(clk), .rst(rst),
        .s_axis_tdata(in_word[63:0]), .s_axis_tkeep(in_word[71:64]), .s_axis_tvalid(s_valid),
        .s_axis_tready(s_axis_tready), .s_axis_tlast(in_word[72]),
        .m_axis_tdata(m_axis_tdata), .m_axis_tkeep(m_axis_tkeep), .m_axis_tvalid(m_axis_tvalid),
        .m_axis_tready(m_ready), .m_axis_tlast(m_axis_tlast), .m_axis_tdest(m_axis_tdest),
        .m_dec_tdata(m_dec_tdata), .m_dec_tvalid(m_dec_tvalid), .m_dec_tready(d_ready),
        .s_axil_awaddr(awaddr), .s_axil_awvalid(awvalid), .s_axil_awready(awready),
        .s_axil_wdata(wdata), .s_axil_wstrb(wstrb), .s_axil_wvalid(wvalid), .s_axil_wready(wready),
        .s_axil_bresp(bresp), .s_axil_bvalid(bvalid), .s_axil_bready(bready),
        .s_axil_araddr(araddr), .s_axil_arvalid(arvalid), .s_axil_arready(arready),
        .s_axil_rdata(rdata), .s_axil_rresp(rresp), .s_axil_rvalid(rvalid), .s_axil_rready(rready)
    );

    wire calm_in  = in_frame < calm_frames;
    integer eg_ptr, eg_frame, dq_idx;
    wire calm_eg  = eg_frame < calm_frames;
    wire calm_dq  = dq_idx < calm_frames;
    integer errors = 0, stalls = 0, lat_min = 1 << 30, lat_max = -1;

    // ---- ingress driver ----
    // A register event due before frame f holds f's first beat.
    function ev_wait(input integer f);
        ev_wait = (ev_idx < nev) && (meta[META_HDR + 3*ev_idx] == f);
    endfunction
    wire in_fire = s_valid && s_axis_tready;
    always @(posedge clk) begin
        if (rst || !go) begin
            in_ptr <= 0; in_frame <= 0; in_bidx <= 0; s_valid <= 1'b0;
        end else begin
            if (in_fire) begin
                if (in_word[72] || in_bidx == 31)
                    if (in_bidx <= 31) dec_time[in_frame] = cycle;
                in_ptr  <= in_ptr + 1;
                in_bidx <= in_word[72] ? 0 : in_bidx + 1;
                if (in_word[72]) in_frame <= in_frame + 1;
                s_valid <= (in_ptr + 1 < nbeats) && !(in_word[72] && ev_wait(in_frame + 1)) &&
                           (calm_in || ($random(seed) & 3) != 0);
            end else if (!s_valid) begin
                s_valid <= (in_ptr < nbeats) && !(in_bidx == 0 && ev_wait(in_frame)) &&
                           (calm_in || ($random(seed) & 3) != 0);
            end
            if (s_valid && !s_axis_tready && calm_in)
                stalls = stalls + 1;
        end
    end

    // ---- output readiness ----
    // Phase 2 also stalls egress for 300..555 cycles about every 4096
    // cycles, long enough to fill the 256-beat data FIFO (s_axis_tready
    // must then drop and no beat may be lost).
    integer eg_stall_left = 0;
    always @(posedge clk) begin
        if (eg_stall_left > 0)
            eg_stall_left <= eg_stall_left - 1;
        else if (!calm_eg && ($random(seed) & 4095) == 0)
            eg_stall_left <= 300 + ($random(seed) & 255);
        m_ready <= rst ? 1'b0 : (calm_eg || (eg_stall_left == 0 && ($random(seed) % 5) != 0));
        d_ready <= rst ? 1'b0 : (calm_dq || ($random(seed) % 3) != 0);
    end

    // ---- egress checker ----
    always @(posedge clk) if (!rst) begin
        if (^{m_axis_tvalid, m_dec_tvalid, s_axis_tready} === 1'bx) begin
            $display("FAIL cycle %0d: X on a valid/ready", cycle); errors = errors + 1;
        end
        if (m_axis_tvalid && m_ready) begin
            if (^{m_axis_tdata, m_axis_tkeep, m_axis_tlast, m_axis_tdest} === 1'bx ||
                {m_axis_tlast, m_axis_tkeep, m_axis_tdata} !== beats[eg_ptr][72:0] ||
                m_axis_tdest !== tdests[eg_frame]) begin
                if (!frame_bad[eg_frame])
                    $display("FAIL frame %0d beat %0d: egress %h %h %h tdest %h, want %h tdest %h",
                             eg_frame + 1, eg_ptr, m_axis_tlast, m_axis_tkeep, m_axis_tdata,
                             m_axis_tdest, beats[eg_ptr][72:0], tdests[eg_frame]);
                frame_bad[eg_frame] = 1'b1;
            end
            eg_ptr = eg_ptr + 1;
            if (m_axis_tlast) eg_frame = eg_frame + 1;
        end
        if (m_dec_tvalid && d_ready) begin
            if (^m_dec_tdata === 1'bx || m_dec_tdata !== decs[dq_idx]) begin
                $display("FAIL frame %0d: decision %h, want %h", dq_idx + 1, m_dec_tdata, decs[dq_idx]);
                frame_bad[dq_idx] = 1'b1;
            end
            if (calm_dq) begin
                if (cycle - dec_time[dq_idx] < lat_min) lat_min = cycle - dec_time[dq_idx];
                if (cycle - dec_time[dq_idx] > lat_max) lat_max = cycle - dec_time[dq_idx];
            end
            dq_idx = dq_idx + 1;
        end
    end

    // ---- AXI4-Lite helpers ----
    task axil_write(input [15:0] a, input [31:0] d);
        axil_write_strb(a, d, 4'hf);
    endtask
    task axil_write_strb(input [15:0] a, input [31:0] d, input [3:0] strb);
        begin
            @(negedge clk); awaddr = a; awvalid = 1; wdata = d; wstrb = strb; wvalid = 1; bready = 1;
            while (awvalid || wvalid) begin
                @(posedge clk);
                if (awready) awvalid <= 0;
                if (wready) wvalid <= 0;
                @(negedge clk);
            end
            while (!bvalid) @(negedge clk);
            @(posedge clk); @(negedge clk); bready = 0;
        end
    endtask
    task axil_read(input [15:0] a, output [31:0] d);
        begin
            @(negedge clk); araddr = a; arvalid = 1; rready = 1;
            while (arvalid) begin
                @(posedge clk); if (arready) arvalid <= 0; @(negedge clk);
            end
            while (!rvalid) @(negedge clk);
            d = rdata;
            @(posedge clk); @(negedge clk); rready = 0;
        end
    endtask
    integer reg_pass = 0, reg_fail = 0;
    task check_reg(input [15:0] a, input [31:0] want, input [8*24-1:0] what);
        reg [31:0] got;
        begin
            axil_read(a, got);
            if (got === want) reg_pass = reg_pass + 1;
            else begin
                reg_fail = reg_fail + 1;
                $display("FAIL register %0s @%h: %h, want %h", what, a, got, want);
            end
        end
    endtask

    integer i, e, fd, pass, fail, timeout;
    integer act_cnt [0:3];
    integer rsn_cnt [0:15];
    reg [31:0] tmp, caps_want;
    integer kr_n;
    // the default key (KEY(p) word w in [319-32w -: 32]), from regs.vh
    localparam [319:0] KEY_DEFAULT = `FS_REG_KEY_RESET_ALL;
    reg        has_commit, bank0;
    initial begin
        awvalid = 0; wvalid = 0; bready = 0; arvalid = 0; rready = 0;
        awaddr = 0; araddr = 0; wdata = 0; wstrb = 0;
        go = 1'b0; nev = 0; ev_idx = 0;
        // meta.hex has a variable length: read it word by word.
        for (i = 0; i < META_HDR + 3*MAX_EV; i = i + 1) meta[i] = 32'd0;
        fd = $fopen({`VEC_DIR, "/meta.hex"}, "r");
        if (fd == 0) begin $display("FAIL vectors: no %0s/meta.hex", `VEC_DIR); $fatal(1); end
        for (i = 0; i < META_HDR + 3*MAX_EV && $fscanf(fd, "%h", tmp) == 1; i = i + 1) meta[i] = tmp;
        $fclose(fd);
        nbeats = meta[0]; nframes = meta[1]; nev = meta[11];
        if (nbeats > `MAX_BEATS || nframes > `MAX_FRAMES || nframes == 0 || nev > MAX_EV) begin
            $display("FAIL vectors: %0d beats / %0d frames / %0d events do not fit MAX_BEATS/MAX_FRAMES/MAX_EV",
                     nbeats, nframes, nev);
            $fatal(1);
        end
        if (meta[2] != 0 && (FLOW_ENABLE == 0 || meta[3] != FLOW_SETS_LOG2 || meta[4] != FLOW_WAYS)) begin
            $display("FAIL vectors: flow state %0d x %0d, DUT FLOW_ENABLE=%0d FLOW_SETS_LOG2=%0d FLOW_WAYS=%0d",
                     1 << meta[3], meta[4], FLOW_ENABLE, FLOW_SETS_LOG2, FLOW_WAYS);
            $fatal(1);
        end
        has_commit = 1'b0;
        for (e = 0; e < nev; e = e + 1)
            if (meta[META_HDR + 3*e + 1] == 32'h18) has_commit = 1'b1;
        if (has_commit) $readmemh({`VEC_DIR, "/table2.hex"}, table2);
        $readmemh({`VEC_DIR, "/beats.hex"}, beats, 0, nbeats - 1);
        $readmemh({`VEC_DIR, "/dec.hex"}, decs, 0, nframes - 1);
        $readmemh({`VEC_DIR, "/tdest.hex"}, tdests, 0, nframes - 1);
        for (i = 0; i < nframes; i = i + 1) frame_bad[i] = 1'b0;
        calm_frames = nframes / 4;
        eg_ptr = 0; eg_frame = 0; dq_idx = 0;
        repeat (4) @(posedge clk);
        rst <= 1'b0;

        // The core is ready when it takes a first beat (the flow table clears
        // its sets after reset first).
        @(negedge clk);
        timeout = 0;
        while (!s_axis_tready && timeout < 100000) begin @(negedge clk); timeout = timeout + 1; end
        $display("ready %0d cycles after reset", timeout + 1);
        axil_write(16'h0010, {30'd0, meta[2] != 0, 1'b1});       // CTRL: PROMISC, FLOW_EN
        if (has_commit)
            for (i = 0; i < 4096; i = i + 1)
                axil_write(16'h4000 + 4 * i, {24'd0, table2[i]});  // shadow bank of partition 0
        go = 1'b1;
        for (e = 0; e < nev; e = e + 1) begin
            while (!(in_frame == meta[META_HDR + 3*e] && in_bidx == 0 && !s_valid)) @(negedge clk);
            axil_write(meta[META_HDR + 3*e + 1], meta[META_HDR + 3*e + 2]);
            ev_idx = e + 1;
        end
        // KEY(0) reads while frames stream in (no vector set changes
        // partition 0's key). A build with the keys in block RAM
        // (HASH_CHUNKS = 5) answers them in cycles that do not hash: a read
        // that took the RAM port from a hash would corrupt that frame's
        // decision (checked per frame), and every read must see the key.
        kr_n = 0;
        while (in_frame < nframes) begin
            axil_read(16'h0100 + 4 * (kr_n % 10), tmp);
            if (tmp !== KEY_DEFAULT[319 - 32 * (kr_n % 10) -: 32]) begin
                $display("FAIL KEY(0,%0d) read during traffic: %h, want %h", kr_n % 10, tmp,
                         KEY_DEFAULT[319 - 32 * (kr_n % 10) -: 32]);
                errors = errors + 1;
            end
            kr_n = kr_n + 1;
        end
        $display("%0d KEY(0) reads during traffic", kr_n);

        timeout = 0;
        while ((eg_frame < nframes || dq_idx < nframes) && timeout < 20 * nbeats + 10000) begin
            @(posedge clk); timeout = timeout + 1;
        end
        if (eg_frame < nframes || dq_idx < nframes) begin
            $display("FAIL timeout: %0d/%0d frames out of egress, %0d/%0d decisions", eg_frame, nframes, dq_idx, nframes);
            errors = errors + 1;
        end
        if (eg_ptr != nbeats && eg_frame == nframes) begin
            $display("FAIL egress beats %0d, sent %0d", eg_ptr, nbeats); errors = errors + 1;
        end
        if (stalls != 0) begin
            $display("FAIL s_axis_tready dropped %0d times with both outputs ready", stalls);
            errors = errors + 1;
        end
        pass = 0; fail = 0;
        for (i = 0; i < nframes; i = i + 1)
            if (frame_bad[i] || i >= dq_idx || i >= eg_frame) fail = fail + 1; else pass = pass + 1;
        $display("decision latency (deciding beat to decision beat, outputs ready): %0d..%0d cycles", lat_min, lat_max);
        if (lat_min != lat_max) begin
            $display("FAIL decision latency not fixed: %0d..%0d cycles", lat_min, lat_max);
            errors = errors + 1;
        end

        // ---- registers ----
        check_reg(16'h0000, 32'h46535452, "ID");
        check_reg(16'h0004, 32'h00010000, "VERSION");
        axil_write(16'h000C, 32'hA5A55A5A);
        check_reg(16'h000C, 32'hA5A55A5A, "SCRATCH");
        check_reg(16'h0010, {30'd0, meta[2] != 0 && FLOW_ENABLE != 0, 1'b1}, "CTRL");
        caps_want = {8'd0, FLOW_ENABLE != 0 ? FLOW_WAYS[7:0] : 8'd0,
                     FLOW_ENABLE != 0 ? FLOW_SETS_LOG2[3:0] : 4'd0, 3'd0, FLOW_ENABLE != 0,
                     TM_BITS[3:0], 1'b0, PARTITIONS[2:0]};
        check_reg(16'h0008, caps_want, "CAPS");
        check_reg(16'h0100, 32'h6D5A56DA, "KEY(0,0)");
        check_reg(16'h0124, 32'hBEAC01FA, "KEY(0,9)");
        check_reg(16'h0300, nframes, "CNT_FRAMES");
        check_reg(16'h0380, meta[5], "CNT_FLOW_HITS");
        check_reg(16'h0384, meta[6], "CNT_FLOW_MISSES");
        check_reg(16'h0388, meta[7], "CNT_FLOW_INSERTS");
        check_reg(16'h038C, meta[8], "CNT_FLOW_EVICTIONS");
        check_reg(16'h0390, meta[9], "CNT_FLOW_FLUSHES");
        check_reg(16'h0340 + 4 * 9, meta[10], "CNT_REASON(FLOW_STATE)");
        // per-action / per-reason counters against the expected decisions
        for (i = 0; i < 4; i = i + 1) act_cnt[i] = 0;
        for (i = 0; i < 16; i = i + 1) rsn_cnt[i] = 0;
        for (i = 0; i < nframes; i = i + 1) begin
            act_cnt[decs[i][1:0]] = act_cnt[decs[i][1:0]] + 1;
            rsn_cnt[decs[i][5:2]] = rsn_cnt[decs[i][5:2]] + 1;
        end
        for (i = 0; i < 4; i = i + 1) check_reg(16'h0310 + 4 * i, act_cnt[i], "CNT_ACTION");
        for (i = 0; i < 10; i = i + 1) check_reg(16'h0340 + 4 * i, rsn_cnt[i], "CNT_REASON");
        check_reg(16'h0340 + 4 * 10, 32'h0, "CNT_REASON(10) (none)");
        // byte-lane writes and read-back of the RW register groups
        axil_write_strb(16'h006C, 32'hFFFFFFFF, 4'hF);
        check_reg(16'h006C, PARTITIONS > 1 ? 32'h0033FFFF : 32'h0, "RULE(3) bits 19:18 absent (no rules with one partition)");
        axil_write(16'h006C, 32'h0);
        axil_write_strb(16'h0054, 32'hFFFFFFFF, 4'b1001);
        check_reg(16'h0054, 32'h800000FF, "MAC_HI(2) lanes 0,3");
        axil_write_strb(16'h0048, 32'h11223344, 4'b0110);
        check_reg(16'h0048, 32'h00223300, "MAC_LO(1) lanes 1,2");
        axil_write(16'h0054, 32'h0);
        axil_write(16'h0080, 32'h000001AB);
        check_reg(16'h0080, 32'h000000AB, "EQTM(0)");
        axil_write(16'h0084, 32'h0000005C);
        check_reg(16'h0084, PARTITIONS > 1 ? 32'h5C : 32'h0, "EQTM(1)");
        axil_write_strb(16'h010C, 32'hDEADBEEF, 4'b0011);
        check_reg(16'h010C, 32'h43A3BEEF, "KEY(0,3) lanes 0,1");
        axil_write(16'h010C, 32'h43A38FB0);
        check_reg(16'h0140, PARTITIONS > 1 ? 32'h6D5A56DA : 32'h0, "KEY(1,0)");
        check_reg(16'h0128, 32'h0, "KEY(0,10) (none)");
        // After the vectors' COMMIT the active bank holds table2 and the
        // shadow the default; without one both hold the default.
        axil_read(16'h0014, tmp);
        bank0 = tmp[0];
        check_reg(16'h0014, {31'd0, has_commit}, "STATUS bank after traffic");
        check_reg(16'h4000 + 4 * 13, 13 % 8, "TABLE_SHADOW(13)");
        check_reg(16'h8000 + 4 * 4094, has_commit ? table2[4094] : 4094 % 8, "TABLE_ACTIVE(4094)");
        axil_write(16'h4000 + 4 * 13, 32'h3);
        check_reg(16'h4000 + 4 * 13, 32'h3, "TABLE_SHADOW(13) write");
        check_reg(16'h8000 + 4 * 13, has_commit ? table2[13] : 13 % 8, "TABLE_ACTIVE(13) before commit");
        axil_write(16'h0018, 32'h1);
        check_reg(16'h0014, {31'd0, !bank0}, "STATUS after commit");
        check_reg(16'h8000 + 4 * 13, 32'h3, "TABLE_ACTIVE(13) after commit");
        check_reg(16'h1234, 32'h0, "unmapped");
        axil_write(16'h0020, 32'h1);
        check_reg(16'h0300, 32'h0, "CNT_FRAMES cleared");
        check_reg(16'h0380, 32'h0, "CNT_FLOW_HITS cleared");

        $display("tb_flowsteer: %0d passed, %0d failed (frames); %0d passed, %0d failed (registers)",
                 pass, fail, reg_pass, reg_fail);
        if (fail != 0 || errors != 0 || reg_fail != 0) begin
            $display("tb_flowsteer: FAILED (%0d other errors)", errors);
            $fatal(1);
        end
        $display("tb_flowsteer: PASSED");
        $finish;
    end
endmodule
