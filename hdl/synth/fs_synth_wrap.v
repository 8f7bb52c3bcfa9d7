// fs_synth_wrap: wrapper used only by `make synth`, so that flowsteer_top
// (about 340 signals) fits an HX8K package (206 I/Os) and is measured as it
// would run.
//
// Every core input (149) and the reset have their own pin, registered in
// the pin's I/O cell (SB_IO registered input: no logic cell is spent on it,
// and the paths into the core start at a flip-flop, so the timing report
// covers them). Every
// core output is XOR-folded (8 bits to 1) into a register and onto 8 pins,
// so no logic is optimised away. iCE40-specific (SB_IO); not a board
// design: the board top would put the link bridge on the AXI4-Lite port.
//
// Parameters: those of flowsteer_top that the synth configuration sets.
module fs_synth_wrap #(
    parameter PARTITIONS  = 1,
    parameter TM_BITS     = 4,
    parameter FLOW_ENABLE = 0,
    parameter HASH_CHUNKS = 4,
    parameter FLOW_SETS_LOG2 = 10,
    parameter FLOW_WAYS   = 4
) (
    input  wire       clk,
    input  wire       rst,
    // inputs: axis 64+8+1+1, ready 2, axil aw 16+1, w 32+4+1, b 1, ar 16+1, r 1
    input  wire [148:0] pin_in,
    output reg  [7:0] pin_out
);
    localparam IW = 64 + 8 + 1 + 1 + 2 + 17 + 37 + 1 + 17 + 1;
    wire [IW-1:0] in_sr;
    // Reset: registered in its I/O cell like every input, then once more in
    // a logic-cell flip-flop that the placer can put anywhere, so the core's
    // reset is a synchronous path from a flip-flop (no <async> pin-to-enable
    // path); a board design would have a synchroniser here too.
    wire rst_pin_q;
    reg  rst_reg;
    SB_IO #(.PIN_TYPE(6'b000000)) u_rst_io (
        .PACKAGE_PIN(rst), .INPUT_CLK(clk), .D_IN_0(rst_pin_q)
    );
    always @(posedge clk)
        rst_reg <= rst_pin_q;
    genvar gi;
    generate
        for (gi = 0; gi < IW; gi = gi + 1) begin : g_in
            SB_IO #(.PIN_TYPE(6'b000000)) u_io (   // registered input, no output
                .PACKAGE_PIN(pin_in[gi]), .INPUT_CLK(clk), .D_IN_0(in_sr[gi])
            );
        end
    endgenerate

    wire [63:0] m_axis_tdata, m_dec_tdata;
    wire [7:0]  m_axis_tkeep;
    wire [9:0]  m_axis_tdest;
    wire [31:0] s_axil_rdata;
    wire [1:0]  s_axil_bresp, s_axil_rresp;
    wire s_axis_tready, m_axis_tvalid, m_axis_tlast, m_dec_tvalid;
    wire s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;

    flowsteer_top #(
        .PARTITIONS(PARTITIONS), .TM_BITS(TM_BITS), .FLOW_ENABLE(FLOW_ENABLE),
        .HASH_CHUNKS(HASH_CHUNKS), .FLOW_SETS_LOG2(FLOW_SETS_LOG2), .FLOW_WAYS(FLOW_WAYS)
    ) u_core (
        .clk(clk), .rst(rst_reg),
        .s_axis_tdata(in_sr[63:0]), .s_axis_tkeep(in_sr[71:64]), .s_axis_tvalid(in_sr[72]),
        .s_axis_tready(s_axis_tready), .s_axis_tlast(in_sr[73]),
        .m_axis_tdata(m_axis_tdata), .m_axis_tkeep(m_axis_tkeep), .m_axis_tvalid(m_axis_tvalid),
        .m_axis_tready(in_sr[74]), .m_axis_tlast(m_axis_tlast), .m_axis_tdest(m_axis_tdest),
        .m_dec_tdata(m_dec_tdata), .m_dec_tvalid(m_dec_tvalid), .m_dec_tready(in_sr[75]),
        .s_axil_awaddr(in_sr[91:76]), .s_axil_awvalid(in_sr[92]), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(in_sr[124:93]), .s_axil_wstrb(in_sr[128:125]), .s_axil_wvalid(in_sr[129]),
        .s_axil_wready(s_axil_wready), .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid),
        .s_axil_bready(in_sr[130]),
        .s_axil_araddr(in_sr[146:131]), .s_axil_arvalid(in_sr[147]), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp), .s_axil_rvalid(s_axil_rvalid),
        .s_axil_rready(in_sr[148])
    );

    wire [191:0] outs = {m_axis_tdata, m_dec_tdata, s_axil_rdata, m_axis_tkeep, m_axis_tdest,
                         s_axil_bresp, s_axil_rresp, s_axis_tready, m_axis_tvalid, m_axis_tlast,
                         m_dec_tvalid, s_axil_awready, s_axil_wready, s_axil_bvalid,
                         s_axil_arready, s_axil_rvalid, 1'b0};
    reg [23:0]  fold_reg;
    integer k;
    always @(posedge clk) begin
        for (k = 0; k < 24; k = k + 1)
            fold_reg[k] <= ^outs[8*k +: 8];
        pin_out <= fold_reg[7:0] ^ fold_reg[15:8] ^ fold_reg[23:16];
    end
endmodule
