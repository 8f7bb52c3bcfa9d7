// fs_delay: a plain shift register that delays a word by STAGES cycles
// (keeps the non-hashed part of a decision aligned with the hash unit).
//
// Parameters:
//   WIDTH   bits delayed.
//   STAGES  cycles of delay, >= 1.
// Reset clears every stage, so valid bits carried in `d` start at zero.
module fs_delay #(
    parameter WIDTH  = 8,
    parameter STAGES = 2
) (
    input  wire             clk,
    input  wire             rst,
    input  wire [WIDTH-1:0] d,
    output wire [WIDTH-1:0] q
);
    reg [WIDTH*STAGES-1:0] pipe_reg;

    generate
        if (STAGES == 1) begin : g_one
            always @(posedge clk)
                pipe_reg <= rst ? {WIDTH{1'b0}} : d;
        end else begin : g_many
            always @(posedge clk)
                pipe_reg <= rst ? {(WIDTH*STAGES){1'b0}} : {pipe_reg[WIDTH*(STAGES-1)-1:0], d};
        end
    endgenerate

    assign q = pipe_reg[WIDTH*STAGES-1 -: WIDTH];
endmodule
