// fs_table_ram: one bank of a TM table, 4096 x TM_BITS, one write port and
// one registered read port (what yosys maps to iCE40 SB_RAM40_4K: a 4096x8
// bank is 8 blocks, 4096xN is N blocks for N >= 2... rounded to 2-bit-wide
// 2048-deep blocks).
//
// Parameters:
//   TM_BITS  1..8 bits per entry.
// Initial contents: entry i = i mod 8 (SPEC 1 default), truncated to TM_BITS.
module fs_table_ram #(
    parameter TM_BITS = 8
) (
    input  wire               clk,
    input  wire               we,
    input  wire [11:0]        waddr,
    input  wire [TM_BITS-1:0] wdata,
    input  wire               re,
    input  wire [11:0]        raddr,
    output reg  [TM_BITS-1:0] rdata
);
    reg [TM_BITS-1:0] mem [0:4095];

    integer i;
    /* verilator lint_off UNUSEDSIGNAL */
    reg [7:0] init_val;   // bits above TM_BITS are dropped on purpose
    /* verilator lint_on UNUSEDSIGNAL */
    initial begin
        for (i = 0; i < 4096; i = i + 1) begin
            init_val = {5'd0, i[2:0]};
            mem[i] = init_val[TM_BITS-1:0];
        end
        rdata = {TM_BITS{1'b0}};
    end

    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        if (re)
            rdata <= mem[raddr];
    end
endmodule
