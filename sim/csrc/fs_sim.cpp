// Implementation of fs_sim.h over two Verilated models: the core
// (flowsteer_top) and the link bridge (fs_link_bridge). Compiled once per
// core model (FS_CORE: the plain one, or the one built with --trace-fst), in
// namespace FS_NS each; fs_sim_api.cpp holds the C API and picks the copy
// (fs_sim_impl.h). The shim wires the
// bridge's AXI-Lite master to the core's slave in link mode; otherwise it
// drives the core's slave itself and never evaluates the bridge (except in
// reset, so that a later switch to link mode finds it reset). Two models
// instead of one wrapper: see sim/sim.mk.
//
// One clock cycle is: inputs set -> eval (clk low, combinational settle) ->
// handshakes sampled -> posedge eval. Sampling before the edge is what the
// flops see, so "fire" below means the transfer really happened.
#include "fs_sim_impl.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>

#if !defined(FS_NS) || !defined(FS_CORE)
#error "compile with -DFS_NS=<namespace> -DFS_CORE=<Verilated core class> (sim/sim.mk)"
#endif
#define FS_STR2(x) #x
#define FS_STR(x) FS_STR2(x)
#include FS_STR(FS_CORE.h)
#include "Vfs_link_bridge.h"
#include "verilated.h"
#if FS_SIM_TRACE
#include "verilated_fst_c.h"
#endif

FS_SIM_DECLARE_IMPL(FS_NS)

namespace FS_NS {

namespace {

constexpr uint64_t kDefaultIdleTimeout = 200000;  // far above any pipeline latency
constexpr uint64_t kCsrTimeout = 10000;            // one register access
constexpr uint64_t kDrainCycles = 64;              // watch for extra outputs after a run
constexpr uint32_t kBurstMean = 16;                // bursty mode: mean stall run length

// splitmix64: tiny, seedable, good enough to pick stall cycles.
struct Rng {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // true with probability pm/1000 (pm in 0..1000)
    bool permille(uint32_t pm) { return pm != 0 && (pm >= 1000 || next() % 1000 < pm); }
    // true with probability num/den
    bool chance(uint64_t num, uint64_t den) { return num != 0 && (num >= den || next() % den < num); }
};

// One stall source. Independent mode: each cycle stalls with p = pm/1000.
// Bursty mode: a two-state chain with the same long-run stall fraction and
// mean stall run of kBurstMean cycles: leave a stall with 1/L, enter one
// with p/(L(1-p)).
struct Staller {
    uint32_t pm = 0;
    bool bursty = false;
    bool stalled = false;
    bool draw(Rng &r) {
        if (pm == 0) return false;
        if (pm >= 1000) return true;
        if (!bursty) return r.permille(pm);
        if (stalled) {
            if (r.chance(1, kBurstMean)) stalled = false;
        } else {
            // p/(L(1-p)) with p = pm/1000 -> pm / (L*(1000-pm))
            if (r.chance(pm, uint64_t(kBurstMean) * (1000 - pm))) stalled = true;
        }
        return stalled;
    }
};

}  // namespace

struct fs_sim;
static inline fs_sim *enter(fs_sim *s);

struct fs_sim {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<FS_CORE> top;
    std::unique_ptr<Vfs_link_bridge> bridge;
#if FS_SIM_TRACE
    std::unique_ptr<VerilatedFstC> fst;
#endif
    uint64_t fst_start = 0, fst_stop = 0;
    bool via_link = false;
    bool need_reset = false;
    uint64_t cycles = 0;
    std::deque<uint8_t> link_rx;  // host -> bridge, not yet accepted
    std::deque<uint8_t> link_tx;  // bridge -> host, not yet read
    std::string err;

    int fail(int code, const char *fmt, ...) __attribute__((format(printf, 3, 4))) {
        char buf[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        err = buf;
        return code;
    }

    void dump(uint64_t t) {
#if FS_SIM_TRACE
        if (fst && cycles >= fst_start && (fst_stop == 0 || cycles < fst_stop)) fst->dump(t);
#else
        (void)t;
#endif
    }

    // The bridge's AXI-Lite master outputs, for the settle loop below.
    struct BridgeOut {
        uint32_t awaddr, awvalid, wdata, wstrb, wvalid, bready, araddr, arvalid, rready;
        bool operator==(const BridgeOut &o) const { return std::memcmp(this, &o, sizeof o) == 0; }
    };
    BridgeOut bridge_out() const {
        const Vfs_link_bridge *b = bridge.get();
        return {b->m_axil_awaddr, b->m_axil_awvalid, b->m_axil_wdata, b->m_axil_wstrb, b->m_axil_wvalid,
                b->m_axil_bready, b->m_axil_araddr, b->m_axil_arvalid, b->m_axil_rready};
    }
    // Core slave outputs -> bridge master inputs.
    void core_to_bridge() {
        FS_CORE *t = top.get();
        Vfs_link_bridge *b = bridge.get();
        b->m_axil_awready = t->s_axil_awready;
        b->m_axil_wready = t->s_axil_wready;
        b->m_axil_bresp = t->s_axil_bresp;
        b->m_axil_bvalid = t->s_axil_bvalid;
        b->m_axil_arready = t->s_axil_arready;
        b->m_axil_rdata = t->s_axil_rdata;
        b->m_axil_rresp = t->s_axil_rresp;
        b->m_axil_rvalid = t->s_axil_rvalid;
    }
    void bridge_to_core(const BridgeOut &o) {
        FS_CORE *t = top.get();
        t->s_axil_awaddr = o.awaddr;
        t->s_axil_awvalid = o.awvalid;
        t->s_axil_wdata = o.wdata;
        t->s_axil_wstrb = o.wstrb;
        t->s_axil_wvalid = o.wvalid;
        t->s_axil_bready = o.bready;
        t->s_axil_araddr = o.araddr;
        t->s_axil_arvalid = o.arvalid;
        t->s_axil_rready = o.rready;
    }

    // Link mode, clock low: settle both models together. The bridge's
    // master outputs come from its registers, so one exchange normally
    // settles; the loop makes the result right for any combinational path
    // between the two (and stops on a combinational loop).
    void settle_linked() {
        FS_CORE *t = top.get();
        Vfs_link_bridge *b = bridge.get();
        b->rx_tvalid = !link_rx.empty();
        b->rx_tdata = link_rx.empty() ? 0 : link_rx.front();
        b->tx_tready = 1;
        b->clk = 0;
        core_to_bridge();
        b->eval();
        BridgeOut o = bridge_out();
        for (int i = 0; i < 8; i++) {
            bridge_to_core(o);
            t->eval();
            core_to_bridge();
            b->eval();
            BridgeOut n = bridge_out();
            if (n == o) break;
            o = n;
        }
    }

    // One cycle. The caller has set the stream/CSR inputs; `sample` runs
    // after the combinational settle and before the edge.
    template <typename F>
    inline void cycle(F &&sample) {
        FS_CORE *t = top.get();
        Vfs_link_bridge *b = bridge.get();
        // In reset the bridge is clocked too (unlinked, its inputs idle).
        const bool clock_bridge = via_link || t->rst;
        if (clock_bridge) b->rst = t->rst;
        t->clk = 0;
        if (via_link) {
            settle_linked();
        } else {
            t->eval();
            if (clock_bridge) {
                b->clk = 0;
                b->eval();
            }
        }
        dump(2 * cycles);
        if (via_link) {
            if (b->rx_tvalid && b->rx_tready) link_rx.pop_front();
            if (b->tx_tvalid) link_tx.push_back(b->tx_tdata);
        }
        sample();
        t->clk = 1;
        t->eval();
        if (clock_bridge) {
            b->clk = 1;
            b->eval();
        }
        dump(2 * cycles + 1);
        cycles++;
    }
    inline void idle_cycle() {
        cycle([] {});
    }

    void streams_idle() {
        FS_CORE *t = top.get();
        t->s_axis_tvalid = 0;
        t->s_axis_tdata = 0;
        t->s_axis_tkeep = 0;
        t->s_axis_tlast = 0;
        t->m_axis_tready = 0;  // hold anything unexpected instead of losing it
        t->m_dec_tready = 0;
    }
    // Every bridge input low: how an unlinked bridge sees the world.
    void bridge_idle() {
        Vfs_link_bridge *b = bridge.get();
        b->rx_tvalid = 0;
        b->rx_tdata = 0;
        b->tx_tready = 0;
        b->m_axil_awready = b->m_axil_wready = b->m_axil_bvalid = 0;
        b->m_axil_arready = b->m_axil_rvalid = 0;
        b->m_axil_bresp = b->m_axil_rresp = 0;
        b->m_axil_rdata = 0;
    }
    void csr_idle() {
        FS_CORE *t = top.get();
        t->s_axil_awvalid = 0;
        t->s_axil_wvalid = 0;
        t->s_axil_bready = 0;
        t->s_axil_arvalid = 0;
        t->s_axil_rready = 0;
    }

    int check_csr() {
        if (need_reset) return fail(FS_E_NEED_RESET, "sim: an earlier error left the model mid-transfer; Reset first");
        if (via_link) return fail(FS_E_MODE, "sim: built with ViaLink, so registers go through LinkPipe, not the direct AXI-Lite port");
        return FS_OK;
    }

    int write32(uint32_t addr, uint32_t val) {
        if (addr > 0xFFFF) return fail(FS_E_ARG, "sim: write address 0x%x beyond the 16-bit CSR space", addr);
        FS_CORE *t = top.get();
        streams_idle();
        t->s_axil_awaddr = addr;
        t->s_axil_wdata = val;
        t->s_axil_wstrb = 0xF;
        bool aw_done = false, w_done = false, b_done = false;
        uint32_t bresp = 0;
        for (uint64_t n = 0; n < kCsrTimeout && !b_done; n++) {
            t->s_axil_awvalid = !aw_done;
            t->s_axil_wvalid = !w_done;
            t->s_axil_bready = aw_done && w_done;
            cycle([&] {
                if (t->s_axil_awvalid && t->s_axil_awready) aw_done = true;
                if (t->s_axil_wvalid && t->s_axil_wready) w_done = true;
                if (t->s_axil_bready && t->s_axil_bvalid) {
                    b_done = true;
                    bresp = t->s_axil_bresp;
                }
            });
        }
        csr_idle();
        if (!b_done) {
            need_reset = true;
            return fail(FS_E_TIMEOUT, "sim: write 0x%04x: no %s within %llu cycles", addr,
                        !aw_done ? "awready" : !w_done ? "wready" : "bvalid",
                        (unsigned long long)kCsrTimeout);
        }
        if (bresp != 0) return fail(FS_E_BUS, "sim: write 0x%04x: bresp %u", addr, bresp);
        return FS_OK;
    }

    int read32(uint32_t addr, uint32_t *val) {
        if (addr > 0xFFFF) return fail(FS_E_ARG, "sim: read address 0x%x beyond the 16-bit CSR space", addr);
        FS_CORE *t = top.get();
        streams_idle();
        t->s_axil_araddr = addr;
        bool ar_done = false, r_done = false;
        uint32_t rresp = 0;
        for (uint64_t n = 0; n < kCsrTimeout && !r_done; n++) {
            t->s_axil_arvalid = !ar_done;
            t->s_axil_rready = ar_done;
            cycle([&] {
                if (t->s_axil_arvalid && t->s_axil_arready) ar_done = true;
                if (t->s_axil_rready && t->s_axil_rvalid) {
                    r_done = true;
                    *val = t->s_axil_rdata;
                    rresp = t->s_axil_rresp;
                }
            });
        }
        csr_idle();
        if (!r_done) {
            need_reset = true;
            return fail(FS_E_TIMEOUT, "sim: read 0x%04x: no %s within %llu cycles", addr,
                        !ar_done ? "arready" : "rvalid", (unsigned long long)kCsrTimeout);
        }
        if (rresp != 0) return fail(FS_E_BUS, "sim: read 0x%04x: rresp %u", addr, rresp);
        return FS_OK;
    }

    int run_frames(const uint8_t *buf, const uint32_t *offsets, uint32_t nframes,
                   const fs_backpressure *bp, uint64_t *decisions, uint8_t *egress_buf,
                   uint64_t egress_cap, uint32_t *egress_offsets, uint16_t *tdest,
                   fs_run_result *res);
};

int fs_sim::run_frames(const uint8_t *buf, const uint32_t *offsets, uint32_t nframes,
                       const fs_backpressure *bp, uint64_t *decisions, uint8_t *egress_buf,
                       uint64_t egress_cap, uint32_t *egress_offsets, uint16_t *tdest,
                       fs_run_result *res) {
    std::memset(res, 0, sizeof *res);
    if (need_reset) return fail(FS_E_NEED_RESET, "sim: an earlier error left the model mid-transfer; Reset first");
    if (bp->in_gap_pm > 1000 || bp->out_stall_pm > 1000 || bp->dec_stall_pm > 1000)
        return fail(FS_E_ARG, "sim: backpressure per-mille values must be 0..1000 (got %u/%u/%u)",
                    bp->in_gap_pm, bp->out_stall_pm, bp->dec_stall_pm);
    for (uint32_t i = 0; i < nframes; i++)
        if (offsets[i + 1] < offsets[i]) return fail(FS_E_ARG, "sim: frame offsets decrease at frame %u", i);

    FS_CORE *t = top.get();
    csr_idle();
    Rng rng{bp->seed};
    Staller in_gap, out_stall, dec_stall;
    in_gap.pm = bp->in_gap_pm;
    out_stall.pm = bp->out_stall_pm;
    dec_stall.pm = bp->dec_stall_pm;
    in_gap.bursty = out_stall.bursty = dec_stall.bursty = bp->bursty != 0;
    const uint64_t idle_timeout = bp->idle_timeout ? bp->idle_timeout : kDefaultIdleTimeout;
    const uint64_t start = cycles;
    uint64_t last_progress = cycles;

    // ingress state: frame fi, next byte pos; in_valid = a beat is presented
    uint32_t fi = 0, pos = 0;
    bool in_valid = false;
    // outputs
    uint32_t ndec = 0, negr = 0;
    uint64_t ebytes = 0;
    bool egr_in_frame = false;  // a frame's first beat seen, last not yet
    uint16_t egr_dest = 0;
    uint32_t egr_beat = 0;
    egress_offsets[0] = 0;
    int perr = FS_OK;  // protocol error found while sampling
    uint64_t drain_left = kDrainCycles;

    for (;;) {
        bool done = fi == nframes && ndec == nframes && negr == nframes;
        if (done) {
            if (drain_left == 0) break;
            drain_left--;
        }
        // ingress: a presented beat stays until accepted (AXI rule); gaps are
        // drawn only between beats.
        if (!in_valid && fi < nframes && !in_gap.draw(rng)) {
            uint32_t len = offsets[fi + 1] - offsets[fi];
            uint32_t n = len - pos < 8 ? len - pos : 8;
            uint64_t data = 0;
            std::memcpy(&data, buf + offsets[fi] + pos, n);  // little-endian host: byte 0 -> [7:0]
            t->s_axis_tdata = data;
            t->s_axis_tkeep = uint8_t((1u << n) - 1);
            t->s_axis_tlast = pos + n >= len;
            in_valid = true;
        }
        t->s_axis_tvalid = in_valid;
        t->m_axis_tready = !out_stall.draw(rng);
        t->m_dec_tready = !dec_stall.draw(rng);

        bool progress = false;
        cycle([&] {
            if (t->s_axis_tvalid && t->s_axis_tready) {
                progress = true;
                in_valid = false;
                uint32_t len = offsets[fi + 1] - offsets[fi];
                pos += 8;
                if (pos >= len) {
                    fi++;
                    pos = 0;
                }
            }
            if (t->m_dec_tvalid && t->m_dec_tready) {
                progress = true;
                if (ndec >= nframes) {
                    if (!perr) perr = fail(FS_E_PROTOCOL, "sim: decision beat %u for a batch of %u frames", ndec + 1, nframes);
                } else {
                    decisions[ndec] = t->m_dec_tdata;
                }
                ndec++;
            }
            if (t->m_axis_tvalid && t->m_axis_tready) {
                progress = true;
                uint32_t keep = t->m_axis_tkeep;
                bool last = t->m_axis_tlast;
                uint16_t dest = t->m_axis_tdest;
                if (perr) return;
                if (negr >= nframes) {
                    perr = fail(FS_E_PROTOCOL, "sim: egress frame %u for a batch of %u frames", negr + 1, nframes);
                    return;
                }
                if (!egr_in_frame) {
                    egr_in_frame = true;
                    egr_dest = dest;
                    egr_beat = 0;
                } else if (dest != egr_dest) {
                    perr = fail(FS_E_PROTOCOL, "sim: egress frame %u beat %u: tdest 0x%x changed from 0x%x",
                                negr + 1, egr_beat, dest, egr_dest);
                    return;
                }
                if ((keep & (keep + 1)) != 0 || (!last && keep != 0xFF)) {
                    perr = fail(FS_E_PROTOCOL, "sim: egress frame %u beat %u: tkeep 0x%02x%s", negr + 1,
                                egr_beat, keep, last ? " not contiguous from bit 0" : " on a non-last beat");
                    return;
                }
                uint32_t n = __builtin_popcount(keep);
                if (ebytes + n > egress_cap) {
                    perr = fail(FS_E_PROTOCOL, "sim: egress carries more than the %llu bytes sent",
                                (unsigned long long)egress_cap);
                    return;
                }
                uint64_t data = t->m_axis_tdata;
                std::memcpy(egress_buf + ebytes, &data, n);
                ebytes += n;
                egr_beat++;
                if (last) {
                    tdest[negr] = egr_dest;
                    egress_offsets[++negr] = uint32_t(ebytes);
                    egr_in_frame = false;
                }
            }
        });
        if (perr) break;
        if (progress) {
            last_progress = cycles;
        } else if (cycles - last_progress > idle_timeout) {
            perr = fail(FS_E_TIMEOUT,
                        "sim: no handshake for %llu cycles: frames sent %u/%u, decisions %u, egress frames %u",
                        (unsigned long long)idle_timeout, fi, nframes, ndec, negr);
            break;
        }
    }
    streams_idle();
    res->frames_sent = fi;
    res->decisions = ndec < nframes ? ndec : nframes;
    res->egress = negr;
    res->egress_bytes = ebytes;
    res->cycles = cycles - start;
    if (perr) need_reset = true;
#if FS_SIM_TRACE
    if (fst) fst->flush();
#endif
    return perr;
}

// Verilator keeps a thread-local "current context" that some of its code
// (scope teardown, $display/$time) uses instead of the model's own. Go runs
// cgo calls on whatever OS thread it likes and we have one context per
// handle, so every entry point makes its handle's context current; without
// this, freeing a model after another was freed locks a dead context's mutex.
static inline fs_sim *enter(fs_sim *s) {
    Verilated::threadContextp(s->ctx.get());
    return s;
}

fs_sim *fs_sim_new(const fs_sim_opts *opts, char *err, size_t errlen) {
    auto s = std::make_unique<fs_sim>();
    s->ctx = std::make_unique<VerilatedContext>();
    s->ctx->fatalOnError(false);  // a $fatal/$stop must not kill the Go process silently
    bool want_fst = opts && opts->fst_path && opts->fst_path[0];
#if FS_SIM_TRACE
    if (want_fst) s->ctx->traceEverOn(true);
#else
    if (want_fst) {
        snprintf(err, errlen, "sim: this model was built without --trace-fst");
        return nullptr;
    }
#endif
    enter(s.get());
    s->top = std::make_unique<FS_CORE>(s->ctx.get(), "TOP");
    s->bridge = std::make_unique<Vfs_link_bridge>(s->ctx.get(), "BRIDGE");
    s->via_link = opts && opts->via_link;
#if FS_SIM_TRACE
    if (want_fst) {
        s->fst = std::make_unique<VerilatedFstC>();
        s->top->trace(s->fst.get(), 99);
        s->fst->open(opts->fst_path);
        if (!s->fst->isOpen()) {
            snprintf(err, errlen, "sim: cannot open FST file %s", opts->fst_path);
            return nullptr;
        }
        s->fst_start = opts->fst_start;
        s->fst_stop = opts->fst_stop;
    }
#endif
    s->streams_idle();
    s->csr_idle();
    s->bridge_idle();
    fs_sim_reset(s.get(), 8);
    (void)err;
    (void)errlen;
    return s.release();
}

void fs_sim_free(fs_sim *s) {
    if (!s) return;
    enter(s);
#if FS_SIM_TRACE
    if (s->fst) s->fst->close();
#endif
    s->top->final();
    s->bridge->final();
    delete s;
}

const char *fs_sim_error(const fs_sim *s) { return s->err.c_str(); }

uint64_t fs_sim_cycles(const fs_sim *s) { return s->cycles; }

int fs_sim_reset(fs_sim *s, uint32_t cycles) {
    enter(s);
    if (cycles < 4) cycles = 4;
    s->streams_idle();
    s->csr_idle();
    s->link_rx.clear();
    s->link_tx.clear();
    s->top->rst = 1;
    for (uint32_t i = 0; i < cycles; i++) s->idle_cycle();
    s->top->rst = 0;
    s->idle_cycle();
    s->need_reset = false;
    return FS_OK;
}

int fs_sim_step(fs_sim *s, uint64_t n) {
    enter(s);
    s->streams_idle();
    s->csr_idle();
    for (uint64_t i = 0; i < n; i++) s->idle_cycle();
    return FS_OK;
}

int fs_sim_set_via_link(fs_sim *s, int via_link) {
    enter(s);
    s->streams_idle();
    s->csr_idle();
    s->bridge_idle();
    s->via_link = via_link != 0;
    // A few idle cycles before the next access (as a board's port switch).
    for (int i = 0; i < 4; i++) s->idle_cycle();
    return FS_OK;
}

int fs_sim_read32(fs_sim *s, uint32_t addr, uint32_t *val) {
    enter(s);
    if (int rc = s->check_csr()) return rc;
    return s->read32(addr, val);
}

int fs_sim_write32(fs_sim *s, uint32_t addr, uint32_t val) {
    enter(s);
    if (int rc = s->check_csr()) return rc;
    return s->write32(addr, val);
}

int fs_sim_write_burst(fs_sim *s, uint32_t addr, const uint32_t *vals, uint32_t n) {
    enter(s);
    if (int rc = s->check_csr()) return rc;
    if (uint64_t(addr) + 4ull * n > 0x10000ull)
        return s->fail(FS_E_ARG, "sim: burst of %u words at 0x%x runs past the 16-bit CSR space", n, addr);
    for (uint32_t i = 0; i < n; i++)
        if (int rc = s->write32(addr + 4 * i, vals[i])) return rc;
    return FS_OK;
}

int fs_sim_link_exchange(fs_sim *s, const uint8_t *in, uint32_t nin, uint8_t *out,
                         uint32_t out_cap, uint32_t *nout, uint32_t min_out,
                         uint64_t max_cycles) {
    enter(s);
    *nout = 0;
    if (!s->via_link) return s->fail(FS_E_MODE, "sim: LinkPipe needs ViaLink (the bridge does not drive the CSR port)");
    if (s->need_reset) return s->fail(FS_E_NEED_RESET, "sim: an earlier error left the model mid-transfer; Reset first");
    s->link_rx.insert(s->link_rx.end(), in, in + nin);
    s->streams_idle();
    s->csr_idle();
    uint64_t n = 0;
    while (!s->link_rx.empty() || s->link_tx.size() < min_out) {
        if (n++ >= max_cycles) {
            if (!s->link_rx.empty())
                return s->fail(FS_E_TIMEOUT, "sim: link: bridge took no rx byte for %llu cycles (%zu queued)",
                               (unsigned long long)max_cycles, s->link_rx.size());
            return s->fail(FS_E_TIMEOUT, "sim: link: no tx byte from the bridge within %llu cycles",
                           (unsigned long long)max_cycles);
        }
        s->idle_cycle();
    }
    uint32_t k = 0;
    while (k < out_cap && !s->link_tx.empty()) {
        out[k++] = s->link_tx.front();
        s->link_tx.pop_front();
    }
    *nout = k;
    return FS_OK;
}

int fs_sim_run_frames(fs_sim *s, const uint8_t *buf, const uint32_t *offsets, uint32_t nframes,
                      const fs_backpressure *bp, uint64_t *decisions, uint8_t *egress_buf,
                      uint64_t egress_cap, uint32_t *egress_offsets, uint16_t *tdest,
                      fs_run_result *res) {
    enter(s);
    return s->run_frames(buf, offsets, nframes, bp, decisions, egress_buf, egress_cap,
                         egress_offsets, tdest, res);
}

}  // namespace FS_NS
