/* The shim's implementation interface: sim/csrc/fs_sim.cpp is compiled once
 * per Verilated core model (plain, traced), each copy in its own C++
 * namespace; fs_sim_api.cpp declares both with FS_SIM_DECLARE_IMPL and
 * dispatches the C API (fs_sim.h) to the copy a handle was made with. */
#ifndef FS_SIM_IMPL_H
#define FS_SIM_IMPL_H

#include "fs_sim.h"

#define FS_SIM_DECLARE_IMPL(NS)                                                                    \
    namespace NS {                                                                                 \
    struct fs_sim;                                                                                 \
    fs_sim *fs_sim_new(const fs_sim_opts *opts, char *err, size_t errlen);                         \
    void fs_sim_free(fs_sim *s);                                                                   \
    const char *fs_sim_error(const fs_sim *s);                                                     \
    uint64_t fs_sim_cycles(const fs_sim *s);                                                       \
    int fs_sim_reset(fs_sim *s, uint32_t cycles);                                                  \
    int fs_sim_step(fs_sim *s, uint64_t n);                                                        \
    int fs_sim_set_via_link(fs_sim *s, int via_link);                                              \
    int fs_sim_read32(fs_sim *s, uint32_t addr, uint32_t *val);                                    \
    int fs_sim_write32(fs_sim *s, uint32_t addr, uint32_t val);                                    \
    int fs_sim_write_burst(fs_sim *s, uint32_t addr, const uint32_t *vals, uint32_t n);            \
    int fs_sim_link_exchange(fs_sim *s, const uint8_t *in, uint32_t nin, uint8_t *out,             \
                             uint32_t out_cap, uint32_t *nout, uint32_t min_out,                   \
                             uint64_t max_cycles);                                                 \
    int fs_sim_run_frames(fs_sim *s, const uint8_t *buf, const uint32_t *offsets, uint32_t nframes, \
                          const fs_backpressure *bp, uint64_t *decisions, uint8_t *egress_buf,     \
                          uint64_t egress_cap, uint32_t *egress_offsets, uint16_t *tdest,          \
                          fs_run_result *res);                                                     \
    }

#endif
