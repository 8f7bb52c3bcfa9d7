// fs_link_ram: byte buffer of the link bridge. One synchronous write port,
// one synchronous read port (rdata is mem[raddr] of the previous cycle;
// a read of the address being written returns the old byte), the shape
// Yosys maps to one iCE40 EBR or a Xilinx/Intel block RAM.
//
// Parameters:
//   AW  address bits; DEPTH = 2**AW bytes.
module fs_link_ram #(
    parameter AW = 9
) (
    input  wire          clk,
    input  wire          we,
    input  wire [AW-1:0] waddr,
    input  wire [7:0]    wdata,
    input  wire [AW-1:0] raddr,
    output reg  [7:0]    rdata
);
    reg [7:0] mem [0:(1<<AW)-1];

    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        rdata <= mem[raddr];
    end
endmodule
