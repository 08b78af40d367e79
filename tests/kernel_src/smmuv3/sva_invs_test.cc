// SVA and iommufd's PASID attach on a tree of the 2026 form (Debian's 7.2.13; built locally with
// -DATSLAB_KERNEL_TREE, not in CI): its arm-smmu-v3-sva.c has no IOMMU_DEV_FEAT_SVA and invalidates
// through the SVA domain's invalidation array (arm_smmu_domain_inv); its driver allocates HWPTs
// for PASIDs (IOMMU_HWPT_ALLOC_PASID). On another tree (6.12.118, the default) every test here is
// skipped, saying why: sva_test.cc pins 6.12's form.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../tree_fixture.h"
#include "disagreements.h"
#include "pasid_machine.h"
#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "linux/iommu/iommu.h"
#include "linux/iommufd/iommufd_state.h"
#include "linux/smmuv3/invs.h"
#include "sim/compare_drivers.h"
#include "sim/scenario_run.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;
namespace ks = kernel_src::smmuv3;

// The tree's SVA half in 7.2's form: built, with invalidation arrays and no IOMMU_DEV_FEAT_SVA step.
#define ATSLAB_REQUIRE_TREE_SVA_WITH_ARRAYS()                                                            \
  do {                                                                                                   \
    if (!ks::built() || !ks::has_sva() || !ks::has_invalidation_arrays() || ks::has_dev_feat_sva())     \
      GTEST_SKIP() << "needs a tree whose arm-smmu-v3-sva.c has 7.2's form; this build runs "            \
                   << ::atslab::kernel_src::source_driver_line();                                        \
  } while (0)

#define ATSLAB_REQUIRE_TREE_IOMMUFD_PASID()                                                              \
  do {                                                                                                   \
    if (!ks::built() || !ks::has_iommufd_pasid())                                                        \
      GTEST_SKIP() << "needs a tree whose SMMUv3 driver allocates HWPTs for PASIDs (7.2); this build runs " \
                   << ::atslab::kernel_src::source_driver_line();                                        \
  } while (0)

io::Scenario on_tree(const char* file) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR "/scenarios/") + file);
  sc.driver = policy::Driver::Source;
  sc.pci_dev_reset_iommu = kernel_src::tree_has_pci_dev_reset_iommu();
  return sc;
}

const ks::DomainBelief* domain_of_type(const std::vector<ks::DomainBelief>& doms, const System& s, iommu::DomainType t) {
  for (const auto& d : doms)
    if (iommu::domain(s, d.domain).type == t) return &d;
  return nullptr;
}

bool has_ats_entry(const ks::DomainBelief& d, uint32_t ssid) {
  if (!d.invs) return false;
  return std::any_of(d.invs->inv.begin(), d.invs->inv.end(), [&](const ks::InvBelief& e) {
    return e.type == int(smmuv3::InvType::Ats) && e.ssid == ssid && e.users > 0;
  });
}

// The failed bind (the file's ninth step, pci_enable_ats failing at commit): the tree records ATS
// on, and its SVA domain's array keeps the ATS entry for SSID 1, which the munmap and the release
// then follow (14; 6.12 had no array, so no 14 there).
TEST(SourceSmmuSvaInvs, TheFailedBindLeavesItsAtsEntryInTheSvaDomainsArray) {
  ATSLAB_REQUIRE_TREE_SVA_WITH_ARRAYS();
  const auto r = pasid_machine::first_steps(on_tree("sva.yaml"), 9);
  for (const auto& st : r.steps) EXPECT_EQ(st.ret, 0) << st.what;
  System copy = r.final;
  const auto doms = ks::domains(copy);
  const ks::DomainBelief* sva = domain_of_type(doms, r.final, iommu::DomainType::Sva);
  ASSERT_NE(sva, nullptr);
  EXPECT_EQ(sva->nr_ats_masters, 1);
  EXPECT_TRUE(has_ats_entry(*sva, 1)) << "the ATS entry for SSID 1 merged at prepare";
  const pci::DevId dev = pasid_machine::acc(r.final);
  EXPECT_FALSE(r.final.kernel.devs[dev].ats_enabled) << "the injected failure left PCI ATS off";
}

// The whole file under upstream: the seed's WARN at the unbind, now through 7.2's
// arm_smmu_blocking_set_dev_pasid, with 4, 9, 13, 14 and 23; the model as 7.2 gives the same row
// and the same call trace.
TEST(SourceSmmuSvaInvs, TheFileIsTheModelsUpstreamRowWithTheSameTrace) {
  ATSLAB_REQUIRE_TREE_SVA_WITH_ARRAYS();
  const auto r = sim::run_scenario(on_tree("sva.yaml"), AtsVariant::Upstream);
  ASSERT_EQ(r.final.record.warnings.size(), 1u) << kernel::format_splats(r.final.record);
  const auto& w = r.final.record.warnings.front();
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  for (kernel::KFn f : {kernel::KFn::arm_smmu_blocking_set_dev_pasid, kernel::KFn::iommu_remove_dev_pasid,
                        kernel::KFn::iommu_sva_unbind_device})
    EXPECT_TRUE(std::find(w.call_trace.begin(), w.call_trace.end(), f) != w.call_trace.end()) << kernel::format_warning(w);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23}));
  EXPECT_EQ(r.atc_inv_to_ats_disabled, 2u);
  EXPECT_EQ(r.judged_by, "expect_source.7.2.13");
  EXPECT_TRUE(r.failed_expectations.empty()) << ::testing::PrintToString(r.failed_expectations);

  const auto m = sim::run_scenario(sim::model_as_tree(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/sva.yaml")),
                                   AtsVariant::Upstream);
  ASSERT_EQ(m.final.record.warnings.size(), 1u);
  EXPECT_EQ(m.final.record.warnings.front().call_trace, w.call_trace);
  EXPECT_EQ(m.violated, r.violated);
  EXPECT_EQ(m.atc_inv_to_ats_disabled, r.atc_inv_to_ats_disabled);
}

TEST(SourceSmmuSvaInvs, TheModelAsSevenTwoAgreesWithTheTreeOnTheSvaWorkload) {
  ATSLAB_REQUIRE_TREE_SVA_WITH_ARRAYS();
  const auto r = sim::compare_drivers(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/sva.yaml"),
                                      {.seeds = 20, .ops = 50, .workload = sim::Workload::Sva});
  EXPECT_EQ(r.runs, 20u);
  EXPECT_EQ(r.agree, r.runs) << describe(r);
}

// iommufd's replace of PASID 1 from h0 to h1 (the file's twelfth step): iommu_replace_device_pasid
// hands the tree's arm_smmu_s1_set_dev_pasid h0 as `old`, so the tree's attach takes SSID 1's ATS
// entry out of h0's array and merges it into h1's. Without `old`, h0 would keep it (14).
TEST(SourceSmmuIommufdPasid, TheReplaceHandsTheTreeTheOldHwptsDomain) {
  ATSLAB_REQUIRE_TREE_IOMMUFD_PASID();
  const auto r = pasid_machine::first_steps(on_tree("iommufd-pasid.yaml"), 12);
  ASSERT_EQ(r.steps.size(), 13u);  // the boot, then the twelve
  EXPECT_EQ(r.steps.back().ret, 0) << r.steps.back().what;
  const auto& hwpts = r.final.kernel.iommufd.hwpts;
  ASSERT_GE(hwpts.size(), 2u);
  System copy = r.final;
  const auto doms = ks::domains(copy);
  auto belief = [&](iommu::DomainId d) -> const ks::DomainBelief* {
    for (const auto& b : doms)
      if (b.domain == d) return &b;
    return nullptr;
  };
  const ks::DomainBelief* h0 = belief(hwpts[0].domain);
  const ks::DomainBelief* h1 = belief(hwpts[1].domain);
  ASSERT_NE(h0, nullptr);
  ASSERT_NE(h1, nullptr);
  EXPECT_FALSE(has_ats_entry(*h0, 1)) << "h0 still lists SSID 1";
  EXPECT_TRUE(has_ats_entry(*h1, 1));
  EXPECT_TRUE(h0->devices.empty());
  EXPECT_EQ(h0->nr_ats_masters, 0);
}

// The whole file on the tree: the model's upstream row (the failed PASID 2 enable, 9, 13, 14, 23 and
// the seed's WARN at the PASID detach), and the iommufd-pasid workload agrees run by run.
TEST(SourceSmmuIommufdPasid, TheFileIsTheModelsUpstreamRowAndTheWorkloadAgrees) {
  ATSLAB_REQUIRE_TREE_IOMMUFD_PASID();
  const auto r = sim::run_scenario(on_tree("iommufd-pasid.yaml"), AtsVariant::Upstream);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23}));
  ASSERT_EQ(r.final.record.warnings.size(), 1u) << kernel::format_splats(r.final.record);
  const auto& trace = r.final.record.warnings.front().call_trace;
  EXPECT_TRUE(std::find(trace.begin(), trace.end(), kernel::KFn::vfio_df_ioctl_detach_pt) != trace.end());
  const auto c = sim::compare_drivers(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/iommufd-pasid.yaml"),
                                      {.seeds = 20, .ops = 50, .workload = sim::Workload::IommufdPasid});
  EXPECT_EQ(c.agree, c.runs) << describe(c);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
