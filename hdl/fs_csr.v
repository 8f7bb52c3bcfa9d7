// fs_csr: the AXI4-Lite register block of docs/interfaces.md (addresses from
// the generated regs.vh).
//
// Parameters (reported in CAPS, and bounding what exists):
//   PARTITIONS, TM_BITS, FLOW_ENABLE, FLOW_SETS_LOG2, FLOW_WAYS: as in
//   flowsteer_top. Registers of partitions >= PARTITIONS (EQTM, KEY, table
//   windows with TABLE_SEL >= PARTITIONS) read 0 and ignore writes. With
//   FLOW_ENABLE = 0, CAPS reports 0 sets/ways, CTRL.FLOW_EN reads 0 and
//   FLOW_CMD does nothing.
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
    parameter FLOW_WAYS      = 4
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
    input  wire [15*32-1:0] cnt_flat,      // fs_counters layout
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
    localparam [319:0] KEY_RESET = {`FS_REG_KEY_RESET_0, `FS_REG_KEY_RESET_1,
        `FS_REG_KEY_RESET_2, `FS_REG_KEY_RESET_3, `FS_REG_KEY_RESET_4,
        `FS_REG_KEY_RESET_5, `FS_REG_KEY_RESET_6, `FS_REG_KEY_RESET_7,
        `FS_REG_KEY_RESET_8, `FS_REG_KEY_RESET_9};

    assign s_axil_bresp = 2'b00;
    assign s_axil_rresp = 2'b00;

    // ------------------------------------------------------------------
    // Registers
    // ------------------------------------------------------------------
    reg [31:0]  scratch_reg;
    reg         promisc_reg, flow_en_reg;
    reg [1:0]   table_sel_reg;
    reg [31:0]  mac_lo_reg [0:3];
    reg [16:0]  mac_hi_reg [0:3];      // {valid, bytes 0..1}
    reg [21:0]  rule_reg   [0:7];      // register bits [21:0] ([19:18] read 0)
    reg [4*8-1:0]   eqtm_reg;
    reg [4*320-1:0] keys_reg;

    assign cfg_promisc = promisc_reg;
    assign cfg_flow_en = flow_en_reg;
    assign cfg_eqtm    = eqtm_reg;
    assign cfg_keys    = keys_reg;
    genvar gi;
    generate
        for (gi = 0; gi < 4; gi = gi + 1) begin : g_mac
            assign cfg_mac[48*gi +: 48]  = {mac_hi_reg[gi][15:0], mac_lo_reg[gi]};
            assign cfg_mac_valid[gi]     = mac_hi_reg[gi][16];
        end
        for (gi = 0; gi < 8; gi = gi + 1) begin : g_rule
            assign cfg_rules[20*gi +: 20] = {rule_reg[gi][21:20], rule_reg[gi][17:0]};
        end
    endgenerate

    // ------------------------------------------------------------------
    // Address decode (shared by reads and writes)
    // ------------------------------------------------------------------
    function [15:0] rel;  // offset of a from base b (wraps when below)
        input [15:0] a, b;
        rel = a - b;
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

    wire [31:0] wmask = {{8{w_strb_reg[3]}}, {8{w_strb_reg[2]}}, {8{w_strb_reg[1]}}, {8{w_strb_reg[0]}}};
    wire [15:0] wa = aw_addr_reg;
    wire [15:0] wa_mac   = rel(wa, `FS_REG_MAC_LO);
    wire [15:0] wa_rule  = rel(wa, `FS_REG_RULE);
    wire [15:0] wa_eqtm  = rel(wa, `FS_REG_EQTM);
    wire [15:0] wa_key   = rel(wa, `FS_REG_KEY);
    wire w_is_mac   = wa_mac  < 16'h0020 && wa_mac[1:0] == 2'b00;
    wire w_is_rule  = wa_rule < 16'h0020 && wa_rule[1:0] == 2'b00;
    wire w_is_eqtm  = wa_eqtm < 16'h0010 && wa_eqtm[1:0] == 2'b00 && {14'd0, wa_eqtm[3:2]} < PARTITIONS[15:0];
    wire w_is_key   = wa_key  < 16'h0100 && wa_key[1:0] == 2'b00 && wa_key[5:2] < 4'd10 &&
                      {14'd0, wa_key[7:6]} < PARTITIONS[15:0];
    wire w_is_shadow = (wa & 16'hC000) == `FS_REG_TABLE_SHADOW;
    wire w_is_active = (wa & 16'hC000) == `FS_REG_TABLE_ACTIVE;
    wire w_is_table  = w_is_shadow || w_is_active;
    wire w_tbl_ok    = {14'd0, table_sel_reg} < PARTITIONS[15:0];

    wire wr_both   = aw_held_reg && w_held_reg && !s_axil_bvalid && !wr_wait_reg;
    // COMMIT and shadow writes wait while a commit is pending.
    wire wr_stall  = (status_pending && (wa == `FS_REG_COMMIT || w_is_shadow)) ||
                     (flow_cmd_hold && wa == `FS_REG_FLOW_CMD) ||
                     (w_is_table && w_tbl_ok && tbl_busy_reg);
    wire wr_go     = wr_both && !wr_stall;
    wire wr_to_tbl = wr_go && w_is_table && w_tbl_ok;

    integer n;
    always @(posedge clk) begin
        commit_valid   <= 1'b0;
        flow_cmd_valid <= 1'b0;
        counter_clear  <= 1'b0;
        if (rst) begin
            aw_held_reg   <= 1'b0;
            w_held_reg    <= 1'b0;
            wr_wait_reg   <= 1'b0;
            s_axil_bvalid <= 1'b0;
            scratch_reg   <= 32'd0;
            promisc_reg   <= 1'b1;
            flow_en_reg   <= 1'b0;
            table_sel_reg <= 2'd0;
            for (n = 0; n < 4; n = n + 1) begin
                mac_lo_reg[n] <= 32'd0;
                mac_hi_reg[n] <= 17'd0;
            end
            for (n = 0; n < 8; n = n + 1)
                rule_reg[n] <= 22'd0;
            eqtm_reg <= 32'd0;
            commit_mask   <= 4'd0;
            flow_cmd_data <= 32'd0;
        end else begin
            if (s_axil_awvalid && !aw_held_reg) begin
                aw_held_reg <= 1'b1;
                aw_addr_reg <= s_axil_awaddr;
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
                if (wa == `FS_REG_SCRATCH)
                    scratch_reg <= (scratch_reg & ~wmask) | (w_data_reg & wmask);
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
                if (w_is_mac && !wa_mac[2])
                    mac_lo_reg[wa_mac[4:3]] <= (mac_lo_reg[wa_mac[4:3]] & ~wmask) | (w_data_reg & wmask);
                if (w_is_mac && wa_mac[2])
                    mac_hi_reg[wa_mac[4:3]] <=
                        {(w_strb_reg[3] ? w_data_reg[31]   : mac_hi_reg[wa_mac[4:3]][16]),
                         (w_strb_reg[1] ? w_data_reg[15:8] : mac_hi_reg[wa_mac[4:3]][15:8]),
                         (w_strb_reg[0] ? w_data_reg[7:0]  : mac_hi_reg[wa_mac[4:3]][7:0])};
                if (w_is_rule)
                    rule_reg[wa_rule[4:2]] <= ((rule_reg[wa_rule[4:2]] & ~wmask[21:0]) |
                                               (w_data_reg[21:0] & wmask[21:0])) & 22'h33FFFF;
                if (w_is_eqtm && w_strb_reg[0])
                    eqtm_reg[8*wa_eqtm[3:2] +: 8] <= w_data_reg[7:0];
            end
        end
    end

    // Keys: one always block per word so each write is a constant-index
    // enable (no wide variable-index write logic).
    genvar gp, gw;
    generate
        for (gp = 0; gp < 4; gp = gp + 1) begin : g_kp
            for (gw = 0; gw < 10; gw = gw + 1) begin : g_kw
                wire hit = wr_go && w_is_key && wa_key[7:6] == gp && wa_key[5:2] == gw;
                always @(posedge clk)
                    if (rst)
                        keys_reg[320*gp + 32*(9-gw) +: 32] <= KEY_RESET[32*(9-gw) +: 32];
                    else if (hit)
                        keys_reg[320*gp + 32*(9-gw) +: 32] <=
                            (keys_reg[320*gp + 32*(9-gw) +: 32] & ~wmask) | (w_data_reg & wmask);
            end
        end
    endgenerate

    // ------------------------------------------------------------------
    // Read channel: AR -> RD1 (decode, per-group mux, registered) -> R
    // ------------------------------------------------------------------
    localparam RD_IDLE = 2'd0, RD_DEC = 2'd1, RD_MUX = 2'd2, RD_TBL = 2'd3;
    reg [1:0]  rd_state_reg;
    reg [15:0] ar_addr_reg;
    reg [31:0] grp0_reg, grp1_reg, grp2_reg, grp3_reg, grp4_reg, grp5_reg;  // per-group read data

    assign s_axil_arready = (rd_state_reg == RD_IDLE) && !s_axil_rvalid;

    wire [15:0] ra = ar_addr_reg;
    wire [15:0] ra_mac   = rel(ra, `FS_REG_MAC_LO);
    wire [15:0] ra_rule  = rel(ra, `FS_REG_RULE);
    wire [15:0] ra_eqtm  = rel(ra, `FS_REG_EQTM);
    wire [15:0] ra_key   = rel(ra, `FS_REG_KEY);
    wire [15:0] ra_act   = rel(ra, `FS_REG_CNT_ACTION);
    wire [15:0] ra_rsn   = rel(ra, `FS_REG_CNT_REASON);
    wire [15:0] ra_flow  = rel(ra, `FS_REG_CNT_FLOW_HITS);
    wire r_is_mac   = ra_mac  < 16'h0020 && ra_mac[1:0] == 2'b00;
    wire r_is_rule  = ra_rule < 16'h0020 && ra_rule[1:0] == 2'b00;
    wire r_is_eqtm  = ra_eqtm < 16'h0010 && ra_eqtm[1:0] == 2'b00 && {14'd0, ra_eqtm[3:2]} < PARTITIONS[15:0];
    wire r_is_key   = ra_key  < 16'h0100 && ra_key[1:0] == 2'b00 && ra_key[5:2] < 4'd10 &&
                      {14'd0, ra_key[7:6]} < PARTITIONS[15:0];
    wire r_is_act   = ra_act  < 16'h0010 && ra_act[1:0] == 2'b00;
    wire r_is_rsn   = ra_rsn  < 16'h0028 && ra_rsn[1:0] == 2'b00;
    wire r_is_flow  = ra_flow < 16'h0014 && ra_flow[1:0] == 2'b00;
    wire r_is_table = ((ra & 16'hC000) == `FS_REG_TABLE_SHADOW) || ((ra & 16'hC000) == `FS_REG_TABLE_ACTIVE);
    wire r_tbl_ok   = {14'd0, table_sel_reg} < PARTITIONS[15:0];

    reg [31:0] scalar_val;
    always @(*) begin
        case (ra)
            `FS_REG_ID:        scalar_val = `FS_REG_ID_RESET;
            `FS_REG_VERSION:   scalar_val = `FS_REG_VERSION_RESET;
            `FS_REG_CAPS:      scalar_val = CAPS_VALUE;
            `FS_REG_SCRATCH:   scalar_val = scratch_reg;
            `FS_REG_CTRL:      scalar_val = {30'd0, flow_en_reg, promisc_reg};
            `FS_REG_STATUS:    scalar_val = {22'd0, status_busy, status_pending, 4'd0, status_bank};
            `FS_REG_TABLE_SEL: scalar_val = {30'd0, table_sel_reg};
            `FS_REG_CNT_FRAMES: scalar_val = cnt_flat[31:0];
            default:           scalar_val = 32'd0;
        endcase
    end

    // One table access at a time; a write issued in the same cycle goes first.
    wire rd_tbl_issue = (rd_state_reg == RD_DEC) && r_is_table && r_tbl_ok &&
                        !tbl_busy_reg && !wr_to_tbl;

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

    // key word (p, w) sits at bit 320p + 32(9-w) of keys_reg
    wire [10:0] key_lsb = {1'b0, ra_key[7:6], 8'd0} + {3'd0, ra_key[7:6], 6'd0} +
                          {2'd0, 4'd9 - ra_key[5:2], 5'd0};
    wire [4:0] rsn_idx  = ra_rsn[6:2];
    wire [2:0] flow_idx = ra_flow[4:2];

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
                        rd_state_reg <= RD_DEC;
                    end
                RD_DEC: begin
                    grp0_reg <= scalar_val;
                    grp1_reg <= !r_is_mac ? 32'd0 :
                                  ra_mac[2] ? {mac_hi_reg[ra_mac[4:3]][16], 15'd0, mac_hi_reg[ra_mac[4:3]][15:0]} :
                                              mac_lo_reg[ra_mac[4:3]];
                    grp2_reg <= r_is_rule ? {10'd0, rule_reg[ra_rule[4:2]]} :
                                  r_is_eqtm ? {24'd0, eqtm_reg[8*ra_eqtm[3:2] +: 8]} : 32'd0;
                    grp3_reg <= r_is_key ? keys_reg[key_lsb +: 32] : 32'd0;
                    grp4_reg <= r_is_act ? cnt_flat[32*({3'd0, ra_act[3:2]} + 5'd1) +: 32] :
                                  r_is_rsn && rsn_idx < 5'd10 ? cnt_flat[32*(5 + rsn_idx) +: 32] : 32'd0;
                    grp5_reg <= r_is_flow && flow_idx < 3'd5 ? flow_cnt_flat[32*flow_idx +: 32] : 32'd0;
                    if (rd_tbl_issue)
                        rd_state_reg <= RD_TBL;
                    else if (!(r_is_table && r_tbl_ok))
                        rd_state_reg <= RD_MUX;
                    // else: wait here for the table port
                end
                RD_MUX: begin
                    s_axil_rdata  <= grp0_reg | grp1_reg | grp2_reg | grp3_reg | grp4_reg | grp5_reg;
                    s_axil_rvalid <= 1'b1;
                    rd_state_reg  <= RD_IDLE;
                end
                RD_TBL:
                    if (tbl_ack) begin
                        s_axil_rdata  <= {24'd0, tbl_rdata};
                        s_axil_rvalid <= 1'b1;
                        rd_state_reg  <= RD_IDLE;
                    end
            endcase
        end
    end
endmodule
