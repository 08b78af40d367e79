// arm_smmu_enable_ats when pci_enable_ats fails (issue 21: fail-early's WARN had no test in this layer).
// Upstream's arm-smmu-v3.c only logs it:
//     if (pci_enable_ats(pdev, stu))
//             dev_err(master->dev, "Failed to enable ATS (STU %zu)\n", stu);
// The review's fail-early design wraps the call in WARN_ON (WARN_ON(pci_enable_ats(pdev, stu)),
// scripts/kernel-tree/design-fail-early.sh) before the same dev_err, reached from
// arm_smmu_attach_commit.
#include <gtest/gtest.h>

#include <string>

#include "io/scenario.h"
#include "linux/kernel/kfunc.h"
#include "sim/scenario_run.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

// A healthy PF (explore-small's) booted with every pci_enable_ats failing: its default-domain
// attach at boot is the one call of arm_smmu_enable_ats.
System boot_with_failing_enable(policy::AtsVariant v) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  sim::OpContext ctx;
  return sim::boot_machine(sc, v, ctx, 1, "pci_enable_ats:always");
}

size_t dev_errs(const System& s) {
  size_t n = 0;
  for (const auto& l : s.record.log) n += l.text.find("Failed to enable ATS (STU 12)") != std::string::npos;
  return n;
}

TEST(SmmuEnableAts, UpstreamOnlyLogsAFailedPciEnableAts) {
  System s = boot_with_failing_enable(policy::AtsVariant::Upstream);
  EXPECT_TRUE(s.record.warnings.empty());
  EXPECT_EQ(dev_errs(s), 1u);
}

TEST(SmmuEnableAts, FailEarlyWarnsOnceAtTheFailedEnableFromTheCommitThenLogs) {
  System s = boot_with_failing_enable(policy::AtsVariant::FailEarly);
  ASSERT_EQ(s.record.warnings.size(), 1u);
  const auto& w = s.record.warnings[0];
  EXPECT_EQ(kernel::name(w.function), "arm_smmu_enable_ats");
  EXPECT_EQ(w.condition, "pci_enable_ats(pdev, stu)");
  ASSERT_GE(w.call_trace.size(), 2u);
  EXPECT_EQ(kernel::name(w.call_trace[0]), "arm_smmu_enable_ats");
  EXPECT_EQ(kernel::name(w.call_trace[1]), "arm_smmu_attach_commit");
  EXPECT_EQ(dev_errs(s), 1u);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
