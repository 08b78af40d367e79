// Finding 13 and its two fix sketches (docs/reports/must-succeed-attach-enomem.md).
// iommu_detach_group returns a group from a driver's own domain to its default
// domain with IOMMU_SET_DOMAIN_MUST_SUCCEED; arm_smmu_attach_prepare allocates
// there (the master_domain since 6.12, the merged invalidation array since the
// 2026 arrays) and can fail with -ENOMEM. The core WARNs and records the default
// domain, the STE stays on the driver's domain, and the caller frees it.
// Sketch 13a: per-master spares allocated at probe stand in for a failed allocation.
// Sketch 13b: a failed prepare falls back to the abort STE inside the driver.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <vector>

#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/scenario_run.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::KFn;

enum class Sketch { None, Spares, AbortSte };

io::Scenario scenario(const std::string& file, Sketch k, const std::string& fault = "arm_smmu_master_domain.alloc") {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + file);
  sc.smmuv3.attach_spares = k == Sketch::Spares;
  sc.smmuv3.abort_ste_on_prepare_failure = k == Sketch::AbortSte;
  for (auto& op : sc.workload)
    if (!op.fault.empty()) op.fault = fault;
  return sc;
}

struct Outcome {
  sim::ScenarioResult r;
  pci::DevId pf = pci::kNoDev;
  smmuv3::Ste ste{};
  hw::smmuv3::Entry cd{};
};
Outcome run(const io::Scenario& sc, policy::AtsVariant v = policy::AtsVariant::Upstream) {
  Outcome o{.r = sim::run_scenario(sc, v)};
  const System& s = o.r.final;
  for (pci::DevId d = 0; d < s.kernel.devs.size(); ++d)
    if (s.kernel.devs[d].vendor == 0x8086 && s.kernel.devs[d].device == 0x1592) o.pf = d;
  o.ste = smmuv3::ste_of(s, 0, s.kernel.devs.at(o.pf).bdf.rid());
  o.cd = smmuv3::cd_of(s, smmuv3::master_of(s, o.pf), 0);
  return o;
}
size_t detach_warns(const System& s) {
  return size_t(std::count_if(s.record.warnings.begin(), s.record.warnings.end(),
                              [](const auto& w) { return w.function == KFn::iommu_detach_group; }));
}
// What each arm_smmu_attach_prepare of the PF returned during step `i`.
std::vector<int64_t> prepare_results(const Outcome& o, size_t i) {
  std::vector<int64_t> out;
  for (const auto& e : o.r.final.record.events)
    if (e.seq >= o.r.steps[i].begin && e.seq < o.r.steps[i].end && e.kind == kernel::EventKind::AttachPrepareEnd &&
        e.dev == o.pf)
      out.push_back(e.a);
  return out;
}
uint16_t cd_asid(const hw::smmuv3::Entry& cd) { return static_cast<uint16_t>(cd[0] >> 48); }
// The freed arm_smmu_domain the driver attached: the one that is not live any more.
const smmuv3::SmmuDomain* freed_domain(const System& s) {
  for (const auto& d : s.kernel.smmuv3.domains)
    if (!d.live) return &d;
  return nullptr;
}
const smmuv3::SmmuDomain& default_domain(const System& s, pci::DevId dev) {
  const auto& g = s.kernel.iommu.groups.at(iommu::group_of(s, dev));
  return s.kernel.smmuv3.domains.at(smmuv3::smmu_domain_of(s, g.default_domain));
}

TEST(MustSucceedEnomem, TheStepsOfTheScenario) {
  auto o = run(scenario("must-succeed-enomem.yaml", Sketch::None));
  ASSERT_EQ(o.r.steps.size(), 5u);
  EXPECT_EQ(o.r.steps[1].what, "pf: iommu_attach_group(own paging domain)");
  EXPECT_EQ(o.r.steps[3].what, "pf: iommu_detach_group [fault arm_smmu_master_domain.alloc]");
}

TEST(MustSucceedEnomem, UpstreamWarnsAndLeavesTheSteOnTheDomainTheCallerFrees) {
  for (const char* fault : {"arm_smmu_master_domain.alloc", "arm_smmu_invs_merge.alloc"}) {
    SCOPED_TRACE(fault);
    auto o = run(scenario("must-succeed-enomem.yaml", Sketch::None, fault));
    const System& s = o.r.final;
    ASSERT_EQ(detach_warns(s), 1u);
    EXPECT_EQ(s.record.warnings.size(), 1u);
    EXPECT_EQ(prepare_results(o, 3), (std::vector<int64_t>{-ENOMEM}));
    EXPECT_EQ(s.record.warnings[0].condition,
              "__iommu_group_set_domain_internal(group, new_domain, IOMMU_SET_DOMAIN_MUST_SUCCEED)");
    // The core says default domain; the SMMU still translates with the freed domain's CD.
    const auto& g = s.kernel.iommu.groups.at(iommu::group_of(s, o.pf));
    EXPECT_EQ(g.domain, g.default_domain);
    EXPECT_EQ(smmuv3::ste::cfg(o.ste), 5u);  // S1_TRANS
    const auto* freed = freed_domain(s);
    ASSERT_NE(freed, nullptr);
    EXPECT_EQ(cd_asid(o.cd), freed->asid);
    EXPECT_NE(cd_asid(o.cd), default_domain(s, o.pf).asid);
    EXPECT_EQ(o.r.violated, (std::vector<int>{17, 24}));
  }
}

TEST(MustSucceedEnomem, The612DesignFailsOnTheMasterDomainAlone) {
  auto o = run(scenario("must-succeed-enomem-nr-ats-masters.yaml", Sketch::None));
  EXPECT_EQ(detach_warns(o.r.final), 1u);
  EXPECT_EQ(smmuv3::ste::cfg(o.ste), 5u);
  EXPECT_EQ(cd_asid(o.cd), freed_domain(o.r.final)->asid);
  EXPECT_EQ(o.r.violated, (std::vector<int>{24}));
}

// A group VFIO once owned has a blocking domain: the core parks the device on it, so the STE
// aborts (24, the device lost DMA) but never points at the freed domain (no 17).
TEST(MustSucceedEnomem, WithABlockingDomainTheCoreParksTheDevice) {
  auto sc = scenario("must-succeed-enomem.yaml", Sketch::None);
  std::vector<sim::Op> vfio_first = {
      {.kind = sim::OpKind::Unbind, .device = "pf"},
      {.kind = sim::OpKind::Bind, .device = "pf", .driver = "vfio-pci"},
      {.kind = sim::OpKind::VfioSetContainer, .device = "pf", .container = "c0"},
      {.kind = sim::OpKind::VfioUnsetContainer, .device = "pf"},
      {.kind = sim::OpKind::Unbind, .device = "pf"},
      {.kind = sim::OpKind::Bind, .device = "pf", .driver = "native"},
  };
  sc.workload.insert(sc.workload.begin(), vfio_first.begin(), vfio_first.end());
  auto o = run(sc);
  const System& s = o.r.final;
  EXPECT_NE(s.kernel.iommu.groups.at(iommu::group_of(s, o.pf)).blocking_domain, iommu::kNoDomain);
  EXPECT_EQ(detach_warns(s), 1u);
  EXPECT_TRUE(o.ste[0] & 1);
  EXPECT_EQ(smmuv3::ste::cfg(o.ste), 0u);  // abort
  EXPECT_EQ(o.r.violated, (std::vector<int>{24}));
}

TEST(MustSucceedEnomem, SketchSparesMakesTheReturnSucceed) {
  for (const char* fault : {"arm_smmu_master_domain.alloc", "arm_smmu_invs_merge.alloc"}) {
    SCOPED_TRACE(fault);
    auto o = run(scenario("must-succeed-enomem.yaml", Sketch::Spares, fault));
    const System& s = o.r.final;
    EXPECT_TRUE(s.record.warnings.empty());
    EXPECT_EQ(o.r.steps[3].ret, 0);
    EXPECT_EQ(smmuv3::ste::cfg(o.ste), 5u);
    EXPECT_EQ(cd_asid(o.cd), default_domain(s, o.pf).asid) << "the STE follows the group";
    EXPECT_TRUE(o.r.violated.empty());
    // The failed allocation was replaced by the spare. The master_domain the detach removed from
    // the driver's domain refills the spare at once; a used spare array is replaced at the start
    // of the next arm_smmu_attach_dev, and this scenario has none.
    const auto& m = s.kernel.smmuv3.masters.at(smmuv3::master_of(s, o.pf));
    EXPECT_TRUE(m.spare_master_domain);
    EXPECT_EQ(m.spare_invs, std::string(fault) != "arm_smmu_invs_merge.alloc");
  }
  auto legacy = run(scenario("must-succeed-enomem-nr-ats-masters.yaml", Sketch::Spares));
  EXPECT_TRUE(legacy.r.final.record.warnings.empty());
  EXPECT_TRUE(legacy.r.violated.empty());
}

TEST(MustSucceedEnomem, SketchSparesStandInWhenBothAllocationsOfOneAttachFail) {
  // The merge and the master_domain of the same detach both fail; both spares stand in.
  auto sc = scenario("must-succeed-enomem.yaml", Sketch::Spares);
  sc.faults = "arm_smmu_invs_merge.alloc:nth=4";  // the same detach: boot (port, PF), the attach, then it
  auto o = run(sc);
  EXPECT_TRUE(o.r.final.record.warnings.empty());
  EXPECT_TRUE(o.r.violated.empty());
}

TEST(MustSucceedEnomem, SketchAbortSteStopsTheWalkOfTheFreedDomainButTheDeviceLosesDma) {
  for (const char* fault : {"arm_smmu_master_domain.alloc", "arm_smmu_invs_merge.alloc"}) {
    SCOPED_TRACE(fault);
    auto o = run(scenario("must-succeed-enomem.yaml", Sketch::AbortSte, fault));
    const System& s = o.r.final;
    EXPECT_EQ(detach_warns(s), 1u) << "the core still sees the attach fail";
    EXPECT_TRUE(o.ste[0] & 1);
    EXPECT_EQ(smmuv3::ste::cfg(o.ste), 0u);  // abort
    // In the detach: the paging attach's prepare fails, then the blocked attach's succeeds.
    EXPECT_EQ(prepare_results(o, 3), (std::vector<int64_t>{-ENOMEM, 0}));
    EXPECT_EQ(o.r.violated, (std::vector<int>{24}));
  }
}

// The driver cannot tell a must-succeed attach from one the caller may fail: under 13b a failed
// iommu_attach_group, which the core answers by keeping the group on its old domain, leaves
// the device blocked instead (24 where upstream has nothing).
TEST(MustSucceedEnomem, SketchAbortSteBreaksTheFailedAttachContract) {
  auto faulted_attach = [](Sketch k) {
    auto sc = scenario("must-succeed-enomem.yaml", k);
    sc.workload = {{.kind = sim::OpKind::AttachOwnDomain, .device = "pf", .fault = "arm_smmu_master_domain.alloc"},
                   {.kind = sim::OpKind::HostDma, .device = "pf", .count = 2}};
    return run(sc);
  };
  auto up = faulted_attach(Sketch::None);
  EXPECT_EQ(up.r.steps[1].ret, -ENOMEM);
  EXPECT_TRUE(up.r.violated.empty());
  EXPECT_EQ(smmuv3::ste::cfg(up.ste), 5u);
  auto b = faulted_attach(Sketch::AbortSte);
  EXPECT_EQ(b.r.steps[1].ret, -ENOMEM);
  EXPECT_EQ(smmuv3::ste::cfg(b.ste), 0u);
  EXPECT_EQ(b.r.violated, (std::vector<int>{24}));
  auto a = faulted_attach(Sketch::Spares);
  EXPECT_EQ(a.r.steps[1].ret, 0) << "13a makes the attach itself succeed";
  EXPECT_TRUE(a.r.violated.empty());
}

TEST(MustSucceedEnomem, EveryVariantGivesTheSameVerdicts) {
  for (auto k : {Sketch::None, Sketch::Spares, Sketch::AbortSte}) {
    auto base = run(scenario("must-succeed-enomem.yaml", k)).r.violated;
    for (auto v : policy::kAllVariants)
      EXPECT_EQ(run(scenario("must-succeed-enomem.yaml", k), v).r.violated, base) << policy::name(v);
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
