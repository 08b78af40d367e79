// The designs as the seed thread and kernel-semantics 8.3 define them, pinned on the data the
// drivers consult (src/policy). Where the driver's belief (master->ats_enabled) comes from:
//  - upstream (the 2026 arm-smmu-v3.c): from the attach's intent, whatever pci_enable_ats returns;
//  - vtd-style, candidate fix (c) of 8.3, "as VT-d and AMD do": intel-iommu's
//    iommu_enable_pci_ats sets info->ats_enabled = 1 only if pci_enable_ats returned 0, so the
//    belief is pci_enable_ats's result; nothing else of the 2026 driver changes.
#include <gtest/gtest.h>

#include "policy/ats_variant.h"

namespace atslab::policy {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(AtsPolicy, UpstreamIsThe2026DriverUnchanged) {
  EXPECT_EQ(policy_for(AtsVariant::Upstream), AtsPolicy{});
  EXPECT_FALSE(policy_for(AtsVariant::Upstream).track_enable_result);
}

TEST(AtsPolicy, VtdStyleTakesTheBeliefFromPciEnableAtsAndChangesNothingElse) {
  const AtsPolicy p = policy_for(AtsVariant::VtdStyle);
  EXPECT_TRUE(p.track_enable_result);
  AtsPolicy only_that{.variant = AtsVariant::VtdStyle};
  only_that.track_enable_result = true;
  EXPECT_EQ(p, only_that);
  // It leaves the PCI core as upstream has it (the fix is in the IOMMU driver alone).
  EXPECT_EQ(default_switches(AtsVariant::VtdStyle), default_switches(AtsVariant::Upstream));
}

// Only vtd-style ties the belief to the enable's result: the seed's series gates on the prepare,
// fail-early WARNs and keeps going, rollback undoes the attach instead.
TEST(AtsPolicy, NoOtherDesignTakesTheBeliefFromTheEnable) {
  for (auto v : kAllVariants)
    if (v != AtsVariant::VtdStyle) {
      EXPECT_FALSE(policy_for(v).track_enable_result) << name(v);
    }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::policy
