// fs_parser: streaming parser and classifier, SPEC section 2 steps 1-8.
//
// One result per frame, in frame order, never back-pressured. Everything the
// later stages need (addresses, protocol, ports) comes out with the verdict.
//
// Parameters: none. PARSE_LATENCY (localparam below) is a fact of the design,
// not a knob.
//
// ---------------------------------------------------------------------------
// Timing contract
// ---------------------------------------------------------------------------
// The parse of a frame ends at the accepted beat that is either its last beat
// (beat_last) or its beat 31 (bytes 248..255), whichever comes first.
// res_valid is high for exactly one cycle, PARSE_LATENCY = 3 cycles after that
// beat: the clock edge that accepts the beat loads it into the input stage
// (A), the next edge updates the per-frame state from it (B), the one after
// that loads the result registers (post stage). Beats after beat 31 are
// ignored until the frame's last beat. One result per frame, in order;
// one-beat frames back to back give one result per cycle; bubbles
// (beat_valid low) may occur anywhere.
// The res_* fields double as capture registers for the frame being parsed
// (saves ~300 flip-flops on the iCE40), so they are meaningful only around
// res_valid: action, reason, protocol and ports in the cycle res_valid is
// high; the addresses in that cycle and the next one (fs_classify reads them
// there instead of copying 256 bits). The next frame writes them at the
// earliest two edges after that cycle: an address slot is loaded from its
// beat 3 or later (A stage), and a two-beat frame's IPv4 mapping lands one
// edge after the following cycle. Protocol and ports are zero where SPEC says
// the field does not apply (protocol only for FORWARD, ports only for TCP/UDP,
// reason SRC_HASH); the addresses are meaningful only for FORWARD and hold
// leftovers otherwise (zeroing them at the next frame's verdict would break
// the two-cycle hold: a one-beat frame's verdict lands in that second cycle).
// A last beat with keep == 0 is taken as a frame of 8*beat bytes (the lone
// zero-length beat is the case the interface promises).
// cfg_promisc / cfg_mac* are sampled on each frame's first beat.
//
// ---------------------------------------------------------------------------
// Positions: everything after the Ethernet addresses sits at 2 mod 4
// ---------------------------------------------------------------------------
// The L3 header starts at byte 14, 18 or 22 (0, 1 or 2 VLAN tags), all
// 2 mod 4. IPv4 ports start at L3 + 4*IHL, the first IPv6 extension header at
// L3 + 40, and every extension header length is a multiple of 4 (8, (len+2)*4
// for AH, (len+1)*8 otherwise). So every field this parser reads lies in a
// 4-byte "word" w = bytes 2+4w .. 5+4w. L3 starts at word wl = 3, 4 or 5.
// Beat b (bytes 8b..8b+7) completes exactly two words: W1 = word 2b-1
// (bytes 6,7 of the previous beat and bytes 0,1 of this one) and
// W2 = word 2b (bytes 2..5). W0 = word 2b-2 (bytes 2..5 of the previous
// beat) is still at hand, so the window holds the three newest whole words.
// On the last beat W1 is captured iff keep[1], W2 iff keep[5].
// The 256-byte window in words: an extension header at word x (its first
// 8 bytes end at byte 4x+10) is TOO_DEEP iff x >= 62; ports at word x
// (end 4x+6) are TOO_DEEP iff x >= 63. Word 62 is W2 of beat 31.
//
// ---------------------------------------------------------------------------
// Structure (why it is fast): three stages, narrow per-cycle logic
// ---------------------------------------------------------------------------
// A (input stage, loaded by accepted beats of beats 0..31): the beat, its
//   index (binary and one-hot for beats 0..7), keep facts, and per-lane
//   pre-decodes of the bytes that can hold a field, each loaded only on the
//   beats that can use it: beats 0..3: EtherType/TPID at lanes 0-1 and 4-5,
//   IP version checks of a header starting at lane 2, IPv4 fragment bits,
//   next-header classes (extension / TCP-UDP / 44 / 51 / other) at lanes
//   0,3,4,7; beat 0: the per-byte destination MAC compares; beats 6..31 of
//   an IPv6 frame with a walker item pending: classes at lanes 2 and 6,
//   extension-header sizes in words from a length byte at lanes 3 and 7
//   (saturated at 64), the IPv6 fragment-header tests.
// P (history): the lanes of the previous accepted beat that W0/W1 need
//   (6-7 always, 2 and its pre-decodes while the IPv6 walker is pending).
// B (per-frame state, updated by each accepted beat): sticky flags, one
//   field or decision per flag, no "first decision wins" chain:
//   - Ethernet: TPID at 12 (tag1), NOT_IP, third tag (TOO_DEEP), L3 kind
//     (v4/v6) and offset (wl3/wl4/wl5, one-hot).
//   - Word wl (version/IHL/total length) is checked at beat 2 (W1 if wl = 3,
//     else W2 for a possible wl = 4) and again at beat 3 (W1, wl = 5).
//   - Fixed positions (fragment word, protocol / next header, addresses,
//     end of the IPv6 fixed header) are decoded from the one-hot beat and
//     the one-hot wl: a few gates, no word-index arithmetic.
//   - The walker holds one item (word x, next-header class, count) from
//     beat 3 (wl 3/4) or 4 (wl 5) on: IPv4 ports at wl+IHL, IPv6 first item
//     at wl+10. Per beat it compares x/2 with the beat index (5 bits) and
//     reads at most one extension header: the next x is x + size (a 7-bit
//     add of a pre-decoded, saturated size), the only one-cycle loop.
//     An extension header of 8 bytes at an even word can be followed by
//     ports already complete in the same beat (W2): taken at once.
//   - Address words go straight into res_src_addr / res_dst_addr (32-bit
//     slots, W1 or W2 by the parity of wl), ports into res_*_port.
// post (cycle after the deciding beat's B update): the verdict is a priority
//   choice over the flags in SPEC order (short, MAC, Ethernet, IP header,
//   fragment, walker); result registers loaded, protocol and ports zeroed
//   where they do not apply, IPv4 addresses mapped (::ffff:a.b.c.d), state
//   flags cleared.
//   The next frame's first beat may be in B in that cycle: a first beat
//   only loads the MAC result, never a flag, so nothing is lost.
//
// Simulation cost: the logic sits inside the enabled branches of clocked
// blocks (often as function calls), so Verilator evaluates it only on the
// beats that can use it; no wide continuous assignment runs every cycle.
// beat_valid is a clock enable of the input stage's pre-decodes (~70
// flip-flops); the beat and its index are loaded every cycle.
//
// Verdict of the walker's item when the frame ends (SPEC 6-8):
//   ports read -> SRC_HASH placeholder; fragment header with offset or M ->
//   FRAGMENT; extension header: 8 read already or x >= 62 -> TOO_DEEP, else
//   MALFORMED (not captured); TCP/UDP: x == 63 -> TOO_DEEP, else MALFORMED;
//   other next header (incl. 59, 50) -> NON_L4. At beat 31 nothing can be
//   pending (every item ending by byte 256 completes by then).
`default_nettype none

module fs_parser (
    input  wire         clk,
    input  wire         rst,            // synchronous, active high
    input  wire         beat_valid,
    input  wire [63:0]  beat_data,      // frame byte k of this beat in [8k+7:8k]
    input  wire [7:0]   beat_keep,      // contiguous from bit 0
    input  wire         beat_last,
    input  wire         cfg_promisc,
    input  wire [4*48-1:0] cfg_mac,     // MAC i in [48i+47:48i], byte 0 on top
    input  wire [3:0]   cfg_mac_valid,
    output reg          res_valid,
    output reg  [1:0]   res_action,
    output reg  [3:0]   res_reason,
    output reg  [127:0] res_src_addr,
    output reg  [127:0] res_dst_addr,
    output reg  [7:0]   res_proto,
    output reg  [15:0]  res_src_port,
    output reg  [15:0]  res_dst_port
);

    // Cycles from the beat that ends the parse to res_valid (see header).
    // Nothing in here reads it (the latency is structural); it is the
    // documented contract, and testbench/parser reads it hierarchically.
    /* verilator lint_off UNUSEDPARAM */
    localparam PARSE_LATENCY = 3;
    /* verilator lint_on UNUSEDPARAM */

    // Action and reason codes (docs/interfaces.md).
    localparam [1:0] A_FORWARD = 2'd0, A_BRIDGE = 2'd1, A_CONTROL = 2'd2, A_FRAGMENT = 2'd3;
    localparam [3:0] R_MAC_MISS = 4'd0, R_NOT_IP = 4'd1, R_MALFORMED = 4'd2, R_TOO_DEEP = 4'd3,
                     R_FRAGMENT = 4'd4, R_NON_L4 = 4'd5, R_L4 = 4'd7; // R_L4 = SRC_HASH placeholder

    // ------------------------------------------------------------------
    // Byte decodes (used on the input lanes)
    // ------------------------------------------------------------------
    // EtherType class {TPID, IPv4, IPv6}.
    function [2:0] et_class;
        input [15:0] et;
        et_class = {(et == 16'h8100) | (et == 16'h88a8) | (et == 16'h9100),
                    et == 16'h0800, et == 16'h86dd};
    endfunction

    // Next-header class {other, 51, 44, TCP/UDP, extension header}; other =
    // neither an extension header nor TCP/UDP (NON_L4 when it is reached).
    localparam C_EXT = 0, C_L4 = 1, C_44 = 2, C_51 = 3, C_OTH = 4;
    function [4:0] nh_class;
        input [7:0] nh;
        reg ext, l4;
        begin
            ext = (nh == 8'd0) | (nh == 8'd43) | (nh == 8'd60) | (nh == 8'd44) | (nh == 8'd51);
            l4  = (nh == 8'd6) | (nh == 8'd17);
            nh_class = {~ext & ~l4, nh == 8'd51, nh == 8'd44, l4, ext};
        end
    endfunction
    // IPv4 protocol: only TCP/UDP or other (no extension headers in IPv4).
    function [4:0] v4_class;
        input [4:0] c;
        v4_class = {~c[C_L4], 2'b00, c[C_L4], 1'b0};
    endfunction

    // Extension header size in words from its length byte, saturated at 64
    // (any x + 64 is past the window): (len+1)*8 bytes, or (len+2)*4 for AH.
    function [6:0] size_other;
        input [7:0] len;
        size_other = (len >= 8'd31) ? 7'd64 : {len[5:0] + 6'd1, 1'b0};
    endfunction
    function [6:0] size_ah;
        input [7:0] len;
        size_ah = (len >= 8'd62) ? 7'd64 : len[6:0] + 7'd2;
    endfunction

    // IPv4 flags/fragment-offset half-word: MF or offset != 0.
    function v4_frag;
        input [13:0] ff;     // bits 13:0 of the half-word (DF and reserved ignored)
        v4_frag = ff[13] | (ff[12:0] != 13'd0);
    endfunction

    // IPv6 fragment header bytes 2,3: offset != 0 or M (reserved bits ignored).
    function v6_frag;
        input [13:0] fo;     // {bytes 2,3 bits 15:3, bit 0}
        v6_frag = fo != 14'd0;
    endfunction

    // IPv4 word wl = {ver/IHL, TOS, total length}: version 4, IHL >= 5 and
    // total length >= 4*IHL (only the IHL bits of total length's low byte
    // matter once the rest is zero).
    function v4_word_ok;
        input [7:0]  vi;
        input [15:2] tl;
        v4_word_ok = (vi[7:4] == 4'd4) & (vi[3:0] >= 4'd5) &
                     ((tl[15:6] != 10'd0) | (tl[5:2] >= vi[3:0]));
    endfunction

    function [1:0] action_of;
        input [3:0] rsn;
        case (rsn)
            R_MAC_MISS:         action_of = A_BRIDGE;
            R_FRAGMENT:         action_of = A_FRAGMENT;
            R_NON_L4, R_L4:     action_of = A_FORWARD;
            default:            action_of = A_CONTROL;
        endcase
    endfunction

    // ------------------------------------------------------------------
    // Stage B state (declared first: the input stage's enables read some)
    // ------------------------------------------------------------------
    reg         q_post, q_short; // the deciding beat was in B last cycle; < 14 bytes
    reg         mac_hit;
    reg         tag1, notip, deep3;        // Ethernet
    reg         l3, v4, v6, wl3, wl4, wl5; // L3 kind and word (one-hot)
    reg         r0_v4ok, r0_v6ok;          // word wl checks
    reg  [3:0]  r0_ihl;
    reg         frag4;                     // IPv4 MF / offset
    reg         v4hdr, v6hdr;              // IP header fully captured
    reg         ipok;                      // MAC hit, IP header captured and valid, no IPv4 fragment
    reg         w_act;                     // walker item valid (from its start on)
    reg         w_live;                    // ... and still to be read (no ports, no fragment yet)
    reg         w_erd;                     // it is an IPv6 extension header and fewer than 8 were read
    reg  [6:0]  wx;                        // its word (>= 64: past the window, never read)
    reg  [7:0]  wnh;                       // its next-header / protocol value
    reg  [4:0]  wc;                        // its class (nh_class)
    reg  [3:0]  wcnt;                      // extension headers read (0..8)
    reg         wfrag, wports;             // walker ended: fragment / ports read

    // ------------------------------------------------------------------
    // Stage A: input registers (accepted beats 0..31; see the header)
    // ------------------------------------------------------------------
    reg  [5:0]  ib_reg;          // index of the next input beat; 32 = draining

    reg         a_v;             // a beat of an undecided parse is in A
    reg  [63:0] a_d;
    reg  [4:0]  a_b, a_bm1;      // its index, and index - 1 (mod 32)
    reg  [7:0]  a_oh;            // one-hot index for beats 0..7
    reg         a_end, a_cap1, a_cap2, a_short;
    reg  [2:0]  a_et01, a_et45;  // EtherType class at bytes 0-1 / 4-5
    reg         a_v4ok2, a_v6ok2; // IP word wl = W2 (lanes 2..5) checks
    reg  [3:0]  a_ihl2;
    reg         a_tlhi01;        // lanes 0-1 as a total length are >= 64
    reg         a_v4f01, a_v4f45; // IPv4 MF/offset at lanes 0-1 / 4-5
    reg         a_x6f01, a_x6f45; // IPv6 fragment header offset/M at lanes 0-1 / 4-5
    reg  [4:0]  a_c0, a_c2, a_c3, a_c4, a_c6, a_c7; // next-header classes
    reg  [6:0]  a_so3, a_sa3, a_so7, a_sa7;         // sizes from lanes 3 / 7
    reg         a_z3;            // lane 3 == 0 (an 8-byte header)
    reg  [23:0] a_meq;           // MAC i byte j equal: bit 6i+j (first beat)
    reg  [3:0]  a_macv;
    reg         a_promisc;

    wire [4:0]  ib = ib_reg[4:0];

    always @(posedge clk) begin
        if (rst)
            ib_reg <= 6'd0;
        else if (beat_valid)
            ib_reg <= beat_last ? 6'd0 : ib_reg[5] ? ib_reg : ib_reg + 6'd1;
    end

    // Pre-decodes are loaded only on the beats that can use them: in
    // simulation the wide compares then run a few times per frame, not
    // every cycle; in hardware they are clock enables. Like the beat copies
    // below, they load whether or not the beat is accepted (beat_valid is
    // not in their enables, which it reached through long iCE40 routes):
    // every reader is gated by a_v, the cycle after an accepted beat, whose
    // load used that beat.
    // (in_v: beat_valid & ~ib_reg[5]; early: beats 0..3; written out in
    // the conditions below so that a simulator evaluates them only there)
    // Extension-header pre-decodes: beats 6..31 of an IPv6 frame whose
    // walker still has an item to read (w_live only falls within a frame,
    // after its start at beat 3 or 4; a stale 1 here only loads unused
    // values).

    // The beat itself and its index facts are loaded in every cycle, not
    // only on accepted beats: every reader of them is gated by a_v (they
    // are read only in the cycle after an accepted beat), and without the
    // enable beat_valid drives ~80 fewer flip-flops (iCE40 timing; the
    // copies are cheap to simulate).
    always @(posedge clk) begin
        a_v      <= ~rst & beat_valid & ~ib_reg[5];
        a_d      <= beat_data;
        a_b      <= ib;
        a_bm1    <= ib - 5'd1;
        a_oh     <= (ib_reg[4:3] == 2'd0) ? (8'd1 << ib[2:0]) : 8'd0;
        a_end    <= beat_last | (ib == 5'd31);
        a_cap1   <= ~beat_last | beat_keep[1];
        a_cap2   <= ~beat_last | beat_keep[5];
        // step 1: fewer than 14 bytes (only read when this beat ends the parse)
        a_short  <= (ib == 5'd0) | ((ib == 5'd1) & ~beat_keep[5]);
        // Ethernet and the fixed IP header words (beats 1..3).
        if (ib_reg[5:2] == 4'd0) begin
            a_et01   <= et_class({beat_data[7:0], beat_data[15:8]});
            a_et45   <= et_class({beat_data[39:32], beat_data[47:40]});
            a_v4ok2  <= v4_word_ok(beat_data[23:16], {beat_data[39:32], beat_data[47:42]});
            a_v6ok2  <= beat_data[23:20] == 4'd6;
            a_ihl2   <= beat_data[19:16];
            a_tlhi01 <= (beat_data[7:0] != 8'd0) | (beat_data[15:14] != 2'd0);
            a_v4f01  <= v4_frag({beat_data[5:0], beat_data[15:8]});
            a_v4f45  <= v4_frag({beat_data[37:32], beat_data[47:40]});
            a_c0     <= nh_class(beat_data[7:0]);
            a_c3     <= nh_class(beat_data[31:24]);
            a_c4     <= nh_class(beat_data[39:32]);
            a_c7     <= nh_class(beat_data[63:56]);
        end
        // Extension headers (the first one starts at byte 54 at the earliest).
        if (!ib_reg[5] && ib_reg[4:0] >= 5'd6 && v6 && w_live) begin
            a_x6f01  <= v6_frag({beat_data[7:0], beat_data[15:11], beat_data[8]});
            a_x6f45  <= v6_frag({beat_data[39:32], beat_data[47:43], beat_data[40]});
            a_c2     <= nh_class(beat_data[23:16]);
            a_c6     <= nh_class(beat_data[55:48]);
            a_so3    <= size_other(beat_data[31:24]);
            a_sa3    <= size_ah(beat_data[31:24]);
            a_so7    <= size_other(beat_data[63:56]);
            a_sa7    <= size_ah(beat_data[63:56]);
            a_z3     <= beat_data[31:24] == 8'd0;
        end
        // Destination MAC, byte by byte, and the filter configuration
        // (first beat; read by mac_hit behind a_v and a_oh[0]).
        if (ib_reg == 6'd0) begin
            a_promisc <= cfg_promisc;
            a_macv   <= cfg_mac_valid;
            a_meq <= {beat_data[47:40] == cfg_mac[151:144], beat_data[39:32] == cfg_mac[159:152],
                      beat_data[31:24] == cfg_mac[167:160], beat_data[23:16] == cfg_mac[175:168],
                      beat_data[15:8]  == cfg_mac[183:176], beat_data[7:0]   == cfg_mac[191:184],
                      beat_data[47:40] == cfg_mac[103:96],  beat_data[39:32] == cfg_mac[111:104],
                      beat_data[31:24] == cfg_mac[119:112], beat_data[23:16] == cfg_mac[127:120],
                      beat_data[15:8]  == cfg_mac[135:128], beat_data[7:0]   == cfg_mac[143:136],
                      beat_data[47:40] == cfg_mac[55:48],   beat_data[39:32] == cfg_mac[63:56],
                      beat_data[31:24] == cfg_mac[71:64],   beat_data[23:16] == cfg_mac[79:72],
                      beat_data[15:8]  == cfg_mac[87:80],   beat_data[7:0]   == cfg_mac[95:88],
                      beat_data[47:40] == cfg_mac[7:0],     beat_data[39:32] == cfg_mac[15:8],
                      beat_data[31:24] == cfg_mac[23:16],   beat_data[23:16] == cfg_mac[31:24],
                      beat_data[15:8]  == cfg_mac[39:32],   beat_data[7:0]   == cfg_mac[47:40]};
        end
    end

    // Only keep[1] and keep[5] matter: keep is contiguous, so they tell
    // whether W1 and W2 of a last beat are whole (and keep[5] on beat 1
    // whether the frame has 14 bytes). The other bits carry no information.
    /* verilator lint_off UNUSEDSIGNAL */
    wire        unused_keep = &{1'b0, beat_keep[7:6], beat_keep[4:2], beat_keep[0]};
    /* verilator lint_on UNUSEDSIGNAL */

    // ------------------------------------------------------------------
    // Stage P: the previous accepted beat (lanes 2, 6, 7 and pre-decodes)
    // ------------------------------------------------------------------
    reg  [7:0]  p2, p6, p7;
    reg  [4:0]  p_c2, p_c6, p_c7;
    reg  [6:0]  p_so3, p_sa3, p_so7, p_sa7;
    reg         p_x6f45;
    reg         p_l4z, p_l4nf;  // lane 2 is TCP/UDP and lane 3 == 0 / lanes 4-5 not a fragment

    always @(posedge clk) begin
        if (a_v) begin
            p6 <= a_d[55:48]; p7 <= a_d[63:56]; p_c7 <= a_c7;
        end
        if (a_v && v6 && w_live) begin
            p2 <= a_d[23:16]; p_c2 <= a_c2; p_c6 <= a_c6;
            p_so3 <= a_so3; p_sa3 <= a_sa3; p_so7 <= a_so7; p_sa7 <= a_sa7;
            p_x6f45 <= a_x6f45;
            p_l4z <= a_c2[C_L4] & a_z3; p_l4nf <= a_c2[C_L4] & ~a_x6f45;
        end
    end

    // ------------------------------------------------------------------
    // Stage B: per-frame state
    // ------------------------------------------------------------------
    // Logic sits inside the enabled branches of the clocked blocks (often as
    // function calls): a simulator evaluates it only for the beats that can
    // use it, and the per-cycle combinational cones stay a few gates wide.
    wire ob2 = a_oh[2], ob3 = a_oh[3], ob4 = a_oh[4], ob6 = a_oh[6], ob7 = a_oh[7];
    wire xo  = wx[0];   // the walker's item is at an odd word

    // The completion tests of the walker's item at word x, for this beat:
    //   ports at x:           x odd -> W1 of beat x/2+1, even -> W2 of beat x/2
    //   extension header:     words x, x+1 -> beat x/2+1 (W1 if x even, else W2)
    //   IPv4 header end x-1:  beat x/2 (W1 if x even, else W2)
    //   (x >= 64 never matches)
    function at_ports;
        input [4:0] b, bm1; input [6:0] x; input cap1, cap2;
        at_ports = ~x[6] & (x[0] ? ((bm1 == x[5:1]) & cap1) : ((b == x[5:1]) & cap2));
    endfunction
    function at_ext;
        input [4:0] bm1; input [6:0] x; input cap1, cap2;
        at_ext = ~x[6] & (bm1 == x[5:1]) & (x[0] ? cap2 : cap1);
    endfunction
    function at_hdr_end;
        input [4:0] b; input [6:0] x; input cap1, cap2;
        at_hdr_end = ~x[6] & (b == x[5:1]) & (x[0] ? cap2 : cap1);
    endfunction

    // Next item after the extension header at word x < 64 (class c, length
    // from lane 3 / 7 of P by parity): x + size, at most 63 + 64. Not
    // saturated: the TOO_DEEP position tests (x >= 62, x >= 63) are made on
    // the register in the post stage, which keeps this one-cycle loop an
    // adder and a mux (iCE40 timing).
    function [6:0] next_x;
        input [5:0] x; input [4:0] c;
        input [6:0] sa3, so3, sa7, so7;
        reg   [6:0] size;
        begin
            size = c[C_44] ? 7'd2 : c[C_51] ? (x[0] ? sa7 : sa3) : (x[0] ? so7 : so3);
            next_x = {1'b0, x} + size;
        end
    endfunction

    always @(posedge clk) begin
        if (rst) begin
            q_post <= 1'b0; q_short <= 1'b0;
        end else begin
            q_post <= a_v & a_end;
            if (a_v && a_end)
                q_short <= a_short;
        end
    end

    // MAC filter (step 2): decided from the first beat's byte compares.
    always @(posedge clk) begin
        if (a_v && a_oh[0])
            mac_hit <= a_promisc | (a_macv[3] & (&a_meq[23:18])) | (a_macv[2] & (&a_meq[17:12])) |
                                   (a_macv[1] & (&a_meq[11:6]))  | (a_macv[0] & (&a_meq[5:0]));
    end

    // Ethernet and IP header flags (steps 3-6 up to the walker).
    always @(posedge clk) begin
        if (rst || q_post) begin
            tag1 <= 1'b0; notip <= 1'b0; deep3 <= 1'b0;
            l3 <= 1'b0; v4 <= 1'b0; v6 <= 1'b0; wl3 <= 1'b0; wl4 <= 1'b0; wl5 <= 1'b0;
            v4hdr <= 1'b0; v6hdr <= 1'b0; ipok <= 1'b0;
        end else if (a_v) begin
            // Step 3/4, beat 1: EtherType at 12.
            if (a_oh[1]) begin
                if (a_et45[2]) tag1 <= 1'b1;
                else if (a_et45[1] | a_et45[0]) begin
                    l3 <= 1'b1; v4 <= a_et45[1]; v6 <= a_et45[0]; wl3 <= 1'b1;
                end else notip <= 1'b1;
            end
            // Beat 2: EtherType at 16 (tag 1) and 20 (tag 2). Not captured:
            // nothing is set, the verdict says MALFORMED.
            if (ob2 && tag1 && a_cap1) begin
                if (a_et01[2]) begin
                    if (a_cap2) begin
                        if (a_et45[2]) deep3 <= 1'b1;
                        else if (a_et45[1] | a_et45[0]) begin
                            l3 <= 1'b1; v4 <= a_et45[1]; v6 <= a_et45[0]; wl5 <= 1'b1;
                        end else notip <= 1'b1;
                    end
                end else if (a_et01[1] | a_et01[0]) begin
                    l3 <= 1'b1; v4 <= a_et01[1]; v6 <= a_et01[0]; wl4 <= 1'b1;
                end else notip <= 1'b1;
            end
            // Header ends. ipok gathers every check before the walker's own
            // verdict (word wl, IPv4 fragment, MAC), so that the FORWARD test
            // of the post stage is one gate.
            // IPv4: word x-1 of the ports at x = wl + IHL.
            if (v4 && w_act && at_hdr_end(a_b, wx, a_cap1, a_cap2)) begin
                v4hdr <= 1'b1;
                ipok  <= mac_hit & r0_v4ok & ~frag4;
            end
            // IPv6 fixed header: word wl+9 = 12 (W2 b6), 13 (W1 b7), 14 (W2 b7).
            if (v6 && ((ob6 & wl3 & a_cap2) | (ob7 & wl4 & a_cap1) | (ob7 & wl5 & a_cap2))) begin
                v6hdr <= 1'b1;
                ipok  <= mac_hit & r0_v6ok;
            end
        end
    end

    // Word wl (version, IHL, total length): beat 2 W1 (wl 3) or W2 (wl 4,
    // decided in the same beat), beat 3 W1 (wl 5). W1 = {p6, p7, lanes 0-1}:
    // total length is lanes 0-1, its bits 5:2 are lane 1 bits 5:2. IPv4
    // fragment word wl+1: beat 2 W2 (wl 3), beat 3 W1 (wl 4) or W2 (wl 5).
    function w1_v4ok;
        input [7:0] vi; input tlhi; input [3:0] tl52;
        w1_v4ok = (vi[7:4] == 4'd4) & (vi[3:0] >= 4'd5) & (tlhi | (tl52 >= vi[3:0]));
    endfunction
    always @(posedge clk) begin
        if (a_v) begin
            if (ob2) begin
                r0_v4ok <= l3 ? w1_v4ok(p6, a_tlhi01, a_d[13:10]) : a_v4ok2;
                r0_v6ok <= l3 ? (p6[7:4] == 4'd6) : a_v6ok2;
                r0_ihl  <= l3 ? p6[3:0] : a_ihl2;
                frag4   <= a_v4f45;
            end
            if (ob3 && wl5) begin
                r0_v4ok <= w1_v4ok(p6, a_tlhi01, a_d[13:10]);
                r0_v6ok <= p6[7:4] == 4'd6;
                r0_ihl  <= p6[3:0];
            end
            if (ob3 && !wl3)
                frag4 <= wl4 ? a_v4f01 : a_v4f45;
        end
    end

    // The two newest words of the window (first byte of a word in its top
    // bits): W1 = lanes 6-7 of P, 0-1 of A; W2 = lanes 2-5 of A.
    function [31:0] window_word;
        input from_w1; input [15:0] p67; input [47:0] a05;
        window_word = from_w1 ? {p67[15:8], p67[7:0], a05[7:0], a05[15:8]}
                              : {a05[23:16], a05[31:24], a05[39:32], a05[47:40]};
    endfunction

    // Walker (steps 6-8) and the ports.
    //   Item: IPv6 next header (word wl+1, byte 2): wl3 lane 4 of b2; wl4
    //   lane 0 of b3; wl5 lane 4 of b3. IPv4 protocol (word wl+2, byte 1):
    //   wl3 lane 7 of b2 (P at b3); wl4 lane 3 of b3; wl5 lane 7 of b3 (P at
    //   b4). Start (x, count): beat 3 for wl 3/4, beat 4 for wl 5 (word wl
    //   is checked by then). Then, per beat, either the ports are read, or
    //   one extension header: x even -> its word is W0 (lanes 2-5 of P),
    //   odd -> W1 (lanes 6-7 of P, 0-1 of A). An 8-byte header at an even
    //   word (a fragment header that is not a fragment, or length 0)
    //   followed by ports: they are W2 of this very beat (keep is
    //   contiguous, so a_cap2 implies a_cap1).
    always @(posedge clk) begin
        if (rst) begin
            w_act <= 1'b0; w_live <= 1'b0; wfrag <= 1'b0; wports <= 1'b0;
            res_src_port <= 16'd0; res_dst_port <= 16'd0;
        end else if (q_post) begin
            w_act <= 1'b0; w_live <= 1'b0; wfrag <= 1'b0; wports <= 1'b0;
            if (!(ipok && wports)) begin
                res_src_port <= 16'd0; res_dst_port <= 16'd0;
            end
        end else if (a_v) begin
            if (ob2 && wl3 && v6) begin
                wnh <= a_d[39:32]; wc <= a_c4; w_erd <= a_c4[C_EXT];
            end
            if (ob3) begin
                if (v6 && wl4) begin wnh <= a_d[7:0];   wc <= a_c0; w_erd <= a_c0[C_EXT]; end
                if (v6 && wl5) begin wnh <= a_d[39:32]; wc <= a_c4; w_erd <= a_c4[C_EXT]; end
                if (v4 && wl3) begin wnh <= p7;         wc <= v4_class(p_c7); w_erd <= 1'b0; end
                if (v4 && wl4) begin wnh <= a_d[31:24]; wc <= v4_class(a_c3); w_erd <= 1'b0; end
            end
            if (ob4 && v4 && wl5) begin
                wnh <= p7; wc <= v4_class(p_c7); w_erd <= 1'b0;
            end
            if (l3 && ((ob3 && !wl5) || (ob4 && wl5))) begin
                // wl = {wl4|wl5, wl3, wl3|wl5}; IPv6: wl + 10 = 13/14/15
                wx   <= v4 ? {3'b000, r0_ihl} + {4'b0000, wl4 | wl5, wl3, wl3 | wl5}
                           : {4'b0001, 1'b1, wl4 | wl5, wl3 | wl5};
                wcnt <= 4'd0;
                w_act <= 1'b1; w_live <= 1'b1;
            end
            if (w_live) begin
                // Ports: of this item, or of the next one when it follows an
                // 8-byte header at an even word (then in W2, like an even
                // item's: the data path is the same).
                if ((wc[C_L4] && at_ports(a_b, a_bm1, wx, a_cap1, a_cap2)) ||
                    (w_erd && !xo && !wx[6] && a_cap2 && (a_bm1 == wx[5:1]) && (wc[C_44] ? p_l4nf : p_l4z))) begin
                    {res_src_port, res_dst_port} <= window_word(xo, {p6, p7}, a_d[47:0]);
                    wports <= 1'b1; w_live <= 1'b0;
                end
                if (w_erd && at_ext(a_bm1, wx, a_cap1, a_cap2)) begin
                    if (wc[C_44] && (xo ? a_x6f01 : p_x6f45)) begin
                        wfrag <= 1'b1; w_live <= 1'b0;
                    end else begin
                        wx    <= next_x(wx[5:0], wc, p_sa3, p_so3, p_sa7, p_so7);
                        wnh   <= xo ? p6 : p2;
                        wc    <= xo ? p_c6 : p_c2;
                        w_erd <= (xo ? p_c6[C_EXT] : p_c2[C_EXT]) & (wcnt != 4'd7); // the ninth: TOO_DEEP, unread
                        wcnt  <= wcnt + 4'd1;
                    end
                end
            end
        end
    end

    // ------------------------------------------------------------------
    // Verdict (post stage) and result registers
    // ------------------------------------------------------------------
    // {action, reason}, in SPEC order. ipok stands for every check of steps
    // 2, 5 and 6 before the walker; v4hdr / v6hdr for the header's bytes.
    function [5:0] verdict;
        input short, hit, is_l3, deep, nip, is_v4, ok4, hdr4, fr4, ok6, hdr6,
              ports, xfr, c_ext, c_l4, c_oth, cnt8, x62, x63;
        reg [3:0] r;
        begin
            if (short)                   r = R_MALFORMED;
            else if (!hit)               r = R_MAC_MISS;
            else if (!is_l3)             r = deep ? R_TOO_DEEP : nip ? R_NOT_IP : R_MALFORMED;
            else if (is_v4) begin
                if (!ok4 || !hdr4)       r = R_MALFORMED;
                else if (fr4)            r = R_FRAGMENT;
                else if (c_oth)          r = R_NON_L4;
                else if (ports)          r = R_L4;
                else                     r = R_MALFORMED;
            end else begin
                if (!ok6 || !hdr6)       r = R_MALFORMED;
                else if (ports)          r = R_L4;
                else if (xfr)            r = R_FRAGMENT;
                else if (c_oth)          r = R_NON_L4;
                else if ((c_ext && (cnt8 || x62)) || (c_l4 && x63))
                                         r = R_TOO_DEEP;
                else                     r = R_MALFORMED;
            end
            verdict = {action_of(r), r};
        end
    endfunction

    // FORWARD (NON_L4 or ports read), straight from the flags.
    function fwd;
        input ok, ports, c_oth;
        fwd = ok & (ports | c_oth);
    endfunction

    always @(posedge clk) begin
        if (rst) begin
            res_valid <= 1'b0;
            res_action <= 2'd0; res_reason <= 4'd0;
            res_proto <= 8'd0;
        end else begin
            res_valid <= q_post;
            if (q_post) begin
                {res_action, res_reason} <= verdict(q_short, mac_hit, l3, deep3, notip, v4, r0_v4ok,
                                                    v4hdr, frag4, r0_v6ok, v6hdr, wports, wfrag,
                                                    wc[C_EXT], wc[C_L4], wc[C_OTH], wcnt[3],
                                                    wx[6] | (&wx[5:1]), wx[6] | (&wx[5:0]));
                res_proto  <= fwd(ipok, wports, wc[C_OTH]) ? wnh : 8'd0;
            end
        end
    end

    // Addresses: 32-bit slots, src 0..3 then dst 0..3 (slot 0 = bits
    // 127:96), captured as the words stream past, zeroed / mapped at the
    // verdict. IPv6 slot s is word wl+2+s; IPv4 source / destination go to
    // slots 3 / 7 (words wl+3, wl+4). Beat and half of each, by wl:
    //   IPv6 slot s: wl3 beat 3+s/2, wl4 beat 3+(s+1)/2, wl5 beat 4+s/2;
    //                W1 when s is even, except for wl4 (opposite).
    //   IPv4 slot 3: wl3 b3 W2, wl4 b4 W1, wl5 b4 W2; slot 7: wl3 b4 W1,
    //                wl4 b4 W2, wl5 b5 W1.
    function slot_en;
        input integer s; input [7:3] oh; input is_v4, is_v6, l3w3, l3w4, l3w5;
        reg v6en, v4en;
        begin
            v6en = is_v6 & ((l3w3 & oh[3 + s/2]) | (l3w4 & oh[3 + (s+1)/2]) | (l3w5 & oh[4 + s/2]));
            v4en = (s == 3) ? is_v4 & ((l3w3 & oh[3]) | ((l3w4 | l3w5) & oh[4])) :
                   (s == 7) ? is_v4 & (((l3w3 | l3w4) & oh[4]) | (l3w5 & oh[5])) : 1'b0;
            slot_en = v6en | v4en;
        end
    endfunction
    function slot_w1;
        input integer s; input is_v4, l3w4;
        slot_w1 = (s % 2 == 0) ? ~l3w4 : (s == 7) ? (l3w4 ^ is_v4) : l3w4;
    endfunction

    always @(posedge clk) begin
        if (rst) begin
            res_src_addr <= 128'd0; res_dst_addr <= 128'd0;
        end else if (q_post) begin
            // No zeroing for frames that are not FORWARD (see the timing
            // contract): only the IPv4 mapping.
            if (v4) begin
                res_src_addr[127:32] <= {80'd0, 16'hffff};
                res_dst_addr[127:32] <= {80'd0, 16'hffff};
            end
        end else if (a_v && l3 && a_oh[7:3] != 5'd0) begin
            if (slot_en(0, a_oh[7:3], v4, v6, wl3, wl4, wl5)) res_src_addr[127:96] <= window_word(slot_w1(0, v4, wl4), {p6, p7}, a_d[47:0]);
            if (slot_en(1, a_oh[7:3], v4, v6, wl3, wl4, wl5)) res_src_addr[95:64]  <= window_word(slot_w1(1, v4, wl4), {p6, p7}, a_d[47:0]);
            if (slot_en(2, a_oh[7:3], v4, v6, wl3, wl4, wl5)) res_src_addr[63:32]  <= window_word(slot_w1(2, v4, wl4), {p6, p7}, a_d[47:0]);
            if (slot_en(3, a_oh[7:3], v4, v6, wl3, wl4, wl5)) res_src_addr[31:0]   <= window_word(slot_w1(3, v4, wl4), {p6, p7}, a_d[47:0]);
            if (slot_en(4, a_oh[7:3], v4, v6, wl3, wl4, wl5)) res_dst_addr[127:96] <= window_word(slot_w1(4, v4, wl4), {p6, p7}, a_d[47:0]);
            if (slot_en(5, a_oh[7:3], v4, v6, wl3, wl4, wl5)) res_dst_addr[95:64]  <= window_word(slot_w1(5, v4, wl4), {p6, p7}, a_d[47:0]);
            if (slot_en(6, a_oh[7:3], v4, v6, wl3, wl4, wl5)) res_dst_addr[63:32]  <= window_word(slot_w1(6, v4, wl4), {p6, p7}, a_d[47:0]);
            if (slot_en(7, a_oh[7:3], v4, v6, wl3, wl4, wl5)) res_dst_addr[31:0]   <= window_word(slot_w1(7, v4, wl4), {p6, p7}, a_d[47:0]);
        end
    end

endmodule

`default_nettype wire
