// Stress runs: seeded and deterministic, the seed bug found under upstream and
// not under the fixes, and every step handed to an observer (the trace) before
// the record is dropped.
#include <gtest/gtest.h>

#include "io/scenario.h"
#include "sim/stress.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

io::Scenario seed_scenario() { return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml"); }

// Two runs report the same: operations, errors, commands, WARNs, interleavings, the ATC_INV-to-
// disabled count, and each invariant's first violation with the operations that reach it.
void expect_same_run(const StressResult& a, const StressResult& b) {
  EXPECT_EQ(a.ops_by_kind, b.ops_by_kind);
  EXPECT_EQ(a.errors_by_kind, b.errors_by_kind);
  EXPECT_EQ(a.commands_by_kind, b.commands_by_kind);
  EXPECT_EQ(a.warnings, b.warnings);
  EXPECT_EQ(a.interleaved, b.interleaved);
  EXPECT_EQ(a.atc_inv_to_ats_disabled, b.atc_inv_to_ats_disabled);
  ASSERT_EQ(a.first.size(), b.first.size());
  for (const auto& [n, fv] : a.first) EXPECT_EQ(fv.prefix, b.first.at(n).prefix) << "invariant " << n;
}

TEST(Stress, SameSeedSameRun) {
  auto sc = seed_scenario();
  StressOptions opt{.seed = 11, .ops = 300};
  auto a = run_stress(sc, policy::AtsVariant::Upstream, opt);
  expect_same_run(a, run_stress(sc, policy::AtsVariant::Upstream, opt));
  opt.seed = 12;
  auto c = run_stress(sc, policy::AtsVariant::Upstream, opt);
  EXPECT_NE(a.ops_by_kind, c.ops_by_kind) << "another seed, another run";
}

// A long run drops the history it has checked; doing so after every operation must not
// change what the run reports (counts included: the ATC_INV-to-disabled count used to restart).
TEST(Stress, DroppingCheckedHistoryChangesNothing) {
  auto sc = seed_scenario();
  StressOptions keep{.seed = 5, .ops = 400, .workload = Workload::IovaStress};
  StressOptions drop = keep;
  drop.record_limit = 0;
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::VtdStyle}) {
    SCOPED_TRACE(policy::name(v));
    expect_same_run(run_stress(sc, v, keep), run_stress(sc, v, drop));
  }
  auto up = run_stress(sc, policy::AtsVariant::Upstream, drop);
  EXPECT_GT(up.commands_by_kind["CMD_SYNC"], 100u) << "commands are tallied from every dropped record";
  EXPECT_TRUE(up.first.count(4)) << "the seed's WARN is still found after history was dropped";
}

TEST(Stress, SeedBugUnderUpstreamOnlyAndItsPrefixReplays) {
  auto sc = seed_scenario();
  StressOptions opt{.seed = 1, .ops = 300};
  auto up = run_stress(sc, policy::AtsVariant::Upstream, opt);
  ASSERT_TRUE(up.first.count(9)) << "master->ats_enabled without PCI ATS";
  EXPECT_GT(up.warnings, 0u);
  auto replay = run_ops(sc, policy::AtsVariant::Upstream, up.first.at(9).prefix, opt.seed, "");
  EXPECT_NE(std::find(replay.violated.begin(), replay.violated.end(), 9), replay.violated.end())
      << "the reported prefix reaches the violation again";
  for (auto v : {policy::AtsVariant::SeriesV3, policy::AtsVariant::FailEarly}) {
    auto r = run_stress(sc, v, opt);
    EXPECT_TRUE(r.first.empty()) << policy::name(v);
    EXPECT_EQ(r.warnings, 0u) << policy::name(v);
  }
}

// Every WARN is counted under the site its splat names (file:line, function, condition), so the
// text output can say which WARNs the WARNS column counts.
TEST(Stress, WarningsAreCountedBySiteAsTheirSplatsNameThem) {
  auto sc = seed_scenario();
  StressOptions opt{.seed = 1, .ops = 300};
  const auto up = run_stress(sc, policy::AtsVariant::Upstream, opt);
  ASSERT_GT(up.warnings, 0u);
  size_t sum = 0;
  for (const auto& [site, n] : up.warnings_by_site) sum += n;
  EXPECT_EQ(sum, up.warnings);
  EXPECT_TRUE(up.warnings_by_site.count("drivers/pci/ats.c:132 at pci_disable_ats: WARN_ON(!dev->ats_enabled)"))
      << "the seed's WARN, as format_warning prints its first lines";
  EXPECT_TRUE(run_stress(sc, policy::AtsVariant::SeriesV3, opt).warnings_by_site.empty());
}

// The observer sees boot and every operation once, in order, with the record's
// events split between them without gap or overlap, and every violation.
TEST(Stress, ObserverSeesEveryStepAndEveryEvent) {
  auto sc = seed_scenario();
  size_t steps = 0, events = 0, violations = 0, expect_from = 0;
  uint64_t last_end = 0;
  bool contiguous = true, ordered = true;
  StressOptions opt{.seed = 1, .ops = 200};
  opt.on_step = [&](const StressStep& st) {
    ++steps;
    contiguous &= st.events_from == expect_from;
    expect_from = st.events_to;
    events += st.events_to - st.events_from;
    ordered &= st.step.begin >= last_end && st.step.end > st.step.begin;
    last_end = st.step.end;
    violations += st.violations.size();
  };
  auto r = run_stress(sc, policy::AtsVariant::Upstream, opt);
  EXPECT_EQ(steps, r.ops + 1) << "boot, then each operation";
  EXPECT_TRUE(contiguous);
  EXPECT_TRUE(ordered);
  EXPECT_GT(events, 0u);
  EXPECT_GE(violations, r.first.size());
  size_t commands = 0;
  for (const auto& [k, n] : r.commands_by_kind) commands += n;
  EXPECT_LT(commands, events);
}

// The kernel's lookups by address walk Kernel::present_devs, kept beside the table of every
// pci_dev ever allocated: after every step of an interleaved run full of SR-IOV enables and
// disables (VFs added and removed, some inside a second CPU's operation, some rewound), it must
// list exactly the pci_devs not removed, ascending.
TEST(Stress, PresentDevicesAreThePciDevsNotRemovedAfterEveryStep) {
  auto sc = seed_scenario();
  size_t checked = 0, mismatches = 0, most = 0;
  StressOptions opt{.seed = 3, .ops = 3000, .interleave_per_mille = 500};
  opt.on_step = [&](const StressStep& st) {
    std::vector<pci::DevId> want;
    for (pci::DevId d = 0; d < st.s.kernel.devs.size(); ++d)
      if (st.s.kernel.devs[d].state != pci::DevState::Removed) want.push_back(d);
    mismatches += want != st.s.kernel.present_devs;
    most = std::max(most, st.s.kernel.devs.size());
    ++checked;
  };
  auto r = run_stress(sc, policy::AtsVariant::FailEarly, opt);
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(checked, r.ops + 1);
  EXPECT_GT(r.interleaved, 0u);
  EXPECT_GT(most, 40u) << "VFs came and went, so removed pci_devs were there to leave out";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
