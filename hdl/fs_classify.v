// fs_classify: SPEC 2 steps 9-11 on the parser's result -- partition rules,
// EQUAL_PORTS / SRC_HASH / DST_HASH, and the hash input of every hashed
// reason (NON_L4 included).
//
// Parameters:
//   PARTITIONS  1..4. A rule that names a partition >= PARTITIONS never
//               matches (it describes hardware that is not there).
//   TAG_W       width of an opaque per-frame sideband carried alongside.
//
// Input (one frame per in_valid cycle, any rate): the fs_parser result.
// in_reason SRC_HASH (7) is the parser's "TCP/UDP, ports valid" placeholder,
// NON_L4 (5) means "other IP protocol"; every other reason is final and
// passes unchanged with partition 0.
//
// Output, LATENCY = 2 cycles after in_valid, registered:
//   out_hashed  the frame needs a Toeplitz hash (NON_L4, SRC_HASH, DST_HASH)
//   out_hin     the hash input, SPEC bit 0 in [263]: NON_L4 = min addr ‖
//               (loaded only for hashed frames and held until the next one,
//               which a chunked fs_toeplitz needs while it consumes it)
//               max addr ‖ proto (33 bytes); SRC/DST = addr ‖ port (18
//               bytes) followed by zero bits (harmless for Toeplitz)
//   out_eqtm    equal_ports_tm of the partition (used for EQUAL_PORTS)
//
// Stage 1 registers rule hits, port comparisons and 16-bit slices of the
// address comparison; stage 2 finishes the 128-bit comparison as a 3-level
// tree and builds the hash input.
module fs_classify #(
    parameter PARTITIONS = 4,
    parameter TAG_W      = 4
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         in_valid,
    input  wire [1:0]   in_action,
    input  wire [3:0]   in_reason,
    input  wire [127:0] in_src_addr,
    input  wire [127:0] in_dst_addr,
    input  wire [7:0]   in_proto,
    input  wire [15:0]  in_src_port,
    input  wire [15:0]  in_dst_port,
    input  wire [TAG_W-1:0] in_tag,
    // rule i in [20i+19:20i] = {proto[1:0], partition[1:0], port[15:0]}
    input  wire [8*20-1:0] cfg_rules,
    // equal_ports_tm of partition p in [8p+7:8p]
    input  wire [4*8-1:0]  cfg_eqtm,
    output reg          out_valid,
    output reg          out_hashed,
    output reg  [1:0]   out_action,
    output reg  [3:0]   out_reason,
    output reg  [1:0]   out_part,
    output reg  [7:0]   out_eqtm,
    output reg  [263:0] out_hin,
    output reg  [TAG_W-1:0] out_tag
);
    localparam [3:0] R_NON_L4 = 4'd5, R_EQUAL = 4'd6, R_SRC = 4'd7, R_DST = 4'd8;
    localparam [1:0] A_FORWARD = 2'd0;

    // ---- stage 1 ----
    wire is_l4    = (in_reason == R_SRC);
    wire is_nonl4 = (in_reason == R_NON_L4);
    wire is_tcp   = (in_proto == 8'd6);
    wire is_udp   = (in_proto == 8'd17);

    wire [7:0] hit_next;
    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : g_rule
            wire [15:0] r_port  = cfg_rules[20*i +: 16];
            wire [1:0]  r_part  = cfg_rules[20*i+16 +: 2];
            wire [1:0]  r_proto = cfg_rules[20*i+18 +: 2];
            wire proto_ok = (r_proto == 2'd3) || (r_proto == 2'd1 && is_tcp) ||
                            (r_proto == 2'd2 && is_udp);
            wire part_ok  = ({1'b0, r_part} < PARTITIONS[2:0]);
            assign hit_next[i] = proto_ok && part_ok &&
                                 (r_port == in_src_port || r_port == in_dst_port);
        end
    endgenerate

    // 16-bit slices of src < dst and src == dst (slice 7 most significant)
    wire [7:0] slt_next, seq_next;
    generate
        for (i = 0; i < 8; i = i + 1) begin : g_cmp
            assign slt_next[i] = in_src_addr[16*i +: 16] < in_dst_addr[16*i +: 16];
            assign seq_next[i] = in_src_addr[16*i +: 16] == in_dst_addr[16*i +: 16];
        end
    endgenerate

    reg         s1_valid_reg, s1_l4_reg, s1_nonl4_reg, s1_pgt_reg, s1_peq_reg;
    reg [1:0]   s1_action_reg;
    reg [3:0]   s1_reason_reg;
    reg [7:0]   s1_hit_reg, s1_slt_reg, s1_seq_reg, s1_proto_reg;
    reg [127:0] s1_src_reg, s1_dst_reg;
    reg [15:0]  s1_sport_reg, s1_dport_reg;
    reg [TAG_W-1:0] s1_tag_reg;

    always @(posedge clk) begin
        s1_valid_reg  <= rst ? 1'b0 : in_valid;
        s1_l4_reg     <= is_l4;
        s1_nonl4_reg  <= is_nonl4;
        s1_pgt_reg    <= in_src_port > in_dst_port;
        s1_peq_reg    <= in_src_port == in_dst_port;
        s1_action_reg <= in_action;
        s1_reason_reg <= in_reason;
        s1_hit_reg    <= hit_next;
        s1_slt_reg    <= slt_next;
        s1_seq_reg    <= seq_next;
        s1_proto_reg  <= in_proto;
        s1_src_reg    <= in_src_addr;
        s1_dst_reg    <= in_dst_addr;
        s1_sport_reg  <= in_src_port;
        s1_dport_reg  <= in_dst_port;
        s1_tag_reg    <= in_tag;
    end

    // ---- stage 2 ----
    // 128-bit src < dst from the slices: a 3-level (lt, eq) merge tree.
    wire [3:0] lt1, eq1;
    wire [1:0] lt2, eq2;
    generate
        for (i = 0; i < 4; i = i + 1) begin : g_t1
            assign lt1[i] = s1_slt_reg[2*i+1] | (s1_seq_reg[2*i+1] & s1_slt_reg[2*i]);
            assign eq1[i] = s1_seq_reg[2*i+1] & s1_seq_reg[2*i];
        end
        for (i = 0; i < 2; i = i + 1) begin : g_t2
            assign lt2[i] = lt1[2*i+1] | (eq1[2*i+1] & lt1[2*i]);
            assign eq2[i] = eq1[2*i+1] & eq1[2*i];
        end
    endgenerate
    wire src_lt_dst = lt2[1] | (eq2[1] & lt2[0]);
    wire unused_eq = eq2[0];  // full equality is not needed: min == max then


    // First matching rule wins; none = partition 0.
    reg [1:0] part_l4;
    integer r;
    always @(*) begin
        part_l4 = 2'd0;
        for (r = 7; r >= 0; r = r - 1)
            if (s1_hit_reg[r])
                part_l4 = cfg_rules[20*r+16 +: 2];
    end

    wire [1:0] part_next = s1_l4_reg ? part_l4 : 2'd0;
    wire fwd_l4 = s1_l4_reg;

    // The first 16 bytes of the hash input come from src when NON_L4 and src
    // is the smaller address, or when TCP/UDP and the source port is larger.
    wire top_is_src = s1_nonl4_reg ? src_lt_dst : s1_pgt_reg;
    wire [127:0] top_addr = top_is_src ? s1_src_reg : s1_dst_reg;
    wire [127:0] max_addr = src_lt_dst ? s1_dst_reg : s1_src_reg;
    wire [15:0]  hash_port = s1_pgt_reg ? s1_sport_reg : s1_dport_reg;
    wire [135:0] tail_nonl4 = {max_addr, s1_proto_reg};
    wire [135:0] tail_l4    = {hash_port, 120'd0};

    always @(posedge clk) begin
        out_valid  <= rst ? 1'b0 : s1_valid_reg;
        out_hashed <= s1_nonl4_reg || (fwd_l4 && !s1_peq_reg);
        out_action <= (s1_nonl4_reg || fwd_l4) ? A_FORWARD : s1_action_reg;
        out_reason <= s1_nonl4_reg ? R_NON_L4 :
                      !fwd_l4      ? s1_reason_reg :
                      s1_peq_reg   ? R_EQUAL :
                      s1_pgt_reg   ? R_SRC : R_DST;
        out_part   <= part_next;
        out_eqtm   <= cfg_eqtm[8*part_next +: 8];
        if (s1_valid_reg && (s1_nonl4_reg || (fwd_l4 && !s1_peq_reg)))
            out_hin <= {top_addr, s1_nonl4_reg ? tail_nonl4 : tail_l4};
        out_tag    <= s1_tag_reg;
    end
endmodule
