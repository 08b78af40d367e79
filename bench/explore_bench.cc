// Explorer throughput: transitions (operations run, checked and hashed) per second.
#include <benchmark/benchmark.h>

#include "io/scenario.h"
#include "sim/explore.h"

namespace {

using namespace atslab;

// The seed machine under fail-early, exhausted to depth 3: states/s with and without interleavings.
void BM_ExploreSeed(benchmark::State& state) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  sim::ExploreOptions opt{.depth = 3, .all = true};
  opt.interleave = state.range(0) != 0;
  uint64_t transitions = 0, unique = 0;
  for (auto _ : state) {
    auto r = sim::explore(sc, policy::AtsVariant::FailEarly, opt);
    transitions += r.transitions;
    unique = r.unique;
    benchmark::DoNotOptimize(r.found.size());
  }
  state.counters["states/s"] = benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
  state.counters["unique"] = static_cast<double>(unique);
}
BENCHMARK(BM_ExploreSeed)->Arg(0)->Arg(1)->ArgName("interleave")->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// What a user sees (issue 19): `atslab explore scenarios/seed.yaml --variant fail-early --depth 5
// --all`, the whole machine, every operation, interleavings on, one search per iteration, per
// CPU second of the process. Beside BM_ExploreSeed's depth 3: the deeper levels hold larger
// states (VFs, containers, domains, mappings) and a visited map a hundred times larger.
// Args: partial-order reduction off (0) or on (1); symmetry reduction off (0) or on (1, the default).
void BM_ExploreSeedDepth5(benchmark::State& state) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  sim::ExploreOptions opt{.depth = 5, .all = true};
  opt.por = state.range(0) != 0;
  opt.symmetry = state.range(1) != 0;
  uint64_t transitions = 0, unique = 0, skipped = 0;
  for (auto _ : state) {
    auto r = sim::explore(sc, policy::AtsVariant::FailEarly, opt);
    transitions += r.transitions;
    unique += r.unique;
    skipped = r.por_skipped;
    benchmark::DoNotOptimize(r.found.size());
  }
  // Rates over the process's CPU time (MeasureProcessCPUTime, no UseRealTime).
  state.counters["transitions/s"] = benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
  state.counters["states/s"] = benchmark::Counter(static_cast<double>(unique), benchmark::Counter::kIsRate);
  state.counters["unique"] = benchmark::Counter(static_cast<double>(unique), benchmark::Counter::kAvgIterations);
  state.counters["por_skipped"] = static_cast<double>(skipped);
}
BENCHMARK(BM_ExploreSeedDepth5)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"por", "symmetry"})
    ->Unit(benchmark::kSecond)
    ->Iterations(2)
    ->MeasureProcessCPUTime();

}  // namespace
