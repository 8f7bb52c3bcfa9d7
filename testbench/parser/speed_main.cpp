// Simulation-speed harness for hdl/fs_parser.v under Verilator, built the
// way the co-simulation builds the core (--cc, -O3, fast X handling, a C++
// loop toggling the clock; no timing coroutines). It replays the beats of a
// vector set written by testbench/parser/gen in a loop, a beat on 7 cycles
// of 8, and folds every result into a checksum so nothing is optimised
// away. No checking: tb_fs_parser.v does that. run.sh --speed builds and
// runs it and prints cycles per second of wall clock (parser alone).
//
//   speed <set>.cfg.hex <set>.beats.hex [cycles, default 20000000]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "Vfs_parser.h"
#include "verilated.h"

struct Beat {
    uint64_t data;
    uint8_t keep;
    bool last;
};

static bool readLines(const char* path, std::vector<std::string>& out) {
    std::ifstream f(path);
    if (!f) return false;
    std::string line;
    while (std::getline(f, line))
        if (!line.empty()) out.push_back(line);
    return true;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s <set>.cfg.hex <set>.beats.hex [cycles]\n", argv[0]);
        return 2;
    }
    std::vector<std::string> cfg, lines;
    if (!readLines(argv[1], cfg) || cfg.size() < 3) {
        std::fprintf(stderr, "speed: cannot read config %s\n", argv[1]);
        return 1;
    }
    if (!readLines(argv[2], lines) || lines.empty()) {
        std::fprintf(stderr, "speed: cannot read beats %s\n", argv[2]);
        return 1;
    }
    const uint64_t cycles = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20000000ull;
    std::vector<Beat> beats;
    for (const std::string& l : lines) {
        if (l.size() != 19) {
            std::fprintf(stderr, "speed: bad beat line %s\n", l.c_str());
            return 1;
        }
        Beat b;
        b.last = l[0] == '1';
        b.keep = (uint8_t)std::strtoul(l.substr(1, 2).c_str(), nullptr, 16);
        b.data = std::strtoull(l.substr(3).c_str(), nullptr, 16);
        beats.push_back(b);
    }

    VerilatedContext ctx;
    Vfs_parser top(&ctx);
    top.cfg_promisc = std::strtoul(cfg[0].c_str(), nullptr, 16) & 1;
    top.cfg_mac_valid = std::strtoul(cfg[1].c_str(), nullptr, 16) & 15;
    // cfg[2]: 192-bit bus as 48 hex digits, most significant first.
    const std::string& mac = cfg[2];
    for (int w = 0; w < 6; w++) {
        size_t end = mac.size() - 8 * w;
        size_t start = end >= 8 ? end - 8 : 0;
        top.cfg_mac[w] = (uint32_t)std::strtoul(mac.substr(start, end - start).c_str(), nullptr, 16);
    }
    top.rst = 1;
    for (int i = 0; i < 4; i++) {
        top.clk = 0; top.eval();
        top.clk = 1; top.eval();
    }
    top.rst = 0;

    uint64_t sum = 0, results = 0;
    size_t bi = 0;
    auto t0 = std::chrono::steady_clock::now();
    for (uint64_t c = 0; c < cycles; c++) {
        top.clk = 0;
        if ((c & 7) != 7) {
            const Beat& b = beats[bi];
            top.beat_valid = 1;
            top.beat_data = b.data;
            top.beat_keep = b.keep;
            top.beat_last = b.last;
            bi = bi + 1 == beats.size() ? 0 : bi + 1;
        } else {
            top.beat_valid = 0;
        }
        top.eval();
        top.clk = 1;
        top.eval();
        if (top.res_valid) {
            results++;
            uint64_t v = ((uint64_t)top.res_action << 60) ^ ((uint64_t)top.res_reason << 56) ^
                         ((uint64_t)top.res_proto << 48) ^ ((uint64_t)top.res_src_port << 16) ^
                         top.res_dst_port;
            for (int w = 0; w < 4; w++)
                v ^= ((uint64_t)top.res_src_addr[w] << (8 * w)) ^ ((uint64_t)top.res_dst_addr[w] << (8 * w + 3));
            sum = (sum << 1 | sum >> 63) ^ v;
        }
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    top.final();
    std::printf("%llu cycles, %llu results, checksum %016llx, %.2f s, %.2f M cycles/s\n",
                (unsigned long long)cycles, (unsigned long long)results, (unsigned long long)sum, secs,
                cycles / secs / 1e6);
    return 0;
}
