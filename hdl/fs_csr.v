// fs_csr: the AXI4-Lite register block of docs/interfaces.md (addresses from
// the generated regs.vh).
//
// Parameters (reported in CAPS, and bounding what exists):
//   PARTITIONS, TM_BITS, FLOW_ENABLE, FLOW_SETS_LOG2, FLOW_WAYS: as in
//   flowsteer_top. Registers of partitions >= PARTITIONS (EQTM, KEY, table
//   windows with TABLE_SEL >= PARTITIONS) read 0 and ignore writes. With
//   PARTITIONS = 1 the RULE registers read 0 and ignore writes too: a rule
//   there names partition 0 (the default) or one that does not exist (never
//   matches), so no rule can change a decision, and 160 flip-flops (iCE40
//   logic cells) would hold nothing that matters. With
//   FLOW_ENABLE = 0, CAPS reports 0 sets/ways, CTRL.FLOW_EN reads 0 and
//   FLOW_CMD does nothing.
//
//   KEYS_EXT: 1 when fs_toeplitz keeps the keys in block RAM (KEY_RAM
//   with HASH_CHUNKS = 5): no key flip-flops here; KEY writes are forwarded
//   (key_wr_*) and KEY reads wait for the RAM's answer (key_rd_*), which
//   comes in a cycle that does not hash.
//
// Bus behaviour:
//   - AW and W are accepted independently (either order, or together); the
//     write is done once both are held, then B. One write at a time.
//   - Reads take 3 cycles from AR to R for registers (address decode and
//     data mux are pipelined), longer for table windows (the read waits for
//     a free table read port: lookups have priority).
//   - Unmapped addresses read 0; every response is OKAY.
//   - wstrb is honoured byte by byte for RW registers; command registers
//     (COMMIT, FLOW_CMD, COUNTER_CLEAR) and table windows take the whole word.
//   - A COMMIT or TABLE_SHADOW write waits (no B yet) while a commit is
//     pending (STATUS[8]): the old bank is still being read by frames tagged
//     with it. Pending clears within the pipeline latency once those frames'
//     beats are in.
//   - A FLOW_CMD write waits (no B yet) while flow_cmd_hold is high: the
//     previous flow command still waits for the frames accepted before it.
module fs_csr #(
    parameter PARTITIONS     = 4,
    parameter TM_BITS        = 8,
    parameter FLOW_ENABLE    = 1,
    parameter FLOW_SETS_LOG2 = 10,
    parameter FLOW_WAYS      = 4,
    parameter KEYS_EXT       = 0
) (
    input  wire         clk,
    input  wire         rst,
    // AXI4-Lite slave
    input  wire [15:0]  s_axil_awaddr,
    input  wire         s_axil_awvalid,
    output wire         s_axil_awready,
    input  wire [31:0]  s_axil_wdata,
    input  wire [3:0]   s_axil_wstrb,
    input  wire         s_axil_wvalid,
    output wire         s_axil_wready,
    output wire [1:0]   s_axil_bresp,
    output reg          s_axil_bvalid,
    input  wire         s_axil_bready,
    input  wire [15:0]  s_axil_araddr,
    input  wire         s_axil_arvalid,
    output wire         s_axil_arready,
    output reg  [31:0]  s_axil_rdata,
    output wire [1:0]   s_axil_rresp,
    output reg          s_axil_rvalid,
    input  wire         s_axil_rready,
    // configuration
    output wire         cfg_promisc,
    output wire         cfg_flow_en,
    output wire [4*48-1:0] cfg_mac,        // MAC i in [48i+47:48i], byte 0 on top
    output wire [3:0]   cfg_mac_valid,
    output wire [8*20-1:0] cfg_rules,      // {proto, partition, port} per rule
    output wire [4*8-1:0]  cfg_eqtm,
    output wire [4*320-1:0] cfg_keys,      // key p in [320p+319:320p], byte 0 on top
    // KEYS_EXT = 1: the keys live outside (fs_toeplitz's block RAM); KEY
    // writes go out on key_wr_* (one cycle, byte lanes) and reads are asked
    // for with a one-cycle key_rd_req and answered by key_rd_ack/data.
    output wire         key_wr_en,
    output wire [1:0]   key_wr_part,
    output wire [3:0]   key_wr_word,
    output wire [3:0]   key_wr_strb,
    output wire [31:0]  key_wr_data,
    output reg          key_rd_req,
    output wire [1:0]   key_rd_part,
    output wire [3:0]   key_rd_word,
    input  wire         key_rd_ack,
    input  wire [31:0]  key_rd_data,
    // commands
    output reg          commit_valid,
    output reg  [3:0]   commit_mask,
    output reg          flow_cmd_valid,
    output reg  [31:0]  flow_cmd_data,
    output reg          counter_clear,
    // status
    input  wire [3:0]   status_bank,
    input  wire         status_pending,
    input  wire         status_busy,
    input  wire         flow_cmd_hold,
    // fs_counters host read port: index (0 frames, 1..4 actions, 5..14
    // reasons, 15 none), data the next cycle
    output wire [3:0]   cnt_rd_idx,
    input  wire [31:0]  cnt_rd_data,
    input  wire [5*32-1:0]  flow_cnt_flat, // hits, misses, inserts, evictions, flushes
    // table windows: a one-cycle tbl_req, answered by tbl_ack (with tbl_rdata
    // for reads) some cycles later
    output reg          tbl_req,
    output reg          tbl_we,
    output reg          tbl_active,
    output reg  [1:0]   tbl_part,
    output reg  [11:0]  tbl_index,
    output reg  [7:0]   tbl_wdata,
    input  wire         tbl_ack,
    input  wire [7:0]   tbl_rdata
);
`include "regs.vh"

    localparam [31:0] CAPS_VALUE = {8'd0,
        (FLOW_ENABLE != 0) ? FLOW_WAYS[7:0] : 8'd0,
        (FLOW_ENABLE != 0) ? FLOW_SETS_LOG2[3:0] : 4'd0,
        3'd0, (FLOW_ENABLE != 0),
        TM_BITS[3:0], 1'b0, PARTITIONS[2:0]};
    localparam [319:0] KEY_RESET = `FS_REG_KEY_RESET_ALL;

`ifndef SYNTHESIS
    initial
        if ((`FS_REG_MAC_LO & 16'h001F) != 0 || (`FS_REG_RULE & 16'h001F) != 0 ||
            (`FS_REG_EQTM & 16'h000F) != 0 || (`FS_REG_KEY & 16'h00FF) != 0 ||
            (`FS_REG_CNT_FRAMES & 16'h00FF) != 0)
            $display("ERROR %m: regs.vh regions are no longer aligned; fix the address decode");
`endif

    assign s_axil_bresp = 2'b00;
    assign s_axil_rresp = 2'b00;

    // ------------------------------------------------------------------
    // Registers
    // ------------------------------------------------------------------
    // Register storage. Every RW register is written byte by byte (one
    // enable per byte lane, data straight from the bus), so a register bit
    // costs a flip-flop and no mask logic. Only partitions < PARTITIONS have
    // key and EQTM registers; the others are constants (never read).
    reg [31:0]  scratch_reg;
    reg         promisc_reg, flow_en_reg;
    reg [1:0]   table_sel_reg;
    reg [4*32-1:0] mac_lo_flat;        // MAC_LO(i) in [32i+31:32i]
    reg [4*17-1:0] mac_hi_flat;        // {valid, bytes 0..1} of MAC_HI(i)
    reg [8*20-1:0] rule_flat;          // {proto, partition, port} of RULE(i)
    wire [4*8-1:0]   eqtm_flat;
    wire [4*320-1:0] keys_flat;

    assign cfg_promisc = promisc_reg;
    assign cfg_flow_en = flow_en_reg;
    assign cfg_eqtm    = eqtm_flat;
    assign cfg_keys    = keys_flat;
    assign cfg_rules   = rule_flat;
    genvar gi;
    generate
        for (gi = 0; gi < 4; gi = gi + 1) begin : g_mac
            assign cfg_mac[48*gi +: 48]  = {mac_hi_flat[17*gi +: 16], mac_lo_flat[32*gi +: 32]};
            assign cfg_mac_valid[gi]     = mac_hi_flat[17*gi + 16];
        end
    endgenerate

    // ------------------------------------------------------------------
    // Address decode (shared by reads and writes)
    // ------------------------------------------------------------------
    // Every array region is aligned to its size (regs.yaml: MAC 0x40/0x20,
    // RULE 0x60/0x20, EQTM 0x80/0x10, KEY 0x100/0x100), so membership is a
    // compare of the upper address bits (no subtractor) and the index
    // within the region is read straight from the address's low bits.
    function in_rgn;      // a in [b, b + size), size a power of two, b aligned
        input [15:0] a, b, size;
        in_rgn = ((a & ~(size - 16'd1)) == b) && (a[1:0] == 2'b00);
    endfunction

    // ------------------------------------------------------------------
    // Write channel
    // ------------------------------------------------------------------
    reg        aw_held_reg, w_held_reg;
    reg [15:0] aw_addr_reg;
    reg [31:0] w_data_reg;
    reg [3:0]  w_strb_reg;
    reg        wr_wait_reg;            // table write issued, waiting for ack
    reg        tbl_busy_reg;           // a table access is in flight (one at a time)

    assign s_axil_awready = !aw_held_reg;
    assign s_axil_wready  = !w_held_reg;

    wire [15:0] wa = aw_addr_reg;
    // Region decodes of the write address, registered with it (the
    // byte-lane enables are then a couple of gates from flip-flops).
    reg w_is_mac, w_is_rule, w_is_eqtm, w_is_key, w_is_active, w_is_scratch;
    wire w_tbl_ok    = {14'd0, table_sel_reg} < PARTITIONS[15:0];

    // The decodes that gate the write itself (wr_go enables every register
    // byte lane) are registered with the address, so that wr_go is a couple
    // of gates from flip-flops (iCE40 timing).
    reg aw_waits_commit_reg;           // COMMIT or TABLE_SHADOW
    reg aw_flow_cmd_reg, aw_table_reg;
    wire wr_both   = aw_held_reg && w_held_reg && !s_axil_bvalid && !wr_wait_reg;
    // COMMIT and shadow writes wait while a commit is pending.
    wire wr_stall  = (status_pending && aw_waits_commit_reg) ||
                     (flow_cmd_hold && aw_flow_cmd_reg) ||
                     (aw_table_reg && w_tbl_ok && tbl_busy_reg);
    wire wr_go     = wr_both && !wr_stall;
    wire wr_to_tbl = wr_go && aw_table_reg && w_tbl_ok;
    // The byte-lane registers below are written one cycle after wr_go, from
    // lane_wr_reg: the address and data registers still hold this write
    // then (a new AW/W is taken at the earliest in that same cycle, so it
    // lands a cycle later), and wr_go's stall logic is not in the path to
    // the ~150 byte-lane enables (iCE40 timing). B is visible from the cycle
    // before the lanes are written; a read issued on seeing it is decoded
    // a cycle later, so it sees the new value.
    reg lane_wr_reg;

    always @(posedge clk) begin
        commit_valid   <= 1'b0;
        flow_cmd_valid <= 1'b0;
        counter_clear  <= 1'b0;
        lane_wr_reg    <= !rst && wr_go && !wr_to_tbl;
        if (rst) begin
            aw_held_reg   <= 1'b0;
            w_held_reg    <= 1'b0;
            wr_wait_reg   <= 1'b0;
            s_axil_bvalid <= 1'b0;
            promisc_reg   <= 1'b1;
            flow_en_reg   <= 1'b0;
            table_sel_reg <= 2'd0;
            commit_mask   <= 4'd0;
            flow_cmd_data <= 32'd0;
        end else begin
            if (s_axil_awvalid && !aw_held_reg) begin
                aw_held_reg <= 1'b1;
                aw_addr_reg <= s_axil_awaddr;
                w_is_mac     <= in_rgn(s_axil_awaddr, `FS_REG_MAC_LO, 16'h0020);
                w_is_rule    <= in_rgn(s_axil_awaddr, `FS_REG_RULE, 16'h0020);
                w_is_eqtm    <= in_rgn(s_axil_awaddr, `FS_REG_EQTM, 16'h0010);
                w_is_key     <= in_rgn(s_axil_awaddr, `FS_REG_KEY, 16'h0100);
                w_is_active  <= (s_axil_awaddr & 16'hC000) == `FS_REG_TABLE_ACTIVE;
                w_is_scratch <= s_axil_awaddr == `FS_REG_SCRATCH;
                aw_waits_commit_reg <= s_axil_awaddr == `FS_REG_COMMIT ||
                                       (s_axil_awaddr & 16'hC000) == `FS_REG_TABLE_SHADOW;
                aw_flow_cmd_reg <= s_axil_awaddr == `FS_REG_FLOW_CMD;
                aw_table_reg    <= (s_axil_awaddr & 16'hC000) == `FS_REG_TABLE_SHADOW ||
                                   (s_axil_awaddr & 16'hC000) == `FS_REG_TABLE_ACTIVE;
            end
            if (s_axil_wvalid && !w_held_reg) begin
                w_held_reg <= 1'b1;
                w_data_reg <= s_axil_wdata;
                w_strb_reg <= s_axil_wstrb;
            end
            if (s_axil_bvalid && s_axil_bready)
                s_axil_bvalid <= 1'b0;

            if (wr_wait_reg && tbl_ack) begin
                wr_wait_reg   <= 1'b0;
                s_axil_bvalid <= 1'b1;
                aw_held_reg   <= 1'b0;
                w_held_reg    <= 1'b0;
            end

            if (wr_go) begin
                if (wr_to_tbl) begin
                    wr_wait_reg <= 1'b1;
                end else begin
                    s_axil_bvalid <= 1'b1;
                    aw_held_reg   <= 1'b0;
                    w_held_reg    <= 1'b0;
                end
                if (wa == `FS_REG_CTRL && w_strb_reg[0]) begin
                    promisc_reg <= w_data_reg[0];
                    flow_en_reg <= w_data_reg[1] && (FLOW_ENABLE != 0);
                end
                if (wa == `FS_REG_COMMIT) begin
                    commit_valid <= 1'b1;
                    commit_mask  <= w_data_reg[3:0];
                end
                if (wa == `FS_REG_FLOW_CMD && FLOW_ENABLE != 0) begin
                    flow_cmd_valid <= 1'b1;
                    flow_cmd_data  <= w_data_reg;
                end
                if (wa == `FS_REG_COUNTER_CLEAR && w_data_reg[0])
                    counter_clear <= 1'b1;
                if (wa == `FS_REG_TABLE_SEL && w_strb_reg[0])
                    table_sel_reg <= w_data_reg[1:0];
            end
        end
    end

    // Byte-lane writes of the RW registers: one enable per byte lane (data
    // straight from the bus, so a register bit costs a flip-flop and no mask
    // logic). All of them sit in one process behind lane_wr_reg, so a simulator
    // skips the whole block on the cycles without a register write (nearly
    // all of them); synthesis sees the same per-byte enables.
    // Only partitions < PARTITIONS have key and EQTM registers; the others
    // are constants (never read).
    localparam KP = (PARTITIONS < 1) ? 1 : PARTITIONS;
    reg [8*KP-1:0]   eqtm_reg;
    reg [320*KP-1:0] keys_reg;
    integer li, lb, lp, lw;
    always @(posedge clk) begin
        if (rst) begin
            scratch_reg <= 32'd0;
            mac_lo_flat <= {4*32{1'b0}};
            mac_hi_flat <= {4*17{1'b0}};
            rule_flat   <= {8*20{1'b0}};
            eqtm_reg    <= {8*KP{1'b0}};
            keys_reg    <= {KP{KEY_RESET}};
        end else if (lane_wr_reg) begin
            for (lb = 0; lb < 4; lb = lb + 1)
                if (w_strb_reg[lb] && w_is_scratch)
                    scratch_reg[8*lb +: 8] <= w_data_reg[8*lb +: 8];
            // MAC_LO(i) bytes 0..3; MAC_HI(i) bytes 0..1 and the valid bit 31
            for (li = 0; li < 4; li = li + 1)
                if (w_is_mac && wa[4:3] == li[1:0]) begin
                    for (lb = 0; lb < 4; lb = lb + 1)
                        if (w_strb_reg[lb] && !wa[2])
                            mac_lo_flat[32*li + 8*lb +: 8] <= w_data_reg[8*lb +: 8];
                    for (lb = 0; lb < 2; lb = lb + 1)
                        if (w_strb_reg[lb] && wa[2])
                            mac_hi_flat[17*li + 8*lb +: 8] <= w_data_reg[8*lb +: 8];
                    if (w_strb_reg[3] && wa[2])
                        mac_hi_flat[17*li + 16] <= w_data_reg[31];
                end
            // RULE(i) register bits [21:20] proto, [17:16] partition, [15:0]
            // port; [19:18] do not exist (read 0).
            for (li = 0; li < 8; li = li + 1)
                if (PARTITIONS > 1 && w_is_rule && wa[4:2] == li[2:0]) begin
                    for (lb = 0; lb < 2; lb = lb + 1)
                        if (w_strb_reg[lb])
                            rule_flat[20*li + 8*lb +: 8] <= w_data_reg[8*lb +: 8];
                    if (w_strb_reg[2])
                        rule_flat[20*li + 16 +: 4] <= {w_data_reg[21:20], w_data_reg[17:16]};
                end
            // EQTM(p); KEY(p) word w sits at bit 320p + 32(9-w)
            for (lp = 0; lp < KP; lp = lp + 1) begin
                if (w_strb_reg[0] && w_is_eqtm && wa[3:2] == lp[1:0])
                    eqtm_reg[8*lp +: 8] <= w_data_reg[7:0];
                for (lw = 0; lw < 10; lw = lw + 1)
                    if (KEYS_EXT == 0 && w_is_key && wa[7:6] == lp[1:0] && wa[5:2] == lw[3:0])
                        for (lb = 0; lb < 4; lb = lb + 1)
                            if (w_strb_reg[lb])
                                keys_reg[320*lp + 32*(9-lw) + 8*lb +: 8] <= w_data_reg[8*lb +: 8];
            end
        end
    end
    generate
        if (PARTITIONS < 4) begin : g_const_parts
            assign eqtm_flat = {{8*(4-PARTITIONS){1'b0}}, eqtm_reg};
            assign keys_flat = {{(4-PARTITIONS){KEY_RESET}}, keys_reg};
        end else begin : g_all_parts
            assign eqtm_flat = eqtm_reg;
            assign keys_flat = keys_reg;
        end
    endgenerate

    // KEY writes to the external key RAM: the same cycle and byte lanes as
    // the register writes above (words >= 10 and partitions >= PARTITIONS
    // do not exist).
    assign key_wr_en   = (KEYS_EXT != 0) && lane_wr_reg && w_is_key &&
                         {1'b0, wa[7:6]} < PARTITIONS[2:0] && wa[5:2] < 4'd10;
    assign key_wr_part = wa[7:6];
    assign key_wr_word = wa[5:2];
    assign key_wr_strb = w_strb_reg;
    assign key_wr_data = w_data_reg;

    // ------------------------------------------------------------------
    // Read channel: AR -> RD1 (decode, per-group mux, registered) -> R
    // ------------------------------------------------------------------
    localparam RD_IDLE = 2'd0, RD_DEC = 2'd1, RD_MUX = 2'd2, RD_TBL = 2'd3;
    reg [1:0]  rd_state_reg;
    reg [15:0] ar_addr_reg;
    reg [31:0] grp0_reg, grp1_reg, grp2_reg, grp3_reg, grp4_reg;  // per-group read data

    assign s_axil_arready = (rd_state_reg == RD_IDLE) && !s_axil_rvalid;

    wire [15:0] ra = ar_addr_reg;
    // Word selects, decoded from the AR address as it is captured and
    // registered one-hot (the RD_DEC muxes are then plain AND-ORs of
    // flip-flops and data, iCE40 timing): scalar registers, MAC_LO/HI(i),
    // RULE(i), EQTM(p), KEY(p) word w, CNT_FLOW_*(k). Words that do not
    // exist (partitions >= PARTITIONS, key words >= 10) have no select and
    // read 0.
    localparam NSC = 7;
    reg [NSC-1:0]   r_sc_oh;
    reg [7:0]       r_mac_oh;           // {MAC_HI(i), MAC_LO(i)} at [2i+1], [2i]
    reg [7:0]       r_rule_oh;
    reg [3:0]       r_eqtm_oh;
    reg [10*KP-1:0] r_key_oh;           // KEY(p) word w at [10p + w]
    reg [4:0]       r_fcnt_oh;
    reg r_is_table;
    localparam [15:0] CA_FRAMES = `FS_REG_CNT_FRAMES;
    localparam [15:0] CA_ACTION = `FS_REG_CNT_ACTION;
    localparam [15:0] CA_REASON = `FS_REG_CNT_REASON;
    localparam [15:0] CA_FLOW   = `FS_REG_CNT_FLOW_HITS;
    function [NSC-1:0] scalar_oh;
        input [15:0] a;
        scalar_oh = {a == `FS_REG_TABLE_SEL, a == `FS_REG_STATUS, a == `FS_REG_CTRL,
                     a == `FS_REG_SCRATCH, a == `FS_REG_CAPS, a == `FS_REG_VERSION, a == `FS_REG_ID};
    endfunction
    integer k, kw;
    always @(posedge clk)
        if (rd_state_reg == RD_IDLE && s_axil_arvalid && !s_axil_rvalid) begin
            r_sc_oh <= scalar_oh(s_axil_araddr);
            for (k = 0; k < 4; k = k + 1) begin
                r_mac_oh[2*k]   <= in_rgn(s_axil_araddr, `FS_REG_MAC_LO, 16'h0020) &&
                                   s_axil_araddr[4:3] == k[1:0] && !s_axil_araddr[2];
                r_mac_oh[2*k+1] <= in_rgn(s_axil_araddr, `FS_REG_MAC_LO, 16'h0020) &&
                                   s_axil_araddr[4:3] == k[1:0] && s_axil_araddr[2];
                r_eqtm_oh[k]    <= in_rgn(s_axil_araddr, `FS_REG_EQTM, 16'h0010) &&
                                   s_axil_araddr[3:2] == k[1:0] && k < PARTITIONS;
            end
            for (k = 0; k < 8; k = k + 1)
                r_rule_oh[k] <= in_rgn(s_axil_araddr, `FS_REG_RULE, 16'h0020) && s_axil_araddr[4:2] == k[2:0];
            for (k = 0; k < KP; k = k + 1)
                for (kw = 0; kw < 10; kw = kw + 1)
                    r_key_oh[10*k + kw] <= in_rgn(s_axil_araddr, `FS_REG_KEY, 16'h0100) &&
                                           s_axil_araddr[7:6] == k[1:0] && s_axil_araddr[5:2] == kw[3:0];
            // the counters share one 256-byte page
            for (k = 0; k < 5; k = k + 1)
                r_fcnt_oh[k] <= (s_axil_araddr & 16'hFF03) == (`FS_REG_CNT_FRAMES & 16'hFF00) &&
                                s_axil_araddr[7:2] == CA_FLOW[7:2] + k[5:0];
            r_is_table <= ((s_axil_araddr & 16'hC000) == `FS_REG_TABLE_SHADOW) ||
                          ((s_axil_araddr & 16'hC000) == `FS_REG_TABLE_ACTIVE);
        end
    wire r_tbl_ok   = {14'd0, table_sel_reg} < PARTITIONS[15:0];

    // The read muxes are functions called only in RD_DEC (a simulator then
    // evaluates them once per read, not on every cycle; synthesis builds the
    // same AND-OR muxes in front of the group registers).
    function [31:0] read_scalar;
        input [NSC-1:0] oh;
        read_scalar = ({32{oh[0]}} & `FS_REG_ID_RESET) |
                      ({32{oh[1]}} & `FS_REG_VERSION_RESET) |
                      ({32{oh[2]}} & CAPS_VALUE) |
                      ({32{oh[3]}} & scratch_reg) |
                      ({32{oh[4]}} & {30'd0, flow_en_reg, promisc_reg}) |
                      ({32{oh[5]}} & {22'd0, status_busy, status_pending, 4'd0, status_bank}) |
                      ({32{oh[6]}} & {30'd0, table_sel_reg});
    endfunction
    function [31:0] read_mac;
        input [7:0] oh;
        begin
            read_mac = 32'd0;
            for (k = 0; k < 4; k = k + 1)
                read_mac = read_mac | ({32{oh[2*k]}} & mac_lo_flat[32*k +: 32]) |
                    ({32{oh[2*k+1]}} & {mac_hi_flat[17*k + 16], 15'd0, mac_hi_flat[17*k +: 16]});
        end
    endfunction
    function [31:0] read_rule;     // RULE and EQTM
        input [7:0] rule_oh;
        input [3:0] eqtm_oh;
        begin
            read_rule = 32'd0;
            for (k = 0; k < 8; k = k + 1)
                read_rule = read_rule | ({32{rule_oh[k]}} &
                    {10'd0, rule_flat[20*k + 18 +: 2], 2'b00, rule_flat[20*k +: 18]});
            for (k = 0; k < PARTITIONS; k = k + 1)
                read_rule = read_rule | ({32{eqtm_oh[k]}} & {24'd0, eqtm_flat[8*k +: 8]});
        end
    endfunction
    function [31:0] read_key;
        input [10*KP-1:0] oh;
        begin
            read_key = 32'd0;
            for (k = 0; k < KP; k = k + 1)
                for (kw = 0; kw < 10; kw = kw + 1)
                    read_key = read_key | ({32{oh[10*k + kw]}} & keys_flat[320*k + 32*(9-kw) +: 32]);
        end
    endfunction
    function [31:0] read_flow_cnt;
        input [4:0] oh;
        begin
            read_flow_cnt = 32'd0;
            for (k = 0; k < 5; k = k + 1)
                read_flow_cnt = read_flow_cnt | ({32{oh[k]}} & flow_cnt_flat[32*k +: 32]);
        end
    endfunction

    // Decision counters: fs_counters' read port. The index is decoded from
    // the AR address as it is captured (so the counters see a flip-flop in
    // RD_DEC) and answers in RD_MUX.
    function [3:0] cnt_idx_of;
        input [15:0] a;
        integer i;
        begin
            cnt_idx_of = 4'd15;
            if ((a & 16'hFF03) == (`FS_REG_CNT_FRAMES & 16'hFF00)) begin
                if (a[7:2] == CA_FRAMES[7:2])
                    cnt_idx_of = 4'd0;
                for (i = 0; i < 4; i = i + 1)
                    if (a[7:2] == CA_ACTION[7:2] + i[5:0])
                        cnt_idx_of = 4'd1 + i[3:0];
                for (i = 0; i < 10; i = i + 1)
                    if (a[7:2] == CA_REASON[7:2] + i[5:0])
                        cnt_idx_of = 4'd5 + i[3:0];
            end
        end
    endfunction
    reg [3:0] cnt_idx_reg;
    assign cnt_rd_idx = cnt_idx_reg;

    // One table access at a time. A read waits while a table write is
    // held (even a stalled one), so the two never issue in the same cycle
    // and the read's issue does not depend on the write's stall logic
    // (iCE40 timing).
    wire wr_tbl_held  = aw_held_reg && w_held_reg && aw_table_reg;
    wire rd_tbl_issue = (rd_state_reg == RD_DEC) && r_is_table && r_tbl_ok &&
                        !tbl_busy_reg && !wr_tbl_held;

    always @(posedge clk) begin
        tbl_req <= 1'b0;
        if (rst) begin
            tbl_busy_reg <= 1'b0;
        end else begin
            if (tbl_ack)
                tbl_busy_reg <= 1'b0;
            if (wr_to_tbl) begin
                tbl_req      <= 1'b1;
                tbl_busy_reg <= 1'b1;
                tbl_we       <= 1'b1;
                tbl_active   <= w_is_active;
                tbl_part     <= table_sel_reg;
                tbl_index    <= wa[13:2];
                tbl_wdata    <= w_data_reg[7:0];
            end else if (rd_tbl_issue) begin
                tbl_req      <= 1'b1;
                tbl_busy_reg <= 1'b1;
                tbl_we       <= 1'b0;
                tbl_active   <= (ra & 16'hC000) == `FS_REG_TABLE_ACTIVE;
                tbl_part     <= table_sel_reg;
                tbl_index    <= ra[13:2];
            end
        end
    end

    // KEY reads with KEYS_EXT: asked for once from RD_DEC, answered in
    // RD_TBL (the word's partition and index stay in ar_addr_reg).
    wire r_key_ext = (KEYS_EXT != 0) && (|r_key_oh);
    assign key_rd_part = ra[7:6];
    assign key_rd_word = ra[5:2];
    always @(posedge clk)
        key_rd_req <= !rst && rd_state_reg == RD_DEC && r_key_ext;

    always @(posedge clk) begin
        if (rst) begin
            rd_state_reg  <= RD_IDLE;
            s_axil_rvalid <= 1'b0;
        end else begin
            if (s_axil_rvalid && s_axil_rready)
                s_axil_rvalid <= 1'b0;
            case (rd_state_reg)
                RD_IDLE:
                    if (s_axil_arvalid && !s_axil_rvalid) begin
                        ar_addr_reg  <= s_axil_araddr;
                        cnt_idx_reg  <= cnt_idx_of(s_axil_araddr);
                        rd_state_reg <= RD_DEC;
                    end
                RD_DEC: begin
                    grp0_reg <= read_scalar(r_sc_oh);
                    grp1_reg <= read_mac(r_mac_oh);
                    grp2_reg <= read_rule(r_rule_oh, r_eqtm_oh);
                    grp3_reg <= (KEYS_EXT != 0) ? 32'd0 : read_key(r_key_oh);
                    grp4_reg <= read_flow_cnt(r_fcnt_oh);
                    if (rd_tbl_issue || r_key_ext)
                        rd_state_reg <= RD_TBL;    // wait for the table or key RAM
                    else if (!(r_is_table && r_tbl_ok))
                        rd_state_reg <= RD_MUX;
                    // else: wait here for the table port
                end
                RD_MUX: begin
                    s_axil_rdata  <= grp0_reg | grp1_reg | grp2_reg | grp3_reg | grp4_reg | cnt_rd_data;
                    s_axil_rvalid <= 1'b1;
                    rd_state_reg  <= RD_IDLE;
                end
                RD_TBL:
                    if (tbl_ack || key_rd_ack) begin
                        s_axil_rdata  <= tbl_ack ? {24'd0, tbl_rdata} : key_rd_data;
                        s_axil_rvalid <= 1'b1;
                        rd_state_reg  <= RD_IDLE;
                    end
            endcase
        end
    end
endmodule
