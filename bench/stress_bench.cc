// Stress runs at the scenario level: the cost of one random operation and the checks after it,
// over runs of growing length. A run whose checks scanned every object ever allocated grew
// quadratic (issue 16, item 8); the cost per operation should stay flat as the run grows.
#include <benchmark/benchmark.h>

#include "io/scenario.h"
#include "sim/stress.h"
#include "stress_run.h"

namespace {

using namespace atslab;

const char* const kScenarios[] = {"seed", "64-vfs-one-domain"};

// Arguments: the scenario (0: seed, 1: 64-vfs-one-domain), the number of random operations, and
// the per mille of them given another CPU's operation (250, stress's default, or 0: one CPU).
// The mixed workload under upstream (the variant whose violations the checks report most), seed 1.
void BM_Stress(benchmark::State& state) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + kScenarios[state.range(0)] + ".yaml");
  sim::StressOptions opt{.seed = 1, .ops = static_cast<size_t>(state.range(1)),
                         .interleave_per_mille = static_cast<unsigned>(state.range(2))};
  bench::time_stress_runs(state, sc, opt);
}
BENCHMARK(BM_Stress)
    ->ArgsProduct({{0, 1}, {10'000, 80'000, 100'000}, {250, 0}})
    ->ArgNames({"scenario", "ops", "interleave"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

}  // namespace
