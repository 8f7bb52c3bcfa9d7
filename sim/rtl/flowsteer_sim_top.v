// Simulation-only top: flowsteer_top plus fs_link_bridge, for the Verilator
// model that sim/ drives. Not synthesized.
//
// The core's AXI4-Lite slave is driven either by the direct s_axil_* port
// (unit tests, fast register access) or by the link bridge (link bytes in
// and out), chosen by csr_via_link. csr_via_link is static: set it before
// reset is released and leave it. The unselected side sees no handshakes
// (its ready/valid outputs are held low).
//
// Parameters are passed to flowsteer_top unchanged (see its header).
module flowsteer_sim_top #(
    parameter PARTITIONS     = 4,
    parameter TM_BITS        = 8,
    parameter FLOW_ENABLE    = 1,
    parameter FLOW_SETS_LOG2 = 10,
    parameter FLOW_WAYS      = 4
) (
    input  wire        clk,
    input  wire        rst,
    input  wire        csr_via_link,
    // ingress / egress / decision streams (as flowsteer_top)
    input  wire [63:0] s_axis_tdata,
    input  wire [7:0]  s_axis_tkeep,
    input  wire        s_axis_tvalid,
    output wire        s_axis_tready,
    input  wire        s_axis_tlast,
    output wire [63:0] m_axis_tdata,
    output wire [7:0]  m_axis_tkeep,
    output wire        m_axis_tvalid,
    input  wire        m_axis_tready,
    output wire        m_axis_tlast,
    output wire [9:0]  m_axis_tdest,
    output wire [63:0] m_dec_tdata,
    output wire        m_dec_tvalid,
    input  wire        m_dec_tready,
    // direct AXI4-Lite (used when csr_via_link == 0)
    input  wire [15:0] s_axil_awaddr,  input wire s_axil_awvalid, output wire s_axil_awready,
    input  wire [31:0] s_axil_wdata,   input wire [3:0] s_axil_wstrb,
    input  wire        s_axil_wvalid,  output wire s_axil_wready,
    output wire [1:0]  s_axil_bresp,   output wire s_axil_bvalid, input wire s_axil_bready,
    input  wire [15:0] s_axil_araddr,  input wire s_axil_arvalid, output wire s_axil_arready,
    output wire [31:0] s_axil_rdata,   output wire [1:0] s_axil_rresp,
    output wire        s_axil_rvalid,  input wire s_axil_rready,
    // link byte streams (used when csr_via_link == 1)
    input  wire [7:0]  link_rx_tdata,  input wire link_rx_tvalid, output wire link_rx_tready,
    output wire [7:0]  link_tx_tdata,  output wire link_tx_tvalid, input wire link_tx_tready
);
    // bridge master side
    wire [15:0] br_awaddr;  wire br_awvalid;
    wire [31:0] br_wdata;   wire [3:0] br_wstrb; wire br_wvalid;
    wire        br_bready;
    wire [15:0] br_araddr;  wire br_arvalid;
    wire        br_rready;
    wire        br_rx_tready, br_tx_tvalid;
    // core slave side
    wire        core_awready, core_wready, core_bvalid, core_arready, core_rvalid;
    wire [1:0]  core_bresp, core_rresp;
    wire [31:0] core_rdata;

    wire via_link = csr_via_link;
    // The bridge is clocked only when it is selected, and during reset so
    // that it always comes out reset (sim.SetViaLink may select it later).
    // An unselected bridge then costs the simulator nothing per cycle (its
    // logic sits under its own clock); idle but clocked it cost about 20% of
    // every cycle. csr_via_link and rst change between cycles, with clk high,
    // so the gate can add one extra edge for the bridge: harmless, as the
    // bridge is then either idle or in reset.
    wire bridge_clk = clk & (via_link | rst);

    flowsteer_top #(
        .PARTITIONS(PARTITIONS), .TM_BITS(TM_BITS), .FLOW_ENABLE(FLOW_ENABLE),
        .FLOW_SETS_LOG2(FLOW_SETS_LOG2), .FLOW_WAYS(FLOW_WAYS)
    ) core (
        .clk(clk), .rst(rst),
        .s_axis_tdata(s_axis_tdata), .s_axis_tkeep(s_axis_tkeep),
        .s_axis_tvalid(s_axis_tvalid), .s_axis_tready(s_axis_tready),
        .s_axis_tlast(s_axis_tlast),
        .m_axis_tdata(m_axis_tdata), .m_axis_tkeep(m_axis_tkeep),
        .m_axis_tvalid(m_axis_tvalid), .m_axis_tready(m_axis_tready),
        .m_axis_tlast(m_axis_tlast), .m_axis_tdest(m_axis_tdest),
        .m_dec_tdata(m_dec_tdata), .m_dec_tvalid(m_dec_tvalid), .m_dec_tready(m_dec_tready),
        .s_axil_awaddr (via_link ? br_awaddr  : s_axil_awaddr),
        .s_axil_awvalid(via_link ? br_awvalid : s_axil_awvalid),
        .s_axil_awready(core_awready),
        .s_axil_wdata  (via_link ? br_wdata   : s_axil_wdata),
        .s_axil_wstrb  (via_link ? br_wstrb   : s_axil_wstrb),
        .s_axil_wvalid (via_link ? br_wvalid  : s_axil_wvalid),
        .s_axil_wready (core_wready),
        .s_axil_bresp  (core_bresp), .s_axil_bvalid(core_bvalid),
        .s_axil_bready (via_link ? br_bready  : s_axil_bready),
        .s_axil_araddr (via_link ? br_araddr  : s_axil_araddr),
        .s_axil_arvalid(via_link ? br_arvalid : s_axil_arvalid),
        .s_axil_arready(core_arready),
        .s_axil_rdata  (core_rdata), .s_axil_rresp(core_rresp), .s_axil_rvalid(core_rvalid),
        .s_axil_rready (via_link ? br_rready  : s_axil_rready)
    );

    fs_link_bridge bridge (
        .clk(bridge_clk), .rst(rst),
        .rx_tdata(link_rx_tdata), .rx_tvalid(link_rx_tvalid && via_link),
        .rx_tready(br_rx_tready),
        .tx_tdata(link_tx_tdata), .tx_tvalid(br_tx_tvalid), .tx_tready(link_tx_tready),
        .m_axil_awaddr(br_awaddr), .m_axil_awvalid(br_awvalid),
        .m_axil_awready(core_awready && via_link),
        .m_axil_wdata(br_wdata), .m_axil_wstrb(br_wstrb), .m_axil_wvalid(br_wvalid),
        .m_axil_wready(core_wready && via_link),
        .m_axil_bresp(core_bresp), .m_axil_bvalid(core_bvalid && via_link),
        .m_axil_bready(br_bready),
        .m_axil_araddr(br_araddr), .m_axil_arvalid(br_arvalid),
        .m_axil_arready(core_arready && via_link),
        .m_axil_rdata(core_rdata), .m_axil_rresp(core_rresp),
        .m_axil_rvalid(core_rvalid && via_link), .m_axil_rready(br_rready)
    );
    assign link_rx_tready = br_rx_tready && via_link;
    assign link_tx_tvalid = br_tx_tvalid && via_link;

    assign s_axil_awready = core_awready && !via_link;
    assign s_axil_wready  = core_wready  && !via_link;
    assign s_axil_bresp   = core_bresp;
    assign s_axil_bvalid  = core_bvalid  && !via_link;
    assign s_axil_arready = core_arready && !via_link;
    assign s_axil_rdata   = core_rdata;
    assign s_axil_rresp   = core_rresp;
    assign s_axil_rvalid  = core_rvalid  && !via_link;
endmodule
