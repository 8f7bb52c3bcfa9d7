// flowsteer_top: the packet-steering core (docs/interfaces.md).
//
// Parameters:
//   PARTITIONS      1..4 partitions (key, table, equal_ports_tm each).
//   TM_BITS         1..8 bits per table entry (tm zero-extended to 8 bits).
//   FLOW_ENABLE     1 builds the SPEC 5 flow table (fs_flow_table) between
//                   the table lookup and the decision register; it then
//                   acts when CTRL.FLOW_EN is set. 0 removes it entirely:
//                   CAPS reports no flow table, CTRL.FLOW_EN reads 0,
//                   FLOW_CMD is ignored, CNT_FLOW_* read 0, and the latency
//                   is FLOW_LATENCY (2) cycles shorter.
//   FLOW_SETS_LOG2  S = 2**FLOW_SETS_LOG2 sets (0..15, CAPS has 4 bits).
//   FLOW_WAYS       W ways per set (1..8).
//   HASH_CHUNKS     Toeplitz input consumed over this many cycles (area /
//                   throughput trade, see fs_toeplitz). Hashed frames are at
//                   least 5 beats long (34-byte IPv4 header minimum), so
//                   HASH_CHUNKS <= 5 keeps line rate as long as the parser
//                   answers at a constant delay after the deciding beat;
//                   1 (default) has no constraint at all.
//   KEY_RAM         1 (default): with HASH_CHUNKS = 5 the Toeplitz keys live
//                   in block RAM inside fs_toeplitz (iCE40: 4 RAM blocks
//                   instead of 320 flip-flops per partition and a 5:1 key
//                   window mux); KEY reads then wait for a cycle without
//                   hashing, and the keys take the default at configuration
//                   and keep their values over rst (like the tables).
//                   No effect with other HASH_CHUNKS (keys in flip-flops).
//   FIFO_DEPTH_LOG2 depth of the egress data FIFO (beats) and of the decision
//                   queues (frames). 8 = 256, one block RAM per 16 bits on
//                   iCE40. Must be >= 6 for line rate (the decision of a frame
//                   comes at most 32 beats + the latency after its first beat).
//
// Pipeline (cycle numbers from the deciding beat = the beat with tlast or
// frame byte 255, whichever comes first, accepted in cycle 0):
//   P                fs_parser res_valid (P = its PARSE_LATENCY)
//   P+2              fs_classify result: partition, reason, hash input
//   P+2+HL           Toeplitz hash (HL = 2, or HASH_CHUNKS+2 when chunked);
//                    table lookup issued, commit-pending bookkeeping
//   P+3+HL           table entry read (block RAM); flow-table request
//   P+4+HL+FL        decision register: pushed to the decision queues and
//                    counted (FL = FLOW_LATENCY = 2 with FLOW_ENABLE, else 0)
//   P+6+HL+FL        decision beat on m_dec and first egress beat (when the
//                    outputs are ready and, for egress, the beat is in)
// so the decision latency is P + 8 cycles with HASH_CHUNKS = 1 and no flow
// table, P + 10 with it.
//
// Flow control: s_axis_tready is a register, computed from the next state
// of what it depends on (so it is exactly the combinational rule below, one
// cycle of hold after a flow-table walk excepted), which keeps the FIFO
// arithmetic out of the path into the parser.
// The frame is stored in the data FIFO while it is parsed;
// s_axis_tready drops only when that FIFO is full, or, at a frame's first
// beat, when the decision queues could not take one more frame, or while a
// flow-table walk runs (FLOW_ENABLE: the S + 2 cycles after reset, and a
// FLOW_CMD flush, see below). Egress
// starts a frame when its decision is known, so frames longer than the FIFO
// stream through (cut-through after byte 256).
//
// FLOW_CMD (flush all / flush one TM) applies between frames, like COMMIT:
// every frame whose first beat was accepted before the command's write is
// looked up first, no frame whose first beat comes after it is looked up
// before the flush is done. The next first beat is held while the command
// waits for the earlier frames (a second FLOW_CMD write waits for its B
// response meanwhile) and while the flow table walks its sets (S + 3 cycles).
module flowsteer_top #(
    parameter PARTITIONS      = 4,
    parameter TM_BITS         = 8,
    parameter FLOW_ENABLE     = 1,
    parameter FLOW_SETS_LOG2  = 10,
    parameter FLOW_WAYS       = 4,
    parameter HASH_CHUNKS     = 1,
    parameter KEY_RAM         = 1,
    parameter FIFO_DEPTH_LOG2 = 8
) (
    input  wire        clk,
    input  wire        rst,
    input  wire [63:0] s_axis_tdata,
    input  wire [7:0]  s_axis_tkeep,
    input  wire        s_axis_tvalid,
    output wire        s_axis_tready,
    input  wire        s_axis_tlast,
    output wire [63:0] m_axis_tdata,
    output wire [7:0]  m_axis_tkeep,
    output wire        m_axis_tvalid,
    input  wire        m_axis_tready,
    output wire        m_axis_tlast,
    output wire [9:0]  m_axis_tdest,
    output wire [63:0] m_dec_tdata,
    output wire        m_dec_tvalid,
    input  wire        m_dec_tready,
    input  wire [15:0] s_axil_awaddr,  input wire s_axil_awvalid, output wire s_axil_awready,
    input  wire [31:0] s_axil_wdata,   input wire [3:0] s_axil_wstrb,
    input  wire        s_axil_wvalid,  output wire s_axil_wready,
    output wire [1:0]  s_axil_bresp,   output wire s_axil_bvalid, input wire s_axil_bready,
    input  wire [15:0] s_axil_araddr,  input wire s_axil_arvalid, output wire s_axil_arready,
    output wire [31:0] s_axil_rdata,   output wire [1:0] s_axil_rresp,
    output wire        s_axil_rvalid,  input wire s_axil_rready
);
    localparam HASH_LAT   = (HASH_CHUNKS == 1) ? 2 : HASH_CHUNKS + 2;  // fs_toeplitz latency
    localparam FD         = FIFO_DEPTH_LOG2;
    localparam KEYS_IN_RAM = (KEY_RAM != 0 && HASH_CHUNKS == 5) ? 1 : 0;
    localparam [FD:0] DEPTH = 1 << FD;
    localparam [3:0] PART_MASK = (4'b1 << PARTITIONS) - 4'b1;
    localparam [1:0] A_FORWARD = 2'd0;
    localparam [3:0] R_EQUAL = 4'd6, R_SRC = 4'd7, R_DST = 4'd8, R_FLOW = 4'd9;

    // ------------------------------------------------------------------
    // CSR block
    // ------------------------------------------------------------------
    wire            cfg_promisc, cfg_flow_en;
    wire [4*48-1:0] cfg_mac;
    wire [3:0]      cfg_mac_valid;
    wire [8*20-1:0] cfg_rules;
    wire [4*8-1:0]  cfg_eqtm;
    wire [4*320-1:0] cfg_keys;
    // KEY registers of a build with the keys in fs_toeplitz's block RAM
    wire            key_wr_en, key_rd_req, key_rd_ack;
    wire [1:0]      key_wr_part, key_rd_part;
    wire [3:0]      key_wr_word, key_wr_strb, key_rd_word;
    wire [31:0]     key_wr_data, key_rd_data;
    wire            commit_valid;
    wire [3:0]      commit_mask;
    wire            flow_cmd_valid;
    wire [31:0]     flow_cmd_data;
    wire            counter_clear;
    wire            status_pending, status_busy;
    wire [3:0]      cnt_rd_idx;
    wire [31:0]     cnt_rd_data;
    wire [5*32-1:0] flow_cnt_flat;
    wire            flow_hold_next;    // hold first beats next cycle (flow table)
    wire            flow_cmd_hold;     // a FLOW_CMD waits for earlier frames
    wire            tbl_req, tbl_we, tbl_active;
    wire [1:0]      tbl_part;
    wire [11:0]     tbl_index;
    wire [7:0]      tbl_wdata, tbl_rdata;
    reg             tbl_ack_reg;
    reg  [3:0]      bank_active_reg;

    fs_csr #(
        .PARTITIONS(PARTITIONS), .TM_BITS(TM_BITS), .FLOW_ENABLE(FLOW_ENABLE),
        .FLOW_SETS_LOG2(FLOW_SETS_LOG2), .FLOW_WAYS(FLOW_WAYS), .KEYS_EXT(KEYS_IN_RAM)
    ) u_csr (
        .clk(clk), .rst(rst),
        .key_wr_en(key_wr_en), .key_wr_part(key_wr_part), .key_wr_word(key_wr_word),
        .key_wr_strb(key_wr_strb), .key_wr_data(key_wr_data),
        .key_rd_req(key_rd_req), .key_rd_part(key_rd_part), .key_rd_word(key_rd_word),
        .key_rd_ack(key_rd_ack), .key_rd_data(key_rd_data),
        .s_axil_awaddr(s_axil_awaddr), .s_axil_awvalid(s_axil_awvalid), .s_axil_awready(s_axil_awready),
        .s_axil_wdata(s_axil_wdata), .s_axil_wstrb(s_axil_wstrb),
        .s_axil_wvalid(s_axil_wvalid), .s_axil_wready(s_axil_wready),
        .s_axil_bresp(s_axil_bresp), .s_axil_bvalid(s_axil_bvalid), .s_axil_bready(s_axil_bready),
        .s_axil_araddr(s_axil_araddr), .s_axil_arvalid(s_axil_arvalid), .s_axil_arready(s_axil_arready),
        .s_axil_rdata(s_axil_rdata), .s_axil_rresp(s_axil_rresp),
        .s_axil_rvalid(s_axil_rvalid), .s_axil_rready(s_axil_rready),
        .cfg_promisc(cfg_promisc), .cfg_flow_en(cfg_flow_en),
        .cfg_mac(cfg_mac), .cfg_mac_valid(cfg_mac_valid),
        .cfg_rules(cfg_rules), .cfg_eqtm(cfg_eqtm), .cfg_keys(cfg_keys),
        .commit_valid(commit_valid), .commit_mask(commit_mask),
        .flow_cmd_valid(flow_cmd_valid), .flow_cmd_data(flow_cmd_data),
        .counter_clear(counter_clear),
        .status_bank(bank_active_reg), .status_pending(status_pending), .status_busy(status_busy),
        .flow_cmd_hold(flow_cmd_hold),
        .cnt_rd_idx(cnt_rd_idx), .cnt_rd_data(cnt_rd_data), .flow_cnt_flat(flow_cnt_flat),
        .tbl_req(tbl_req), .tbl_we(tbl_we), .tbl_active(tbl_active), .tbl_part(tbl_part),
        .tbl_index(tbl_index), .tbl_wdata(tbl_wdata),
        .tbl_ack(tbl_ack_reg), .tbl_rdata(tbl_rdata)
    );

    // ------------------------------------------------------------------
    // Ingress: data FIFO, parser, per-frame bank tag
    // ------------------------------------------------------------------
    reg          sof_reg;              // the next accepted beat starts a frame
    reg  [FD:0]  dec_out_reg;          // frames accepted, decision beat not yet out
    reg  [FD:0]  eg_out_reg;           // frames accepted, first egress beat not yet out
    wire         data_full_next, tag_full_next;
    /* verilator lint_off UNUSEDSIGNAL */
    wire         data_full, tag_full;  // the current-cycle flags (debug)
    /* verilator lint_on UNUSEDSIGNAL */
    reg          tready_reg;
    wire [FD:0]  data_count;

    assign s_axis_tready = tready_reg;
    wire in_fire  = s_axis_tvalid && s_axis_tready;
    wire sof_fire = in_fire && sof_reg;
    wire dec_fire, eg_fire;
    reg         eg_sof_reg;           // the next egress beat starts a frame
    wire        eg_first_fire = eg_fire && eg_sof_reg;
    wire [FD:0] dec_out_next = dec_out_reg + {{FD{1'b0}}, sof_fire} - {{FD{1'b0}}, dec_fire};
    wire [FD:0] eg_out_next  = eg_out_reg + {{FD{1'b0}}, sof_fire} - {{FD{1'b0}}, eg_first_fire};
    wire        sof_next     = in_fire ? s_axis_tlast : sof_reg;
    // A first beat needs room for one more frame in the decision queues and
    // the tag FIFO, and no flow-table walk pending or running. The counts
    // never exceed DEPTH and move by at most one a cycle, so "next < DEPTH"
    // is decided from the present count with flag compares, no adder
    // (iCE40 timing).
    wire dec_full_next = (dec_out_reg[FD] && !(dec_fire && !sof_fire)) ||
                         (dec_out_reg == DEPTH - 1'b1 && sof_fire && !dec_fire);
    wire eg_full_next  = (eg_out_reg[FD] && !(eg_first_fire && !sof_fire)) ||
                         (eg_out_reg == DEPTH - 1'b1 && sof_fire && !eg_first_fire);
    wire frame_room_next = !dec_full_next && !eg_full_next && !tag_full_next;

    always @(posedge clk) begin
        if (rst) begin
            sof_reg    <= 1'b1;
            tready_reg <= 1'b0;
        end else begin
            sof_reg    <= sof_next;
            tready_reg <= !data_full_next && (!sof_next || (frame_room_next && !flow_hold_next));
        end
    end

    wire        d_valid;
    wire [72:0] d_word;
    wire        td_valid;
    wire [9:0]  td_word;
    assign      eg_fire = m_axis_tvalid && m_axis_tready;
    fs_fifo #(.WIDTH(73), .DEPTH_LOG2(FD)) u_data_fifo (
        .clk(clk), .rst(rst),
        .wr_en(in_fire), .wr_data({s_axis_tlast, s_axis_tkeep, s_axis_tdata}),
        .full(data_full), .count(data_count), .full_next(data_full_next),
        .rd_valid(d_valid), .rd_data(d_word), .rd_ready(m_axis_tready && (td_valid || !eg_sof_reg))
    );

    wire         res_valid;
    wire [1:0]   res_action;
    wire [3:0]   res_reason;
    wire [127:0] res_src_addr, res_dst_addr;
    wire [7:0]   res_proto;
    wire [15:0]  res_src_port, res_dst_port;
    fs_parser u_parser (
        .clk(clk), .rst(rst),
        .beat_valid(in_fire), .beat_data(s_axis_tdata), .beat_keep(s_axis_tkeep), .beat_last(s_axis_tlast),
        .cfg_promisc(cfg_promisc), .cfg_mac(cfg_mac), .cfg_mac_valid(cfg_mac_valid),
        .res_valid(res_valid), .res_action(res_action), .res_reason(res_reason),
        .res_src_addr(res_src_addr), .res_dst_addr(res_dst_addr),
        .res_proto(res_proto), .res_src_port(res_src_port), .res_dst_port(res_dst_port)
    );

    // Bank tag: the active banks when the frame's first beat is accepted.
    wire       tag_valid;
    wire [3:0] tag_word;
    fs_reg_fifo #(.WIDTH(4), .DEPTH_LOG2(3)) u_tag_fifo (
        .clk(clk), .rst(rst),
        .wr_en(sof_fire), .wr_data(bank_active_reg), .full(tag_full), .full_next(tag_full_next),
        .rd_valid(tag_valid), .rd_data(tag_word), .rd_en(res_valid)
    );

    // ------------------------------------------------------------------
    // Classify (SPEC 2 steps 9-11) and hash (SPEC 3)
    // ------------------------------------------------------------------
    wire         cls_valid, cls_hashed;
    wire [1:0]   cls_action, cls_part;
    wire [3:0]   cls_reason, cls_tag;
    wire [7:0]   cls_eqtm;
    wire [263:0] cls_hin;
    fs_classify #(.PARTITIONS(PARTITIONS), .TAG_W(4)) u_classify (
        .clk(clk), .rst(rst),
        .in_valid(res_valid), .in_action(res_action), .in_reason(res_reason),
        .in_src_addr(res_src_addr), .in_dst_addr(res_dst_addr), .in_proto(res_proto),
        .in_src_port(res_src_port), .in_dst_port(res_dst_port), .in_tag(tag_word),
        .cfg_rules(cfg_rules), .cfg_eqtm(cfg_eqtm),
        .out_valid(cls_valid), .out_hashed(cls_hashed), .out_action(cls_action),
        .out_reason(cls_reason), .out_part(cls_part), .out_eqtm(cls_eqtm),
        .out_hin(cls_hin), .out_tag(cls_tag)
    );

    wire [1:0]   key_part = (PARTITIONS > 1) ? cls_part : 2'd0;
    wire         hash_valid;
    wire [31:0]  hash;
    fs_toeplitz #(.IN_BITS(264), .CHUNKS(HASH_CHUNKS), .PARTITIONS(PARTITIONS),
                  .KEY_RAM(KEYS_IN_RAM)) u_toeplitz (
        .clk(clk), .rst(rst),
        .req_valid(cls_valid && cls_hashed), .req_data(cls_hin),
        .req_part(key_part), .keys(cfg_keys),
        .kw_en(key_wr_en), .kw_part(key_wr_part), .kw_word(key_wr_word),
        .kw_strb(key_wr_strb), .kw_data(key_wr_data),
        .kr_req(key_rd_req), .kr_part(key_rd_part), .kr_word(key_rd_word),
        .kr_ack(key_rd_ack), .kr_data(key_rd_data),
        .hash_valid(hash_valid), .hash(hash)
    );

    // The rest of the frame's facts wait for the hash in a delay line: the
    // valid bit in flip-flops (reset), the fields in a block RAM.
    wire        m_valid, m_hashed;
    wire [1:0]  m_action, m_part;
    wire [3:0]  m_reason, m_tag;
    wire [7:0]  m_eqtm;
    // The valid bit and the per-partition lookup enables (which address
    // the table RAMs) travel in flip-flops, not through the RAM's output.
    wire [PARTITIONS-1:0] cls_lk_part, m_lk_part;
    genvar lp;
    generate
        for (lp = 0; lp < PARTITIONS; lp = lp + 1) begin : g_lk_part
            assign cls_lk_part[lp] = cls_valid && cls_hashed && cls_part == lp;
        end
    endgenerate
    fs_delay #(.WIDTH(1 + PARTITIONS), .STAGES(HASH_LAT)) u_valid_delay (
        .clk(clk), .rst(rst), .d({cls_valid, cls_lk_part}), .q({m_valid, m_lk_part})
    );
    fs_delay_ram #(.WIDTH(21), .STAGES(HASH_LAT)) u_meta_delay (
        .clk(clk), .we(cls_valid),
        .d({cls_hashed, cls_action, cls_reason, cls_part, cls_eqtm, cls_tag}),
        .q({m_hashed, m_action, m_reason, m_part, m_eqtm, m_tag})
    );

    // ------------------------------------------------------------------
    // Table lookup, bank bookkeeping, host table port
    // ------------------------------------------------------------------
    reg        th_pend_reg, th_we_reg, th_active_reg;
    reg [1:0]  th_part_reg, th_rd_part_reg;
    reg [11:0] th_index_reg;
    reg [7:0]  th_wdata_reg;
    wire       th_bank = th_active_reg ? bank_active_reg[th_part_reg] : !bank_active_reg[th_part_reg];
    wire [3:0] th_gnt;
    wire [31:0] lk_tm_flat, host_rdata_flat;

    genvar p;
    generate
        for (p = 0; p < 4; p = p + 1) begin : g_part
            if (p < PARTITIONS) begin : g_tbl
                fs_table #(.TM_BITS(TM_BITS)) u_table (
                    .clk(clk),
                    .lk_en(m_lk_part[p]),
                    .lk_bank(m_tag[p]),
                    .lk_index(hash[11:0]),
                    .lk_tm(lk_tm_flat[8*p +: 8]),
                    .host_re(th_pend_reg && !th_we_reg && th_part_reg == p),
                    .host_we(th_pend_reg && th_we_reg && th_part_reg == p),
                    .host_bank(th_bank),
                    .host_index(th_index_reg),
                    .host_wdata(th_wdata_reg),
                    .host_gnt(th_gnt[p]),
                    .host_rdata(host_rdata_flat[8*p +: 8])
                );
            end else begin : g_none
                assign lk_tm_flat[8*p +: 8]      = 8'd0;
                assign host_rdata_flat[8*p +: 8] = 8'd0;
                assign th_gnt[p]                 = 1'b0;
            end
        end
    endgenerate

    wire th_go = th_pend_reg && th_gnt[th_part_reg];
    // A host read's entry is registered once more before it goes to the
    // CSR (the table RAM's output, bank and partition muxes and the CSR's
    // read mux were one iCE40 path), so the answer comes two cycles after
    // the grant; writes are answered at the same time.
    reg        tbl_ack_d_reg;
    reg [7:0]  tbl_rdata_reg;
    assign tbl_rdata = tbl_rdata_reg;

    always @(posedge clk) begin
        tbl_ack_d_reg <= !rst && th_go;
        tbl_ack_reg   <= !rst && tbl_ack_d_reg;
        if (tbl_ack_d_reg)
            tbl_rdata_reg <= host_rdata_flat[8*th_rd_part_reg +: 8];
        if (th_go)
            th_rd_part_reg <= th_part_reg;
        if (rst) begin
            th_pend_reg <= 1'b0;
        end else if (tbl_req) begin
            th_pend_reg   <= 1'b1;
            th_we_reg     <= tbl_we;
            th_active_reg <= tbl_active;
            th_part_reg   <= tbl_part;
            th_index_reg  <= tbl_index;
            th_wdata_reg  <= tbl_wdata;
        end else if (th_go) begin
            th_pend_reg <= 1'b0;
        end
    end

    // COMMIT: flip the active bank now; frames already accepted keep their
    // tag, and the commit is pending until all of them have done their
    // lookups (lookups happen in frame order, so a count suffices).
    // The counts run one cycle behind the events (first beats and lookups
    // are registered first, and so is the commit), so that the 9-bit
    // arithmetic starts at flip-flops instead of at s_axis_tvalid (iCE40
    // timing). The commit cycle's events are in the delayed count, so
    // pend_cnt is exactly what it would be without the delay, one cycle
    // later; for that one cycle STATUS[8] is held by commit_d_reg, so a
    // shadow write or COMMIT right after a COMMIT still waits.
    reg        sof_d_reg, lookup_d_reg, commit_d_reg;
    reg  [8:0] inflight_reg;           // frames accepted, lookup not yet issued (one cycle behind)
    reg  [8:0] pend_cnt_reg;           // of those, the ones tagged before the commit
    reg  [8:0] undecided_reg;          // frames accepted, decision not yet made
    wire [8:0] inflight_next = inflight_reg + {8'd0, sof_d_reg} - {8'd0, lookup_d_reg};
    reg        pending_reg;            // pend_cnt_reg != 0, registered
    wire [8:0] pend_cnt_next = commit_d_reg ? inflight_next :
                               (lookup_d_reg && pending_reg) ? pend_cnt_reg - 9'd1 : pend_cnt_reg;
    // pending_next == (pend_cnt_next != 0), from flip-flops in three LUT
    // levels instead of through the 9-bit arithmetic (iCE40 timing):
    // inflight_next is zero when inflight is 0 and the events cancel, or 1
    // and only a lookup came; pend_cnt - 1 is zero when pend_cnt is 1.
    wire       inflight_next_zero = (inflight_reg == 9'd0 && sof_d_reg == lookup_d_reg) ||
                                    (inflight_reg == 9'd1 && !sof_d_reg && lookup_d_reg);
    wire       pending_next = commit_d_reg ? !inflight_next_zero :
                              (lookup_d_reg && pending_reg) ? (pend_cnt_reg != 9'd1) : pending_reg;
    assign status_pending = pending_reg || commit_d_reg;
    assign status_busy    = (undecided_reg != 9'd0);

    reg        dec_valid_reg;
    always @(posedge clk) begin
        if (rst) begin
            bank_active_reg <= 4'd0;
            sof_d_reg       <= 1'b0;
            lookup_d_reg    <= 1'b0;
            commit_d_reg    <= 1'b0;
            inflight_reg    <= 9'd0;
            pend_cnt_reg    <= 9'd0;
            pending_reg     <= 1'b0;
            undecided_reg   <= 9'd0;
        end else begin
            sof_d_reg     <= sof_fire;
            lookup_d_reg  <= m_valid;
            commit_d_reg  <= commit_valid;
            inflight_reg  <= inflight_next;
            undecided_reg <= undecided_reg + {8'd0, sof_fire} - {8'd0, dec_valid_reg};
            if (commit_valid)
                bank_active_reg <= bank_active_reg ^ (commit_mask & PART_MASK);
            pend_cnt_reg <= pend_cnt_next;
            pending_reg  <= pending_next;
        end
    end

    // Lookup stage register (the entry arrives from the block RAM next cycle).
    reg        l1_valid_reg, l1_hashed_reg;
    reg [1:0]  l1_action_reg, l1_part_reg;
    reg [3:0]  l1_reason_reg;
    reg [7:0]  l1_eqtm_reg;            // the tm unless the table decides it
    reg        l1_use_tbl_reg;         // the table entry is the tm
    reg [31:0] l1_hash_reg;
    always @(posedge clk) begin
        l1_valid_reg   <= !rst && m_valid;
        l1_hashed_reg  <= m_hashed;
        l1_action_reg  <= m_action;
        l1_part_reg    <= m_part;
        l1_reason_reg  <= m_reason;
        l1_hash_reg    <= m_hashed ? hash : 32'd0;
        // tm as the table lookup decides it: FORWARD and hashed, the
        // entry; EQUAL_PORTS, the partition's equal_ports_tm; otherwise 0.
        // Decided here, a cycle ahead, so only one 2:1 mux follows the
        // table RAM's output (iCE40 timing).
        l1_use_tbl_reg <= m_action == A_FORWARD && m_hashed;
        l1_eqtm_reg    <= (m_action == A_FORWARD && !m_hashed && m_reason == R_EQUAL) ? m_eqtm : 8'd0;
    end
    wire [7:0] l1_tm_tbl = lk_tm_flat[8*l1_part_reg +: 8];
    wire [7:0] l1_tm     = l1_use_tbl_reg ? l1_tm_tbl : l1_eqtm_reg;

    // ---- flow table (SPEC 5, issue 6) ----
    // Every frame passes through fs_flow_table (FLOW_LATENCY = 2 cycles, the
    // other decision fields wait in a delay line); SRC_HASH/DST_HASH frames
    // with CTRL.FLOW_EN set are looked up, and a hit turns them into
    // FLOW_STATE with the stored tm. FLOW_ENABLE = 0: straight through.
    wire        f_valid, f_hashed;
    wire [1:0]  f_action, f_part;
    wire [3:0]  f_reason;
    wire [7:0]  f_tm;
    wire [31:0] f_hash;

    generate
        if (FLOW_ENABLE != 0) begin : g_flow
            // The 18-byte SRC/DST hash input (byte 0 in [143:136]) follows
            // the frame to the lookup stage. No reset: only meaningful
            // alongside a valid frame.
            wire [143:0] key_m;
            reg  [143:0] l1_key_reg;
            fs_delay_ram #(.WIDTH(144), .STAGES(HASH_LAT)) u_key_delay (
                .clk(clk), .we(cls_valid && cls_hashed), .d(cls_hin[263:120]), .q(key_m)
            );
            // (read by the flow table only behind l1_valid_reg)
            always @(posedge clk)
                if (m_valid)
                    l1_key_reg <= key_m;

            // FLOW_CMD: wait until every frame accepted before the write has
            // made its request (first beats are held meanwhile), then pulse.
            reg         fc_pend_reg, fc_all_reg, fc_tm_reg;
            reg  [7:0]  fc_tm_val_reg;
            reg  [FD:0] fl_inflight_reg;   // frames accepted, request not yet made
            wire        fc_go = fc_pend_reg && (fl_inflight_reg == {(FD+1){1'b0}});
            always @(posedge clk) begin
                if (rst) begin
                    fc_pend_reg     <= 1'b0;
                    fl_inflight_reg <= {(FD+1){1'b0}};
                end else begin
                    fl_inflight_reg <= fl_inflight_reg + {{FD{1'b0}}, sof_fire}
                                                       - {{FD{1'b0}}, l1_valid_reg};
                    if (flow_cmd_valid && (flow_cmd_data[0] || flow_cmd_data[1])) begin
                        fc_pend_reg   <= 1'b1;
                        fc_all_reg    <= flow_cmd_data[0];
                        fc_tm_reg     <= flow_cmd_data[1];
                        fc_tm_val_reg <= flow_cmd_data[15:8];
                    end else if (fc_go) begin
                        fc_pend_reg <= 1'b0;
                    end
                end
            end

            wire               rsp_valid, rsp_hit, busy;
            wire [TM_BITS-1:0] rsp_tm;
            fs_flow_table #(
                .SETS_LOG2(FLOW_SETS_LOG2), .WAYS(FLOW_WAYS), .TM_BITS(TM_BITS)
            ) u_flow (
                .clk(clk), .rst(rst),
                .req_valid(l1_valid_reg),
                .req_apply(cfg_flow_en && (l1_reason_reg == R_SRC || l1_reason_reg == R_DST)),
                .req_partition(l1_part_reg), .req_key(l1_key_reg), .req_hash(l1_hash_reg),
                .req_tm(l1_tm_tbl[TM_BITS-1:0]),
                .rsp_valid(rsp_valid), .rsp_hit(rsp_hit), .rsp_tm(rsp_tm),
                .cmd_flush_all(fc_go && fc_all_reg), .cmd_flush_tm(fc_go && fc_tm_reg),
                .cmd_tm(fc_tm_val_reg), .busy(busy),
                .cnt_hits(flow_cnt_flat[31:0]), .cnt_misses(flow_cnt_flat[63:32]),
                .cnt_inserts(flow_cnt_flat[95:64]), .cnt_evictions(flow_cnt_flat[127:96]),
                .cnt_flushed(flow_cnt_flat[159:128]), .cnt_clear(counter_clear)
            );
            // busy is a register; no frame is between ingress and the request
            // while it is high (the walk starts with none in flight and first
            // beats are held), so req_valid never meets busy.
            // busy rises the cycle after fc_go; one extra cycle of hold as
            // it falls (busy_next is not visible here) costs nothing.
            wire fc_pend_next = (flow_cmd_valid && (flow_cmd_data[0] || flow_cmd_data[1])) ||
                                (fc_pend_reg && !fc_go);
            assign flow_hold_next = fc_pend_next || fc_go || busy;
            assign flow_cmd_hold = fc_pend_reg;

            wire        d_valid2, d_hashed2;
            wire [1:0]  d_action2, d_part2;
            wire [3:0]  d_reason2;
            wire [7:0]  d_tm2;
            wire [31:0] d_hash2;
            fs_delay #(.WIDTH(50), .STAGES(2)) u_flow_delay (
                .clk(clk), .rst(rst),
                .d({l1_valid_reg, l1_hashed_reg, l1_action_reg, l1_part_reg, l1_reason_reg,
                    l1_tm, l1_hash_reg}),
                .q({d_valid2, d_hashed2, d_action2, d_part2, d_reason2, d_tm2, d_hash2})
            );
            wire [7:0] rsp_tm8;
            if (TM_BITS == 8) begin : g_tm8
                assign rsp_tm8 = rsp_tm;
            end else begin : g_tmx
                assign rsp_tm8 = {{(8-TM_BITS){1'b0}}, rsp_tm};
            end
            assign f_valid  = d_valid2;
            assign f_hashed = d_hashed2;
            assign f_action = d_action2;
            assign f_part   = d_part2;
            assign f_reason = rsp_hit ? R_FLOW : d_reason2;
            assign f_tm     = rsp_hit ? rsp_tm8 : d_tm2;
            assign f_hash   = d_hash2;
`ifndef SYNTHESIS
            always @(posedge clk) begin
                if (!rst && l1_valid_reg && busy)
                    $display("ERROR %m: flow request while the flow table is busy at %0t", $time);
                if (!rst && rsp_valid != d_valid2)
                    $display("ERROR %m: flow response out of step with its frame at %0t", $time);
            end
`endif
        end else begin : g_no_flow
            assign f_valid       = l1_valid_reg;
            assign f_hashed      = l1_hashed_reg;
            assign f_action      = l1_action_reg;
            assign f_part        = l1_part_reg;
            assign f_reason      = l1_reason_reg;
            assign f_tm          = l1_tm;
            assign f_hash        = l1_hash_reg;
            assign flow_hold_next = 1'b0;
            assign flow_cmd_hold = 1'b0;
            assign flow_cnt_flat = {5*32{1'b0}};
        end
    endgenerate

    // Decision register. Fields SPEC 4 prints as '-' are zero.
    reg [59:0] dec_word_reg;
    wire       f_fwd = (f_action == A_FORWARD);
    always @(posedge clk) begin
        dec_valid_reg <= !rst && f_valid;
        dec_word_reg  <= {f_hashed ? f_hash[11:0] : 12'd0,
                          f_hashed ? f_hash : 32'd0,
                          f_tm,
                          f_fwd ? f_part : 2'd0,
                          f_reason, f_action};
    end

    fs_counters u_counters (
        .clk(clk), .rst(rst), .clear(counter_clear),
        .ev_valid(dec_valid_reg), .ev_action(dec_word_reg[1:0]), .ev_reason(dec_word_reg[5:2]),
        .rd_idx(cnt_rd_idx), .rd_data(cnt_rd_data)
    );

    // ------------------------------------------------------------------
    // Decision queues and egress
    // ------------------------------------------------------------------
    wire        dq_valid;
    wire [59:0] dq_word;
    /* verilator lint_off UNUSEDSIGNAL */
    wire [FD:0] dq_count, tq_count;
    wire        dq_full, tq_full, dq_full_next, tq_full_next;
    /* verilator lint_on UNUSEDSIGNAL */
    fs_fifo #(.WIDTH(60), .DEPTH_LOG2(FD)) u_dec_fifo (
        .clk(clk), .rst(rst),
        .wr_en(dec_valid_reg), .wr_data(dec_word_reg), .full(dq_full), .count(dq_count),
        .full_next(dq_full_next),
        .rd_valid(dq_valid), .rd_data(dq_word), .rd_ready(m_dec_tready)
    );
    assign m_dec_tvalid = dq_valid;
    assign m_dec_tdata  = {4'd0, dq_word};

    fs_fifo #(.WIDTH(10), .DEPTH_LOG2(FD)) u_tdest_fifo (
        .clk(clk), .rst(rst),
        .wr_en(dec_valid_reg), .wr_data({dec_word_reg[1:0], dec_word_reg[15:8]}),
        .full(tq_full), .count(tq_count), .full_next(tq_full_next),
        .rd_valid(td_valid), .rd_data(td_word),
        .rd_ready(m_axis_tready && d_valid && eg_sof_reg)
    );

    // A frame's tdest leaves the tdest FIFO with the frame's first beat and
    // is held in eg_tdest_reg for its other beats. The FIFO's read enable
    // and the frame accounting (eg_out_reg) then depend on flip-flops only,
    // not on the data FIFO's block-RAM tlast output (iCE40: RAM output,
    // tready logic, RAM read enable was the critical path).
    reg [9:0] eg_tdest_reg;
    always @(posedge clk) begin
        if (rst)
            eg_sof_reg <= 1'b1;
        else if (eg_fire)
            eg_sof_reg <= d_word[72];
        if (eg_first_fire)
            eg_tdest_reg <= td_word;
    end

    assign m_axis_tvalid = d_valid && (td_valid || !eg_sof_reg);
    assign m_axis_tdata  = d_word[63:0];
    assign m_axis_tkeep  = d_word[71:64];
    assign m_axis_tlast  = d_word[72];
    assign m_axis_tdest  = eg_sof_reg ? td_word : eg_tdest_reg;

    assign dec_fire = m_dec_tvalid && m_dec_tready;
    always @(posedge clk) begin
        if (rst) begin
            dec_out_reg <= {(FD+1){1'b0}};
            eg_out_reg  <= {(FD+1){1'b0}};
        end else begin
            dec_out_reg <= dec_out_next;
            eg_out_reg  <= eg_out_next;
        end
    end

    // Signals kept for later issues or debug, unused today.
    /* verilator lint_off UNUSEDSIGNAL */
    wire unused_ok = ^{cfg_flow_en, m_tag, flow_cmd_valid, flow_cmd_data, data_count, tag_valid,
                       hash_valid, hash[31:12]};
    /* verilator lint_on UNUSEDSIGNAL */

`ifndef SYNTHESIS
    always @(posedge clk) begin
        if (!rst && res_valid && !tag_valid)
            $display("ERROR %m: parser result without a frame at %0t", $time);
        if (!rst && (m_valid && m_hashed) != hash_valid)
            $display("ERROR %m: hash out of step with its frame at %0t", $time);
    end
`endif
endmodule
