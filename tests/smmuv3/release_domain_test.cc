// Who puts a released device's STE back (kernel.smmuv3.release_domain): the 2026 driver sets
// arm_smmu_ops.release_domain, so iommu_deinit_device attaches the blocked domain before
// release_device; 6.12's has none, and arm_smmu_release_device attaches it itself. The same
// attach, ATS teardown and STE, on the call trace each kernel has.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "io/scenario.h"
#include "sim/scenario_run.h"
#include "../support/temp_file.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::KFn;

// Sketch 7a's pci_disable_ats refuses the quirked device with a WARN at hot-unplug: its call
// trace shows who attached the blocked domain.
sim::ScenarioResult run(bool release_domain) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/e2000-hotplug-quirk-race.yaml");
  sc.disable_ats_checks_ats_cap = true;
  sc.smmuv3.release_domain = release_domain;
  return sim::run_scenario(sc, policy::AtsVariant::Upstream);
}

const kernel::Warning& only_warning(const sim::ScenarioResult& r) {
  EXPECT_EQ(r.final.record.warnings.size(), 1u);
  return r.final.record.warnings.at(0);
}

TEST(ReleaseDomain, The2026CoreAttachesItBeforeReleaseDevice) {
  const auto r = run(true);
  const auto& w = only_warning(r);
  EXPECT_EQ(w.function, KFn::pci_disable_ats);
  const std::vector<KFn> head(w.call_trace.begin(), w.call_trace.begin() + 6);
  EXPECT_EQ(head, (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare, KFn::arm_smmu_attach_dev_ste,
                                    KFn::arm_smmu_attach_dev_blocked, KFn::__iommu_attach_device, KFn::iommu_deinit_device}));
}

TEST(ReleaseDomain, Six12sDriverAttachesItInReleaseDevice) {
  const auto r = run(false);
  const auto& w = only_warning(r);
  const std::vector<KFn> head(w.call_trace.begin(), w.call_trace.begin() + 6);
  EXPECT_EQ(head, (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare, KFn::arm_smmu_attach_dev_ste,
                                    KFn::arm_smmu_attach_dev_blocked, KFn::arm_smmu_release_device, KFn::iommu_deinit_device}));
  // Otherwise the same run: verdicts, and the STE the SMMU is left with.
  const auto other = run(true);
  EXPECT_EQ(r.violated, other.violated);
  EXPECT_EQ(r.final.hw.memory, other.final.hw.memory);
}

TEST(ReleaseDomain, TheScenarioKeySetsIt) {
  const auto path = write_temp("rd.yaml",
                               "name: rd\nmachine:\n  ports: [{name: rp0}]\n  devices: [{name: nic, port: rp0, vendor: 0x15b3, device: 0x101d}]\n"
                               "kernel: {smmuv3: {release_domain: false}}\n");
  EXPECT_FALSE(io::load_scenario(path).smmuv3.release_domain);
  EXPECT_TRUE(io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml").smmuv3.release_domain);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
