/* C API of the Verilated flowsteer_top model (and the fs_link_bridge model
 * in front of its register port in link mode), for cgo (sim/sim.go) and
 * anything else that wants to drive the RTL in-process.
 *
 * Every call that runs the model ticks the clock itself; one handle must not
 * be used from two threads at once (the Go side holds a mutex). Different
 * handles are independent (one VerilatedContext each).
 *
 * Functions returning int return FS_OK or an FS_E_* code; fs_sim_error()
 * then holds a one-line message. */
#ifndef FS_SIM_H
#define FS_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    FS_OK = 0,
    FS_E_TIMEOUT = 1,     /* no handshake progress within the cycle budget */
    FS_E_PROTOCOL = 2,    /* the RTL broke AXI rules or produced too much */
    FS_E_ARG = 3,         /* bad arguments */
    FS_E_NEED_RESET = 4,  /* a previous error left the model mid-transfer */
    FS_E_BUS = 5,         /* AXI-Lite response was not OKAY */
    FS_E_MODE = 6         /* call not possible in this CSR mode */
};

typedef struct fs_sim fs_sim;

typedef struct {
    const char *fst_path;  /* NULL or "" = no waveform */
    uint64_t fst_start;    /* first cycle dumped */
    uint64_t fst_stop;     /* first cycle not dumped; 0 = until the end */
    int via_link;          /* 1: CSR through fs_link_bridge; 0: direct AXI-Lite */
} fs_sim_opts;

typedef struct {
    uint64_t seed;
    uint32_t in_gap_pm;      /* per-mille: ingress tvalid withheld before a beat */
    uint32_t out_stall_pm;   /* per-mille: egress tready low in a cycle */
    uint32_t dec_stall_pm;   /* per-mille: decision tready low in a cycle */
    uint32_t bursty;         /* 1: same average rates, in bursts (mean 16 cycles) */
    uint64_t idle_timeout;   /* cycles without any handshake before FS_E_TIMEOUT; 0 = default */
} fs_backpressure;

typedef struct {
    uint32_t frames_sent;   /* ingress frames fully accepted */
    uint32_t decisions;     /* decision beats collected */
    uint32_t egress;        /* egress frames collected */
    uint64_t egress_bytes;
    uint64_t cycles;        /* cycles this call ran */
} fs_run_result;

/* Returns NULL on failure with a message in err. */
fs_sim *fs_sim_new(const fs_sim_opts *opts, char *err, size_t errlen);
void fs_sim_free(fs_sim *s);
const char *fs_sim_error(const fs_sim *s);
const char *fs_sim_build_info(void);
uint64_t fs_sim_cycles(const fs_sim *s);

/* Holds rst high for `cycles` cycles (minimum 4), clears FS_E_NEED_RESET. */
int fs_sim_reset(fs_sim *s, uint32_t cycles);
/* Runs n idle cycles (streams idle, link queues serviced). */
int fs_sim_step(fs_sim *s, uint64_t n);

/* Direct AXI-Lite (via_link == 0 only). */
/* Route the core's CSR port through the link bridge (1) or the direct
 * AXI-Lite port (0) from now on; call between transactions. */
int fs_sim_set_via_link(fs_sim *s, int via_link);
int fs_sim_read32(fs_sim *s, uint32_t addr, uint32_t *val);
int fs_sim_write32(fs_sim *s, uint32_t addr, uint32_t val);
int fs_sim_write_burst(fs_sim *s, uint32_t addr, const uint32_t *vals, uint32_t n);

/* Link bytes (via_link == 1 only). Queues `in` for the bridge's rx stream,
 * then runs cycles until the rx queue is empty and at least min_out tx bytes
 * are waiting (or max_cycles pass: FS_E_TIMEOUT). Copies up to out_cap
 * waiting tx bytes to out (*nout); the rest stay queued for the next call. */
int fs_sim_link_exchange(fs_sim *s, const uint8_t *in, uint32_t nin, uint8_t *out,
                         uint32_t out_cap, uint32_t *nout, uint32_t min_out,
                         uint64_t max_cycles);

/* Drives nframes frames (frame i = buf[offsets[i] .. offsets[i+1]), so
 * offsets has nframes+1 entries) as 64-bit AXI-Stream beats and collects, in
 * order, the decision beats (decisions[nframes]) and the egress frames
 * (bytes into egress_buf, frame j = egress_buf[egress_offsets[j] ..
 * egress_offsets[j+1]), tdest[j]). Returns when every frame is sent, nframes
 * decisions and nframes egress frames are out, and a short drain window shows
 * nothing more. On error res still tells how far it got and the model needs
 * fs_sim_reset() before the next run. */
int fs_sim_run_frames(fs_sim *s, const uint8_t *buf, const uint32_t *offsets, uint32_t nframes,
                      const fs_backpressure *bp, uint64_t *decisions, uint8_t *egress_buf,
                      uint64_t egress_cap, uint32_t *egress_offsets, uint16_t *tdest,
                      fs_run_result *res);

#ifdef __cplusplus
}
#endif
#endif
