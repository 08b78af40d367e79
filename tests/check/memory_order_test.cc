// Invariant 22 (memory ordering) as the order of the barriers in the record: each
// rule is broken by a hand-made record that lacks its barrier and kept by the same
// record with it; real runs keep all of them under every variant and both designs.
#include <gtest/gtest.h>

#include <initializer_list>

#include "check/invariants.h"
#include "io/scenario.h"
#include "policy/ats_variant.h"
#include "sim/stress.h"
#include "../pci/machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::EventKind;
struct Ev {
  EventKind kind;
  uint32_t dev = 0;
  int64_t a = 0, b = 0;
};

constexpr int64_t kTlbiNhAsid = 0x11, kCmdSync = 0x46;
constexpr uint32_t kNoSuchSid = 0xfff0;  // maps to no device: only 22 can speak about these STE writes

// The invariant-22 violations the checker reports for `events` appended to a booted machine's record.
std::vector<check::Violation> twenty_two(std::initializer_list<Ev> events) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  size_t from = m.s.record.events.size();
  for (const Ev& e : events) m.s.record.event(e.kind, e.dev, e.a, e.b);
  std::vector<check::Violation> out;
  for (const auto& v : check::check_history(m.s, from, m.s.record.warnings.size()))
    if (v.invariant == 22) out.push_back(v);
  return out;
}

TEST(MemoryOrder, LoadingTheArrayWithoutSmpMbAfterTheIopteWriteIsTwentyTwo) {
  auto v = twenty_two({{EventKind::IopteWrite, 3, 0x1000, 0x1000}, {EventKind::InvsLoad, 3, 5}});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].objects, "smmu domain 3");
  EXPECT_NE(v[0].detail.find("no smp_mb after the IOPTE write"), std::string::npos) << v[0].detail;
  EXPECT_TRUE(twenty_two({{EventKind::IopteWrite, 3, 0x1000, 0x1000}, {EventKind::SmpMb}, {EventKind::InvsLoad, 3, 5}}).empty());
  // A barrier before the IOPTE write orders nothing after it.
  EXPECT_EQ(twenty_two({{EventKind::SmpMb}, {EventKind::IopteWrite, 3}, {EventKind::InvsLoad, 3}}).size(), 1u);
}

TEST(MemoryOrder, ReadingNrAtsMastersWithoutSmpMbAfterTheTlbiSyncIsTwentyTwo) {
  auto v = twenty_two({{EventKind::IopteWrite, 2},
                       {EventKind::SmmuCommand, 0, kTlbiNhAsid, 1},
                       {EventKind::SmmuCommand, 0, kCmdSync},
                       {EventKind::NrAtsMastersRead, 2, 1}});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].detail.find("no smp_mb after the TLBI / CMD_SYNC"), std::string::npos) << v[0].detail;
  // The barrier must come after the sync, not between the IOPTE write and the TLBI.
  EXPECT_EQ(twenty_two({{EventKind::IopteWrite, 2},
                        {EventKind::SmpMb},
                        {EventKind::SmmuCommand, 0, kTlbiNhAsid, 1},
                        {EventKind::SmmuCommand, 0, kCmdSync},
                        {EventKind::NrAtsMastersRead, 2, 1}})
                .size(),
            1u);
  EXPECT_TRUE(twenty_two({{EventKind::IopteWrite, 2},
                          {EventKind::SmmuCommand, 0, kTlbiNhAsid, 1},
                          {EventKind::SmmuCommand, 0, kCmdSync},
                          {EventKind::SmpMb},
                          {EventKind::NrAtsMastersRead, 2, 1}})
                  .empty());
}

TEST(MemoryOrder, WritingTheSteAfterAPublishWithoutDmaWmbIsTwentyTwo) {
  auto v = twenty_two({{EventKind::InvsPublish, 1, 4}, {EventKind::SteWrite, 0, kNoSuchSid}});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].objects, "smmu 0 StreamID 0xfff0");
  EXPECT_NE(v[0].detail.find("no dma_wmb after an invalidation array was published"), std::string::npos) << v[0].detail;
  EXPECT_TRUE(twenty_two({{EventKind::InvsPublish, 1, 4}, {EventKind::DmaWmb}, {EventKind::SteWrite, 0, kNoSuchSid}}).empty());
  // smp_mb is not the barrier the STE's observer (the SMMU) pairs with.
  EXPECT_EQ(twenty_two({{EventKind::InvsPublish, 1, 4}, {EventKind::SmpMb}, {EventKind::SteWrite, 0, kNoSuchSid}}).size(), 1u);
}

TEST(MemoryOrder, ABarrierOnAnotherCpuDoesNotOrderThisOne) {
  // CPU 1's operation, run at CPU 0's interleaving point, executes its own smp_mb:
  // CPU 0's load after the IOPTE write is still unordered.
  auto v = twenty_two({{EventKind::IopteWrite, 3},
                       {EventKind::InterleaveBegin, 1},
                       {EventKind::SmpMb, 1},
                       {EventKind::InterleaveEnd, 1},
                       {EventKind::InvsLoad, 3}});
  EXPECT_EQ(v.size(), 1u);
  // ... and CPU 0's pending write does not make CPU 1's own ordered load a violation.
  EXPECT_TRUE(twenty_two({{EventKind::IopteWrite, 3},
                          {EventKind::InterleaveBegin, 1},
                          {EventKind::IopteWrite, 3},
                          {EventKind::SmpMb, 1},
                          {EventKind::InvsLoad, 3},
                          {EventKind::InterleaveEnd, 1},
                          {EventKind::SmpMb},
                          {EventKind::InvsLoad, 3}})
                  .empty());
}

TEST(MemoryOrder, OnlyAccessesFromTheFirstEventOnAreReported) {
  // The unordered pair lies before the window: the window's own ordered accesses are fine,
  // but a context's state carries in (a publish before, the STE write inside).
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  m.s.record.event(EventKind::IopteWrite, 3);
  m.s.record.event(EventKind::InvsLoad, 3);
  m.s.record.event(EventKind::InvsPublish, 1, 4);
  size_t from = m.s.record.events.size();
  m.s.record.event(EventKind::SteWrite, 0, kNoSuchSid);
  int n = 0;
  for (const auto& v : check::check_history(m.s, from, m.s.record.warnings.size())) n += v.invariant == 22;
  EXPECT_EQ(n, 1) << "the STE write only";
}

// The window's starting state is CPU 0's, whatever other CPUs did before it, and also when
// the window opens inside another CPU's operation.
TEST(MemoryOrder, TheStateCarriedIntoTheWindowIsEachCpusOwn) {
  auto count = [](std::initializer_list<Ev> before, std::initializer_list<Ev> window) {
    Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
    m.s.record.event(EventKind::SmpMb, 0);
    m.s.record.event(EventKind::DmaWmb, 0);  // what boot left pending is settled
    for (const Ev& e : before) m.s.record.event(e.kind, e.dev, e.a, e.b);
    size_t from = m.s.record.events.size();
    for (const Ev& e : window) m.s.record.event(e.kind, e.dev, e.a, e.b);
    int n = 0;
    for (const auto& v : check::check_history(m.s, from, m.s.record.warnings.size())) n += v.invariant == 22;
    return n;
  };
  EXPECT_EQ(count({{EventKind::IopteWrite, 3}, {EventKind::InterleaveBegin, 1}, {EventKind::SmpMb, 1}, {EventKind::InterleaveEnd, 1}},
                  {{EventKind::InvsLoad, 3}}),
            1);
  EXPECT_EQ(count({{EventKind::IopteWrite, 3}, {EventKind::SmpMb}}, {{EventKind::InvsLoad, 3}}), 0);
  // Opening inside CPU 1's operation: its ordered load is fine, CPU 0's unordered one is not.
  EXPECT_EQ(count({{EventKind::IopteWrite, 3}, {EventKind::InterleaveBegin, 1}, {EventKind::IopteWrite, 4}},
                  {{EventKind::SmpMb, 1}, {EventKind::InvsLoad, 4}, {EventKind::InterleaveEnd, 1}, {EventKind::InvsLoad, 3}}),
            1);
}

// Real runs, with a second CPU's operations at the interleaving points: every barrier where
// the rules need it, under every variant and both invalidation designs, and the barriers are
// really in the record (so the absence of violations is not for want of events).
// Pre-invs design: the enabler counts the master in nr_ats_masters before pci_enable_ats.
std::vector<check::Violation> enable_order(bool counted_first, smmuv3::InvalidationDesign design) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  m.s.kernel.smmuv3.inv_design = design;
  const pci::DevId pf = m.pf();
  const auto& cfg = m.s.hw.pcie.fn(m.s.kernel.devs[pf].fn).cfg;
  const int64_t ctrl = hw::pcie::find_ext_cap(cfg, hw::pcie::ext_cap::kAts) + hw::pcie::ats::kCtrl;
  EXPECT_GT(ctrl, hw::pcie::ats::kCtrl) << "the test PF has an ATS capability";
  const size_t from = m.s.record.events.size();
  m.s.record.event(EventKind::AttachPrepareBegin, pf);
  if (counted_first) m.s.record.event(EventKind::NrAtsMastersInc, 1, pf);
  m.s.record.event(EventKind::ConfigWrite, pf, ctrl, (int64_t{2} << 32) | hw::pcie::ats::kCtrlEnable);
  if (!counted_first) m.s.record.event(EventKind::NrAtsMastersInc, 1, pf);
  std::vector<check::Violation> out;
  for (const auto& v : check::check_history(m.s, from, m.s.record.warnings.size()))
    if (v.invariant == 22) out.push_back(v);
  return out;
}

TEST(MemoryOrder, EnablingAtsBeforeCountingTheMasterIsTwentyTwoInThePreInvsDesign) {
  using D = smmuv3::InvalidationDesign;
  auto late = enable_order(false, D::NrAtsMasters);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_NE(late[0].detail.find("not yet counted in nr_ats_masters"), std::string::npos) << late[0].detail;
  EXPECT_TRUE(enable_order(true, D::NrAtsMasters).empty());
  EXPECT_TRUE(enable_order(false, D::Invs).empty()) << "the arrays design orders enable by the array instead";
}

TEST(MemoryOrder, HealthyPfRunsCountBeforeEnableUnderThePreInvsDesign) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  sc.nr_ats_masters_fastpath = true;
  for (auto variant : policy::kAllVariants) {
    size_t incs = 0;
    sim::StressOptions opt{.seed = 3, .ops = 200, .workload = sim::Workload::DomainChurn};
    opt.on_step = [&](const sim::StressStep& st) {
      for (size_t i = st.events_from; i < st.events_to; ++i) incs += st.s.record.events[i].kind == EventKind::NrAtsMastersInc;
    };
    auto r = sim::run_stress(sc, variant, opt);
    EXPECT_FALSE(r.first.count(22)) << policy::name(variant) << ": " << r.first[22].violation.detail;
    EXPECT_GT(incs, 0u) << policy::name(variant) << ": ATS masters were counted (the PF is healthy)";
  }
}

TEST(MemoryOrder, StressRunsKeepTwentyTwoUnderEveryVariantAndDesign) {
  for (bool legacy : {false, true}) {
    auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
    sc.nr_ats_masters_fastpath = legacy;
    for (auto variant : policy::kAllVariants) {
      std::map<EventKind, size_t> seen;
      sim::StressOptions opt{.seed = 7, .ops = 150};
      opt.on_step = [&](const sim::StressStep& st) {
        for (size_t i = st.events_from; i < st.events_to; ++i) seen[st.s.record.events[i].kind]++;
      };
      auto r = sim::run_stress(sc, variant, opt);
      std::string what = std::string(policy::name(variant)) + (legacy ? " nr_ats_masters" : " invs");
      EXPECT_FALSE(r.first.count(22)) << what << ": " << r.first[22].violation.detail;
      EXPECT_GT(r.interleaved, 0u) << what;
      EXPECT_GT(seen[EventKind::IopteWrite], 0u) << what;
      EXPECT_GT(seen[EventKind::SmpMb], 0u) << what;
      EXPECT_GT(seen[legacy ? EventKind::NrAtsMastersRead : EventKind::InvsLoad], 0u) << what;
      EXPECT_EQ(seen[legacy ? EventKind::InvsLoad : EventKind::NrAtsMastersRead], 0u) << what;
      EXPECT_GT(seen[EventKind::InvsPublish], 0u) << what;
      EXPECT_GT(seen[EventKind::DmaWmb], 0u) << what;
    }
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
