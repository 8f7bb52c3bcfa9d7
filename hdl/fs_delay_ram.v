// fs_delay_ram: delays a word by STAGES cycles through a block RAM instead
// of STAGES x WIDTH flip-flops (on iCE40 a flip-flop without a LUT in front
// still takes a whole logic cell; one SB_RAM40_4K holds 256 x 16 bits).
//
// Parameters:
//   WIDTH   bits delayed.
//   STAGES  cycles of delay, 2..256.
//
// A circular buffer of 256 words: the word written in cycle t at pointer p
// is read (registered read port) in cycle t + STAGES - 1 at p + STAGES - 1
// - (STAGES - 1) = p, so q shows it in cycle t + STAGES. Read and write
// addresses differ in every cycle (STAGES >= 2), so the RAM's
// read-during-write behaviour never matters. Contents are undefined after
// power-up and are not reset: carry valid bits in fs_delay (flip-flops,
// reset) beside it.
// we: write only the words whose valid bit is set (the others are never
// used, so their slots may keep older words); a simulator then skips the
// wide write on the other cycles. Tie it high for a plain delay.
module fs_delay_ram #(
    parameter WIDTH  = 8,
    parameter STAGES = 4
) (
    input  wire             clk,
    input  wire             we,
    input  wire [WIDTH-1:0] d,
    output reg  [WIDTH-1:0] q
);
    localparam integer BACK_I = STAGES - 1;
    localparam [7:0]   BACK   = BACK_I[7:0];

    (* no_rw_check *)
    reg [WIDTH-1:0] mem [0:255];
    // Any start value works (read and write move together); the initial
    // value only keeps simulation free of X.
    reg [7:0] wr_ptr_reg = 8'd0;

    wire [7:0] rd_addr = wr_ptr_reg - BACK;  // 8 bits: wraps around the buffer
    always @(posedge clk) begin
        if (we)
            mem[wr_ptr_reg] <= d;
        q <= mem[rd_addr];
        wr_ptr_reg <= wr_ptr_reg + 8'd1;
    end

`ifndef SYNTHESIS
    initial
        if (STAGES < 2 || STAGES > 256)
            $display("ERROR %m: STAGES = %0d, must be 2..256", STAGES);
`endif
endmodule
