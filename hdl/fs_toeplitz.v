// fs_toeplitz: Toeplitz hash (SPEC 3) of an IN_BITS-bit input under the
// 320-bit key of the request's partition.
//
// The unit gets every partition's key (keys, partition p in
// [320p+319:320p]) and the request's partition (req_part), and picks the
// key itself, inside the cycles that hash: the 4:1 key mux then costs a
// simulator nothing on the other cycles, and a chunked unit latches the
// partition with the request, so a frame of another partition classified
// while it hashes cannot switch its key midway.
//
// Bit numbering follows SPEC 3: input bit i counts from the most significant
// bit of byte 0, so SPEC bit i is req_data[IN_BITS-1-i] and key bit m of
// partition p is keys[320p + 319-m] (key byte 0 in [320p+319:320p+312]). Output bit j (counted from the
// MSB) is ^(input & key window j), the window being key bits j..j+IN_BITS-1.
//
// Parameters:
//   PARTITIONS  1..4: how many of the four keys can be asked for (1: the
//            partition inputs are ignored and the key is partition 0's).
//   IN_BITS  input width (264 = the 33-byte NON_L4 input; shorter inputs are
//            zero-padded at the end, which does not change a Toeplitz hash).
//            IN_BITS + 31 <= 320.
//   CHUNKS   the input is consumed over CHUNKS cycles, so the AND/XOR array
//            is CHUNKS times smaller. 1 = fully parallel, one request per
//            cycle. With CHUNKS > 1 requests must be at least CHUNKS cycles
//            apart, and req_data and keys must hold their values for
//            the CHUNKS cycles from req_valid on: the unit reads chunk c of
//            the input and its key window in cycle c after req_valid
//            through one-hot muxes instead of copying them into shift
//            registers (iCE40, 5 chunks: ~160 logic cells less). A request
//            too early and an input that changes are flagged in
//            simulation. (The key comes from the CSR: a key written while a
//            frame is hashed mixes old and new key bits for that frame;
//            frame-exact key changes are written with the pipeline drained,
//            docs/interfaces.md.) req_part may change after req_valid.
//
//   KEY_RAM  1: with CHUNKS = 5, the keys live here, in block RAM (iCE40:
//            4 SB_RAM40_4K instead of 320 flip-flops per partition and the
//            87-bit key-window mux), written and read through the kw_/kr_
//            ports (fs_csr forwards KEY registers there) and the keys input
//            is ignored. The chunk is then 64 bits and the five chunks tile
//            the key: chunk c needs key words 2c, 2c+1 and 2c+2 (bits
//            64c..64c+94). Even words sit in one 32-bit RAM, odd words in
//            another, at {partition, word / 2}; chunk c's cycle reads odd
//            word 2c+1 and even word 2c+2, and word 2c is the even word the
//            previous chunk read (kept in low_reg; for chunk 0 a flip-flop
//            copy of word 0). Host reads use the RAM ports in cycles that do
//            not hash (hashing has priority, so a KEY read waits while
//            frames are hashed back to back). The RAM takes the default key
//            at configuration (as the table RAMs do) and keeps its contents
//            over rst. Ignored (keys in flip-flops) with CHUNKS != 5.
//
// Latency (req_valid in cycle t to hash_valid in cycle t+LATENCY):
//   CHUNKS == 1: 2 (partial XORs registered, then reduced);
//   CHUNKS  > 1: CHUNKS + 2 (chunk c selected in cycle t+c and
//                registered, its partials registered in t+c+1, the last
//                ones reduced into the result).
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
    parameter IN_BITS    = 264,
    parameter CHUNKS     = 1,
    parameter PARTITIONS = 4,
    parameter KEY_RAM    = 0
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               req_valid,
    input  wire [IN_BITS-1:0] req_data,
    input  wire [1:0]         req_part,
    input  wire [4*320-1:0]   keys,          // KEY_RAM = 0 only
    // KEY_RAM = 1: the key words' write port (KEY(kw_part) word kw_word,
    // byte lanes kw_strb) and a host read port (a one-cycle kr_req;
    // kr_ack with kr_data some cycles later). Unused otherwise.
    input  wire               kw_en,
    input  wire [1:0]         kw_part,
    input  wire [3:0]         kw_word,
    input  wire [3:0]         kw_strb,
    input  wire [31:0]        kw_data,
    input  wire               kr_req,
    input  wire [1:0]         kr_part,
    input  wire [3:0]         kr_word,
    output wire               kr_ack,
    output wire [31:0]        kr_data,
    output reg                hash_valid,
    output reg  [31:0]        hash
);
`include "regs.vh"
    // Keys in block RAM need 64-bit chunks that tile the 320-bit key: five
    // of them (IN_BITS <= 320 - 31 as always, and > 256).
    localparam KRAM  = (KEY_RAM != 0) && (CHUNKS == 5) && (IN_BITS > 256);
    localparam GROUP = (CHUNKS == 1) ? 16 : 8;
    // chunk width, a multiple of GROUP
    localparam CW = KRAM ? 64 : GROUP * ((IN_BITS + GROUP*CHUNKS - 1) / (GROUP*CHUNKS));
    localparam NG = CW / GROUP;       // partial groups per output bit and chunk
    localparam PW = CW * CHUNKS;      // padded input width
    localparam KW = PW + 31;          // key bits spanned by the padded input

    // Operand preparation for the chunked unit, called inside its hashing
    // enable (a free-running wire would be recomputed by a simulator on
    // every cycle; the parallel unit needs wires and has its own). The input and
    // key are zero-padded on the right (later SPEC bits) to PW / KW bits; the extensions carry more zero bits than
    // needed so that no replication count can be zero, and the unused low
    // bits are intentional.
    /* verilator lint_off UNUSEDSIGNAL */
    function [PW-1:0] pad_in;
        input [IN_BITS-1:0] d;
        reg [IN_BITS+PW-1:0] ext;
        begin
            ext    = {d, {PW{1'b0}}};
            pad_in = ext[IN_BITS+PW-1 -: PW];
        end
    endfunction
    function [KW-1:0] pad_key;
        input [4*320-1:0] k;
        input [1:0]       p;
        reg [320+KW-1:0] ext;
        begin
            ext     = {k[320*p +: 320], {KW{1'b0}}};
            pad_key = ext[320+KW-1 -: KW];
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // The chunk consumed this cycle and the key bits it needs.
    wire [CW-1:0]    cur_in;
    wire [CW+30:0]   cur_key;
    wire             cur_valid, cur_first, cur_last;

    generate
        if (CHUNKS == 1) begin : g_parallel
            // Plain wires (the function calls would copy all four keys
            // into a temporary on every simulated cycle). The key select is
            // a case on constant, word-aligned slices (a simulator copies
            // ten words; the indexed part-select cost it a shift per word
            // on every cycle), and it follows req_part only in request
            // cycles, the only ones that read it.
            reg [319:0] par_key;
            always @* begin
                par_key = keys[319:0];
                if (PARTITIONS > 1 && req_valid)
                    case (req_part)
                        2'd1:    par_key = keys[639:320];
                        2'd2:    par_key = keys[959:640];
                        2'd3:    par_key = keys[1279:960];
                        default: par_key = keys[319:0];
                    endcase
            end
            /* verilator lint_off UNUSEDSIGNAL */
            wire [IN_BITS+PW-1:0] par_in_ext  = {req_data, {PW{1'b0}}};
            wire [320+KW-1:0]     par_key_ext = {par_key, {KW{1'b0}}};
            /* verilator lint_on UNUSEDSIGNAL */
            assign cur_in    = par_in_ext[IN_BITS+PW-1 -: PW];
            assign cur_key   = par_key_ext[320+KW-1 -: KW];
            assign cur_valid = req_valid;
            assign cur_first = 1'b1;
            assign cur_last  = 1'b1;
        end else begin : g_chunked
            // one-hot phase: chunk c is consumed in cycle t + c; chunk 0
            // in the request cycle itself
            reg  [CHUNKS-2:0] phase_reg;
            wire [CHUNKS-1:0] phase = {phase_reg, req_valid};
            wire              hashing = |phase;
            reg  [1:0]        part_hold_reg;   // the request's partition
            // constant 0 with one partition (no key mux, no flip-flops)
            wire [1:0]        cur_part = (PARTITIONS < 2) ? 2'd0 :
                                         req_valid ? req_part : part_hold_reg;
            always @(posedge clk) begin
                if (rst)
                    phase_reg <= {(CHUNKS-1){1'b0}};
                else
                    phase_reg <= phase[CHUNKS-2:0];
                if (req_valid)
                    part_hold_reg <= req_part;
            end
            // The selected chunk is registered (the one-hot mux and the
            // AND/XOR array would be one long path on an iCE40 otherwise;
            // each mux output packs with its flip-flop), and so is its key
            // window (below). Loaded only in hashing cycles, so a simulator
            // evaluates the muxes about CHUNKS times per frame. AND-OR
            // muxes on the one-hot phase (no priority chain).
            reg [CW-1:0]   in_sel_reg;
            reg            sel_valid_reg, sel_first_reg, sel_last_reg;
            function [CW-1:0] pick_in;
                input [CHUNKS-1:0] ph; input [PW-1:0] v;
                integer c;
                begin
                    pick_in = {CW{1'b0}};
                    for (c = 0; c < CHUNKS; c = c + 1)
                        pick_in = pick_in | ({CW{ph[c]}} & v[PW-1-CW*c -: CW]);
                end
            endfunction
            always @(posedge clk) begin
                if (hashing)
                    in_sel_reg <= pick_in(phase, pad_in(req_data));
                sel_valid_reg <= !rst && hashing;
                sel_first_reg <= phase[0];
                sel_last_reg  <= phase[CHUNKS-1];
            end
            assign cur_in    = in_sel_reg;
            assign cur_valid = sel_valid_reg;
            assign cur_first = sel_first_reg;
            assign cur_last  = sel_last_reg;

            if (KRAM) begin : g_kram
                // Key words: even_mem[{p, i}] = KEY(p) word 2i, odd_mem[{p, i}]
                // = word 2i+1 (i < 5; the rest 0), value as the register reads.
                localparam [319:0] KDEF = `FS_REG_KEY_RESET_ALL;
                // A hash read and a key write of the same word in one cycle
                // read either value (a key written while hashing, see above),
                // so no read-during-write bypass.
                (* no_rw_check, ram_style = "block" *) reg [31:0] even_mem [0:31];
                (* no_rw_check, ram_style = "block" *) reg [31:0] odd_mem  [0:31];
                localparam KP = (PARTITIONS < 1) ? 1 : PARTITIONS;
                reg [32*KP-1:0] word0_flat;     // word 0 of each partition
                integer ii;
                initial begin
                    for (ii = 0; ii < 32; ii = ii + 1) begin
                        even_mem[ii] = (ii % 8 < 5) ? KDEF[319 - 64*(ii % 8) -: 32] : 32'd0;
                        odd_mem[ii]  = (ii % 8 < 5) ? KDEF[287 - 64*(ii % 8) -: 32] : 32'd0;
                    end
                    for (ii = 0; ii < KP; ii = ii + 1)
                        word0_flat[32*ii +: 32] = KDEF[319 -: 32];
                end
                integer lb;
                always @(posedge clk)
                    if (kw_en) begin
                        for (lb = 0; lb < 4; lb = lb + 1)
                            if (kw_strb[lb]) begin
                                if (!kw_word[0])
                                    even_mem[{kw_part, kw_word[3:1]}][8*lb +: 8] <= kw_data[8*lb +: 8];
                                else
                                    odd_mem[{kw_part, kw_word[3:1]}][8*lb +: 8] <= kw_data[8*lb +: 8];
                            end
                        for (ii = 0; ii < KP; ii = ii + 1)
                            for (lb = 0; lb < 4; lb = lb + 1)
                                if (kw_word == 4'd0 && kw_part == ii[1:0] && kw_strb[lb])
                                    word0_flat[32*ii + 8*lb +: 8] <= kw_data[8*lb +: 8];
                    end

                // Read ports: chunk c reads even word 2c+2 and odd word 2c+1;
                // a host read takes a cycle that does not hash.
                wire [2:0] cidx = {phase[4], phase[2] | phase[3], phase[1] | phase[3]};
                reg        kr_pend_reg, kr_ack_reg, kr_odd_reg;
                reg [1:0]  kr_part_reg;
                reg [2:0]  kr_idx_reg;
                reg [31:0] even_q, odd_q;
                wire       host_rd = kr_pend_reg && !hashing;
                // one address per RAM (one read port each)
                wire [4:0] even_ra = hashing ? {cur_part, cidx + 3'd1} : {kr_part_reg, kr_idx_reg};
                wire [4:0] odd_ra  = hashing ? {cur_part, cidx} : {kr_part_reg, kr_idx_reg};
                always @(posedge clk) begin
                    if (hashing || host_rd) begin
                        even_q <= even_mem[even_ra];
                        odd_q  <= odd_mem[odd_ra];
                    end
                    kr_ack_reg <= !rst && host_rd;
                    if (rst)
                        kr_pend_reg <= 1'b0;
                    else if (kr_req)
                        kr_pend_reg <= 1'b1;
                    else if (host_rd)
                        kr_pend_reg <= 1'b0;
                    if (kr_req) begin
                        kr_part_reg <= kr_part;
                        kr_idx_reg  <= kr_word[3:1];
                        kr_odd_reg  <= kr_word[0];
                    end
                end
                assign kr_ack  = kr_ack_reg;
                assign kr_data = kr_odd_reg ? odd_q : even_q;

                // The key word in front of this chunk's two: word 0 for
                // chunk 0, else the even word the previous chunk read.
                reg [31:0] low_reg;
                always @(posedge clk)
                    if (hashing)
                        low_reg <= req_valid ? word0_flat[32*cur_part +: 32] : even_q;
                assign cur_key = {low_reg, odd_q, even_q[31:1]};
                /* verilator lint_off UNUSEDSIGNAL */
                wire unused_keys = ^{keys, even_q[0]};
                /* verilator lint_on UNUSEDSIGNAL */
`ifndef SYNTHESIS
                always @(posedge clk)
                    if (!rst && kr_req && kr_pend_reg)
                        $display("ERROR %m: key read while one is pending at %0t", $time);
`endif
            end else begin : g_kmux
                // The key window of the chunk, from the KEY registers.
                reg [CW+30:0] key_sel_reg;
                function [CW+30:0] pick_key;
                    input [CHUNKS-1:0] ph; input [KW-1:0] v;
                    integer c;
                    begin
                        pick_key = {(CW+31){1'b0}};
                        for (c = 0; c < CHUNKS; c = c + 1)
                            pick_key = pick_key | ({(CW+31){ph[c]}} & v[KW-1-CW*c -: CW+31]);
                    end
                endfunction
                always @(posedge clk)
                    if (hashing)
                        key_sel_reg <= pick_key(phase, pad_key(keys, cur_part));
                assign cur_key = key_sel_reg;
            end
`ifndef SYNTHESIS
            reg [IN_BITS-1:0] held_reg;
            always @(posedge clk) begin
                if (req_valid)
                    held_reg <= req_data;
                if (!rst && req_valid && (|phase_reg))
                    $display("ERROR %m: hash request while busy at %0t", $time);
                if (!rst && (|phase_reg) && req_data !== held_reg)
                    $display("ERROR %m: req_data changed while being hashed at %0t", $time);
            end
`endif
        end
    endgenerate

    // Without the key RAM (g_kram) the key ports are not used.
    generate
        if (!KRAM) begin : g_no_kram
            assign kr_ack  = 1'b0;
            assign kr_data = 32'd0;
            /* verilator lint_off UNUSEDSIGNAL */
            wire unused_kport = ^{kw_en, kw_part, kw_word, kw_strb, kw_data, kr_req, kr_part, kr_word};
            /* verilator lint_on UNUSEDSIGNAL */
        end
    endgenerate

    // Stage 1: GROUP-bit AND/XOR partials, registered. Each partial is
    // computed inside its clock enable so that Verilator evaluates the
    // 32 x NG slices only on cycles that hash a chunk (about one cycle per
    // frame), not on every cycle; the partials are read only behind
    // part_valid_reg, so holding them costs nothing. (One block per
    // partial, with constant slices: a function looping over them is not
    // unrolled by Verilator and runs several times slower.)
    reg [32*NG-1:0] part_reg;
    genvar j, g;
    generate
        for (j = 0; j < 32; j = j + 1) begin : g_out
            for (g = 0; g < NG; g = g + 1) begin : g_grp
                always @(posedge clk)
                    if (cur_valid)
                        part_reg[j*NG + g] <=
                            ^(cur_in[CW-1-GROUP*g -: GROUP] & cur_key[CW+30-GROUP*g-j -: GROUP]);
            end
        end
    endgenerate

    reg part_valid_reg, part_first_reg, part_last_reg;
    always @(posedge clk) begin
        part_first_reg <= cur_first;
        part_last_reg  <= cur_last;
        part_valid_reg <= rst ? 1'b0 : cur_valid;
    end

    // Stage 2: reduce the partials of each output bit and accumulate. The
    // reduction is a function called inside part_valid_reg, not a
    // free-running wire, so a simulator reduces only on the cycles that
    // finish a chunk (synthesis builds the same XOR trees).
    function [31:0] reduce;
        input [32*NG-1:0] parts;
        integer rj;
        for (rj = 0; rj < 32; rj = rj + 1)
            reduce[31-rj] = ^parts[rj*NG +: NG];
    endfunction

    always @(posedge clk) begin
        if (rst) begin
            hash_valid <= 1'b0;
            hash       <= 32'd0;
        end else begin
            hash_valid <= part_valid_reg && part_last_reg;
            if (part_valid_reg)
                hash <= (part_first_reg ? 32'd0 : hash) ^ reduce(part_reg);
        end
    end
endmodule
