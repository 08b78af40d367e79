// SVA on the tree's own code (issue 18, ATSLAB_SOURCE_SMMUV3 builds): 6.12.118's
// arm-smmu-v3-sva.c, compiled with CONFIG_ARM_SMMU_V3_SVA beside arm-smmu-v3.c, behind atslab's
// IOMMU core (iommu_sva_bind_device stays atslab's). The tree is the oracle: its
// arm_smmu_sva_domain_alloc takes an ASID and registers its mmu_notifier on the mm through the
// stand-in (src/kernel_src/include/linux/mmu_notifier.h), arm_smmu_sva_set_dev_pasid writes
// arm_smmu_make_sva_cd's CD over the mm model's page tables, and the mm model's munmap and exit
// call the tree's notifier ops. The model configured as 6.12 is held to the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../tree_fixture.h"
#include "disagreements.h"
#include "pasid_machine.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/command.h"
#include "hw/smmuv3/stream_table.h"
#include "hw/smmuv3/ste_layout.h"
#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "linux/iommu/iommu.h"
#include "linux/mm/mm.h"
#include "sim/compare_drivers.h"
#include "sim/scenario_run.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;
using policy::AtsVariant;

io::Scenario sva_on_tree() {
  io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/sva.yaml");
  sc.driver = policy::Driver::Source;
  return sc;
}

using pasid_machine::acc;
using pasid_machine::cd;
using pasid_machine::first_steps;
using pasid_machine::ste;

std::vector<std::string> atc_invs_by_ssid(const System& s) {
  std::vector<std::string> out;
  for (const auto& e : s.record.events)
    if (e.kind == kernel::EventKind::AtcInvRange && (uint64_t(e.a) >> 32 & 1)) out.push_back(hs::describe_atc_inv_range(e.a, e.b));
  return out;
}

// The bind (steps 1-4: the RID identity, the native driver bound, process 0 bound): the tree's
// arm_smmu_make_sva_cd writes CD 1 with the mm model's page-table root as TTB0 and the CPU's
// TCR and MAIR as the stand-ins give them (the model's CPU), and arm_smmu_set_pasid turns the
// bypass STE into a CD-table STE with S1DSS=BYPASS and EATS, ATS on. The SVA domain is the
// driver's own arm_smmu_domain: the checks see its nr_ats_masters and devices list.
TEST(SourceSmmuSva, TheBindWritesTheTreesSvaCdOverTheMmsPageTables) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto r = first_steps(sva_on_tree(), 4);
  const System& s = r.final;
  for (const auto& st : r.steps) EXPECT_EQ(st.ret, 0) << st.what;
  const pci::DevId dev = acc(s);
  ASSERT_NE(dev, pci::kNoDev);
  const hs::Entry e = ste(s, dev);
  EXPECT_EQ(hs::field_get(hs::ste::k0Cfg, e[0]), hs::ste::kCfgS1Trans);
  EXPECT_EQ(hs::field_get(hs::ste::k1S1Dss, e[1]), hs::ste::kS1DssBypass);
  EXPECT_EQ(hs::field_get(hs::ste::k1Eats, e[1]), hs::ste::kEatsTrans);
  EXPECT_TRUE(s.kernel.devs[dev].ats_enabled);

  const mm::MmId id = mm::current_mm(s, 0);
  ASSERT_NE(id, mm::kNoMm);
  EXPECT_EQ(s.kernel.mm.mms.at(id).pasid, 1u);
  ASSERT_EQ(s.kernel.mm.mms.at(id).notifiers.size(), 1u) << "the tree's mmu_notifier_register";
  const hs::Entry c = cd(s, dev, 1);
  EXPECT_EQ(hs::field_get(hs::cd::k0V, c[0]), 1u);
  EXPECT_EQ(hs::field_get(hs::cd::k0TcrEpd0, c[0]), 0u);
  EXPECT_EQ(hs::field_get(hs::cd::k0TcrT0sz, c[0]), 16u) << "64 - vabits_actual";
  EXPECT_EQ(hs::field_get(hs::cd::k0TcrIps, c[0]), 5u) << "ID_AA64MMFR0_EL1.PARange";
  EXPECT_EQ(hs::field_get(hs::cd::k0TcrTg0, c[0]), hs::cd::kTg0_4k);
  EXPECT_NE(hs::field_get(hs::cd::k0Asid, c[0]), 0u);
  EXPECT_EQ(c[1] & hs::cd::k1Ttb0Mask, s.kernel.mm.mms.at(id).pgd.root) << "TTB0 is the mm's pgd";
  EXPECT_EQ(c[hs::cd::kMairQword], 0x000000040044f0ffull);

  System copy = s;
  const auto doms = kernel_src::smmuv3::domains(copy);
  const auto sva = std::find_if(doms.begin(), doms.end(), [&](const auto& d) {
    return iommu::domain(s, d.domain).type == iommu::DomainType::Sva;
  });
  ASSERT_NE(sva, doms.end());
  EXPECT_EQ(sva->nr_ats_masters, 1);
  EXPECT_EQ(sva->ssids, (std::vector<uint32_t>{1}));
  EXPECT_EQ(sva->tag, hs::field_get(hs::cd::k0Asid, c[0]));

  // The model as 6.12 writes the same CD (its ASID and the mm's tables are allocated alike).
  const auto m = first_steps(sim::model_as_tree(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/sva.yaml")), 4);
  const hs::Entry mc = cd(m.final, acc(m.final), 1);
  EXPECT_EQ(mc[0], c[0]);
  EXPECT_EQ(mc[1], c[1]);
  EXPECT_EQ(mc[hs::cd::kMairQword], c[hs::cd::kMairQword]);
}

// The process's munmap (step 6) reaches the tree's arm_smmu_mm_arch_invalidate_secondary_tlbs
// through the mm model and the stand-in notifier: an ATC_INV for SSID 1 at the buffer.
TEST(SourceSmmuSva, TheMunmapReachesTheTreesNotifier) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto before = first_steps(sva_on_tree(), 5);
  const auto after = first_steps(sva_on_tree(), 6);
  const auto n0 = atc_invs_by_ssid(before.final).size();
  const auto sent = atc_invs_by_ssid(after.final);
  ASSERT_GT(sent.size(), n0) << ::testing::PrintToString(sent);
  EXPECT_TRUE(sent.back().starts_with("ssid=0x1 addr=0x7f0000000000 ")) << ::testing::PrintToString(sent);
}

// The whole file under upstream on the tree: the second bind's failed enable recorded on (9, 13),
// the munmap's and the release's ATC_INVs to a function with ATS off (23, twice), the unbind's
// downgrade meets the seed's WARN in the tree's pci_disable_ats (4); no 14 (6.12 has no arrays).
// The model as 6.12 gives the same row and the same WARN trace; the SVA domain and its notifier
// are gone at the end, and the exit's release left the mm with no subscription.
TEST(SourceSmmuSva, TheFailedBindIsTheModelsSixTwelveRow) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto r = sim::run_scenario(sva_on_tree(), AtsVariant::Upstream);
  ASSERT_EQ(r.final.record.warnings.size(), 1u) << kernel::format_splats(r.final.record);
  const auto& w = r.final.record.warnings.front();
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  EXPECT_EQ(w.line, 135);
  EXPECT_TRUE(std::find(w.call_trace.begin(), w.call_trace.end(), kernel::KFn::iommu_sva_unbind_device) != w.call_trace.end())
      << kernel::format_warning(w);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 23}));
  EXPECT_EQ(r.atc_inv_to_ats_disabled, 2u);
  for (const auto& m : r.final.kernel.mm.mms) EXPECT_TRUE(m.notifiers.empty());

  const auto m = sim::run_scenario(sim::model_as_tree(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/sva.yaml")),
                                   AtsVariant::Upstream);
  ASSERT_EQ(m.final.record.warnings.size(), 1u);
  EXPECT_EQ(m.final.record.warnings.front().call_trace, w.call_trace);
  EXPECT_EQ(m.violated, r.violated);
  EXPECT_EQ(m.atc_inv_to_ats_disabled, r.atc_inv_to_ats_disabled);
}

// compare-drivers with the sva workload (binds, unbinds, munmaps, exits, SVA DMA, resets, driver
// binds): every run agrees.
TEST(SourceSmmuSva, TheModelAsSixTwelveAgreesWithTheTreeOnTheSvaWorkload) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto r = sim::compare_drivers(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/sva.yaml"),
                                      {.seeds = 20, .ops = 50, .workload = sim::Workload::Sva});
  EXPECT_EQ(r.runs, 20u);
  EXPECT_EQ(r.agree, r.runs) << describe(r);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
