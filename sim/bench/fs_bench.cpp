// Plain C++ Verilator harness: the speed baseline for the Go co-simulation.
// Reads a raw frames file (sim/framefile), drives every frame through
// flowsteer_top as 64-bit AXI-Stream beats with no backpressure
// (egress and decision tready always high), and prints one line:
//
//   frames N bytes B cycles C seconds S frames_per_s F cycles_per_s R dec_fnv H egress_fnv E
//
// dec_fnv/egress_fnv are FNV-1a over the decision words (8 bytes each,
// little-endian) and the egress bytes, in order, so the Go side can check
// that both drivers saw the same results. Written apart from
// sim/csrc/fs_sim.cpp on purpose: it is an independent driver too.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vflowsteer_top.h"
#include "verilated.h"

namespace {

struct Fnv {
    uint64_t h = 14695981039346656037ULL;  // FNV-1a 64 offset basis
    void add(const uint8_t *p, size_t n) {
        for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    }
};

bool load(const char *path, std::vector<uint8_t> &buf, std::vector<uint64_t> &off) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fs_bench: cannot open %s\n", path);
        return false;
    }
    uint8_t hdr[12];
    if (fread(hdr, 1, 12, f) != 12 || memcmp(hdr, "FSFR", 4) != 0 || hdr[4] != 1) {
        fprintf(stderr, "fs_bench: %s is not a version 1 frames file\n", path);
        fclose(f);
        return false;
    }
    uint32_t n;
    memcpy(&n, hdr + 8, 4);
    off.push_back(0);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len;
        if (fread(&len, 4, 1, f) != 1 || len > (1u << 20)) {
            fprintf(stderr, "fs_bench: %s: bad length of frame %u\n", path, i);
            fclose(f);
            return false;
        }
        size_t at = buf.size();
        buf.resize(at + len);
        if (len && fread(buf.data() + at, 1, len, f) != len) {
            fprintf(stderr, "fs_bench: %s: frame %u truncated\n", path, i);
            fclose(f);
            return false;
        }
        off.push_back(buf.size());
    }
    fclose(f);
    return true;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: fs_bench FRAMES_FILE\n");
        return 2;
    }
    std::vector<uint8_t> buf;
    std::vector<uint64_t> off;
    if (!load(argv[1], buf, off)) return 1;
    const uint64_t n = off.size() - 1;

    VerilatedContext ctx;
    Vflowsteer_top top{&ctx};
    top.s_axis_tvalid = 0;
    top.s_axil_awvalid = top.s_axil_wvalid = top.s_axil_arvalid = 0;
    top.s_axil_bready = top.s_axil_rready = 0;
    top.m_axis_tready = 1;
    top.m_dec_tready = 1;
    top.rst = 1;
    for (int i = 0; i < 8; i++) {
        top.clk = 0;
        top.eval();
        top.clk = 1;
        top.eval();
    }
    top.rst = 0;

    // FS_BENCH_DUMP=path writes the decision words, one hex word a line,
    // for finding where two drivers part ways.
    FILE *dump = getenv("FS_BENCH_DUMP") ? fopen(getenv("FS_BENCH_DUMP"), "w") : nullptr;
    Fnv dec_fnv, egr_fnv;
    uint64_t sent = 0, pos = 0, ndec = 0, negr = 0, cycles = 0, idle = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (ndec < n || negr < n) {
        if (sent < n) {
            uint64_t len = off[sent + 1] - off[sent];
            uint64_t k = len - pos < 8 ? len - pos : 8;
            uint64_t data = 0;
            memcpy(&data, buf.data() + off[sent] + pos, k);
            top.s_axis_tdata = data;
            top.s_axis_tkeep = uint8_t((1u << k) - 1);
            top.s_axis_tlast = pos + k >= len;
            top.s_axis_tvalid = 1;
        } else {
            top.s_axis_tvalid = 0;
        }
        top.clk = 0;
        top.eval();
        bool progress = false;
        if (top.s_axis_tvalid && top.s_axis_tready) {
            progress = true;
            uint64_t len = off[sent + 1] - off[sent];
            pos += 8;
            if (pos >= len) {
                sent++;
                pos = 0;
            }
        }
        if (top.m_dec_tvalid) {
            progress = true;
            uint64_t d = top.m_dec_tdata;
            dec_fnv.add(reinterpret_cast<const uint8_t *>(&d), 8);
            if (dump) fprintf(dump, "%016llx\n", (unsigned long long)d);
            ndec++;
        }
        if (top.m_axis_tvalid) {
            progress = true;
            uint64_t d = top.m_axis_tdata;
            egr_fnv.add(reinterpret_cast<const uint8_t *>(&d), __builtin_popcount(top.m_axis_tkeep));
            if (top.m_axis_tlast) negr++;
        }
        top.clk = 1;
        top.eval();
        cycles++;
        idle = progress ? 0 : idle + 1;
        if (idle > 200000) {
            fprintf(stderr, "fs_bench: stuck: sent %llu decisions %llu egress %llu of %llu\n",
                    (unsigned long long)sent, (unsigned long long)ndec, (unsigned long long)negr,
                    (unsigned long long)n);
            return 1;
        }
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    top.final();
    if (dump) fclose(dump);
    printf("frames %llu bytes %llu cycles %llu seconds %.6f frames_per_s %.0f cycles_per_s %.0f dec_fnv %016llx egress_fnv %016llx\n",
           (unsigned long long)n, (unsigned long long)buf.size(), (unsigned long long)cycles, s, n / s,
           cycles / s, (unsigned long long)dec_fnv.h, (unsigned long long)egr_fnv.h);
    return 0;
}
