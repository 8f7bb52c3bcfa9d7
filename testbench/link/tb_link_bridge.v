// tb_link_bridge: Icarus bench for hdl/fs_link_bridge.v. Stimulus comes from
// the Go encoder (testbench/link/link_rtl_test.go writes steps.hex); the Go
// bridge model (driver/link.Peer) predicts the response bytes, which the Go
// test compares with tx.hex written here.
//
// steps.hex: one 16-bit command a line
//   00XX  send byte XX on rx (valid/ready handshake, random gaps if +stall)
//   1NNN  wait until NNN response frames (0x00 delimiters) have come out in
//         all, then IDLE more cycles so an unexpected extra byte is caught;
//         prints "TURNAROUND <cycles>" from the last rx byte to the first tx
//         byte of this step
//   2000  pulse rst (the register file keeps its contents, like a bridge
//         reset in a running device)
//   FFFF  end: write tx.hex and regs.hex
//
// The AXI4-Lite slave is a 16K-word register file; addresses 0xE000..0xEFFF
// answer SLVERR. With +stall it delays every ready/valid at random.
`timescale 1ns/1ps
module tb_link_bridge;
    localparam IDLE = 400;
    localparam MAX_STEPS = 1 << 20;

    reg clk = 1'b0;
    reg rst = 1'b1;
    always #5 clk = ~clk;

    reg  [7:0]  rx_tdata = 8'h00;
    reg         rx_tvalid = 1'b0;
    wire        rx_tready;
    wire [7:0]  tx_tdata;
    wire        tx_tvalid;
    reg         tx_tready = 1'b0;

    wire [15:0] awaddr, araddr;
    wire        awvalid, wvalid, bready, arvalid, rready;
    wire [31:0] wdata;
    wire [3:0]  wstrb;
    reg         awready, wready, arready;
    wire        awready_w, wready_w;
    reg         bvalid = 1'b0, rvalid = 1'b0;
    reg  [1:0]  bresp = 2'b00, rresp = 2'b00;
    reg  [31:0] rdata = 32'h0;

    fs_link_bridge dut (
        .clk(clk), .rst(rst),
        .rx_tdata(rx_tdata), .rx_tvalid(rx_tvalid), .rx_tready(rx_tready),
        .tx_tdata(tx_tdata), .tx_tvalid(tx_tvalid), .tx_tready(tx_tready),
        .m_axil_awaddr(awaddr), .m_axil_awvalid(awvalid), .m_axil_awready(awready),
        .m_axil_wdata(wdata), .m_axil_wstrb(wstrb), .m_axil_wvalid(wvalid), .m_axil_wready(wready),
        .m_axil_bresp(bresp), .m_axil_bvalid(bvalid), .m_axil_bready(bready),
        .m_axil_araddr(araddr), .m_axil_arvalid(arvalid), .m_axil_arready(arready),
        .m_axil_rdata(rdata), .m_axil_rresp(rresp), .m_axil_rvalid(rvalid), .m_axil_rready(rready)
    );

    integer stall = 0;
    integer seed = 1;
    function chance; input dummy; begin chance = (stall == 0) || (($random(seed) & 3) != 0); end endfunction

    // ---- AXI4-Lite register file ----
    // awready/wready are combinational (as in hdl/fs_csr.v) and a write
    // whose address and data are both in answers B at the next edge, so
    // without +stall a write costs the bridge nothing beyond its own cycles.
    reg [31:0] regs [0:16383];
    reg        aw_got = 1'b0, w_got = 1'b0;
    reg [15:0] aw_q;
    reg [31:0] w_q;
    reg        allow_aw = 1'b1, allow_w = 1'b1, allow_b = 1'b1, allow_r = 1'b1;
    integer    i;
    wire       aw_hs   = awvalid && awready;
    wire       w_hs    = wvalid && wready;
    wire       aw_have = aw_got || aw_hs;
    wire       w_have  = w_got || w_hs;
    wire [15:0] aw_a   = aw_got ? aw_q : awaddr;
    wire [31:0] w_d    = w_got ? w_q : wdata;
    assign awready_w = !aw_got && !bvalid && allow_aw;
    assign wready_w  = !w_got && !bvalid && allow_w;
    always @(*) begin awready = awready_w; wready = wready_w; end
    always @(posedge clk) begin
        allow_aw <= chance(0); allow_w <= chance(0); allow_b <= chance(0); allow_r <= chance(0);
        if (aw_hs) begin aw_got <= 1'b1; aw_q <= awaddr; end
        if (w_hs)  begin w_got <= 1'b1; w_q <= wdata; if (wstrb != 4'hF) $display("FAIL: wstrb %h", wstrb); end
        if (aw_have && w_have && !bvalid && allow_b) begin
            bvalid <= 1'b1;
            bresp  <= (aw_a[15:12] == 4'hE) ? 2'b10 : 2'b00;
            if (aw_a[15:12] != 4'hE) regs[aw_a[15:2]] <= w_d;
            aw_got <= 1'b0; w_got <= 1'b0;
        end
        if (bvalid && bready) bvalid <= 1'b0;

        if (arvalid && arready) begin
            rvalid  <= 1'b1;
            rdata   <= regs[araddr[15:2]];
            rresp   <= (araddr[15:12] == 4'hE) ? 2'b10 : 2'b00;
        end
        if (rvalid && rready) rvalid <= 1'b0;
    end
    always @(*) arready = !rvalid && allow_r;
    // AXI rule the bridge must keep: no new address before the response.
    always @(posedge clk) if (arvalid && rvalid) $display("FAIL: arvalid while rvalid");

    // ---- tx capture ----
    reg [7:0] txlog [0:MAX_STEPS-1];
    integer   ntx = 0, frames = 0, first_tx = -1;
    integer   cycle = 0;
    always @(posedge clk) begin
        cycle <= cycle + 1;
        tx_tready <= chance(0);
        if (tx_tvalid && tx_tready) begin
            txlog[ntx] = tx_tdata;
            ntx = ntx + 1;
            if (first_tx < 0) first_tx = cycle;
            if (tx_tdata == 8'h00) frames = frames + 1;
        end
    end

    // ---- stimulus ----
    reg [15:0] steps [0:MAX_STEPS-1];
    integer    pc, last_rx, t0, fd;
    reg        acc;
    initial begin
        if (!$value$plusargs("stall=%d", stall)) stall = 0;
        if (!$value$plusargs("seed=%d", seed)) seed = 1;
        for (i = 0; i < 16384; i = i + 1) regs[i] = 32'h0;
        $readmemh("steps.hex", steps);
        // Stimulus changes at negedges: ready is sampled mid-cycle, where it
        // is stable, and the following posedge transfers.
        repeat (4) @(negedge clk);
        rst = 1'b0;
        pc = 0;
        last_rx = 0;
        while (steps[pc] !== 16'hFFFF) begin
            if (steps[pc][15:8] == 8'h00) begin
                while (!chance(0)) @(negedge clk);
                rx_tdata  = steps[pc][7:0];
                rx_tvalid = 1'b1;
                acc = 1'b0;
                while (!acc) begin
                    acc = rx_tready;
                    @(negedge clk);
                end
                rx_tvalid = 1'b0;
                last_rx = cycle;
                first_tx = -1;
            end else if (steps[pc][15:12] == 4'h1) begin
                t0 = cycle;
                while (frames < steps[pc][11:0] && cycle - t0 < 200000) @(negedge clk);
                if (frames < steps[pc][11:0]) $display("FAIL: step %0d: %0d frames out, want %0d", pc, frames, steps[pc][11:0]);
                if (first_tx >= 0) $display("TURNAROUND %0d %0d", pc, first_tx - last_rx);
                repeat (IDLE) @(negedge clk);
                if (frames != steps[pc][11:0]) $display("FAIL: step %0d: %0d frames after idle, want %0d", pc, frames, steps[pc][11:0]);
            end else if (steps[pc] == 16'h2000) begin
                rst = 1'b1;
                repeat (2) @(negedge clk);
                rst = 1'b0;
            end
            pc = pc + 1;
        end
        fd = $fopen("tx.hex", "w");
        for (i = 0; i < ntx; i = i + 1) $fwrite(fd, "%02x\n", txlog[i]);
        $fclose(fd);
        $writememh("regs.hex", regs);
        $display("DONE %0d tx bytes, %0d frames, %0d cycles", ntx, frames, cycle);
        $finish;
    end
endmodule
