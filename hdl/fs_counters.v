// fs_counters: the decision counters of the register map: frames decided,
// frames per action code, frames per reason code. 32 bits each, wrapping.
//
// Parameters: none.
// cnt_flat word k in [32k+31:32k]: k = 0 frames, 1..4 action 0..3,
// 5..14 reason 0..9. `clear` zeroes every counter (an event in the same
// cycle is dropped: the clear wins).
module fs_counters (
    input  wire             clk,
    input  wire             rst,
    input  wire             clear,
    input  wire             ev_valid,
    input  wire [1:0]       ev_action,
    input  wire [3:0]       ev_reason,
    output wire [15*32-1:0] cnt_flat
);
    wire [3:0]  act_oh = 4'b1 << ev_action;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [15:0] rsn_oh = 16'b1 << ev_reason;   // codes 10..15 are not counted
    /* verilator lint_on UNUSEDSIGNAL */
    wire [14:0] hit = {rsn_oh[9:0], act_oh, 1'b1};

    genvar k;
    generate
        for (k = 0; k < 15; k = k + 1) begin : g_cnt
            reg [31:0] cnt_reg;
            always @(posedge clk) begin
                if (rst || clear)
                    cnt_reg <= 32'd0;
                else if (ev_valid && hit[k])
                    cnt_reg <= cnt_reg + 32'd1;
            end
            assign cnt_flat[32*k +: 32] = cnt_reg;
        end
    endgenerate
endmodule
