// fs_counters: the decision counters of the register map: frames decided,
// frames per action code, frames per reason code. 32 bits each, wrapping.
//
// Parameters: none.
//
// Counter index k (rd_idx): 0 frames, 1..4 action 0..3, 5..14 reason 0..9;
// 15 reads 0. `clear` zeroes every counter; an event in the same cycle is
// dropped (the clear wins), events before it are gone with it.
//
// Storage. The frame counter is a register; the 4 action and 10 reason
// counters live in block RAM (32 flip-flops and an incrementer each would
// cost ~450 iCE40 logic cells plus a 14-word read mux in fs_csr). Each of
// the two groups has a read-modify-write pipeline on one RAM and an
// identical copy RAM whose read port serves the host, so a read never
// waits for a free cycle:
//   cycle t    event: the RAM reads the counter (registered read)
//   cycle t+1  value = the write of cycle t when it was the same counter
//              (forwarded: the RAM does not have it yet), else the RAM word,
//              or 0 when the counter has not been written since the last
//              clear (a `live` bit per counter, so a clear is one cycle);
//              value + 1 is written to both RAMs at the end of the cycle.
// One event per cycle, any pattern of counters, no stall.
//
// Host read: rd_idx in cycle t, rd_data (a mux of registers) in cycle t+1;
// an event counted in cycle t shows from cycle t+2 on.
module fs_counters (
    input  wire        clk,
    input  wire        rst,
    input  wire        clear,
    input  wire        ev_valid,
    input  wire [1:0]  ev_action,
    input  wire [3:0]  ev_reason,
    input  wire [3:0]  rd_idx,
    output reg  [31:0] rd_data
);
    reg [31:0] frames_reg;
    always @(posedge clk) begin
        if (rst || clear)
            frames_reg <= 32'd0;
        else if (ev_valid)
            frames_reg <= frames_reg + 32'd1;
    end

    // group 0: actions (index = code), group 1: reasons (codes 10..15 are
    // not counted)
    wire [1:0] g_ev = {ev_valid && ev_reason < 4'd10, ev_valid};
    wire [7:0] g_idx = {ev_reason, 2'b00, ev_action};
    wire [3:0] rd_g_idx = (rd_idx >= 4'd5) ? rd_idx - 4'd5 : rd_idx - 4'd1;
    wire [31:0] g_rd [0:1];

    genvar g;
    generate
        for (g = 0; g < 2; g = g + 1) begin : g_grp
            (* no_rw_check *)
            reg [31:0] rmw_mem  [0:15];
            (* no_rw_check *)
            reg [31:0] host_mem [0:15];
            reg [15:0] live_reg;
            reg        s1_valid_reg, wb_valid_reg, rd_live_reg;
            reg [3:0]  s1_idx_reg, wb_idx_reg;
            reg [31:0] rmw_rd_reg, host_rd_reg, wb_val_reg;

            wire [3:0]  idx = g_idx[4*g +: 4];
            wire [31:0] old = (wb_valid_reg && wb_idx_reg == s1_idx_reg) ? wb_val_reg :
                              live_reg[s1_idx_reg] ? rmw_rd_reg : 32'd0;
            wire [31:0] inc = old + 32'd1;
            wire        do_write = s1_valid_reg && !clear;

            always @(posedge clk) begin
                rmw_rd_reg  <= rmw_mem[idx];
                host_rd_reg <= host_mem[rd_g_idx];
                rd_live_reg <= live_reg[rd_g_idx];
                if (do_write) begin
                    rmw_mem[s1_idx_reg]  <= inc;
                    host_mem[s1_idx_reg] <= inc;
                end
            end

            always @(posedge clk) begin
                s1_idx_reg <= idx;
                wb_idx_reg <= s1_idx_reg;
                wb_val_reg <= inc;
                if (rst || clear) begin
                    s1_valid_reg <= 1'b0;
                    wb_valid_reg <= 1'b0;
                    live_reg     <= 16'd0;
                end else begin
                    s1_valid_reg <= g_ev[g];
                    wb_valid_reg <= s1_valid_reg;
                    if (s1_valid_reg)
                        live_reg[s1_idx_reg] <= 1'b1;
                end
            end

            assign g_rd[g] = rd_live_reg ? host_rd_reg : 32'd0;
        end
    endgenerate

    reg [1:0] rd_sel_reg;              // 0 frames, 1 actions, 2 reasons, 3 none
    always @(posedge clk)
        rd_sel_reg <= (rd_idx == 4'd0) ? 2'd0 : (rd_idx <= 4'd4) ? 2'd1 :
                      (rd_idx <= 4'd14) ? 2'd2 : 2'd3;
    always @(*) begin
        case (rd_sel_reg)
            2'd0:    rd_data = frames_reg;
            2'd1:    rd_data = g_rd[0];
            2'd2:    rd_data = g_rd[1];
            default: rd_data = 32'd0;
        endcase
    end
endmodule
