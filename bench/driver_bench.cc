// The source driver's stress throughput beside the model's (issue 15's goal: within 3x). Both run
// 6.12: the model configured as the tree (sim::model_as_tree) and the tree's own ats.c and
// SMMUv3 driver (--driver source), the same seeded mixed workload on one CPU (the source
// driver's stress runs one), as compare-drivers runs them.
#include <benchmark/benchmark.h>

#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "sim/compare_drivers.h"
#include "sim/stress.h"
#include "stress_run.h"

namespace {

using namespace atslab;

const char* const kScenarios[] = {"seed", "64-vfs-one-domain"};

// Arguments: the scenario (0: seed, 1: 64-vfs-one-domain) and the driver (0: the model as 6.12,
// 1: the tree's code).
void BM_StressDriver(benchmark::State& state) {
  if (!kernel_src::smmuv3::built()) {
    state.SkipWithError("this build has no source SMMUv3 driver (ATSLAB_SOURCE_SMMUV3=OFF)");
    return;
  }
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + kScenarios[state.range(0)] + ".yaml");
  const bool source = state.range(1) != 0;
  if (source)
    sc.driver = policy::Driver::Source;
  else
    sc = sim::model_as_tree(sc);
  const kernel_src::smmuv3::ScopedChoice tree_smmuv3(source);
  const sim::StressOptions opt{.seed = 1, .ops = 5'000, .interleave_per_mille = 0};
  bench::time_stress_runs(state, sc, opt);
}
BENCHMARK(BM_StressDriver)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"scenario", "source"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);

}  // namespace
