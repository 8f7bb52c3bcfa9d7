// fs_reg_fifo: small FIFO in flip-flops with a combinational read side
// (rd_data shows the oldest word while rd_valid), so a word written in cycle
// t can be popped at t+1. Used for per-frame sidebands that must be ready as
// soon as the parser answers.
//
// Parameters:
//   WIDTH       data width in bits.
//   DEPTH_LOG2  holds 2**DEPTH_LOG2 words.
module fs_reg_fifo #(
    parameter WIDTH      = 4,
    parameter DEPTH_LOG2 = 3
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             wr_en,
    input  wire [WIDTH-1:0] wr_data,
    output wire             full,
    output wire             full_next,     // `full` in the next cycle
    output wire             rd_valid,
    output wire [WIDTH-1:0] rd_data,
    input  wire             rd_en
);
    localparam DEPTH = 1 << DEPTH_LOG2;

    reg [WIDTH-1:0] mem_reg [0:DEPTH-1];
    wire [DEPTH_LOG2-1:0] wr_ptr, rd_ptr;
    wire empty;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [DEPTH_LOG2:0] count;             // only the flags are used
    /* verilator lint_on UNUSEDSIGNAL */

    fs_fifo_ctrl #(.DEPTH_LOG2(DEPTH_LOG2)) u_ctrl (
        .clk(clk), .rst(rst), .wr_en(wr_en), .rd_en(rd_en),
        .wr_ptr(wr_ptr), .rd_ptr(rd_ptr), .count(count),
        .empty(empty), .full(full), .full_next(full_next)
    );

    assign rd_valid = !empty;
    assign rd_data  = mem_reg[rd_ptr];

    always @(posedge clk)
        if (wr_en)
            mem_reg[wr_ptr] <= wr_data;
endmodule
