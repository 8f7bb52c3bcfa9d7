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
// in_src_addr / in_dst_addr must hold their values in the cycle after
// in_valid too (fs_parser guarantees it): stage 2 reads them there rather
// than from a 256-bit stage-1 copy (255 iCE40 logic cells that hold nothing
// but a flip-flop).
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
// Stage 1 registers rule hits, port comparisons and 32-bit slices of the
// address comparison; stage 2 finishes the 128-bit comparison from the four
// slices and builds the hash input.
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

    // Both stages work only in cycles that carry a frame (valid): the
    // payload registers load behind the valid bits and everything they feed
    // is computed inside those enables (functions, not free-running wires),
    // so a simulator skips the comparisons on the other cycles; in hardware
    // the enables are the flip-flops' clock enables. Outputs other than
    // out_valid hold their last frame's values between frames.

    // ---- stage 1 ----
    // rule i hits: protocol and partition fit, and its port is either port
    function [7:0] rule_hits;
        input [8*20-1:0] rules;
        input [7:0]      proto;
        input [15:0]     sport, dport;
        integer i;
        reg [1:0] r_proto, r_part;
        reg [15:0] r_port;
        begin
            for (i = 0; i < 8; i = i + 1) begin
                r_port  = rules[20*i +: 16];
                r_part  = rules[20*i+16 +: 2];
                r_proto = rules[20*i+18 +: 2];
                rule_hits[i] = ((r_proto == 2'd3) || (r_proto == 2'd1 && proto == 8'd6) ||
                                (r_proto == 2'd2 && proto == 8'd17)) &&
                               ({1'b0, r_part} < PARTITIONS[2:0]) &&
                               (r_port == sport || r_port == dport);
            end
        end
    endfunction

    // 32-bit slices of src < dst and src == dst, slice 3 the most
    // significant (a carry chain each; stage 2 then merges only four
    // slices, two LUT levels in front of the 264-bit hash-input mux). The
    // lowest slice's equality is never needed.
    function [3:0] lt_slices;
        input [127:0] a, b;
        integer i;
        for (i = 0; i < 4; i = i + 1)
            lt_slices[i] = a[32*i +: 32] < b[32*i +: 32];
    endfunction
    function [3:1] eq_slices;
        input [127:0] a, b;
        integer i;
        for (i = 1; i < 4; i = i + 1)
            eq_slices[i] = a[32*i +: 32] == b[32*i +: 32];
    endfunction

    reg         s1_valid_reg, s1_l4_reg, s1_nonl4_reg, s1_pgt_reg, s1_peq_reg;
    reg [1:0]   s1_action_reg;
    reg [3:0]   s1_reason_reg;
    reg [7:0]   s1_hit_reg, s1_proto_reg;
    reg [3:0]   s1_slt_reg;
    reg [3:1]   s1_seq_reg;
    reg [15:0]  s1_maxport_reg;     // the larger port (TCP/UDP hash input)
    reg [TAG_W-1:0] s1_tag_reg;

    always @(posedge clk) begin
        s1_valid_reg <= rst ? 1'b0 : in_valid;
        if (in_valid) begin
            s1_l4_reg     <= in_reason == R_SRC;
            s1_nonl4_reg  <= in_reason == R_NON_L4;
            s1_pgt_reg    <= in_src_port > in_dst_port;
            s1_peq_reg    <= in_src_port == in_dst_port;
            s1_action_reg <= in_action;
            s1_reason_reg <= in_reason;
            s1_hit_reg    <= rule_hits(cfg_rules, in_proto, in_src_port, in_dst_port);
            s1_slt_reg    <= lt_slices(in_src_addr, in_dst_addr);
            s1_seq_reg    <= eq_slices(in_src_addr, in_dst_addr);
            s1_proto_reg  <= in_proto;
            s1_maxport_reg <= (in_src_port > in_dst_port) ? in_src_port : in_dst_port;
            s1_tag_reg    <= in_tag;
        end
    end

    // ---- stage 2 ----
    // 128-bit src < dst from the four slices. (Full equality is not
    // needed: min == max then.)
    function src_lt_dst;
        input [3:0] slt;
        input [3:1] seq;
        src_lt_dst = slt[3] | (seq[3] & (slt[2] | (seq[2] & (slt[1] | (seq[1] & slt[0])))));
    endfunction

    // First matching rule wins; none = partition 0.
    function [1:0] rule_part;
        input [7:0]      hits;
        input [8*20-1:0] rules;
        integer r;
        begin
            rule_part = 2'd0;
            for (r = 7; r >= 0; r = r - 1)
                if (hits[r])
                    rule_part = rules[20*r+16 +: 2];
        end
    endfunction

    // The hash input. The first 16 bytes come from src when NON_L4 and src
    // is the smaller address, or when TCP/UDP and the source port is larger;
    // NON_L4 then takes the larger address and the protocol, TCP/UDP the
    // larger port.
    function [263:0] hash_input;
        input         nonl4, pgt, lt;
        input [127:0] src, dst;
        input [15:0]  maxport;
        input [7:0]   proto;
        reg top_is_src;     // one select for the shared first 16 bytes
        begin
            top_is_src = nonl4 ? lt : pgt;
            hash_input = {top_is_src ? src : dst,
                          nonl4 ? {lt ? dst : src, proto} : {maxport, 120'd0}};
        end
    endfunction

    wire s2_hashed = s1_nonl4_reg || (s1_l4_reg && !s1_peq_reg);
    wire [1:0] s2_part = s1_l4_reg ? rule_part(s1_hit_reg, cfg_rules) : 2'd0;

    always @(posedge clk) begin
        out_valid <= rst ? 1'b0 : s1_valid_reg;
        if (s1_valid_reg) begin
            out_hashed <= s2_hashed;
            out_action <= (s1_nonl4_reg || s1_l4_reg) ? A_FORWARD : s1_action_reg;
            out_reason <= s1_nonl4_reg ? R_NON_L4 :
                          !s1_l4_reg   ? s1_reason_reg :
                          s1_peq_reg   ? R_EQUAL :
                          s1_pgt_reg   ? R_SRC : R_DST;
            out_part   <= s2_part;
            out_eqtm   <= cfg_eqtm[8*s2_part +: 8];
            out_tag    <= s1_tag_reg;
            if (s2_hashed)
                out_hin <= hash_input(s1_nonl4_reg, s1_pgt_reg, src_lt_dst(s1_slt_reg, s1_seq_reg),
                                      in_src_addr, in_dst_addr, s1_maxport_reg, s1_proto_reg);
        end
    end
endmodule
