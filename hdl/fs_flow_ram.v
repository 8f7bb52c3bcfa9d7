// fs_flow_ram: simple dual-port RAM for the SPEC 5 flow table: one write
// port, one registered read port, both on clk. Written so that yosys infers
// block RAM (memory_bram) and Icarus/Verilator simulate it as such.
//
// Read-during-write to the same address on the same edge: simulation returns
// the OLD word, hardware may return anything. fs_flow_table never uses such a
// read (it forwards the newest write itself, see there), so the memory is
// marked no_rw_check: without it yosys adds collision-emulation registers
// (iCE40, 256 x 4 ways: 1575 -> 551 flip-flops, 3483 -> 2378 LUTs).
//
// Parameters:
//   ADDR_BITS  log2 of the depth (0 allowed: a single word).
//   WIDTH      bits per word.
// Contents are undefined until written: fs_flow_table writes every word in
// its reset walk before the first read that matters.
// re: the read port loads only when asked (a block RAM's read enable; a
// simulator then copies the word only in the cycles that use it).
module fs_flow_ram #(
    parameter ADDR_BITS = 10,
    parameter WIDTH     = 8
) (
    input  wire                 clk,
    input  wire                 we,
    input  wire [AW-1:0]        waddr,
    input  wire [WIDTH-1:0]     wdata,
    input  wire                 re,
    input  wire [AW-1:0]        raddr,
    output reg  [WIDTH-1:0]     rdata
);
    // A zero-bit address cannot be declared; one bit with depth 1 stays
    // addressable by the same code (the caller ties the bit to zero).
    localparam AW    = (ADDR_BITS < 1) ? 1 : ADDR_BITS;
    localparam DEPTH = 1 << ADDR_BITS;

    (* no_rw_check *)
    reg [WIDTH-1:0] mem [0:DEPTH-1];

    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        if (re)
            rdata <= mem[raddr];
    end
endmodule
