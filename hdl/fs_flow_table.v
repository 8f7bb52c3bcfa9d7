// fs_flow_table: the SPEC 5 flow-state table (US 8,218,561 claim 1), the
// hardware twin of host.FlowTable (host/flowstate.go). Bit-exact with it:
//
//   set  = (hash >> 12) mod S;  key = partition ‖ 18-byte hash input
//   hit  : FLOW_STATE with the stored TM; the way becomes most recently used
//   miss : the table TM; the key goes into the lowest-numbered empty way, or,
//          when the set is full, replaces the least recently used way (an
//          eviction); the inserted way becomes most recently used
//   flush: invalidates all entries, or those whose TM == cmd_tm, counting
//          each invalidated entry; ages (LRU order) are left alone
//
// Parameters:
//   SETS_LOG2  S = 2**SETS_LOG2 sets (0..20: the set comes from hash bits
//              12 and up).
//   WAYS       W ways per set, 1..8.
//   TM_BITS    bits of a TM id, 1..8.
//
// Timing. A request (req_valid) may come every cycle; its response appears
// exactly FLOW_LATENCY = 2 cycles later (rsp_valid), in order:
//   cycle 0  the set is read from the block RAMs (registered read)
//   cycle 1  keys compared, victim chosen, LRU ages updated; the way RAM
//            (on a miss) and the LRU RAM are written at the end of the cycle;
//            the response registers load
//   cycle 2  rsp_valid / rsp_hit / rsp_tm
// Back-to-back requests to one set: request N+1 reads the set on the same
// edge as request N writes it, so it would see the old contents; stage 1
// therefore forwards request N's write (one way entry and the set's ages)
// over the RAM data. No stall, one request per cycle.
//
// Flush. cmd_flush_all / cmd_flush_tm are one-cycle pulses; any number may
// come at any time and are merged into a pending set of TMs (plus "all"),
// which is exact because nothing is looked up between them. A request in the
// same cycle as a command is ordered before the flush. busy rises the cycle
// after the command and stays high until the walk has written its last set;
// the pipeline must not assert req_valid while busy. The walk waits for the
// request in stage 1 (if any) to write, then reads one set per cycle and
// writes it back the next: about S + 3 cycles.
//
// Reset (rst, synchronous, active high): the same walk writes every set
// empty with ages 0..W-1 (the model's initial order), busy meanwhile (S + 2
// cycles). Counters reset to zero.
//
// Counters: hits, misses, inserts (= misses), evictions, flushed entries.
// cnt_clear zeroes them; events of the clearing cycle count after the clear.
//
// Storage: one fs_flow_ram per way, word = {valid, partition[1:0],
// key[143:0], tm} (147 + TM_BITS bits, S deep), and one LRU RAM of W ages
// (3 bits each for W > 4) per set.
module fs_flow_table #(
    parameter SETS_LOG2 = 10,
    parameter WAYS      = 4,
    parameter TM_BITS   = 8
) (
    input  wire               clk,
    input  wire               rst,
    input  wire               req_valid,
    input  wire               req_apply,
    input  wire [1:0]         req_partition,
    input  wire [143:0]       req_key,
    input  wire [31:0]        req_hash,
    input  wire [TM_BITS-1:0] req_tm,
    output reg                rsp_valid,
    output reg                rsp_hit,
    output reg  [TM_BITS-1:0] rsp_tm,
    input  wire               cmd_flush_all,
    input  wire               cmd_flush_tm,
    input  wire [7:0]         cmd_tm,
    output wire               busy,
    output reg  [31:0]        cnt_hits,
    output reg  [31:0]        cnt_misses,
    output reg  [31:0]        cnt_inserts,
    output reg  [31:0]        cnt_evictions,
    output reg  [31:0]        cnt_flushed,
    input  wire               cnt_clear
);
    // req_valid -> rsp_valid, cycles. Documentation for the integrator (a
    // localparam cannot be read from outside), hence unused here.
    /* verilator lint_off UNUSEDPARAM */
    localparam FLOW_LATENCY = 2;
    /* verilator lint_on UNUSEDPARAM */

    localparam KEY_BITS = 146;                       // partition ‖ 18 bytes
    localparam ENT_BITS = 1 + KEY_BITS + TM_BITS;    // {valid, key, tm}
    localparam AB       = (WAYS <= 2) ? 1 : (WAYS <= 4) ? 2 : 3; // age bits
    localparam AGES     = WAYS * AB;
    localparam SB       = (SETS_LOG2 < 1) ? 1 : SETS_LOG2;       // set index bits
    localparam NTM      = 1 << TM_BITS;
    localparam [SB-1:0] LAST_SET = (1 << SETS_LOG2) - 1;
    localparam integer  OLDEST_I = WAYS - 1;
    localparam [AB-1:0] OLDEST   = OLDEST_I[AB-1:0];

    // ---------------------------------------------------------------- state
    // Stage 1: the request whose set is coming out of the RAMs.
    reg                s1_valid_reg, s1_apply_reg;
    reg [SB-1:0]       s1_set_reg;
    reg [KEY_BITS-1:0] s1_key_reg;
    reg [TM_BITS-1:0]  s1_tm_reg;

    // The write stage 1 did on the last edge, for forwarding.
    reg                wb_valid_reg;
    reg [SB-1:0]       wb_set_reg;
    reg [WAYS-1:0]     wb_way_reg;     // one-hot way written (zero on a hit)
    reg [ENT_BITS-1:0] wb_entry_reg;
    reg [AGES-1:0]     wb_ages_reg;

    // Walk (reset clear and flush): read side and write side.
    reg                walk_active_reg, walk_init_reg;
    reg [SB-1:0]       walk_set_reg;
    reg                walk_all_reg;
    reg [NTM-1:0]      walk_mask_reg;
    reg                f1_valid_reg, f1_init_reg;
    reg [SB-1:0]       f1_set_reg;
    reg                pend_all_reg;
    reg [NTM-1:0]      pend_mask_reg;

    // ----------------------------------------------------------------- RAMs
    wire [SB-1:0] req_set  = (SETS_LOG2 == 0) ? {SB{1'b0}} : req_hash[12 +: SB];
    wire [SB-1:0] rd_addr  = walk_active_reg ? walk_set_reg : req_set;
    // The RAMs are read only for a request entering stage 1 or a walk step
    // (the only cycles whose read data anything uses).
    wire          rd_en    = req_valid || walk_active_reg;

    wire [WAYS*ENT_BITS-1:0] way_rd_flat;
    wire [AGES-1:0]          lru_rd;
    reg  [WAYS-1:0]          way_we;
    reg  [SB-1:0]            wr_addr;
    reg  [WAYS*ENT_BITS-1:0] way_wd_flat;
    reg                      lru_we;
    reg  [AGES-1:0]          lru_wd;

    genvar g;
    generate
        for (g = 0; g < WAYS; g = g + 1) begin : g_way
            fs_flow_ram #(.ADDR_BITS(SETS_LOG2), .WIDTH(ENT_BITS)) u_way (
                .clk(clk), .we(way_we[g]), .waddr(wr_addr),
                .wdata(way_wd_flat[g*ENT_BITS +: ENT_BITS]),
                .re(rd_en), .raddr(rd_addr), .rdata(way_rd_flat[g*ENT_BITS +: ENT_BITS]));
        end
    endgenerate

    fs_flow_ram #(.ADDR_BITS(SETS_LOG2), .WIDTH(AGES)) u_lru (
        .clk(clk), .we(lru_we), .waddr(wr_addr), .wdata(lru_wd),
        .re(rd_en), .raddr(rd_addr), .rdata(lru_rd));

    // Initial ages 0..W-1, the model's order after NewFlowTable.
    wire [AGES-1:0] init_ages;
    generate
        for (g = 0; g < WAYS; g = g + 1) begin : g_init
            localparam integer AGE_I = g;
            assign init_ages[g*AB +: AB] = AGE_I[AB-1:0];
        end
    endgenerate

    // ------------------------------------------------- stage 1: the lookup
    // The set as the model sees it: RAM data with last edge's write forwarded.
    wire fwd = wb_valid_reg && (wb_set_reg == s1_set_reg);
    wire [AGES-1:0] ages = fwd ? wb_ages_reg : lru_rd;

    // Stage 1's combinational work (four key compares, the victim, the new
    // ages) only matters in a cycle with a request in stage 1 (apply_now
    // gates every use), so it is computed behind s1_valid_reg: a simulator
    // then skips it on the other cycles, nearly all of them.
    reg  [WAYS-1:0]          ent_valid, match, lru_way;
    reg  [WAYS*TM_BITS-1:0]  ent_tm_flat;
    reg  [ENT_BITS-1:0]      ent;
    integer cw;
    always @* begin
        ent_valid   = {WAYS{1'b0}};
        match       = {WAYS{1'b0}};
        lru_way     = {WAYS{1'b0}};
        ent_tm_flat = {WAYS*TM_BITS{1'b0}};
        ent         = {ENT_BITS{1'b0}};
        if (s1_valid_reg)
            for (cw = 0; cw < WAYS; cw = cw + 1) begin
                ent = (fwd && wb_way_reg[cw]) ? wb_entry_reg : way_rd_flat[cw*ENT_BITS +: ENT_BITS];
                ent_valid[cw] = ent[ENT_BITS-1];
                match[cw]     = ent[ENT_BITS-1] && (ent[TM_BITS +: KEY_BITS] == s1_key_reg);
                ent_tm_flat[cw*TM_BITS +: TM_BITS] = ent[TM_BITS-1:0];
                lru_way[cw]   = (ages[cw*AB +: AB] == OLDEST);
            end
    end

    wire            hit       = |match;
    wire [WAYS-1:0] empty     = ~ent_valid;
    wire            full      = ~|empty;
    wire [WAYS-1:0] first_empty = empty & (~empty + {{WAYS-1{1'b0}}, 1'b1}); // lowest set bit
    wire [WAYS-1:0] victim    = full ? lru_way : first_empty;
    wire [WAYS-1:0] touched   = hit ? match : victim;
    wire            apply_now = s1_valid_reg && s1_apply_reg;

    reg [AB-1:0]      touched_age;
    reg [TM_BITS-1:0] hit_tm;
    reg [AGES-1:0]    new_ages;
    integer w;
    always @* begin
        touched_age = {AB{1'b0}};
        hit_tm      = {TM_BITS{1'b0}};
        new_ages    = ages;
        if (s1_valid_reg) begin
            for (w = 0; w < WAYS; w = w + 1) begin
                touched_age = touched_age | ({AB{touched[w]}} & ages[w*AB +: AB]);
                hit_tm      = hit_tm | ({TM_BITS{match[w]}} & ent_tm_flat[w*TM_BITS +: TM_BITS]);
            end
            // touch: every way younger than the touched one ages by one, the
            // touched way becomes 0 (most recently used).
            for (w = 0; w < WAYS; w = w + 1) begin
                if (touched[w])
                    new_ages[w*AB +: AB] = {AB{1'b0}};
                else if (ages[w*AB +: AB] < touched_age)
                    new_ages[w*AB +: AB] = ages[w*AB +: AB] + {{AB-1{1'b0}}, 1'b1};
            end
        end
    end

    wire [ENT_BITS-1:0] ins_entry = {1'b1, s1_key_reg, s1_tm_reg};
    wire [WAYS-1:0]     ins_way   = (apply_now && !hit) ? victim : {WAYS{1'b0}};

    // --------------------------------------------- walk: write-back side
    reg [WAYS-1:0] clear_way;
    reg [3:0]      clear_count;
    always @* begin
        clear_count = 4'd0;
        clear_way   = {WAYS{1'b0}};
        if (f1_valid_reg)       // used only while the walk writes back
            for (w = 0; w < WAYS; w = w + 1) begin
                clear_way[w] = way_rd_flat[w*ENT_BITS + ENT_BITS - 1] &&
                               (walk_all_reg || walk_mask_reg[way_rd_flat[w*ENT_BITS +: TM_BITS]]);
                clear_count  = clear_count + {3'd0, clear_way[w]};
            end
    end

    // RAM write ports: the walk owns them while it runs (no request can be
    // in stage 1 then), else stage 1 does.
    always @* begin
        if (f1_valid_reg) begin
            wr_addr = f1_set_reg;
            lru_we  = f1_init_reg;
            lru_wd  = init_ages;
            way_we  = f1_init_reg ? {WAYS{1'b1}} : clear_way;
            for (w = 0; w < WAYS; w = w + 1)
                way_wd_flat[w*ENT_BITS +: ENT_BITS] = f1_init_reg ? {ENT_BITS{1'b0}}
                    : {1'b0, way_rd_flat[w*ENT_BITS +: ENT_BITS-1]};
        end else begin
            wr_addr = s1_set_reg;
            lru_we  = apply_now;
            lru_wd  = new_ages;
            way_we  = ins_way;
            way_wd_flat = {WAYS{ins_entry}};
        end
    end

    // ---------------------------------------------------------- commands
    // A flush-one-TM command sets its TM's bit in pend_mask_reg (only in the
    // command's cycle: the 2**TM_BITS-bit mask is not rebuilt every cycle);
    // pend_tm_reg says whether any bit is set, so no cycle needs the wide OR.
    wire           cmd_tm_fits = (cmd_tm >> TM_BITS) == 8'd0;
    wire           cmd_tm_set  = cmd_flush_tm && cmd_tm_fits;
    reg            pend_tm_reg;
    wire           pend_any    = pend_all_reg || pend_tm_reg;
    wire           walk_start  = pend_any && !walk_active_reg && !f1_valid_reg && !s1_valid_reg;

    assign busy = walk_active_reg || f1_valid_reg || pend_any;

    // ---------------------------------------------------------- registers
    always @(posedge clk) begin
        // stage 0 -> 1
        // (payload registers load only with a request: they are read only
        // behind their valid bits)
        s1_valid_reg <= !rst && req_valid;
        if (req_valid) begin
            s1_apply_reg <= req_apply;
            s1_set_reg   <= req_set;
            s1_key_reg   <= {req_partition, req_key};
            s1_tm_reg    <= req_tm;
        end

        // stage 1 -> forwarding registers
        wb_valid_reg <= !rst && apply_now;
        if (apply_now) begin
            wb_set_reg   <= s1_set_reg;
            wb_way_reg   <= ins_way;
            wb_entry_reg <= ins_entry;
            wb_ages_reg  <= new_ages;
        end

        // stage 1 -> response
        rsp_valid <= !rst && s1_valid_reg;
        rsp_hit   <= apply_now && hit;
        rsp_tm    <= (apply_now && hit) ? hit_tm : s1_tm_reg;

        // walk
        f1_valid_reg <= !rst && walk_active_reg;
        f1_set_reg   <= walk_set_reg;
        f1_init_reg  <= walk_init_reg;
        if (rst) begin
            walk_active_reg <= 1'b1;
            walk_init_reg   <= 1'b1;
            walk_set_reg    <= {SB{1'b0}};
            walk_all_reg    <= 1'b0;
            walk_mask_reg   <= {NTM{1'b0}};
            pend_all_reg    <= 1'b0;
            pend_tm_reg     <= 1'b0;
            pend_mask_reg   <= {NTM{1'b0}};
        end else begin
            if (walk_start) begin
                walk_active_reg <= 1'b1;
                walk_init_reg   <= 1'b0;
                walk_set_reg    <= {SB{1'b0}};
                walk_all_reg    <= pend_all_reg;
                walk_mask_reg   <= pend_mask_reg;
                pend_all_reg    <= cmd_flush_all;
                pend_tm_reg     <= cmd_tm_set;
                pend_mask_reg   <= {NTM{1'b0}};
                if (cmd_tm_set)
                    pend_mask_reg[cmd_tm[TM_BITS-1:0]] <= 1'b1;
            end else begin
                if (walk_active_reg) begin
                    if (walk_set_reg == LAST_SET)
                        walk_active_reg <= 1'b0;
                    walk_set_reg <= walk_set_reg + {{SB-1{1'b0}}, 1'b1};
                end
                if (cmd_flush_all)
                    pend_all_reg <= 1'b1;
                if (cmd_tm_set) begin
                    pend_tm_reg <= 1'b1;
                    pend_mask_reg[cmd_tm[TM_BITS-1:0]] <= 1'b1;
                end
            end
        end

        // counters
        if (rst) begin
            cnt_hits      <= 32'd0;
            cnt_misses    <= 32'd0;
            cnt_inserts   <= 32'd0;
            cnt_evictions <= 32'd0;
            cnt_flushed   <= 32'd0;
        end else if (cnt_clear || apply_now || f1_valid_reg) begin
            // (only in cycles that can change one: a lookup, a walk step,
            // a clear)
            cnt_hits      <= (cnt_clear ? 32'd0 : cnt_hits)      + {31'd0, apply_now && hit};
            cnt_misses    <= (cnt_clear ? 32'd0 : cnt_misses)    + {31'd0, apply_now && !hit};
            cnt_inserts   <= (cnt_clear ? 32'd0 : cnt_inserts)   + {31'd0, apply_now && !hit};
            cnt_evictions <= (cnt_clear ? 32'd0 : cnt_evictions) + {31'd0, apply_now && !hit && full};
            cnt_flushed   <= (cnt_clear ? 32'd0 : cnt_flushed)
                           + ((f1_valid_reg && !f1_init_reg) ? {28'd0, clear_count} : 32'd0);
        end
    end

    // The set is hash bits 12 and up; the rest of the hash is the pipeline's.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = ^req_hash;
    /* verilator lint_on UNUSEDSIGNAL */
endmodule
