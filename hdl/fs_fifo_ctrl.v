// fs_fifo_ctrl: the pointers, word count and full flags of a FIFO of
// 2**DEPTH_LOG2 words (fs_fifo, fs_reg_fifo); the storage stays with the
// FIFO.
//
// Parameters:
//   DEPTH_LOG2  log2 of the depth (>= 1).
//
// The count is a register of its own (not wr_ptr - rd_ptr), and full_next
// (`full` in the next cycle) is decided from its present value with flag
// compares, no adder after wr_en / rd_en: a writer's ready logic built on
// full_next stays a few gates deep (iCE40 timing). `empty` is a flip-flop
// of its own, updated the same way, so a reader's rd_en is one gate from
// flip-flops (a count == 0 compare in front of it was three LUT levels on
// the iCE40 critical path). Writing while full and
// reading while empty are caller errors, flagged in simulation.
module fs_fifo_ctrl #(
    parameter DEPTH_LOG2 = 4
) (
    input  wire                  clk,
    input  wire                  rst,
    input  wire                  wr_en,
    input  wire                  rd_en,
    output reg  [DEPTH_LOG2-1:0] wr_ptr,
    output reg  [DEPTH_LOG2-1:0] rd_ptr,
    output reg  [DEPTH_LOG2:0]   count,
    output wire                  empty,
    output wire                  full,
    output wire                  full_next
);
    localparam [DEPTH_LOG2:0] DEPTH = 1 << DEPTH_LOG2;

    reg empty_reg;                                 // count == 0
    assign empty     = empty_reg;
    assign full      = count[DEPTH_LOG2];          // count <= DEPTH
    assign full_next = (full && (wr_en == rd_en)) ||
                       (count == DEPTH - 1'b1 && wr_en && !rd_en);

    always @(posedge clk) begin
        if (rst) begin
            wr_ptr    <= {DEPTH_LOG2{1'b0}};
            rd_ptr    <= {DEPTH_LOG2{1'b0}};
            count     <= {(DEPTH_LOG2+1){1'b0}};
            empty_reg <= 1'b1;
        end else begin
            // empty stays empty without a write; one word read and none
            // written empties it (a read needs a word, so rd_en implies
            // !empty)
            empty_reg <= (empty_reg && !wr_en) ||
                         (count == {{DEPTH_LOG2{1'b0}}, 1'b1} && rd_en && !wr_en);
            if (wr_en != rd_en)
                count <= rd_en ? count - 1'b1 : count + 1'b1;
            if (wr_en)
                wr_ptr <= wr_ptr + 1'b1;
            if (rd_en)
                rd_ptr <= rd_ptr + 1'b1;
        end
    end

`ifndef SYNTHESIS
    always @(posedge clk) begin
        if (!rst && wr_en && full)
            $display("ERROR %m: write while full at %0t", $time);
        if (!rst && rd_en && empty)
            $display("ERROR %m: read while empty at %0t", $time);
        if (!rst && empty != (count == {(DEPTH_LOG2+1){1'b0}}))
            $display("ERROR %m: empty flag out of step with the count at %0t", $time);
    end
`endif
endmodule
