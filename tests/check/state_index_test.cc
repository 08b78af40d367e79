// The monitor's index of the objects still alive (check/state_index.h): with it, the checks
// after every step of long runs reach exactly the verdicts of the full scans the explorer
// uses, in the same order, while visiting only what is not gone (issue 16, item 8).
#include <gtest/gtest.h>

#include <filesystem>

#include "check/history_cursor.h"
#include "check/invariants.h"
#include "check/state_index.h"
#include "io/scenario.h"
#include "sim/stress.h"
#include "sim/workloads.h"

namespace atslab::check {
namespace ATSLAB_UNITY_ID {
namespace {

struct Case {
  std::string scenario;
  sim::Workload workload;
  policy::AtsVariant variant;
};

// Each step of the run checked both ways: the state checks with and without the index, and
// the history checks with two cursors, one given the index.
// Returns how many violations the run had (the comparison means little without some).
size_t expect_same_verdicts(const Case& c, uint64_t seed, size_t ops) {
  SCOPED_TRACE(c.scenario + " " + std::to_string(seed) + " " + std::string(sim::name(c.workload)) + " " + std::string(policy::name(c.variant)));
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + c.scenario + ".yaml");
  StateIndex index;
  HistoryCursor full, indexed;
  size_t warnings_seen = 0, steps = 0, violations = 0;
  sim::StressOptions opt{.seed = seed, .ops = ops, .workload = c.workload, .interleave_per_mille = 400};
  opt.record_limit = SIZE_MAX;  // the cursors read every event
  opt.on_step = [&](const sim::StressStep& st) {
    index.refresh(st.s);
    auto expected_history = check_history(st.s, full, warnings_seen);
    ASSERT_EQ(check_history(st.s, indexed, warnings_seen, &index), expected_history) << "step " << steps;
    auto expected_state = check_state(st.s, true);
    ASSERT_EQ(check_state(st.s, true, &index), expected_state) << "step " << steps;
    warnings_seen = st.s.record.warnings.size();
    violations += expected_history.size() + expected_state.size();
    ++steps;
  };
  auto r = sim::run_stress(sc, c.variant, opt);
  EXPECT_EQ(steps, r.ops + 1);
  EXPECT_LE(index.devs().size(), 80u) << "only devices not removed";
  return violations;
}

TEST(StateIndex, EveryStepGivesTheFullScansVerdicts) {
  using W = sim::Workload;
  using V = policy::AtsVariant;
  size_t violations = 0;
  for (const Case& c : {Case{"seed", W::Mixed, V::Upstream}, Case{"seed", W::SriovChurn, V::Rollback},
                        Case{"64-vfs-one-domain", W::Mixed, V::VtdStyle}, Case{"mixed-iommus", W::Mixed, V::Upstream},
                        Case{"vtd-rbtree-uaf", W::SriovChurn, V::Upstream}, Case{"amd-atc-vfio", W::DomainChurn, V::FailEarly},
                        Case{"e2000-hotplug-quirk-race", W::Hotplug, V::Upstream}, Case{"untrusted-pf-vfs", W::IovaStress, V::SeriesV3}})
    violations += expect_same_verdicts(c, 11, 600);
  EXPECT_GT(violations, 100u);
}

// Every shipped scenario, under every variant it runs and every workload, two seeds each.
TEST(StateIndex, EveryShippedScenarioGivesTheFullScansVerdicts) {
  using W = sim::Workload;
  size_t scenarios = 0, violations = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(ATSLAB_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    ++scenarios;
    const std::string name = entry.path().stem().string();
    const auto sc = io::load_scenario(entry.path().string());
    for (auto v : sc.variants)
      for (W w : {W::Mixed, W::IovaStress, W::SriovChurn, W::DomainChurn, W::Hotplug})
        if (sim::workload_unfit(w, sc).empty())  // as atslab stress refuses the others
          for (uint64_t seed : {1, 2}) violations += expect_same_verdicts({name, w, v}, seed, 150);
  }
  EXPECT_GE(scenarios, 16u);
  EXPECT_GT(violations, 1000u);
}

// Invariant 26 is a verdict on devices that are gone: the index keeps them by routing ID.
TEST(StateIndex, ReleasedDevicesAreKeptByRoutingIdAndTheLiveOnesOnly) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  StateIndex index;
  sim::StressOptions opt{.seed = 3, .ops = 2000, .workload = sim::Workload::SriovChurn};
  size_t most_open = 0;
  opt.on_step = [&](const sim::StressStep& st) {
    index.refresh(st.s);
    most_open = std::max(most_open, index.devs().size());
    size_t removed = 0;
    for (const auto& d : st.s.kernel.devs) removed += d.state == pci::DevState::Removed;
    size_t released = 0;
    for (const auto& [key, ids] : index.released()) released += ids.size();
    EXPECT_EQ(index.devs().size() + removed, st.s.kernel.devs.size());
    EXPECT_EQ(released, removed) << "every device is behind the SMMUv3";
  };
  sim::run_stress(sc, policy::AtsVariant::Upstream, opt);
  EXPECT_LE(index.released().size(), 5u) << "the PF's VFs come back at the same four routing IDs";
  EXPECT_LE(most_open, 6u);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::check
