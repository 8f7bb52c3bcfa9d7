// Throwaway stand-in for hdl/flowsteer_top.v with the ports fixed in
// docs/interfaces.md. It exists only so sim/ can be developed before the real
// pipeline compiles; the real build never reads this directory (sim.mk uses
// it only when SIM_HDL_DIR points here).
//
// Behaviour: frames pass through one register stage unchanged; each frame
// gets one decision {16'b0, byte count[15:0], xor of its 64-bit beats
// folded to 32 bits} and a tdest equal to its frame number mod 1024. A small
// decision FIFO back-pressures ingress when the decision stream stalls.
// Registers: ID, VERSION (0xDEAD0000, marks the stand-in), SCRATCH.
module flowsteer_top #(
    parameter PARTITIONS     = 4,
    parameter TM_BITS        = 8,
    parameter FLOW_ENABLE    = 1,
    parameter FLOW_SETS_LOG2 = 10,
    parameter FLOW_WAYS      = 4
) (
    input  wire        clk,
    input  wire        rst,
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
    input  wire [15:0] s_axil_awaddr,  input wire s_axil_awvalid, output wire s_axil_awready,
    input  wire [31:0] s_axil_wdata,   input wire [3:0] s_axil_wstrb,
    input  wire        s_axil_wvalid,  output wire s_axil_wready,
    output wire [1:0]  s_axil_bresp,   output wire s_axil_bvalid, input wire s_axil_bready,
    input  wire [15:0] s_axil_araddr,  input wire s_axil_arvalid, output wire s_axil_arready,
    output wire [31:0] s_axil_rdata,   output wire [1:0] s_axil_rresp,
    output wire        s_axil_rvalid,  input wire s_axil_rready
);
    // ---- datapath: one register stage
    reg [63:0] out_data_reg;
    reg [7:0]  out_keep_reg;
    reg        out_valid_reg;
    reg        out_last_reg;
    reg [9:0]  out_dest_reg;
    reg [9:0]  frame_no_reg;
    reg [15:0] len_reg;
    reg [31:0] xor_reg;

    // decision FIFO, 4 deep
    reg [63:0] dec_mem [0:3];
    reg [2:0]  dec_wr_reg, dec_rd_reg;
    wire [2:0] dec_count = dec_wr_reg - dec_rd_reg;
    wire       dec_full  = dec_count[2];

    wire out_free = !out_valid_reg || m_axis_tready;
    assign s_axis_tready = out_free && !dec_full;
    wire in_fire  = s_axis_tvalid && s_axis_tready;
    wire dec_fire = m_dec_tvalid && m_dec_tready;

    // keep is contiguous from bit 0, so the byte count is the number of ones
    wire [3:0] beat_bytes = {3'b0, s_axis_tkeep[0]} + {3'b0, s_axis_tkeep[1]} +
                            {3'b0, s_axis_tkeep[2]} + {3'b0, s_axis_tkeep[3]} +
                            {3'b0, s_axis_tkeep[4]} + {3'b0, s_axis_tkeep[5]} +
                            {3'b0, s_axis_tkeep[6]} + {3'b0, s_axis_tkeep[7]};
    wire [15:0] len_next = len_reg + {12'b0, beat_bytes};
    wire [31:0] xor_next = xor_reg ^ s_axis_tdata[31:0] ^ s_axis_tdata[63:32];

    always @(posedge clk) begin
        if (rst) begin
            out_valid_reg <= 1'b0;
            frame_no_reg  <= 10'd0;
            len_reg       <= 16'd0;
            xor_reg       <= 32'd0;
            dec_wr_reg    <= 3'd0;
            dec_rd_reg    <= 3'd0;
        end else begin
            if (out_free) out_valid_reg <= in_fire;
            if (in_fire) begin
                out_data_reg <= s_axis_tdata;
                out_keep_reg <= s_axis_tkeep;
                out_last_reg <= s_axis_tlast;
                out_dest_reg <= frame_no_reg;
                if (s_axis_tlast) begin
                    dec_mem[dec_wr_reg[1:0]] <= {16'b0, len_next, xor_next};
                    dec_wr_reg   <= dec_wr_reg + 3'd1;
                    frame_no_reg <= frame_no_reg + 10'd1;
                    len_reg      <= 16'd0;
                    xor_reg      <= 32'd0;
                end else begin
                    len_reg <= len_next;
                    xor_reg <= xor_next;
                end
            end
            if (dec_fire) dec_rd_reg <= dec_rd_reg + 3'd1;
        end
    end
    assign m_axis_tdata  = out_data_reg;
    assign m_axis_tkeep  = out_keep_reg;
    assign m_axis_tvalid = out_valid_reg;
    assign m_axis_tlast  = out_last_reg;
    assign m_axis_tdest  = out_dest_reg;
    assign m_dec_tdata   = dec_mem[dec_rd_reg[1:0]];
    assign m_dec_tvalid  = dec_count != 3'd0;

    // ---- AXI4-Lite slave: ID, VERSION, SCRATCH
    reg        bvalid_reg, rvalid_reg;
    reg [31:0] rdata_reg, scratch_reg;
    wire do_write = s_axil_awvalid && s_axil_wvalid && !bvalid_reg;
    wire do_read  = s_axil_arvalid && !rvalid_reg;
    always @(posedge clk) begin
        if (rst) begin
            bvalid_reg  <= 1'b0;
            rvalid_reg  <= 1'b0;
            scratch_reg <= 32'd0;
        end else begin
            if (do_write) begin
                bvalid_reg <= 1'b1;
                if (s_axil_awaddr == 16'h000C) scratch_reg <= s_axil_wdata;
            end else if (s_axil_bready) begin
                bvalid_reg <= 1'b0;
            end
            if (do_read) begin
                rvalid_reg <= 1'b1;
                case (s_axil_araddr)
                    16'h0000: rdata_reg <= 32'h46535452;
                    16'h0004: rdata_reg <= 32'hDEAD0000;
                    16'h000C: rdata_reg <= scratch_reg;
                    default:  rdata_reg <= 32'd0;
                endcase
            end else if (s_axil_rready) begin
                rvalid_reg <= 1'b0;
            end
        end
    end
    assign s_axil_awready = do_write;
    assign s_axil_wready  = do_write;
    assign s_axil_bresp   = 2'b00;
    assign s_axil_bvalid  = bvalid_reg;
    assign s_axil_arready = do_read;
    assign s_axil_rdata   = rdata_reg;
    assign s_axil_rresp   = 2'b00;
    assign s_axil_rvalid  = rvalid_reg;

    wire unused_ok = &{1'b0, s_axil_wstrb, PARTITIONS[0], TM_BITS[0], FLOW_ENABLE[0],
                       FLOW_SETS_LOG2[0], FLOW_WAYS[0]};
endmodule
