// iommufd's PASID attach where the random and exhaustive runners use it: stress's iommufd-pasid
// workload, and the explorer's alphabet (only for a scenario whose workload attaches PASIDs
// through iommufd: the cdev path's other searches keep the figures findings.md quotes).
#include <gtest/gtest.h>

#include <algorithm>

#include "io/scenario.h"
#include "sim/explore.h"
#include "sim/op_kinds.h"
#include "sim/seed_repro.h"
#include "sim/stress.h"
#include "../support/repro_matches_file.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

io::Scenario load(const char* name) { return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + name + ".yaml"); }

bool pasid_ioctl(OpKind k) { return k == OpKind::IommufdPasidAttach || k == OpKind::IommufdPasidDetach; }

TEST(IommufdPasidWorkloads, StressDrawsThePasidIoctlsAndEachSucceedsSomewhere) {
  const io::Scenario sc = load("iommufd-pasid");
  ASSERT_EQ(workload_unfit(Workload::IommufdPasid, sc), "");
  EXPECT_NE(workload_unfit(Workload::IommufdPasid, load("iommufd")), "") << "its NIC has no PASID capability";
  const StressResult r = run_stress(sc, policy::AtsVariant::SeriesV3, {.seed = 3, .ops = 600, .workload = Workload::IommufdPasid});
  for (OpKind k : {OpKind::IommufdPasidAttach, OpKind::IommufdPasidDetach, OpKind::PasidDma, OpKind::IommufdAttach}) {
    const std::string name = op_name(k);
    ASSERT_TRUE(r.ops_by_kind.count(name)) << name << " never drawn";
    const size_t errors = r.errors_by_kind.count(name) ? r.errors_by_kind.at(name) : 0;
    EXPECT_LT(errors, r.ops_by_kind.at(name)) << name << " never succeeded";
  }
  EXPECT_EQ(r.warnings, 0u) << "no fault injected: series-v3 keeps its books";
  // Only finding 5's window may show: an IOAS unmap between an attach's prepare and its commit.
  for (const auto& [inv, v] : r.first) EXPECT_EQ(inv, 23);
}

TEST(IommufdPasidWorkloads, TheWorkloadsSetUpAllocatesH0WithAllocPasid) {
  const std::vector<Op> setup = workload_setup(Workload::IommufdPasid, load("iommufd-pasid"));
  const std::vector<Op> expected = {{.kind = OpKind::IommufdBind, .device = "acc"},
                                    {.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "h0", .pasid_compat = true},
                                    {.kind = OpKind::IommufdAttach, .device = "acc", .hwpt = "h0"},
                                    {.kind = OpKind::IommufdMap, .count = 4}};
  EXPECT_EQ(setup, expected);
}

TEST(IommufdPasidWorkloads, TheAlphabetHasThePasidIoctlsOnlyForAScenarioThatTakesThem) {
  auto has = [](const std::vector<Op>& a) { return std::any_of(a.begin(), a.end(), [](const Op& o) { return pasid_ioctl(o.kind); }); };
  const std::vector<Op> a = explore_alphabet(load("iommufd-pasid"), {});
  EXPECT_TRUE(has(a));
  EXPECT_FALSE(has(explore_alphabet(load("iommufd"), {}))) << "iommufd.yaml's search stays as findings.md measured it";
  EXPECT_FALSE(has(explore_alphabet(load("pasid"), {})));
  // h0 with the flag, h1 without: both sides of iommufd_hwpt_pasid_compat.
  for (const Op& o : a)
    if (o.kind == OpKind::IommufdHwptAlloc) {
      EXPECT_EQ(o.pasid_compat, o.hwpt == "h0") << describe(o);
    }
  for (const Op& o : explore_alphabet(load("iommufd"), {}))
    if (o.kind == OpKind::IommufdHwptAlloc) {
      EXPECT_FALSE(o.pasid_compat) << describe(o);
    }
}

TEST(IommufdPasidWorkloads, ExploreFindsTheSeedsWarnAtThePasidDetachUnderUpstreamNotUnderRollback) {
  const io::Scenario sc = load("iommufd-pasid");
  ExploreOptions opt{.depth = 2, .faults = {faults::Point::PciEnableAts}, .all = true};
  opt.interleave = false;
  opt.prefix = 5;  // bound, h0 and h1 with the flag, h2 without, the IOAS mapped; the RID blocked
  opt.kinds = {OpKind::IommufdPasidAttach, OpKind::IommufdPasidDetach};
  const ExploreResult up = explore(sc, policy::AtsVariant::Upstream, opt);
  ASSERT_TRUE(up.found.count(4)) << "pci_disable_ats with ATS off";
  const auto& t = up.found.at(4).trace;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].kind, OpKind::IommufdPasidAttach);
  EXPECT_EQ(t[0].fault, "pci_enable_ats");
  EXPECT_EQ(t[1].kind, OpKind::IommufdPasidDetach);
  ASSERT_TRUE(up.found.count(9));
  EXPECT_EQ(up.found.at(9).trace.size(), 1u) << "recorded on at the failed attach itself";
  const ExploreResult rb = explore(sc, policy::AtsVariant::Rollback, opt);
  EXPECT_FALSE(rb.found.count(4));
  EXPECT_FALSE(rb.found.count(9));
}

// atslab repro --scenario iommufd-pasid: the file's path less its two refusals, the same rows.
TEST(IommufdPasidWorkloads, TheBuiltInReproPathGivesTheShippedScenariosRowUnderEveryVariant) {
  test::expect_repro_matches_file(load("iommufd-pasid"), ReproScenario::IommufdPasid);
  const ReproResult up = run_seed_repro(policy::AtsVariant::Upstream, {.scenario = ReproScenario::IommufdPasid});
  EXPECT_FALSE(up.attach_failed) << "the failed enable is recorded, not returned";
  const ReproResult rb = run_seed_repro(policy::AtsVariant::Rollback, {.scenario = ReproScenario::IommufdPasid});
  EXPECT_TRUE(rb.attach_failed) << "-EINVAL from VFIO_DEVICE_ATTACH_IOMMUFD_PT";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
