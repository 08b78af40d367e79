// What the model takes from the tree where kernels differ (sim::model_as_tree): the tree's
// ats.c asked on a made-up PF and VF, and its SMMUv3 driver's version. Pinned to Debian's
// 6.12.118 (tree_fixture.h); tests/kernel_src_no_pf_aware checks the PF-aware probe on a copy
// without the check, and docs/kernel-source.md records 7.2's answers.
#include <gtest/gtest.h>

#include "io/scenario.h"
#include "kernel_src/ats.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "sim/compare_drivers.h"
#include "tree_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(TreeFeatures, Debian612118AtsCIsPfAwareAndDoesNotCheckAVfsStu) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  EXPECT_TRUE(kernel_src::tree_ats_supported_asks_pf());
  EXPECT_FALSE(kernel_src::tree_prepare_ats_checks_vf_stu());
}

TEST(TreeFeatures, TheModelAsThe612TreeIsTheSeedsBaseLessWhat612Lacks) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const io::Scenario sc = sim::model_as_tree(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/seed.yaml"));
  EXPECT_EQ(sc.driver, policy::Driver::Model);
  EXPECT_EQ(sc.pf_aware_ats_supported, true);
  EXPECT_EQ(sc.vf_stu_validation, false);
  if (!kernel_src::smmuv3::built()) GTEST_SKIP() << "built without the tree's SMMUv3 driver";
  EXPECT_FALSE(kernel_src::smmuv3::has_invalidation_arrays());
  EXPECT_FALSE(kernel_src::smmuv3::has_release_domain());
  EXPECT_FALSE(kernel_src::smmuv3::has_master_prepare_ats());
  EXPECT_TRUE(sc.nr_ats_masters_fastpath);
  EXPECT_FALSE(sc.smmuv3.release_domain);
  EXPECT_FALSE(sc.smmuv3.master_prepare_ats);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
