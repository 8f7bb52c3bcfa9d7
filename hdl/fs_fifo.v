// fs_fifo: synchronous first-word-fall-through FIFO on an inferred block RAM.
//
// Parameters:
//   WIDTH       data width in bits.
//   DEPTH_LOG2  the RAM holds 2**DEPTH_LOG2 words (iCE40: 8 gives 256-deep
//               SB_RAM40_4K blocks, one per 16 bits of WIDTH).
//
// The RAM has one write port and one registered read port, which is what
// yosys maps to SB_RAM40_4K. The read register doubles as the output stage:
// rd_valid/rd_data are registers, a word written in cycle t is visible at
// t+2, and with rd_ready high the FIFO delivers one word per cycle. The
// output register adds one word of capacity beyond the RAM; `full` and
// `count` describe the RAM only, so writers never need to look at rd_ready.
// `full_next` is what `full` will be in the next cycle (after this cycle's
// write and read), so a writer can register its ready signal.
// Writing while full is a caller error (flagged in simulation).
module fs_fifo #(
    parameter WIDTH      = 8,
    parameter DEPTH_LOG2 = 8
) (
    input  wire             clk,
    input  wire             rst,
    input  wire             wr_en,
    input  wire [WIDTH-1:0] wr_data,
    output wire             full,
    output wire [DEPTH_LOG2:0] count,
    output wire             full_next,
    output reg              rd_valid,
    output reg  [WIDTH-1:0] rd_data,
    input  wire             rd_ready
);
    localparam DEPTH = 1 << DEPTH_LOG2;

    // A read never targets the word being written in the same cycle (reads
    // need a non-empty RAM, so rd_ptr != wr_ptr; writing while full is a
    // caller error), so yosys need not emulate read-during-write: without
    // no_rw_check it adds a WIDTH-bit bypass register and mux (iCE40, 73
    // bits: ~150 logic cells).
    (* no_rw_check *)
    reg [WIDTH-1:0] mem [0:DEPTH-1];
    reg [DEPTH_LOG2-1:0] wr_ptr_reg, rd_ptr_reg;   // RAM addresses
    // The word count is a register of its own (not wr_ptr - rd_ptr), and
    // full_next is decided from its present value with flag compares, no
    // adder: the writer's ready logic stays a few gates deep (iCE40 timing).
    reg [DEPTH_LOG2:0] count_reg;

    wire mem_empty = (count_reg == {(DEPTH_LOG2+1){1'b0}});
    // Refill the output register when it is empty or being consumed.
    wire rd_en = !mem_empty && (!rd_valid || rd_ready);

    assign count = count_reg;
    assign full  = count_reg[DEPTH_LOG2];          // count <= DEPTH
    wire almost_full = (count_reg == DEPTH[DEPTH_LOG2:0] - 1'b1);
    assign full_next = (full && (wr_en == rd_en)) || (almost_full && wr_en && !rd_en);

    always @(posedge clk) begin
        if (wr_en)
            mem[wr_ptr_reg] <= wr_data;
        if (rd_en)
            rd_data <= mem[rd_ptr_reg];
    end

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr_reg <= {DEPTH_LOG2{1'b0}};
            rd_ptr_reg <= {DEPTH_LOG2{1'b0}};
            rd_valid   <= 1'b0;
            count_reg  <= {(DEPTH_LOG2+1){1'b0}};
        end else begin
            if (wr_en != rd_en)
                count_reg <= rd_en ? count_reg - 1'b1 : count_reg + 1'b1;
            if (wr_en)
                wr_ptr_reg <= wr_ptr_reg + 1'b1;
            if (rd_en)
                rd_ptr_reg <= rd_ptr_reg + 1'b1;
            if (rd_en)
                rd_valid <= 1'b1;
            else if (rd_ready)
                rd_valid <= 1'b0;
        end
    end

`ifndef SYNTHESIS
    always @(posedge clk)
        if (!rst && wr_en && full)
            $display("ERROR %m: write while full at %0t", $time);
`endif
endmodule
