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
// res_valid is high for exactly one cycle, PARSE_LATENCY = 1 cycle after that
// beat (i.e. on the clock edge that accepts the beat, the result registers are
// loaded). Beats after beat 31 are ignored until the frame's last beat.
// One result per frame, in order; one-beat frames back to back give one
// result per cycle; bubbles (beat_valid low) may occur anywhere.
// The res_* fields are meaningful only in the cycle res_valid is high: they
// double as capture registers for the frame being parsed (saves ~300 flip-
// flops on the iCE40), so a consumer must take them in that cycle. In it they
// are all zero where SPEC says the field does not apply: addresses and
// protocol only for FORWARD, ports only for TCP/UDP (reason SRC_HASH).
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
// beat) is kept, so the window holds the three newest whole words.
// On the last beat W1 is captured iff keep[1], W2 iff keep[5].
// The 256-byte window in words: an extension header at word x (its first
// 8 bytes end at byte 4x+10) is TOO_DEEP iff x >= 62; ports at word x
// (end 4x+6) are TOO_DEEP iff x >= 63. Word 62 is W2 of beat 31.
//
// ---------------------------------------------------------------------------
// Decision table (first matching SPEC step wins)
// ---------------------------------------------------------------------------
// SPEC step                         where / when                     result
// 1  < 14 bytes                     last beat is beat 0, or beat 1   CONTROL/MALFORMED
//                                   with !keep[5]
// 2  dst MAC miss                   mac_hit_reg (beat 0), used at    BRIDGE/MAC_MISS
//                                   beat 1 once 14 bytes are known
// 3  TPID at 12 -> tag 1            beat 1 -> PH_VLAN
//    EtherType at 16 not captured   beat 2, !cap1                    CONTROL/MALFORMED
//    TPID at 16 -> tag 2, EtherType beat 2, !cap2                    CONTROL/MALFORMED
//    at 20 not captured
//    TPID at 20 (third tag)         beat 2, on the TPID alone        CONTROL/TOO_DEEP
// 4  EtherType not IPv4/IPv6        beat 1 or 2                      CONTROL/NOT_IP
// 5  IPv4 word wl: version != 4,    when word wl completes           CONTROL/MALFORMED
//    IHL < 5, total length < IHL*4  (all outcomes of step 5's first
//                                   sentence are MALFORMED, so the
//                                   order inside it does not matter)
//    header (max(20, 4*IHL) bytes)  frame ends before word           CONTROL/MALFORMED
//    not captured                   wl+IHL-1 (end-of-frame rule)
//    MF or offset != 0 (word wl+1)  when word wl+IHL-1 completes     FRAGMENT/FRAGMENT
//                                   (header fully valid first)
//    protocol (word wl+2) not 6/17  same beat                        FORWARD/NON_L4
//    protocol 6/17                  -> walker, ports at word wl+IHL
// 6  IPv6 word wl: version != 6     when word wl completes           CONTROL/MALFORMED
//    < 40 bytes                     frame ends before word wl+9      CONTROL/MALFORMED
//    next header (word wl+1)        at word wl+9 -> walker, item at
//                                   word wl+10, count 0
//    walker, item (nh, x, count), classified as soon as it is known:
//      nh extension, count == 8     at once (before reading)         CONTROL/TOO_DEEP
//      nh extension, x >= 62        at once (ends past byte 256)     CONTROL/TOO_DEEP
//      nh extension, else           read when word x+1 completes; frame ends
//                                   first -> MALFORMED
//      fragment header with offset  when read                        FRAGMENT/FRAGMENT
//      != 0 or M; atomic: go on
//      read: nh = byte 0, x += 2 (44), len+2 (51), 2*(len+1) (others),
//            count += 1; at most one header completes per beat.
// 7  nh not 6/17 (incl. 59, 50,     at once                          FORWARD/NON_L4
//    IPv4 protocols 0/43/... which
//    are not extension headers)
// 8  ports at word x >= 63          at once                          CONTROL/TOO_DEEP
//    ports not captured             frame ends first                 CONTROL/MALFORMED
//    ports read                     when word x completes            FORWARD/SRC_HASH
//                                   (placeholder "L4 ports valid")
// End of parse with no decision: on the last beat -> MALFORMED (something
// still needed was not captured). At beat 31 nothing can be pending (every
// item ending at or before byte 256 has completed; later ones were TOO_DEEP
// at once), so the TOO_DEEP fallback there is defensive only.
// Chains inside one beat (all handled combinationally, in SPEC order):
// EtherType of tag 1 -> IPv4/IPv6 word wl=4 (W2 of beat 2);
// IP header end -> ports at the next word; extension header -> ports.
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
    // The result registers are loaded by that beat's clock edge. Nothing in
    // here reads it (the latency is structural); it is the documented
    // contract, and testbench/parser reads it hierarchically to check it.
    /* verilator lint_off UNUSEDPARAM */
    localparam PARSE_LATENCY = 1;
    /* verilator lint_on UNUSEDPARAM */

    // Action and reason codes (docs/interfaces.md).
    localparam [1:0] A_FORWARD = 2'd0, A_BRIDGE = 2'd1, A_CONTROL = 2'd2, A_FRAGMENT = 2'd3;
    localparam [3:0] R_MAC_MISS = 4'd0, R_NOT_IP = 4'd1, R_MALFORMED = 4'd2, R_TOO_DEEP = 4'd3,
                     R_FRAGMENT = 4'd4, R_NON_L4 = 4'd5, R_L4 = 4'd7; // R_L4 = SRC_HASH placeholder

    // Parse phases.
    localparam [2:0] PH_ETH  = 3'd0,  // beats 0 and 1: MAC, EtherType at 12
                     PH_VLAN = 3'd1,  // beat 2: EtherType at 16 (and 20)
                     PH_IP4  = 3'd2,  // IPv4 header
                     PH_IP6  = 3'd3,  // IPv6 fixed header
                     PH_WALK = 3'd4,  // extension headers / ports
                     PH_DONE = 3'd5;  // decided, reason in rsn_reg

    // ------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------
    function is_tpid;
        input [15:0] et;
        is_tpid = (et == 16'h8100) | (et == 16'h88a8) | (et == 16'h9100);
    endfunction

    function is_ext;
        input [7:0] nh;
        is_ext = (nh == 8'd0) | (nh == 8'd43) | (nh == 8'd60) | (nh == 8'd44) | (nh == 8'd51);
    endfunction

    function is_l4;
        input [7:0] nh;
        is_l4 = (nh == 8'd6) | (nh == 8'd17);
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

    // Walker item class: 0 pending, 1 TOO_DEEP, 2 NON_L4 (SPEC 6, 7, 8).
    localparam [1:0] WC_PENDING = 2'd0, WC_TOO_DEEP = 2'd1, WC_NON_L4 = 2'd2;
    function [1:0] walk_class;
        input [7:0] nh;
        input [5:0] x;      // word of the item, saturated at 63
        input [3:0] cnt;    // extension headers already read
        if (is_ext(nh))
            walk_class = (cnt == 4'd8 || x >= 6'd62) ? WC_TOO_DEEP : WC_PENDING;
        else if (is_l4(nh))
            walk_class = (x == 6'd63) ? WC_TOO_DEEP : WC_PENDING;
        else
            walk_class = WC_NON_L4;
    endfunction

    // ------------------------------------------------------------------
    // State
    // ------------------------------------------------------------------
    reg [4:0]  beat_reg;     // index of the next beat within the frame
    reg        drain_reg;    // parse ended at beat 31: skip to the last beat
    reg [47:0] prev_reg;     // bytes 2..7 of the previous beat (byte 2 in [7:0])
    reg [2:0]  ph_reg;
    reg        mac_hit_reg;  // destination MAC matched (beat 0)
    reg        l3_reg;       // wl_reg/v6_reg are valid for this frame
    reg        v6_reg;       // L3 is IPv6
    reg [2:0]  wl_reg;       // word of the L3 header: 3, 4 or 5
    reg        hdr_reg;      // IPv4 word wl seen, ihl_reg valid
    reg [3:0]  ihl_reg;
    reg        frag_reg;     // IPv4 MF or fragment offset != 0
    reg [7:0]  nh_reg;       // IPv4 protocol / IPv6 next header being walked
    reg [5:0]  x_reg;        // word of the pending walker item
    reg [3:0]  cnt_reg;      // IPv6 extension headers read
    reg [3:0]  rsn_reg;      // decision once ph_reg == PH_DONE

    reg        mac_hit_next, l3_next, v6_next, hdr_next, frag_next;
    reg [2:0]  ph_next, wl_next;
    reg [3:0]  ihl_next, cnt_next, rsn_next;
    reg [7:0]  nh_next;
    reg [5:0]  x_next;
    reg [15:0] sport_next, dport_next;
    reg [127:0] src_next, dst_next;

    // ------------------------------------------------------------------
    // Beat view
    // ------------------------------------------------------------------
    wire [31:0] w0 = {prev_reg[7:0], prev_reg[15:8], prev_reg[23:16], prev_reg[31:24]};
    wire [31:0] w1 = {prev_reg[39:32], prev_reg[47:40], beat_data[7:0], beat_data[15:8]};
    wire [31:0] w2 = {beat_data[23:16], beat_data[31:24], beat_data[39:32], beat_data[47:40]};
    wire [5:0]  idx2 = {beat_reg, 1'b0};
    wire [5:0]  idx1 = idx2 - 6'd1;                           // unused on beat 0
    wire        cap1 = (beat_reg != 5'd0) & (~beat_last | beat_keep[1]);
    wire        cap2 = ~beat_last | beat_keep[5];
    wire        end_beat = beat_last | (beat_reg == 5'd31);

    // Only keep[1] and keep[5] matter: keep is contiguous, so they tell
    // whether W1 and W2 of a last beat are whole (and keep[5] on beat 1
    // whether the frame has 14 bytes). The other bits carry no information.
    /* verilator lint_off UNUSEDSIGNAL */
    wire        unused_keep = &{1'b0, beat_keep[7:6], beat_keep[4:2], beat_keep[0]};
    /* verilator lint_on UNUSEDSIGNAL */

    wire [47:0] dmac = {beat_data[7:0], beat_data[15:8], beat_data[23:16],
                        beat_data[31:24], beat_data[39:32], beat_data[47:40]};
    wire [3:0]  mac_eq = {cfg_mac_valid[3] & (cfg_mac[191:144] == dmac),
                          cfg_mac_valid[2] & (cfg_mac[143:96]  == dmac),
                          cfg_mac_valid[1] & (cfg_mac[95:48]   == dmac),
                          cfg_mac_valid[0] & (cfg_mac[47:0]    == dmac)};

    // ------------------------------------------------------------------
    // Classification of one beat (SPEC order, see the decision table)
    // ------------------------------------------------------------------
    reg [5:0]  wi;           // word index being looked for
    reg        on1, on2;     // it is W1 / W2 of this beat, captured
    reg [31:0] wv;           // its value
    reg [10:0] xsum;         // next item word before saturation
    reg [1:0]  wc;
    reg        walking;

    always @* begin
        ph_next = ph_reg;       mac_hit_next = mac_hit_reg;
        l3_next = l3_reg;       v6_next = v6_reg;        wl_next = wl_reg;
        hdr_next = hdr_reg;     ihl_next = ihl_reg;      frag_next = frag_reg;
        nh_next = nh_reg;       x_next = x_reg;          cnt_next = cnt_reg;
        rsn_next = rsn_reg;
        sport_next = (beat_reg == 5'd0) ? 16'd0 : res_src_port;
        dport_next = (beat_reg == 5'd0) ? 16'd0 : res_dst_port;
        wi = 6'd0; on1 = 1'b0; on2 = 1'b0; wv = 32'd0; xsum = 11'd0; wc = WC_PENDING;
        walking = (ph_reg == PH_WALK);   // a walker item is pending

        // Steps 1, 2, 3 (first tag), 4: beats 0 and 1.
        if (ph_reg == PH_ETH) begin
            if (beat_reg == 5'd0) begin
                mac_hit_next = cfg_promisc | (|mac_eq);
            end else if (!cap2) begin
                ph_next = PH_DONE; rsn_next = R_MALFORMED;        // step 1
            end else if (!mac_hit_reg) begin
                ph_next = PH_DONE; rsn_next = R_MAC_MISS;         // step 2
            end else if (is_tpid(w2[15:0])) begin
                ph_next = PH_VLAN;                                // step 3
            end else if (w2[15:0] == 16'h0800 || w2[15:0] == 16'h86dd) begin
                ph_next = (w2[15:0] == 16'h0800) ? PH_IP4 : PH_IP6;
                l3_next = 1'b1; v6_next = (w2[15:0] == 16'h86dd); wl_next = 3'd3;
            end else begin
                ph_next = PH_DONE; rsn_next = R_NOT_IP;           // step 4
            end
        end

        // Step 3, tags 1 and 2 (beat 2): EtherType at 16 in W1, at 20 in W2.
        if (ph_reg == PH_VLAN) begin
            if (!cap1) begin
                ph_next = PH_DONE; rsn_next = R_MALFORMED;
            end else if (is_tpid(w1[15:0])) begin
                if (!cap2) begin
                    ph_next = PH_DONE; rsn_next = R_MALFORMED;
                end else if (is_tpid(w2[15:0])) begin
                    ph_next = PH_DONE; rsn_next = R_TOO_DEEP;     // third tag
                end else if (w2[15:0] == 16'h0800 || w2[15:0] == 16'h86dd) begin
                    ph_next = (w2[15:0] == 16'h0800) ? PH_IP4 : PH_IP6;
                    l3_next = 1'b1; v6_next = (w2[15:0] == 16'h86dd); wl_next = 3'd5;
                end else begin
                    ph_next = PH_DONE; rsn_next = R_NOT_IP;
                end
            end else if (w1[15:0] == 16'h0800 || w1[15:0] == 16'h86dd) begin
                ph_next = (w1[15:0] == 16'h0800) ? PH_IP4 : PH_IP6;
                l3_next = 1'b1; v6_next = (w1[15:0] == 16'h86dd); wl_next = 3'd4;
            end else begin
                ph_next = PH_DONE; rsn_next = R_NOT_IP;
            end
        end

        // Step 5/6: first word of the IP header (may be W2 of the beat that
        // just decided wl = 4).
        if (ph_next == PH_IP4 || ph_next == PH_IP6) begin
            wi = {3'd0, wl_next};
            on1 = cap1 & (idx1 == wi); on2 = cap2 & (idx2 == wi);
            wv = on1 ? w1 : w2;
            if (on1 | on2) begin
                if (ph_next == PH_IP4) begin
                    hdr_next = 1'b1; ihl_next = wv[27:24];
                    if (wv[31:28] != 4'd4 || wv[27:24] < 4'd5 || wv[15:0] < {10'd0, wv[27:24], 2'b00}) begin
                        ph_next = PH_DONE; rsn_next = R_MALFORMED;
                    end
                end else if (wv[31:28] != 4'd6) begin
                    ph_next = PH_DONE; rsn_next = R_MALFORMED;
                end
            end
        end

        // The later IP words come at least one beat after wl is decided, so
        // from here on the registered phase and wl are used (shorter paths).
        // Step 5: word wl+1 (identification, flags, fragment offset) and
        // word wl+2 (TTL, protocol, checksum).
        if (ph_reg == PH_IP4) begin
            wi = {3'd0, wl_reg} + 6'd1;
            on1 = cap1 & (idx1 == wi); on2 = cap2 & (idx2 == wi);
            wv = on1 ? w1 : w2;
            if (on1 | on2)
                frag_next = wv[13] | (wv[12:0] != 13'd0);       // MF, offset
            wi = {3'd0, wl_reg} + 6'd2;
            on1 = cap1 & (idx1 == wi); on2 = cap2 & (idx2 == wi);
            wv = on1 ? w1 : w2;
            if (on1 | on2)
                nh_next = wv[23:16];
        end

        // Step 5: last header word wl+IHL-1 completes: header fully valid.
        if (ph_reg == PH_IP4 && hdr_reg) begin
            wi = {3'd0, wl_reg} + {2'd0, ihl_reg} - 6'd1;
            on1 = cap1 & (idx1 == wi); on2 = cap2 & (idx2 == wi);
            if (on1 | on2) begin
                if (frag_reg) begin
                    ph_next = PH_DONE; rsn_next = R_FRAGMENT;
                end else if (!is_l4(nh_reg)) begin
                    ph_next = PH_DONE; rsn_next = R_NON_L4;       // step 7
                end else begin
                    ph_next = PH_WALK; x_next = wi + 6'd1; cnt_next = 4'd0;
                    walking = 1'b1;
                end
            end
        end

        // Step 6: next header (word wl+1) and end of the fixed header (wl+9).
        if (ph_reg == PH_IP6) begin
            wi = {3'd0, wl_reg} + 6'd1;
            on1 = cap1 & (idx1 == wi); on2 = cap2 & (idx2 == wi);
            wv = on1 ? w1 : w2;
            if (on1 | on2)
                nh_next = wv[15:8];
            wi = {3'd0, wl_reg} + 6'd9;
            on1 = cap1 & (idx1 == wi); on2 = cap2 & (idx2 == wi);
            if (on1 | on2) begin
                ph_next = PH_WALK; x_next = wi + 6'd1; cnt_next = 4'd0;
                walking = 1'b1;
            end
        end

        // Steps 6-8, walker. Classify the current item.
        if (walking) begin
            wc = walk_class(nh_next, x_next, cnt_next);
            if (wc == WC_TOO_DEEP) begin
                ph_next = PH_DONE; rsn_next = R_TOO_DEEP; walking = 1'b0;
            end else if (wc == WC_NON_L4) begin
                ph_next = PH_DONE; rsn_next = R_NON_L4; walking = 1'b0;
            end
        end

        // Read an extension header whose first 8 bytes (words x, x+1) are
        // complete: word x is W0 (x+1 = W1) or W1 (x+1 = W2).
        if (walking && is_ext(nh_next)) begin
            wi = x_next + 6'd1;
            on1 = cap1 & (idx1 == wi); on2 = cap2 & (idx2 == wi);
            wv = on1 ? w0 : w1;
            if (on1 | on2) begin
                if (nh_next == 8'd44 && (wv[15:3] != 13'd0 || wv[0])) begin
                    ph_next = PH_DONE; rsn_next = R_FRAGMENT; walking = 1'b0;
                end else begin
                    if (nh_next == 8'd44)
                        xsum = {5'd0, x_next} + 11'd2;
                    else if (nh_next == 8'd51)
                        xsum = {5'd0, x_next} + {3'd0, wv[23:16]} + 11'd2;
                    else
                        xsum = {5'd0, x_next} + {2'd0, wv[23:16], 1'b0} + 11'd2;
                    x_next = (xsum > 11'd63) ? 6'd63 : xsum[5:0];
                    nh_next = wv[31:24];
                    cnt_next = cnt_next + 4'd1;
                    wc = walk_class(nh_next, x_next, cnt_next);
                    if (wc == WC_TOO_DEEP) begin
                        ph_next = PH_DONE; rsn_next = R_TOO_DEEP; walking = 1'b0;
                    end else if (wc == WC_NON_L4) begin
                        ph_next = PH_DONE; rsn_next = R_NON_L4; walking = 1'b0;
                    end
                end
            end
        end

        // Step 8: ports at word x (W1 or W2 of this beat when they arrive).
        if (walking && is_l4(nh_next)) begin
            wi = x_next;
            on1 = cap1 & (idx1 == wi); on2 = cap2 & (idx2 == wi);
            wv = on1 ? w1 : w2;
            if (on1 | on2) begin
                sport_next = wv[31:16]; dport_next = wv[15:0];
                ph_next = PH_DONE; rsn_next = R_L4;
            end
        end

        // End of the parse with nothing decided: something still needed was
        // not captured (last beat). At beat 31 this cannot happen (header).
        if (end_beat && ph_next != PH_DONE) begin
            ph_next = PH_DONE;
            rsn_next = beat_last ? R_MALFORMED : R_TOO_DEEP;
        end
    end

    // ------------------------------------------------------------------
    // Address capture: words of the IP addresses as they stream past.
    // IPv4: source word wl+3, destination wl+4 (low 32 bits).
    // IPv6: source words wl+2..wl+5, destination wl+6..wl+9.
    // ------------------------------------------------------------------
    wire [5:0] rel1 = idx1 - {3'd0, wl_reg};   // W1's word relative to L3
    wire [5:0] rel2 = idx2 - {3'd0, wl_reg};
    wire       cw1 = l3_reg & (beat_reg != 5'd0);
    integer k;

    always @* begin
        src_next = (beat_reg == 5'd0) ? 128'd0 : res_src_addr;
        dst_next = (beat_reg == 5'd0) ? 128'd0 : res_dst_addr;
        if (v6_reg) begin
            for (k = 0; k < 4; k = k + 1) begin
                if (cw1 && rel1 == 6'd2 + k[5:0])    src_next[127-32*k -: 32] = w1;
                if (l3_reg && rel2 == 6'd2 + k[5:0]) src_next[127-32*k -: 32] = w2;
                if (cw1 && rel1 == 6'd6 + k[5:0])    dst_next[127-32*k -: 32] = w1;
                if (l3_reg && rel2 == 6'd6 + k[5:0]) dst_next[127-32*k -: 32] = w2;
            end
        end else begin
            if (cw1 && rel1 == 6'd3)    src_next[31:0] = w1;
            if (l3_reg && rel2 == 6'd3) src_next[31:0] = w2;
            if (cw1 && rel1 == 6'd4)    dst_next[31:0] = w1;
            if (l3_reg && rel2 == 6'd4) dst_next[31:0] = w2;
        end
    end

    // ------------------------------------------------------------------
    // Registers
    // ------------------------------------------------------------------
    wire fwd_next = (rsn_next == R_NON_L4) | (rsn_next == R_L4);

    always @(posedge clk) begin
        if (rst) begin
            res_valid <= 1'b0;
            res_action <= 2'd0;  res_reason <= 4'd0;
            res_src_addr <= 128'd0; res_dst_addr <= 128'd0;
            res_proto <= 8'd0; res_src_port <= 16'd0; res_dst_port <= 16'd0;
            beat_reg <= 5'd0; drain_reg <= 1'b0; prev_reg <= 48'd0;
            ph_reg <= PH_ETH; mac_hit_reg <= 1'b0; l3_reg <= 1'b0; v6_reg <= 1'b0;
            wl_reg <= 3'd3; hdr_reg <= 1'b0; ihl_reg <= 4'd0; frag_reg <= 1'b0;
            nh_reg <= 8'd0; x_reg <= 6'd0; cnt_reg <= 4'd0; rsn_reg <= 4'd0;
        end else begin
            res_valid <= 1'b0;
            if (beat_valid && drain_reg) begin
                drain_reg <= ~beat_last;
            end else if (beat_valid) begin
                prev_reg <= beat_data[63:16];
                if (end_beat) begin
                    res_valid    <= 1'b1;
                    res_action   <= action_of(rsn_next);
                    res_reason   <= rsn_next;
                    res_src_addr <= !fwd_next ? 128'd0 :
                                    v6_next ? src_next : {80'd0, 16'hffff, src_next[31:0]};
                    res_dst_addr <= !fwd_next ? 128'd0 :
                                    v6_next ? dst_next : {80'd0, 16'hffff, dst_next[31:0]};
                    res_proto    <= fwd_next ? nh_next : 8'd0;
                    res_src_port <= (rsn_next == R_L4) ? sport_next : 16'd0;
                    res_dst_port <= (rsn_next == R_L4) ? dport_next : 16'd0;
                    drain_reg <= ~beat_last;
                    beat_reg <= 5'd0; ph_reg <= PH_ETH;
                    l3_reg <= 1'b0; v6_reg <= 1'b0; hdr_reg <= 1'b0;
                end else begin
                    res_src_addr <= src_next; res_dst_addr <= dst_next;
                    res_src_port <= sport_next; res_dst_port <= dport_next;
                    beat_reg <= beat_reg + 5'd1;
                    ph_reg <= ph_next; l3_reg <= l3_next; v6_reg <= v6_next;
                    hdr_reg <= hdr_next;
                end
                mac_hit_reg <= mac_hit_next; wl_reg <= wl_next;
                ihl_reg <= ihl_next; frag_reg <= frag_next; nh_reg <= nh_next;
                x_reg <= x_next; cnt_reg <= cnt_next; rsn_reg <= rsn_next;
            end
        end
    end

endmodule

`default_nettype wire
