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
