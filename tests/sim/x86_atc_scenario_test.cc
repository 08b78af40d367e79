// The VT-d and AMD-Vi ATC scenarios step by step, and the stress runner's device
// traffic reaching endpoints behind those units (it used to stop at -EOPNOTSUPP).
#include <gtest/gtest.h>

#include "linux/amd/cmd.h"

#include <cerrno>

#include "io/scenario.h"
#include "sim/scenario_run.h"
#include "sim/stress.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

io::Scenario scenario(const char* name) {
  return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + name + ".yaml");
}

// Steps: boot, then set_container, set_iommu, map, DMA, translate, unmap, DMA, map, DMA, unset_container.
void expect_dma_steps(const ScenarioResult& r) {
  ASSERT_EQ(r.steps.size(), 11u);
  EXPECT_NE(r.steps[4].what.find("DMA write at IOVA 0x101000"), std::string::npos) << r.steps[4].what;
  EXPECT_EQ(r.steps[4].ret, 0) << "a DMA write through a Translation Request and the ATC";
  EXPECT_EQ(r.steps[5].ret, 0) << "a bare Translation Request";
  EXPECT_EQ(r.steps[6].ret, 0);
  EXPECT_EQ(r.steps[7].ret, -EFAULT) << "after the unmap and its flush the device has no translation";
  EXPECT_EQ(r.steps[9].ret, 0);
  EXPECT_TRUE(r.failed_expectations.empty());
}

TEST(X86AtcScenario, VtdFlushesOnUnmapAndOnLeavingTheDomain) {
  auto r = run_scenario(scenario("vtd-atc-vfio"), policy::AtsVariant::Upstream);
  expect_dma_steps(r);
  EXPECT_TRUE(r.violated.empty());
}

TEST(X86AtcScenario, AmdFlushesOnUnmapButNotTheLeavingDevice) {
  auto r = run_scenario(scenario("amd-atc-vfio"), policy::AtsVariant::Upstream);
  expect_dma_steps(r);
  // The leaving device's ATC is never invalidated: no INVALIDATE_IOTLB_PAGES in the last step.
  const auto& last = r.steps.back();
  for (const auto& e : r.final.record.events)
    if (e.seq > last.begin && e.seq <= last.end && e.kind == kernel::EventKind::AmdCommand) {
      EXPECT_NE(amd::decode(e).op, amd::CmdOp::InvIotlbPages);
    }
  // A compliant endpoint empties its ATC when the default domain sets ATS Enable again.
  EXPECT_TRUE(r.violated.empty());
  // One that keeps it across the enable goes on holding the VFIO mapping's translation.
  auto keeps = run_scenario(scenario("amd-atc-vfio-keeps-atc"), policy::AtsVariant::Upstream);
  expect_dma_steps(keeps);
  ASSERT_EQ(keeps.violated, std::vector<int>{20});
  for (const auto& v : keeps.violations) EXPECT_EQ(v.step.find("VFIO_GROUP_UNSET_CONTAINER"), 0u) << v.step;
}

TEST(X86AtcScenario, StressDeviceTrafficReachesVtdAndAmdEndpointsAtcs) {
  for (const char* name : {"vtd-atc-vfio", "amd-atc-vfio"}) {
    size_t filled = 0;
    StressOptions opt{.seed = 3, .ops = 300};
    opt.on_step = [&](const StressStep& st) {
      for (const auto& f : st.s.hw.pcie.functions()) filled += !f.atc.entries.empty();
    };
    auto r = run_stress(scenario(name), policy::AtsVariant::FailEarly, opt);
    ASSERT_GT(r.ops_by_kind["device_dma"], 0u) << name;
    EXPECT_LT(r.errors_by_kind["device_dma"], r.ops_by_kind["device_dma"]) << name << ": some DMA got through";
    EXPECT_GT(filled, 0u) << name << ": some step saw an endpoint's ATC holding a translation";
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
