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
    reg [DEPTH_LOG2-1:0] wr_ptr_reg, rd_ptr_reg;
    // The word count is a register of its own, and full_next is decided
    // from its present value with flag compares (no adder after wr_en /
    // rd_en: the writer's ready logic stays shallow, iCE40 timing).
    reg [DEPTH_LOG2:0] count_reg;

    assign rd_valid  = (count_reg != {(DEPTH_LOG2+1){1'b0}});
    assign full      = count_reg[DEPTH_LOG2];          // count <= DEPTH
    assign full_next = (full && (wr_en == rd_en)) ||
                       (count_reg == DEPTH[DEPTH_LOG2:0] - 1'b1 && wr_en && !rd_en);
    assign rd_data   = mem_reg[rd_ptr_reg];

    always @(posedge clk)
        if (wr_en)
            mem_reg[wr_ptr_reg] <= wr_data;

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr_reg <= {DEPTH_LOG2{1'b0}};
            rd_ptr_reg <= {DEPTH_LOG2{1'b0}};
            count_reg  <= {(DEPTH_LOG2+1){1'b0}};
        end else begin
            if (wr_en != rd_en)
                count_reg <= rd_en ? count_reg - 1'b1 : count_reg + 1'b1;
            if (wr_en)
                wr_ptr_reg <= wr_ptr_reg + 1'b1;
            if (rd_en)
                rd_ptr_reg <= rd_ptr_reg + 1'b1;
        end
    end

`ifndef SYNTHESIS
    always @(posedge clk) begin
        if (!rst && wr_en && full)
            $display("ERROR %m: write while full at %0t", $time);
        if (!rst && rd_en && !rd_valid)
            $display("ERROR %m: read while empty at %0t", $time);
    end
`endif
endmodule
