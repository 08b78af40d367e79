// The history checks' cursor: checking a run window by window with a cursor finds what
// rescanning the record before each window finds, and the context it carries survives
// the record's events being dropped (what the explorer does to every node it has checked).
#include <gtest/gtest.h>

#include "check/history_cursor.h"
#include "check/invariants.h"
#include "io/scenario.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/stress.h"
#include "../pci/machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

bool has(const std::vector<check::Violation>& v, int n) {
  return std::any_of(v.begin(), v.end(), [n](const auto& x) { return x.invariant == n; });
}

// Every step of stress runs that break history invariants (4, 12, 19, 22, 23 among them),
// with interleavings: the cursor's verdict on each window is the rescanning form's, exactly.
TEST(HistoryCursor, WindowsCheckedWithACursorFindWhatRescanningFinds) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::FailEarly}) {
    check::HistoryCursor cursor;
    size_t windows = 0, violations = 0, warnings_seen = 0;
    sim::StressOptions opt{.seed = 7, .ops = 300, .interleave_per_mille = 400};
    opt.on_step = [&](const sim::StressStep& st) {
      ASSERT_EQ(cursor.events, st.events_from);
      auto rescanned = check::check_history(st.s, st.events_from, warnings_seen);
      auto carried = check::check_history(st.s, cursor, warnings_seen);
      EXPECT_EQ(carried, rescanned) << "window " << windows;
      EXPECT_EQ(cursor.events, st.s.record.events.size());
      warnings_seen = st.s.record.warnings.size();
      violations += carried.size();
      ++windows;
    };
    sim::run_stress(sc, v, opt);
    EXPECT_GT(windows, 300u);
    if (v == policy::AtsVariant::Upstream) {
      EXPECT_GT(violations, 0u) << "the comparison saw violations, not only silence";
    }
  }
}

// ATS is on and its enable was read and dropped with the record; a later STE write that clears
// EATS is still 12, because the cursor remembers the enable. A fresh cursor would not know it.
TEST(HistoryCursor, ContextSurvivesTheRecordBeingDropped) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  auto pf = m.pf();
  ASSERT_TRUE(m.s.kernel.devs[pf].ats_enabled);
  check::HistoryCursor cursor;
  cursor.read(m.s, m.s.record.events.size());
  m.s.record.events.clear();
  cursor.events_dropped();
  EXPECT_EQ(cursor.events, 0u);

  auto master = smmuv3::master_of(m.s, pf);
  smmuv3::install_ste_for_dev(m.s, master, smmuv3::make_cdtable_ste(smmuv3::driver_features(), {.cdtab_dma = 0x80000000}, false,
                                                                    smmuv3::ste::kS1dssSsid0));
  check::HistoryCursor fresh;
  EXPECT_FALSE(has(check::check_history(m.s, fresh, 0), 12)) << "without the context the EATS change looks harmless";
  EXPECT_TRUE(has(check::check_history(m.s, cursor, 0), 12));
}

// Invariant 22 across a dropped record: an invalidation array published at the end of one
// window, and an STE written with no dma_wmb at the start of the next.
TEST(HistoryCursor, BarrierStateSurvivesTheRecordBeingDropped) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  check::HistoryCursor cursor;
  m.s.record.event(kernel::EventKind::InvsPublish, 0, 1);
  ASSERT_FALSE(has(check::check_history(m.s, cursor, 0), 22));
  m.s.record.events.clear();
  cursor.events_dropped();
  m.s.record.event(kernel::EventKind::SteWrite, 0, 0xfff0, 0);
  EXPECT_TRUE(has(check::check_history(m.s, cursor, 0), 22));
  // ... and with the barrier in between, nothing.
  check::HistoryCursor kept;
  m.s.record.events.clear();
  m.s.record.event(kernel::EventKind::InvsPublish, 0, 1);
  m.s.record.event(kernel::EventKind::DmaWmb, 0);
  check::check_history(m.s, kept, 0);
  m.s.record.events.clear();
  kept.events_dropped();
  m.s.record.event(kernel::EventKind::SteWrite, 0, 0xfff0, 0);
  EXPECT_FALSE(has(check::check_history(m.s, kept, 0), 22));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
