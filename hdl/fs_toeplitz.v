// fs_toeplitz: Toeplitz hash (SPEC 3) of an IN_BITS-bit input under a
// 320-bit key.
//
// Bit numbering follows SPEC 3: input bit i counts from the most significant
// bit of byte 0, so SPEC bit i is req_data[IN_BITS-1-i] and key bit m is
// req_key[319-m] (key byte 0 in [319:312]). Output bit j (counted from the
// MSB) is ^(input & key window j), the window being key bits j..j+IN_BITS-1.
//
// Parameters:
//   IN_BITS  input width (264 = the 33-byte NON_L4 input; shorter inputs are
//            zero-padded at the end, which does not change a Toeplitz hash).
//            IN_BITS + 31 <= 320.
//   CHUNKS   the input is consumed over CHUNKS cycles, so the AND/XOR array
//            is CHUNKS times smaller. 1 = fully parallel, one request per
//            cycle. With CHUNKS > 1 requests must be at least CHUNKS cycles
//            apart (flagged in simulation when not).
//
// Latency (req_valid in cycle t to hash_valid in cycle t+LATENCY):
//   CHUNKS == 1: 2 (partial XORs registered, then reduced);
//   CHUNKS  > 1: CHUNKS + 2 (load, CHUNKS partial steps, final reduce).
// `hash` holds its value until the next result.
//
// Area and timing: stage 1 computes, per output bit, ^(chunk & key window)
// in GROUP-bit partials, registered; stage 2 XORs the CW/GROUP partials
// (plus the accumulator). GROUP is 16 when fully parallel (fewer partial
// registers: 3 LUT4 levels) and 8 when chunked (2 LUT4 levels, and the
// chunk width CW = GROUP * ceil(IN_BITS / (GROUP * CHUNKS)) wastes less:
// 264 bits in 5 chunks is 5 x 56, not 5 x 64). The AND/XOR array costs
// about 32 * CW * 2/3 LUT4s: 264 bits 1 chunk ~ 5600, 4 chunks (CW 72)
// ~ 1500, 5 chunks (CW 56) ~ 1200.
module fs_toeplitz #(
    parameter IN_BITS = 264,
    parameter CHUNKS  = 1
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               req_valid,
    input  wire [IN_BITS-1:0] req_data,
    input  wire [319:0]       req_key,
    output reg                hash_valid,
    output reg  [31:0]        hash
);
    localparam GROUP = (CHUNKS == 1) ? 16 : 8;
    // chunk width, a multiple of GROUP
    localparam CW = GROUP * ((IN_BITS + GROUP*CHUNKS - 1) / (GROUP*CHUNKS));
    localparam NG = CW / GROUP;       // partial groups per output bit and chunk
    localparam PW = CW * CHUNKS;      // padded input width
    localparam KW = PW + 31;          // key bits spanned by the padded input

    // Zero-pad input and key on the right (later SPEC bits) to PW / KW bits.
    // The extensions carry more zero bits than needed so that no replication
    // count can be zero; the unused low bits are intentional.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [IN_BITS+PW-1:0] in_ext  = {req_data, {PW{1'b0}}};
    wire [320+KW-1:0]     key_ext = {req_key, {KW{1'b0}}};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [PW-1:0] in_pad  = in_ext[IN_BITS+PW-1 -: PW];
    wire [KW-1:0] key_pad = key_ext[320+KW-1 -: KW];

    // The chunk being consumed this cycle and the key bits it needs.
    wire [CW-1:0]    cur_in;
    wire [CW+30:0]   cur_key;
    wire             cur_valid, cur_first, cur_last;

    generate
        if (CHUNKS == 1) begin : g_parallel
            assign cur_in    = in_pad;
            assign cur_key   = key_pad;
            assign cur_valid = req_valid;
            assign cur_first = 1'b1;
            assign cur_last  = 1'b1;
        end else begin : g_chunked
            localparam CNT_W = $clog2(CHUNKS + 1);
            reg [PW-1:0]    in_sh_reg;
            reg [KW-1:0]    key_sh_reg;
            reg [CNT_W-1:0] left_reg;     // chunks still to consume
            always @(posedge clk) begin
                if (rst) begin
                    left_reg <= {CNT_W{1'b0}};
                end else if (req_valid) begin
                    in_sh_reg  <= in_pad;
                    key_sh_reg <= key_pad;
                    left_reg   <= CHUNKS[CNT_W-1:0];
                end else if (left_reg != {CNT_W{1'b0}}) begin
                    in_sh_reg  <= in_sh_reg << CW;
                    key_sh_reg <= key_sh_reg << CW;
                    left_reg   <= left_reg - 1'b1;
                end
            end
            assign cur_in    = in_sh_reg[PW-1 -: CW];
            assign cur_key   = key_sh_reg[KW-1 -: CW+31];
            assign cur_valid = (left_reg != {CNT_W{1'b0}});
            assign cur_first = (left_reg == CHUNKS[CNT_W-1:0]);
            assign cur_last  = (left_reg == {{(CNT_W-1){1'b0}}, 1'b1});
`ifndef SYNTHESIS
            always @(posedge clk)
                if (!rst && req_valid && left_reg > {{(CNT_W-1){1'b0}}, 1'b1})
                    $display("ERROR %m: hash request while busy at %0t", $time);
`endif
        end
    endgenerate

    // Stage 1: 16-bit AND/XOR partials, registered.
    wire [32*NG-1:0] part_next;
    genvar j, g;
    generate
        for (j = 0; j < 32; j = j + 1) begin : g_out
            for (g = 0; g < NG; g = g + 1) begin : g_grp
                assign part_next[j*NG + g] =
                    ^(cur_in[CW-1-GROUP*g -: GROUP] & cur_key[CW+30-GROUP*g-j -: GROUP]);
            end
        end
    endgenerate

    reg [32*NG-1:0] part_reg;
    reg part_valid_reg, part_first_reg, part_last_reg;
    always @(posedge clk) begin
        part_reg       <= part_next;
        part_first_reg <= cur_first;
        part_last_reg  <= cur_last;
        part_valid_reg <= rst ? 1'b0 : cur_valid;
    end

    // Stage 2: reduce the partials of each output bit and accumulate.
    wire [31:0] red;
    generate
        for (j = 0; j < 32; j = j + 1) begin : g_red
            assign red[31-j] = ^part_reg[j*NG +: NG];
        end
    endgenerate

    always @(posedge clk) begin
        if (rst) begin
            hash_valid <= 1'b0;
            hash       <= 32'd0;
        end else begin
            hash_valid <= part_valid_reg && part_last_reg;
            if (part_valid_reg)
                hash <= (part_first_reg ? 32'd0 : hash) ^ red;
        end
    end
endmodule
