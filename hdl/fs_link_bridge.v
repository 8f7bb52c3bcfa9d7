// fs_link_bridge: the FPGA end of the flowsteer link protocol
// (docs/link-protocol.md). Host bytes arrive on rx (USB FIFO or SPI slave),
// responses leave on tx; register accesses go out on an AXI4-Lite master
// toward the CSR block.
//
//   rx  --COBS decode + CRC--> rx buffer --execute--> AXI4-Lite master
//   tx  <--stream-- tx buffer <--COBS encode + CRC-- response bytes
//
// Frames are COBS-encoded and end with 0x00. A request is
//   cmd, seq, addr[15:8], addr[7:0], n-1, data..., crc[15:8], crc[7:0]
// and a response is
//   cmd, seq, data..., status, crc[15:8], crc[7:0]
// with CRC-16/GENIBUS (CRC-16/CCITT, init 0xFFFF, complemented). Frames with
// a COBS error, a bad CRC, fewer than 7 or more than MAX_FRAME decoded
// bytes are dropped without an answer (the host retries). SYNC (0x01)
// always executes and restarts the sequence state; any other command whose
// seq equals the last one is answered by replaying the stored response
// without touching the registers (idempotent retry); a seq "older" than the
// last (seq - last in 128..255) is a stale duplicate and dropped.
//
// No parameters: buffer sizes follow from the protocol's 256-byte data
// limit (MAX_FRAME = 263 decoded bytes; both buffers are 512 bytes).
module fs_link_bridge (
    input  wire clk, input wire rst,
    input  wire [7:0] rx_tdata, input wire rx_tvalid, output wire rx_tready, // host -> FPGA
    output wire [7:0] tx_tdata, output wire tx_tvalid, input wire tx_tready, // FPGA -> host
    output wire [15:0] m_axil_awaddr, output wire m_axil_awvalid, input wire m_axil_awready,
    output wire [31:0] m_axil_wdata,  output wire [3:0] m_axil_wstrb,
    output wire        m_axil_wvalid, input wire m_axil_wready,
    input  wire [1:0]  m_axil_bresp,  input wire m_axil_bvalid, output wire m_axil_bready,
    output wire [15:0] m_axil_araddr, output wire m_axil_arvalid, input wire m_axil_arready,
    input  wire [31:0] m_axil_rdata,  input wire [1:0] m_axil_rresp,
    input  wire        m_axil_rvalid, output wire m_axil_rready
);
    // ---- protocol constants (docs/link-protocol.md) ----
    localparam [7:0]  CMD_SYNC   = 8'h01;
    localparam [7:0]  CMD_READ   = 8'h10;
    localparam [7:0]  CMD_WRITE  = 8'h11;
    localparam [7:0]  CMD_READ8  = 8'h12;
    localparam [7:0]  CMD_WRITE8 = 8'h13;
    localparam [3:0]  ST_OK      = 4'd0;
    localparam [3:0]  ST_AXI     = 4'd1;
    localparam [3:0]  ST_BADREQ  = 4'd2;
    localparam [3:0]  ST_BADADDR = 4'd3;
    localparam [7:0]  VERSION    = 8'd1;
    localparam [15:0] CRC_RESIDUE = 16'h1D0F;
    localparam [8:0]  MAX_FRAME  = 9'd263;
    localparam [8:0]  MIN_FRAME  = 9'd7;

    // ---- executor states ----
    localparam [4:0] S_RX     = 5'd0,  S_DISP  = 5'd1,  S_HDR0  = 5'd2,  S_HDR1  = 5'd3,
                     S_BRANCH = 5'd4,  S_SYNCD = 5'd5,  S_AR    = 5'd6,  S_R     = 5'd7,
                     S_RPUSH  = 5'd8,  S_WLOAD = 5'd9,  S_AW    = 5'd10, S_B     = 5'd11,
                     S_STATUS = 5'd12, S_CRC1  = 5'd13, S_CRC2  = 5'd14, S_FIN1  = 5'd15,
                     S_FIN2   = 5'd16, S_TXGO  = 5'd17;

    // CRC-16/CCITT byte update in the classic XOR form (no per-bit loop).
    function [15:0] crc_next;
        input [15:0] c;
        input [7:0]  d;
        reg   [7:0]  x;
        begin
            x = c[15:8] ^ d;
            x = x ^ {4'h0, x[7:4]};
            crc_next = {c[7:0], 8'h00} ^ {x[3:0], 12'h000} ^ {3'b000, x, 5'b00000} ^ {8'h00, x};
        end
    endfunction

    reg [4:0] state_reg;

    // ---- executor registers ----
    reg         last_valid_reg;
    reg  [7:0]  last_seq_reg;
    reg         fresh_reg;
    reg  [3:0]  status_reg;
    reg  [15:0] cur_addr_reg;
    reg  [8:0]  count_reg;      // words done
    reg  [1:0]  bidx_reg;       // byte index inside a word
    reg  [31:0] word_reg;
    reg         aw_done_reg, w_done_reg;


    // ================= receive: COBS decoder into the rx buffer =================
    reg  [7:0]  rx_remain_reg;   // data bytes left in the current COBS block
    reg         rx_pzero_reg;    // an implied 0x00 is due if another block follows
    reg         rx_bad_reg;      // COBS error or overflow in this frame
    reg  [8:0]  rx_len_reg;      // decoded bytes stored
    reg  [15:0] rx_crc_reg;
    reg  [7:0]  h_cmd_reg, h_seq_reg, h_nm1_reg;
    reg  [15:0] h_addr_reg;
    reg  [8:0]  tx_ptr_reg;
    reg         tx_busy_reg;
    reg  [1:0]  tx_prime_reg;    // cycles until tx rdata is valid after a start
    reg  [8:0]  f_len_reg;       // length of the frame being executed

    wire       rx_fire  = rx_tvalid && (state_reg == S_RX);
    wire       rx_delim = rx_fire && (rx_tdata == 8'h00);
    wire       rx_code  = rx_fire && !rx_delim && (rx_remain_reg == 8'd0);
    // A data byte, or the implied zero released by the next block's code.
    wire       rx_store = (rx_fire && !rx_delim && !rx_code) || (rx_code && rx_pzero_reg);
    wire [7:0] rx_sbyte = rx_code ? 8'h00 : rx_tdata;
    wire       rx_room  = (rx_len_reg != MAX_FRAME);
    wire       rx_good  = !rx_bad_reg && (rx_remain_reg == 8'd0) && (rx_len_reg >= MIN_FRAME)
                          && (rx_crc_reg == CRC_RESIDUE);

    assign rx_tready = (state_reg == S_RX);

    // rx buffer read side: rdata always holds rxb[rd_ptr] (read-ahead).
    reg  [8:0] rd_ptr_reg;
    wire       rd_adv;
    wire [8:0] rd_addr = rd_adv ? rd_ptr_reg + 9'd1 : rd_ptr_reg;
    wire [7:0] rxb_rdata;

    fs_link_ram #(.AW(9)) u_rxbuf (
        .clk(clk), .we(rx_store && rx_room), .waddr(rx_len_reg), .wdata(rx_sbyte),
        .raddr(rd_addr), .rdata(rxb_rdata)
    );

    always @(posedge clk) begin
        if (rst || rx_delim) begin
            rx_remain_reg <= 8'd0;
            rx_pzero_reg  <= 1'b0;
            rx_bad_reg    <= 1'b0;
            rx_len_reg    <= 9'd0;
            rx_crc_reg    <= 16'hFFFF;
        end else begin
            if (rx_code) begin
                rx_remain_reg <= rx_tdata - 8'd1;
                rx_pzero_reg  <= (rx_tdata != 8'hFF);
            end else if (rx_fire) begin
                rx_remain_reg <= rx_remain_reg - 8'd1;
            end
            if (rx_store) begin
                if (rx_room) begin
                    rx_len_reg <= rx_len_reg + 9'd1;
                    rx_crc_reg <= crc_next(rx_crc_reg, rx_sbyte);
                end else begin
                    rx_bad_reg <= 1'b1;
                end
            end
        end
        if (rx_store && rx_room) begin
            case (rx_len_reg)
                9'd0: h_cmd_reg <= rx_sbyte;
                9'd1: h_seq_reg <= rx_sbyte;
                9'd2: h_addr_reg[15:8] <= rx_sbyte;
                9'd3: h_addr_reg[7:0]  <= rx_sbyte;
                9'd4: h_nm1_reg <= rx_sbyte;
                default: ;
            endcase
        end
        if (rx_delim)
            f_len_reg <= rx_len_reg;
    end

    // ================= request checks (combinational on the header) =================
    wire [8:0]  n_words   = {1'b0, h_nm1_reg} + 9'd1;
    wire        is_read   = (h_cmd_reg == CMD_READ)  || (h_cmd_reg == CMD_READ8);
    wire        is_write  = (h_cmd_reg == CMD_WRITE) || (h_cmd_reg == CMD_WRITE8);
    wire        is_byte   = (h_cmd_reg == CMD_READ8) || (h_cmd_reg == CMD_WRITE8);
    wire [10:0] exp_len   = (h_cmd_reg == CMD_WRITE)  ? {n_words, 2'b00} + 11'd7 :
                            (h_cmd_reg == CMD_WRITE8) ? {2'b00, n_words} + 11'd7 : 11'd7;
    wire        bad_req   = !(is_read || is_write)
                            || (!is_byte && (h_nm1_reg > 8'd63))
                            || ({2'b00, f_len_reg} != exp_len);
    wire [16:0] addr_end  = {1'b0, h_addr_reg} + {6'b0, n_words, 2'b00};
    wire        bad_addr  = (h_addr_reg[1:0] != 2'b00) || (addr_end > 17'h10000);
    wire [7:0]  seq_diff  = h_seq_reg - last_seq_reg;
    wire        is_sync   = (h_cmd_reg == CMD_SYNC);
    // dispatch: replay the stored response, drop a stale duplicate, or run
    wire        replay    = !tx_busy_reg && !is_sync && last_valid_reg && (h_seq_reg == last_seq_reg);
    wire        stale     = !is_sync && last_valid_reg && (seq_diff >= 8'h80); // seq - last in 128..255

    // response encoder (COBS with back-patched code bytes) into tx buffer
    reg  [7:0]  e_code_reg;
    reg  [8:0]  e_cptr_reg;     // where the current block's code byte goes
    reg  [8:0]  e_wr_reg;       // next free byte
    reg  [15:0] e_crc_reg;
    reg  [15:0] crc_out_reg;
    reg         e_flush_reg;    // a full block (code 0xFF) must be closed
    reg  [8:0]  tx_len_reg;

    // one response byte offered to the encoder this cycle
    reg         push;
    reg  [7:0]  push_byte;
    wire        enc_ready = !e_flush_reg;

    always @(*) begin
        push = 1'b0;
        push_byte = 8'h00;
        case (state_reg)
            S_HDR0:   begin push = 1'b1; push_byte = h_cmd_reg; end
            S_HDR1:   begin push = 1'b1; push_byte = h_seq_reg; end
            S_SYNCD:  begin push = 1'b1; push_byte = VERSION; end
            S_RPUSH:  begin
                push = 1'b1;
                case (bidx_reg)
                    2'd0: push_byte = word_reg[31:24];
                    2'd1: push_byte = word_reg[23:16];
                    2'd2: push_byte = word_reg[15:8];
                    default: push_byte = word_reg[7:0];
                endcase
            end
            S_R:      begin push = r8_ok; push_byte = m_axil_rdata[7:0]; end
            S_STATUS: begin push = 1'b1; push_byte = {fresh_reg, 3'b000, status_reg}; end
            S_CRC1:   begin push = 1'b1; push_byte = crc_out_reg[15:8]; end
            S_CRC2:   begin push = 1'b1; push_byte = crc_out_reg[7:0]; end
            default: ;
        endcase
    end
    wire push_go = push && enc_ready;

    // tx buffer write port: flush/back-patch, data byte, finish steps
    reg        tw_en;
    reg  [8:0] tw_addr;
    reg  [7:0] tw_data;
    always @(*) begin
        tw_en = 1'b0;
        tw_addr = e_wr_reg;
        tw_data = push_byte;
        if (e_flush_reg) begin
            tw_en = 1'b1; tw_addr = e_cptr_reg; tw_data = 8'hFF;
        end else if (push_go) begin
            tw_en = 1'b1;
            if (push_byte == 8'h00) begin
                tw_addr = e_cptr_reg; tw_data = e_code_reg;
            end
        end else if (state_reg == S_FIN1) begin
            tw_en = 1'b1; tw_addr = e_cptr_reg; tw_data = e_code_reg;
        end else if (state_reg == S_FIN2) begin
            tw_en = 1'b1; tw_addr = e_wr_reg; tw_data = 8'h00;
        end
    end

    // rx buffer reads advance by one byte per S_WLOAD cycle; WRITE8 takes
    // the next byte straight from rdata when the B response arrives, so a
    // byte burst costs one AW/W and one B cycle per entry.
    wire b_ok   = (state_reg == S_B) && m_axil_bvalid && (m_axil_bresp == 2'b00);
    wire b_next = b_ok && is_byte && !last_word;
    assign rd_adv = (state_reg == S_WLOAD) || b_next;
    // READ8 pushes rdata[7:0] in the R handshake itself.
    wire r8_ok  = (state_reg == S_R) && is_byte && m_axil_rvalid && (m_axil_rresp == 2'b00);

    // ---- transmit streamer: txb rdata always holds txb[tx_ptr] ----
    wire       tx_valid  = tx_busy_reg && (tx_prime_reg == 2'd0);
    wire       tx_fire   = tx_valid && tx_tready;
    wire [8:0] tx_raddr  = tx_fire ? tx_ptr_reg + 9'd1 : tx_ptr_reg;
    wire [7:0] txb_rdata;

    fs_link_ram #(.AW(9)) u_txbuf (
        .clk(clk), .we(tw_en), .waddr(tw_addr), .wdata(tw_data),
        .raddr(tx_raddr), .rdata(txb_rdata)
    );

    assign tx_tdata  = txb_rdata;
    assign tx_tvalid = tx_valid;

    always @(posedge clk) begin
        if (rst) begin
            tx_busy_reg  <= 1'b0;
            tx_ptr_reg   <= 9'd0;
            tx_prime_reg <= 2'd0;
        end else if (state_reg == S_TXGO || (state_reg == S_DISP && replay)) begin
            tx_busy_reg  <= 1'b1;
            tx_ptr_reg   <= 9'd0;
            tx_prime_reg <= 2'd2;
        end else begin
            tx_ptr_reg <= tx_raddr;
            if (tx_prime_reg != 2'd0)
                tx_prime_reg <= tx_prime_reg - 2'd1;
            if (tx_fire && (tx_ptr_reg == tx_len_reg - 9'd1))
                tx_busy_reg <= 1'b0;
        end
    end


    // ---- AXI4-Lite master ----
    assign m_axil_awaddr  = cur_addr_reg;
    assign m_axil_araddr  = cur_addr_reg;
    assign m_axil_wdata   = word_reg;
    assign m_axil_wstrb   = 4'hF;
    assign m_axil_awvalid = (state_reg == S_AW) && !aw_done_reg;
    assign m_axil_wvalid  = (state_reg == S_AW) && !w_done_reg;
    assign m_axil_bready  = (state_reg == S_B);
    assign m_axil_arvalid = (state_reg == S_AR);
    assign m_axil_rready  = (state_reg == S_R) && (!is_byte || enc_ready);

    wire aw_ok = aw_done_reg || m_axil_awready;
    wire w_ok  = w_done_reg  || m_axil_wready;
    wire last_word = (count_reg + 9'd1 == n_words);

    always @(posedge clk) begin
        if (rst) begin
            state_reg      <= S_RX;
            last_valid_reg <= 1'b0;
            last_seq_reg   <= 8'd0;
            fresh_reg      <= 1'b0;
            status_reg     <= ST_OK;
            e_flush_reg    <= 1'b0;
            e_code_reg     <= 8'd1;
            e_cptr_reg     <= 9'd0;
            e_wr_reg       <= 9'd1;
            e_crc_reg      <= 16'hFFFF;
            tx_len_reg     <= 9'd0;
            rd_ptr_reg     <= 9'd0;
            aw_done_reg    <= 1'b0;
            w_done_reg     <= 1'b0;
            count_reg      <= 9'd0;
            bidx_reg       <= 2'd0;
            cur_addr_reg   <= 16'd0;
            word_reg       <= 32'd0;
            crc_out_reg    <= 16'd0;
        end else begin
            // ---- encoder bookkeeping ----
            if (e_flush_reg) begin
                e_flush_reg <= 1'b0;
                e_cptr_reg  <= e_wr_reg;
                e_wr_reg    <= e_wr_reg + 9'd1;
                e_code_reg  <= 8'd1;
            end else if (push_go) begin
                e_crc_reg <= crc_next(e_crc_reg, push_byte);
                if (push_byte == 8'h00) begin
                    e_cptr_reg <= e_wr_reg;
                    e_wr_reg   <= e_wr_reg + 9'd1;
                    e_code_reg <= 8'd1;
                end else begin
                    e_wr_reg   <= e_wr_reg + 9'd1;
                    e_code_reg <= e_code_reg + 8'd1;
                    if (e_code_reg == 8'hFE)
                        e_flush_reg <= 1'b1;
                end
            end
            if (rd_adv)
                rd_ptr_reg <= rd_addr;

            case (state_reg)
                S_RX: if (rx_delim && rx_good) state_reg <= S_DISP;
                S_DISP: if (!tx_busy_reg) begin
                    if (replay) begin
                        state_reg <= S_RX;           // tx restarts with the stored response
                    end else if (stale) begin
                        state_reg <= S_RX;           // delayed duplicate: dropped
                    end else begin
                        fresh_reg      <= !last_valid_reg;
                        last_valid_reg <= 1'b1;
                        last_seq_reg   <= h_seq_reg;
                        status_reg     <= is_sync ? ST_OK : bad_req ? ST_BADREQ : bad_addr ? ST_BADADDR : ST_OK;
                        e_code_reg     <= 8'd1;
                        e_cptr_reg     <= 9'd0;
                        e_wr_reg       <= 9'd1;
                        e_crc_reg      <= 16'hFFFF;
                        cur_addr_reg   <= h_addr_reg;
                        count_reg      <= 9'd0;
                        rd_ptr_reg     <= 9'd5;      // first data byte
                        state_reg      <= S_HDR0;
                    end
                end
                S_HDR0: if (push_go) state_reg <= S_HDR1;
                S_HDR1: if (push_go) state_reg <= S_BRANCH;
                S_BRANCH: begin
                    bidx_reg    <= 2'd0;
                    aw_done_reg <= 1'b0;
                    w_done_reg  <= 1'b0;
                    if (is_sync)                  state_reg <= S_SYNCD;
                    else if (status_reg != ST_OK) state_reg <= S_STATUS;
                    else if (is_read)             state_reg <= S_AR;
                    else                          state_reg <= S_WLOAD;
                end
                S_SYNCD: if (push_go) state_reg <= S_STATUS;
                // ---- reads ----
                S_AR: if (m_axil_arready) state_reg <= S_R;
                S_R: if (m_axil_rvalid && m_axil_rready) begin
                    word_reg <= m_axil_rdata;
                    bidx_reg <= is_byte ? 2'd3 : 2'd0;
                    if (m_axil_rresp != 2'b00) begin
                        status_reg <= ST_AXI;
                        state_reg  <= S_STATUS;
                    end else if (is_byte) begin
                        count_reg    <= count_reg + 9'd1;
                        cur_addr_reg <= cur_addr_reg + 16'd4;
                        state_reg    <= last_word ? S_STATUS : S_AR;
                    end else begin
                        state_reg  <= S_RPUSH;
                    end
                end
                S_RPUSH: if (push_go) begin
                    bidx_reg <= bidx_reg + 2'd1;
                    if (bidx_reg == 2'd3) begin
                        count_reg    <= count_reg + 9'd1;
                        cur_addr_reg <= cur_addr_reg + 16'd4;
                        state_reg    <= last_word ? S_STATUS : S_AR;
                    end
                end
                // ---- writes: gather 4 bytes (WRITE) or 1 (WRITE8) ----
                S_WLOAD: begin
                    word_reg <= is_byte ? {24'h000000, rxb_rdata} : {word_reg[23:0], rxb_rdata};
                    bidx_reg <= bidx_reg + 2'd1;
                    if (is_byte || bidx_reg == 2'd3) begin
                        aw_done_reg <= 1'b0;
                        w_done_reg  <= 1'b0;
                        state_reg   <= S_AW;
                    end
                end
                S_AW: begin
                    aw_done_reg <= aw_ok;
                    w_done_reg  <= w_ok;
                    if (aw_ok && w_ok) state_reg <= S_B;
                end
                S_B: if (m_axil_bvalid) begin
                    bidx_reg <= 2'd0;
                    if (m_axil_bresp != 2'b00) begin
                        status_reg <= ST_AXI;
                        state_reg  <= S_STATUS;
                    end else begin
                        count_reg    <= count_reg + 9'd1;
                        cur_addr_reg <= cur_addr_reg + 16'd4;
                        aw_done_reg  <= 1'b0;
                        w_done_reg   <= 1'b0;
                        if (b_next) word_reg <= {24'h000000, rxb_rdata};
                        state_reg    <= last_word ? S_STATUS : b_next ? S_AW : S_WLOAD;
                    end
                end
                // ---- response trailer ----
                S_STATUS: if (push_go) state_reg <= S_CRC1;
                S_CRC1: if (push_go) state_reg <= S_CRC2;
                S_CRC2: if (push_go) state_reg <= S_FIN1;
                S_FIN1: if (!e_flush_reg) state_reg <= S_FIN2;
                S_FIN2: begin
                    tx_len_reg <= e_wr_reg + 9'd1;
                    state_reg  <= S_TXGO;
                end
                S_TXGO: state_reg <= S_RX;
                default: state_reg <= S_RX;
            endcase
            // The CRC bytes are the complement of the CRC over everything
            // pushed before them (cmd .. status).
            if (state_reg == S_STATUS && push_go)
                crc_out_reg <= ~crc_next(e_crc_reg, push_byte);
        end
    end
endmodule
