// Throwaway stand-in for hdl/fs_link_bridge.v (ports from docs/interfaces.md).
// Not the real link protocol: a toy one so sim/ can test its byte plumbing.
//   host -> FPGA: 'W' addr[15:8] addr[7:0] d[31:24] d[23:16] d[15:8] d[7:0]
//                 'R' addr[15:8] addr[7:0]
//   FPGA -> host: 'K' after a write; 'D' d[31:24] .. d[7:0] after a read.
module fs_link_bridge (
    input  wire clk, input wire rst,
    input  wire [7:0] rx_tdata, input wire rx_tvalid, output wire rx_tready,
    output wire [7:0] tx_tdata, output wire tx_tvalid, input wire tx_tready,
    output wire [15:0] m_axil_awaddr, output wire m_axil_awvalid, input wire m_axil_awready,
    output wire [31:0] m_axil_wdata,  output wire [3:0] m_axil_wstrb,
    output wire        m_axil_wvalid, input wire m_axil_wready,
    input  wire [1:0]  m_axil_bresp,  input wire m_axil_bvalid, output wire m_axil_bready,
    output wire [15:0] m_axil_araddr, output wire m_axil_arvalid, input wire m_axil_arready,
    input  wire [31:0] m_axil_rdata,  input wire [1:0] m_axil_rresp,
    input  wire        m_axil_rvalid, output wire m_axil_rready
);
    localparam S_CMD = 3'd0, S_ARG = 3'd1, S_AXI = 3'd2, S_RESP = 3'd3, S_TX = 3'd4;
    reg [2:0]  state_reg;
    reg        is_write_reg;
    reg [2:0]  arg_left_reg;
    reg [47:0] arg_reg;      // addr, data
    reg [39:0] tx_reg;       // bytes to send, first in [39:32]
    reg [2:0]  tx_left_reg;
    reg        aw_done_reg, w_done_reg, ar_done_reg;

    assign rx_tready = (state_reg == S_CMD) || (state_reg == S_ARG);
    wire rx_fire = rx_tvalid && rx_tready;
    assign tx_tdata  = tx_reg[39:32];
    assign tx_tvalid = state_reg == S_TX;

    assign m_axil_awaddr  = arg_reg[47:32];
    assign m_axil_wdata   = arg_reg[31:0];
    assign m_axil_wstrb   = 4'hF;
    assign m_axil_awvalid = state_reg == S_AXI && is_write_reg && !aw_done_reg;
    assign m_axil_wvalid  = state_reg == S_AXI && is_write_reg && !w_done_reg;
    assign m_axil_bready  = state_reg == S_RESP && is_write_reg;
    assign m_axil_araddr  = arg_reg[15:0]; // a read shifts in only 2 bytes
    assign m_axil_arvalid = state_reg == S_AXI && !is_write_reg && !ar_done_reg;
    assign m_axil_rready  = state_reg == S_RESP && !is_write_reg;

    always @(posedge clk) begin
        if (rst) begin
            state_reg <= S_CMD;
        end else begin
            case (state_reg)
                S_CMD: if (rx_fire && (rx_tdata == 8'h57 || rx_tdata == 8'h52)) begin
                    is_write_reg <= rx_tdata == 8'h57;
                    arg_left_reg <= (rx_tdata == 8'h57) ? 3'd6 : 3'd2;
                    state_reg    <= S_ARG;
                end
                S_ARG: if (rx_fire) begin
                    arg_reg      <= {arg_reg[39:0], rx_tdata};
                    arg_left_reg <= arg_left_reg - 3'd1;
                    if (arg_left_reg == 3'd1) begin
                        state_reg   <= S_AXI;
                        aw_done_reg <= 1'b0;
                        w_done_reg  <= 1'b0;
                        ar_done_reg <= 1'b0;
                    end
                end
                S_AXI: begin
                    if (m_axil_awvalid && m_axil_awready) aw_done_reg <= 1'b1;
                    if (m_axil_wvalid && m_axil_wready)   w_done_reg  <= 1'b1;
                    if (m_axil_arvalid && m_axil_arready) ar_done_reg <= 1'b1;
                    if (is_write_reg ? ((aw_done_reg || m_axil_awready) && (w_done_reg || m_axil_wready))
                                     : (ar_done_reg || m_axil_arready))
                        state_reg <= S_RESP;
                end
                S_RESP: if (is_write_reg ? m_axil_bvalid : m_axil_rvalid) begin
                    tx_reg      <= is_write_reg ? {8'h4B, 32'b0} : {8'h44, m_axil_rdata};
                    tx_left_reg <= is_write_reg ? 3'd1 : 3'd5;
                    state_reg   <= S_TX;
                end
                S_TX: if (tx_tready) begin
                    tx_reg      <= {tx_reg[31:0], 8'b0};
                    tx_left_reg <= tx_left_reg - 3'd1;
                    if (tx_left_reg == 3'd1) state_reg <= S_CMD;
                end
                default: state_reg <= S_CMD;
            endcase
        end
    end
    wire unused_ok = &{1'b0, m_axil_bresp, m_axil_rresp};
endmodule
