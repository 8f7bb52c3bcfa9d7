// fs_synth_wrap: pin-light wrapper used only by `make synth`, so that
// flowsteer_top (about 340 signals) fits an HX8K package (206 I/Os).
//
// Every core input comes from a shift register fed by 8 pins, and every core
// output is XOR-folded (8 bits to 1, two LUT levels) into a register and on
// onto 8 pins, so no logic is optimised away and the core's own paths are
// what the timing report measures (the core's outputs are registers or one
// mux from them). Not a board design: the board top would put the link
// bridge on the AXI4-Lite port. The wrapper costs about 150 input
// flip-flops and 100 LUTs of the figures.
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
    input  wire [7:0] pin_in,
    output reg  [7:0] pin_out
);
    // inputs: axis 64+8+1+1, ready 2, axil aw 16+1, w 32+4+1, b 1, ar 16+1, r 1
    localparam IW = 64 + 8 + 1 + 1 + 2 + 17 + 37 + 1 + 17 + 1;
    reg [IW-1:0] in_sr;
    always @(posedge clk)
        in_sr <= {in_sr[IW-9:0], pin_in};

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
        .clk(clk), .rst(rst),
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
