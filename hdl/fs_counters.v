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
// cost ~450 iCE40 logic cells plus a 14-word read mux in fs_csr). Both
// groups are addressed with the host index k (action a at 1 + a, reason r
// at 5 + r), so a host read needs no index arithmetic. Each of the two
// groups has a read-modify-write pipeline on one RAM and an identical copy
// RAM whose read port serves the host, so a read never waits for a free
// cycle:
//   cycle t    event: the RAM reads the counter (registered read); the
//              forwarding test of t+1 (index compare with the event two
//              cycles ahead) and the counter's `live` bit (0 when it has
//              not been written since the last clear) are registered
//              (the test of t+2, against the event one ahead, in t+1)
//   cycle t+1  merged = the write of cycle t when the event two ahead had
//              the same counter, else the RAM word (0 when not live);
//              registered
//   cycle t+2  value = the write of cycle t+1 when the event one ahead had
//              the same counter, else merged; value + 1 is written to both
//              RAMs at the end of the cycle
// so the block RAM output goes through one LUT into a flip-flop, and the
// 32-bit increment starts at flip-flops (iCE40 timing). One event per
// cycle, any pattern of counters, no stall.
//
// Host read: rd_idx in cycle t, rd_data (a mux of registers) in cycle t+1;
// an event counted in cycle t shows from cycle t+3 on.
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

    // group 0: actions (k = 1 + code), group 1: reasons (k = 5 + code;
    // codes 10..15 are not counted)
    wire [1:0] g_ev  = {ev_valid && ev_reason < 4'd10, ev_valid};
    wire [7:0] g_idx = {ev_reason + 4'd5, {2'b00, ev_action} + 4'd1};
    wire [31:0] g_rd [0:1];

    genvar g;
    generate
        for (g = 0; g < 2; g = g + 1) begin : g_grp
            (* no_rw_check *)
            reg [31:0] rmw_mem  [0:15];
            (* no_rw_check *)
            reg [31:0] host_mem [0:15];
            reg [15:0] live_reg;
            // s1: the event of the previous cycle (RAM word out), s2: the
            // one before (writes this cycle)
            reg        s1_valid_reg, s2_valid_reg, rd_live_reg;
            reg        s1_fwd2_reg, s1_live_reg, s2_fwd1_reg;
            reg [3:0]  s1_idx_reg, s2_idx_reg;
            reg [31:0] rmw_rd_reg, host_rd_reg, s2_merged_reg, wb_val_reg;

            wire [3:0]  idx = g_idx[4*g +: 4];
            wire [31:0] merged = s1_fwd2_reg ? wb_val_reg :
                                 s1_live_reg ? rmw_rd_reg : 32'd0;
            // Both candidates are incremented and the sum selected, so the
            // two carry chains start at flip-flops and only one LUT sits
            // between them and the RAM's write data (iCE40 timing; 32 more
            // logic cells per group than a mux in front of one adder).
            wire [31:0] wb_inc     = wb_val_reg + 32'd1;
            wire [31:0] merged_inc = s2_merged_reg + 32'd1;
            wire [31:0] inc = s2_fwd1_reg ? wb_inc : merged_inc;
            wire        do_write = s2_valid_reg && !clear;

            always @(posedge clk) begin
                rmw_rd_reg  <= rmw_mem[idx];
                host_rd_reg <= host_mem[rd_idx];
                rd_live_reg <= live_reg[rd_idx];
                if (do_write) begin
                    rmw_mem[s2_idx_reg]  <= inc;
                    host_mem[s2_idx_reg] <= inc;
                end
            end

            // Forwarding: the event in s2 writes in this cycle, which the
            // RAM read of this cycle's event does not see (s1_fwd2, for
            // it in s1); the event in s2 next cycle writes while this
            // cycle's s1 event is in s2 (s2_fwd1, compared in s1). A
            // counter written this cycle is live from next cycle on; until
            // then the forwarding covers it.
            always @(posedge clk) begin
                s1_idx_reg    <= idx;
                s2_idx_reg    <= s1_idx_reg;
                s2_merged_reg <= merged;
                wb_val_reg    <= inc;
                if (rst || clear) begin
                    s1_valid_reg <= 1'b0;
                    s2_valid_reg <= 1'b0;
                    s1_fwd2_reg  <= 1'b0;
                    s2_fwd1_reg  <= 1'b0;
                    s1_live_reg  <= 1'b0;
                    live_reg     <= 16'd0;
                end else begin
                    s1_valid_reg <= g_ev[g];
                    s2_valid_reg <= s1_valid_reg;
                    s1_fwd2_reg  <= s2_valid_reg && s2_idx_reg == idx;
                    s2_fwd1_reg  <= s2_valid_reg && s2_idx_reg == s1_idx_reg;
                    s1_live_reg  <= live_reg[idx];
                    if (s2_valid_reg)
                        live_reg[s2_idx_reg] <= 1'b1;
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
