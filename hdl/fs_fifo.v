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
    wire [DEPTH_LOG2-1:0] wr_ptr, rd_ptr;   // RAM addresses
    wire mem_empty;
    // Refill the output register when it is empty or being consumed.
    wire rd_en = !mem_empty && (!rd_valid || rd_ready);

    fs_fifo_ctrl #(.DEPTH_LOG2(DEPTH_LOG2)) u_ctrl (
        .clk(clk), .rst(rst), .wr_en(wr_en), .rd_en(rd_en),
        .wr_ptr(wr_ptr), .rd_ptr(rd_ptr), .count(count),
        .empty(mem_empty), .full(full), .full_next(full_next)
    );

    always @(posedge clk) begin
        if (wr_en)
            mem[wr_ptr] <= wr_data;
        if (rd_en)
            rd_data <= mem[rd_ptr];
    end

    always @(posedge clk) begin
        if (rst)
            rd_valid <= 1'b0;
        else if (rd_en)
            rd_valid <= 1'b1;
        else if (rd_ready)
            rd_valid <= 1'b0;
    end
endmodule
