#pragma once
// The timed loop of the stress benchmarks: whole runs of `sc` under upstream, with operations per
// second and microseconds per operation as counters.
#include <benchmark/benchmark.h>

#include "io/scenario.h"
#include "sim/stress.h"

namespace atslab::bench {

inline void time_stress_runs(benchmark::State& state, const io::Scenario& sc, const sim::StressOptions& opt) {
  size_t ops = 0;
  for (auto _ : state) {
    auto r = sim::run_stress(sc, policy::AtsVariant::Upstream, opt);
    ops += r.ops;
    benchmark::DoNotOptimize(r.first.size());
  }
  state.counters["ops/s"] = benchmark::Counter(static_cast<double>(ops), benchmark::Counter::kIsRate);
  state.counters["us/op"] =
      benchmark::Counter(static_cast<double>(ops) * 1e-6, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace atslab::bench
