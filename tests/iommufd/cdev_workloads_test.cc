// The cdev path's operations where the random and exhaustive runners use them: stress's iommufd
// workload, and the explorer's alphabet (only for a scenario whose workload takes the path).
#include <gtest/gtest.h>

#include <algorithm>

#include "io/scenario.h"
#include "sim/explore.h"
#include "sim/op_kinds.h"
#include "sim/stress.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

io::Scenario load(const char* name) { return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + name + ".yaml"); }

bool iommufd_kind(OpKind k) { return k >= OpKind::IommufdBind && k <= OpKind::IommufdUnmap; }

TEST(IommufdWorkloads, StressDrawsEveryCdevOperationAndEachSucceedsSomewhere) {
  const io::Scenario sc = load("iommufd");
  ASSERT_EQ(workload_unfit(Workload::Iommufd, sc), "");
  const StressResult r = run_stress(sc, policy::AtsVariant::SeriesV3, {.seed = 3, .ops = 600, .workload = Workload::Iommufd});
  for (uint8_t k = static_cast<uint8_t>(OpKind::IommufdBind); k <= static_cast<uint8_t>(OpKind::IommufdUnmap); ++k) {
    const std::string name = op_name(static_cast<OpKind>(k));
    ASSERT_TRUE(r.ops_by_kind.count(name)) << name << " never drawn";
    const size_t errors = r.errors_by_kind.count(name) ? r.errors_by_kind.at(name) : 0;
    EXPECT_LT(errors, r.ops_by_kind.at(name)) << name << " never succeeded";
  }
  EXPECT_GT(r.interleaved, 0u) << "other CPUs' operations ran inside the cdev path's attaches";
  EXPECT_EQ(r.warnings, 0u) << "no fault injected: series-v3 keeps its books";
  EXPECT_TRUE(r.first.empty());
}

TEST(IommufdWorkloads, TheWorkloadsSetUpAttachesEveryDeviceToH0) {
  const std::vector<Op> setup = workload_setup(Workload::Iommufd, load("iommufd"));
  const std::vector<Op> expected = {{.kind = OpKind::IommufdBind, .device = "nic"},
                                    {.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "h0"},
                                    {.kind = OpKind::IommufdAttach, .device = "nic", .hwpt = "h0"},
                                    {.kind = OpKind::IommufdMap, .count = 4}};
  EXPECT_EQ(setup, expected) << "the NIC is on vfio-pci at boot already";
}

TEST(IommufdWorkloads, TheAlphabetHasTheCdevPathOnlyForAScenarioThatTakesIt) {
  auto has = [](const std::vector<Op>& a) { return std::any_of(a.begin(), a.end(), [](const Op& o) { return iommufd_kind(o.kind); }); };
  EXPECT_TRUE(has(explore_alphabet(load("iommufd"), {})));
  EXPECT_FALSE(has(explore_alphabet(load("seed"), {}))) << "the other scenarios' searches stay as findings.md measured them";
}

TEST(IommufdWorkloads, ExploreOnTheCdevPathFindsTheSeedsWarnUnderUpstreamFromTheFailedAttach) {
  const io::Scenario sc = load("iommufd");
  ExploreOptions opt{.depth = 2, .faults = {faults::Point::PciEnableAts}, .all = true};
  opt.interleave = false;
  opt.prefix = 4;  // bound, h0 and h1 allocated, the IOAS mapped
  // The cdev path's operations only: unbinding vfio-pci, which closes the cdev on its way, would
  // be the seed's classic road (the default domain's enable failing).
  for (uint8_t k = static_cast<uint8_t>(OpKind::IommufdBind); k <= static_cast<uint8_t>(OpKind::IommufdUnmap); ++k)
    opt.kinds.push_back(static_cast<OpKind>(k));
  const ExploreResult up = explore(sc, policy::AtsVariant::Upstream, opt);
  ASSERT_TRUE(up.found.count(4)) << "pci_disable_ats with ATS off";
  const auto& t = up.found.at(4).trace;
  ASSERT_EQ(t.size(), 2u) << "a failed enable, then the next blocked attach";
  EXPECT_TRUE(iommufd_kind(t[0].kind) && iommufd_kind(t[1].kind));
  // Either an attach from blocked fails its enable and a detach follows, or an attach succeeds and
  // the close's reset fails the enable of its attach back, before the close's own detach.
  EXPECT_TRUE(t[0].fault == "pci_enable_ats" || (t[1].kind == OpKind::IommufdUnbind && t[1].fault == "pci_enable_ats"))
      << describe(t[0]) << " then " << describe(t[1]);
  const ExploreResult rb = explore(sc, policy::AtsVariant::Rollback, opt);
  EXPECT_FALSE(rb.found.count(4));
  EXPECT_FALSE(rb.found.count(9));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
