// fs_table: the double-banked TM table of one partition (SPEC 3 table plus
// the COMMIT mechanism of docs/interfaces.md).
//
// Parameters:
//   TM_BITS  1..8 bits per entry (tm outputs are zero-extended to 8 bits).
//
// Two fs_table_ram banks. Which bank is active is kept outside (the frame's
// bank tag says which bank its lookup reads). Each bank has one read port,
// shared by lookups and host reads: a lookup always wins, a host read is
// granted (host_gnt) in a cycle where no lookup reads the same bank. Host
// writes use the write port, which lookups never use, so they are granted
// at once.
//
// Timing: lk_tm is valid the cycle after lk_en; host_rdata the cycle after
// host_gnt (for reads).
module fs_table #(
    parameter TM_BITS = 8
) (
    input  wire        clk,
    input  wire        lk_en,
    input  wire        lk_bank,
    input  wire [11:0] lk_index,
    output wire [7:0]  lk_tm,
    input  wire        host_re,
    input  wire        host_we,
    input  wire        host_bank,
    input  wire [11:0] host_index,
    input  wire [7:0]  host_wdata,
    output wire        host_gnt,
    output wire [7:0]  host_rdata
);
    wire [TM_BITS-1:0] rdata [0:1];
    reg lk_bank_d_reg, host_bank_d_reg;

    wire host_rd_ok = host_re && !(lk_en && lk_bank == host_bank);
    assign host_gnt = host_we || host_rd_ok;

    genvar b;
    generate
        for (b = 0; b < 2; b = b + 1) begin : g_bank
            wire lk_here   = lk_en && (lk_bank == (b == 1));
            wire host_here = host_rd_ok && (host_bank == (b == 1));
            fs_table_ram #(.TM_BITS(TM_BITS)) u_ram (
                .clk(clk),
                .we(host_we && host_bank == (b == 1)),
                .waddr(host_index),
                .wdata(host_wdata[TM_BITS-1:0]),
                .re(lk_here || host_here),
                .raddr(lk_here ? lk_index : host_index),
                .rdata(rdata[b])
            );
        end
    endgenerate

    always @(posedge clk) begin
        if (lk_en)
            lk_bank_d_reg <= lk_bank;
        if (host_rd_ok)
            host_bank_d_reg <= host_bank;
    end

    wire [TM_BITS-1:0] lk_raw   = rdata[lk_bank_d_reg];
    wire [TM_BITS-1:0] host_raw = rdata[host_bank_d_reg];
    generate
        if (TM_BITS == 8) begin : g_full
            assign lk_tm      = lk_raw;
            assign host_rdata = host_raw;
        end else begin : g_ext
            assign lk_tm      = {{(8-TM_BITS){1'b0}}, lk_raw};
            assign host_rdata = {{(8-TM_BITS){1'b0}}, host_raw};
        end
    endgenerate

    // host_wdata bits above TM_BITS are dropped by design (entries are
    // TM_BITS wide); tell the linter so.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_wdata = ^host_wdata;
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
