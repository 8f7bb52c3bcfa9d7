// The C API of fs_sim.h: each handle wraps one copy of the shim
// (fs_sim.cpp), over the plain core model or, when a waveform is asked for,
// over the one built with --trace-fst (compiled-in tracing costs every
// cycle, so the plain model runs everything else).
#include <cstdio>
#include <new>

#include "fs_sim_impl.h"

#ifndef FS_SIM_HDL_DIR
#define FS_SIM_HDL_DIR "?"
#endif
#ifndef FS_SIM_PARAMS
#define FS_SIM_PARAMS "?"
#endif

FS_SIM_DECLARE_IMPL(fs_plain)
#if FS_SIM_TRACE
FS_SIM_DECLARE_IMPL(fs_traced)
#endif

struct fs_sim {
    fs_plain::fs_sim *plain = nullptr;
#if FS_SIM_TRACE
    fs_traced::fs_sim *traced = nullptr;
#endif
};

// FS_CALL(s, f, args...): f of whichever copy s holds.
#if FS_SIM_TRACE
#define FS_CALL(s, f, ...) ((s)->traced ? fs_traced::f((s)->traced, ##__VA_ARGS__) : fs_plain::f((s)->plain, ##__VA_ARGS__))
#else
#define FS_CALL(s, f, ...) fs_plain::f((s)->plain, ##__VA_ARGS__)
#endif

extern "C" {

fs_sim *fs_sim_new(const fs_sim_opts *opts, char *err, size_t errlen) {
    fs_sim *s = new (std::nothrow) fs_sim;
    if (!s) {
        snprintf(err, errlen, "sim: out of memory");
        return nullptr;
    }
    bool want_fst = opts && opts->fst_path && opts->fst_path[0];
#if FS_SIM_TRACE
    if (want_fst) {
        s->traced = fs_traced::fs_sim_new(opts, err, errlen);
        if (!s->traced) {
            delete s;
            return nullptr;
        }
        return s;
    }
#else
    if (want_fst) {
        snprintf(err, errlen, "sim: this library was built without --trace-fst (SIM_TRACE=0)");
        delete s;
        return nullptr;
    }
#endif
    s->plain = fs_plain::fs_sim_new(opts, err, errlen);
    if (!s->plain) {
        delete s;
        return nullptr;
    }
    return s;
}

void fs_sim_free(fs_sim *s) {
    if (!s) return;
    FS_CALL(s, fs_sim_free);
    delete s;
}

const char *fs_sim_error(const fs_sim *s) { return FS_CALL(s, fs_sim_error); }

const char *fs_sim_build_info(void) {
#if FS_SIM_TRACE
    return "hdl=" FS_SIM_HDL_DIR " params=" FS_SIM_PARAMS " trace=fst";
#else
    return "hdl=" FS_SIM_HDL_DIR " params=" FS_SIM_PARAMS " trace=none";
#endif
}

uint64_t fs_sim_cycles(const fs_sim *s) { return FS_CALL(s, fs_sim_cycles); }
int fs_sim_reset(fs_sim *s, uint32_t cycles) { return FS_CALL(s, fs_sim_reset, cycles); }
int fs_sim_step(fs_sim *s, uint64_t n) { return FS_CALL(s, fs_sim_step, n); }
int fs_sim_set_via_link(fs_sim *s, int via_link) { return FS_CALL(s, fs_sim_set_via_link, via_link); }
int fs_sim_read32(fs_sim *s, uint32_t addr, uint32_t *val) { return FS_CALL(s, fs_sim_read32, addr, val); }
int fs_sim_write32(fs_sim *s, uint32_t addr, uint32_t val) { return FS_CALL(s, fs_sim_write32, addr, val); }

int fs_sim_write_burst(fs_sim *s, uint32_t addr, const uint32_t *vals, uint32_t n) {
    return FS_CALL(s, fs_sim_write_burst, addr, vals, n);
}

int fs_sim_link_exchange(fs_sim *s, const uint8_t *in, uint32_t nin, uint8_t *out, uint32_t out_cap,
                         uint32_t *nout, uint32_t min_out, uint64_t max_cycles) {
    return FS_CALL(s, fs_sim_link_exchange, in, nin, out, out_cap, nout, min_out, max_cycles);
}

int fs_sim_run_frames(fs_sim *s, const uint8_t *buf, const uint32_t *offsets, uint32_t nframes,
                      const fs_backpressure *bp, uint64_t *decisions, uint8_t *egress_buf,
                      uint64_t egress_cap, uint32_t *egress_offsets, uint16_t *tdest,
                      fs_run_result *res) {
    return FS_CALL(s, fs_sim_run_frames, buf, offsets, nframes, bp, decisions, egress_buf, egress_cap,
                   egress_offsets, tdest, res);
}

}  // extern "C"
