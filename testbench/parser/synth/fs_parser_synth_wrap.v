// fs_parser_synth_wrap: pin-light wrapper used only by
// testbench/parser/synth/synth.sh to place and route fs_parser alone on an
// HX8K (the parser has ~575 signals, the ct256 package 206 I/Os).
//
// Every parser input comes from a shift register fed by 8 pins (so nothing
// is constant and optimised away), and every output is XOR-folded 4:1 per
// registered stage down to 8 pins, so the parser's own register-to-register
// paths are what the timing report measures. The wrapper's flip-flops and
// LUTs are counted in the placed figures, not in the parser-alone synth
// figures (those come from synth_ice40 -top fs_parser).
`default_nettype none

module fs_parser_synth_wrap (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] pin_in,
    output reg  [7:0] pin_out
);
    // inputs: valid 1, data 64, keep 8, last 1, promisc 1, mac 192, mac_valid 4
    localparam IW = 1 + 64 + 8 + 1 + 1 + 192 + 4 + 1;   // 272, a multiple of 8
    reg [IW-1:0] in_sr;
    always @(posedge clk)
        in_sr <= {in_sr[IW-9:0], pin_in};

    wire         res_valid;
    wire [1:0]   res_action;
    wire [3:0]   res_reason;
    wire [127:0] res_src_addr, res_dst_addr;
    wire [7:0]   res_proto;
    wire [15:0]  res_src_port, res_dst_port;

    fs_parser u_parser (
        .clk(clk), .rst(rst),
        .beat_valid(in_sr[0]), .beat_data(in_sr[64:1]), .beat_keep(in_sr[72:65]),
        .beat_last(in_sr[73]), .cfg_promisc(in_sr[74]), .cfg_mac(in_sr[266:75]),
        .cfg_mac_valid(in_sr[270:267]),
        .res_valid(res_valid), .res_action(res_action), .res_reason(res_reason),
        .res_src_addr(res_src_addr), .res_dst_addr(res_dst_addr), .res_proto(res_proto),
        .res_src_port(res_src_port), .res_dst_port(res_dst_port));

    // 303 result bits padded to 320, folded 320 -> 80 -> 20 -> 8, one
    // register per stage (the last stage XORs bits i, i+8 and i+16).
    wire [319:0] outs = {16'd0, in_sr[IW-1], res_valid, res_action, res_reason, res_proto, res_src_port,
                         res_dst_port, res_src_addr, res_dst_addr};
    reg [79:0] f1_reg;
    reg [19:0] f2_reg;
    integer k;
    always @(posedge clk) begin
        for (k = 0; k < 80; k = k + 1)
            f1_reg[k] <= ^outs[4*k +: 4];
        for (k = 0; k < 20; k = k + 1)
            f2_reg[k] <= ^f1_reg[4*k +: 4];
        pin_out <= f2_reg[7:0] ^ f2_reg[15:8] ^ {4'd0, f2_reg[19:16]};
    end
endmodule

`default_nettype wire
