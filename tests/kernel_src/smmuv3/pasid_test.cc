// PASIDs on the tree's own code (issue 18, ATSLAB_SOURCE_SMMUV3 builds): 6.12.118's
// drivers/pci/ats.c built with CONFIG_PCI_PASID and its arm-smmu-v3.c behind atslab's IOMMU
// core. The tree is the oracle: its probe enables the endpoint's PASID (arm_smmu_enable_pasid)
// and sets the master's ssid_bits, arm_smmu_s1_set_dev_pasid writes CD 1 and turns the identity
// RID's bypass STE into a CD-table STE with S1DSS=BYPASS and EATS, arm_smmu_remove_dev_pasid
// (6.12's ops->remove_dev_pasid) downgrades it again; with PASID 2's pci_enable_ats failing the
// downgrade's prepare meets the seed's WARN. The model configured as 6.12 is held to the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../tree_fixture.h"
#include "disagreements.h"
#include "pasid_machine.h"
#include "hw/pcie/regs.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/command.h"
#include "hw/smmuv3/stream_table.h"
#include "hw/smmuv3/ste_layout.h"
#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "linux/pci/access.h"
#include "linux/pci/pri_pasid.h"
#include "sim/compare_drivers.h"
#include "sim/path_repro.h"
#include "sim/scenario_run.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;
using kernel::KFn;
using policy::AtsVariant;

io::Scenario on_tree(const char* file) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR "/scenarios/") + file);
  sc.driver = policy::Driver::Source;
  return sc;
}

using pasid_machine::acc;
using pasid_machine::cd;
using pasid_machine::first_steps;
using pasid_machine::ste;

uint16_t pasid_ctrl(const System& s, pci::DevId dev) {
  return pci::read_config_word(s, dev, uint16_t(s.kernel.devs[dev].pasid_cap + hw::pcie::pasid::kCtrl));
}

bool logged(const System& s, const std::string& text) {
  return std::any_of(s.record.log.begin(), s.record.log.end(),
                     [&](const kernel::LogLine& l) { return l.text.find(text) != std::string::npos; });
}

// At probe 6.12's arm_smmu_probe_device calls arm_smmu_enable_pasid before any ATS: the tree's
// pci_enable_pasid sets PASID Enable with the features the capability offers, the master's
// ssid_bits is min(ilog2(pci_max_pasids), the SMMU's SSIDSIZE, CTXDESC_LINEAR_CDMAX), and the
// core's max_pasids is pci_max_pasids capped by the SMMU's registered max_pasids (1 << SSIDSIZE).
TEST(SourceSmmuPasid, TheTreesProbeEnablesPasidAndTheCoreTakesMaxPasidsFromIt) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto r = first_steps(on_tree("pasid.yaml"), 0);
  const System& s = r.final;
  const pci::DevId dev = acc(s);
  ASSERT_NE(dev, pci::kNoDev);
  EXPECT_TRUE(s.kernel.devs[dev].pasid_enabled);
  EXPECT_EQ(pasid_ctrl(s, dev) & hw::pcie::pasid::kCtrlEnable, hw::pcie::pasid::kCtrlEnable);
  System copy = s;
  const int pci_max = pci::max_pasids(copy, dev);
  ASSERT_GT(pci_max, 1);
  const uint32_t smmu_max = kernel_src::smmuv3::iommu_max_pasids(s, dev);
  ASSERT_GT(smmu_max, 1u);
  EXPECT_EQ(s.kernel.iommu.devs.at(dev).max_pasids, std::min(uint32_t(pci_max), smmu_max));
  // The master's: min(ilog2(pci_max_pasids), SSIDSIZE), then CTXDESC_LINEAR_CDMAX (10) as atslab's
  // SMMU has no 2-level CD tables. The core's max_pasids knows nothing of that clamp: 2^20 here.
  EXPECT_EQ(pci_max, 1 << 20);
  EXPECT_EQ(kernel_src::smmuv3::master_ssid_bits(copy, dev), 10);
  EXPECT_FALSE(logged(s, "Failed to enable PASID"));
  EXPECT_TRUE(s.record.warnings.empty()) << kernel::format_splats(s.record);
}

// Without ACS on the root port the tree's pci_enable_pasid refuses (pci_acs_path_enabled, the
// stand-in asking atslab's topology): "Failed to enable PASID", ssid_bits 0, PASID Enable clear;
// the core's max_pasids does not come from the enable and stays what the capability says.
TEST(SourceSmmuPasid, WithoutAcsTheTreesPciEnablePasidRefusesAndTheMasterHasNoSsids) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto r = first_steps(on_tree("pasid-no-acs.yaml"), 0);
  const System& s = r.final;
  const pci::DevId dev = acc(s);
  ASSERT_NE(dev, pci::kNoDev);
  EXPECT_TRUE(logged(s, "Failed to enable PASID"));
  EXPECT_FALSE(s.kernel.devs[dev].pasid_enabled);
  EXPECT_EQ(pasid_ctrl(s, dev), 0);
  System copy = s;
  EXPECT_EQ(kernel_src::smmuv3::master_ssid_bits(copy, dev), 0);
  EXPECT_GT(s.kernel.iommu.devs.at(dev).max_pasids, 1u);
}

// iommu_attach_device_pasid(PASID 1) on the identity RID: arm_smmu_set_pasid writes CD 1 with
// the domain's ASID and arm_smmu_update_ste installs a CD-table STE (S1DSS=BYPASS for the
// identity RID, S1CDMAX the master's ssid_bits, EATS=TRANS: prepare's cd_needs_ats), and commit
// enables ATS through the tree's pci_enable_ats.
TEST(SourceSmmuPasid, ThePasidAttachWritesCd1AndACdTableSteWithBypassAndEats) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const io::Scenario sc = on_tree("pasid.yaml");
  ASSERT_EQ(sc.workload[3].kind, sim::OpKind::PasidAttach);
  auto r = first_steps(sc, 4);
  const System& s = r.final;
  ASSERT_EQ(r.steps.back().ret, 0) << r.steps.back().what;
  const pci::DevId dev = acc(s);
  const hs::Entry e = ste(s, dev);
  EXPECT_EQ(hs::field_get(hs::ste::k0V, e[0]), 1u);
  EXPECT_EQ(hs::field_get(hs::ste::k0Cfg, e[0]), hs::ste::kCfgS1Trans);
  EXPECT_EQ(hs::field_get(hs::ste::k1S1Dss, e[1]), hs::ste::kS1DssBypass);
  EXPECT_EQ(hs::field_get(hs::ste::k1Eats, e[1]), hs::ste::kEatsTrans);
  // The tree's linear table: CTXDESC_LINEAR_CDMAX (atslab's SMMU has no 2-level CD tables), where
  // the model's one page says 6 (docs/fidelity.md, PASIDs).
  System copy = r.final;
  EXPECT_EQ(kernel_src::smmuv3::master_ssid_bits(copy, dev), 10);
  EXPECT_EQ(hs::field_get(hs::ste::k0S1CdMax, e[0]), 10u);
  EXPECT_EQ(hs::field_get(hs::cd::k0V, cd(s, dev, 1)[0]), 1u) << "CD 1 valid";
  EXPECT_NE(hs::field_get(hs::cd::k0Asid, cd(s, dev, 1)[0]), 0u) << "the PASID's domain's ASID";
  EXPECT_EQ(hs::field_get(hs::cd::k0V, cd(s, dev, 0)[0]), 0u) << "the identity RID leaves CD 0 empty";
  EXPECT_EQ(hs::field_get(hs::cd::k0V, cd(s, dev, 2)[0]), 0u);
  EXPECT_TRUE(s.kernel.devs[dev].ats_enabled);
  for (const auto& m : kernel_src::smmuv3::masters(s)) {
    if (m.dev != dev) continue;
    EXPECT_TRUE(m.ats_enabled);
    EXPECT_EQ(m.used_ssids, 1u) << "cd_table.used_ssids";
  }
  EXPECT_TRUE(s.record.warnings.empty()) << kernel::format_splats(s.record);
}

// The whole path under --driver source (`atslab repro --scenario pasid --driver source`): PASID
// 2's commit-time pci_enable_ats fails (injection), the driver records ATS on (9), counts it
// (13), the remap's ATC_INV for SSID 2 reaches a function whose ATS is off (23), and the detach's
// downgrade to the identity RID calls the tree's pci_disable_ats: the seed's WARN (4), at
// drivers/pci/ats.c:135, from 6.12's arm_smmu_remove_dev_pasid through 6.12's core. 6.12 has no
// invalidation arrays (no 14). The model as 6.12 gives the same WARN and verdicts.
TEST(SourceSmmuPasid, TheFailedEnableMeetsTheSeedsWarnAtTheDetachOnTheTreesRemoveDevPasid) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const auto r = sim::run_seed_repro(AtsVariant::Upstream,
                                     {.scenario = sim::ReproScenario::Pasid, .driver = policy::Driver::Source, .reset_iommu = false});
  ASSERT_EQ(r.final.record.warnings.size(), 1u) << kernel::format_splats(r.final.record);
  const auto& w = r.final.record.warnings.front();
  EXPECT_EQ(w.function, KFn::pci_disable_ats);
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  EXPECT_EQ(w.line, 135);
  ASSERT_GE(w.call_trace.size(), 7u);
  EXPECT_EQ(std::vector<KFn>(w.call_trace.begin(), w.call_trace.begin() + 7),
            (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare, KFn::arm_smmu_attach_dev_ste,
                              KFn::arm_smmu_attach_dev_identity, KFn::arm_smmu_remove_dev_pasid,
                              KFn::__iommu_remove_group_pasid, KFn::iommu_detach_device_pasid}))
      << kernel::format_warning(w);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 23}));
  EXPECT_EQ(r.atc_inv_to_ats_disabled, 1u) << "the remap's ATC_INV for SSID 2";
  EXPECT_TRUE(std::any_of(r.steps.begin(), r.steps.end(), [](const std::string& st) {
    return st == "acc: iommu_attach_device_pasid(own paging domain, PASID 2) [fault pci_enable_ats] -> 0";
  })) << "arm_smmu_set_pasid returns prepare's 0";
  EXPECT_TRUE(logged(r.final, "Failed to enable ATS (STU 12)"));
  // The tree's ATC invalidations by SSID, read from its command queue (cmdq_record): the remaps'
  // (arm_smmu_atc_inv_domain, SSV=1 and the PASID) and the detaches' whole-PASID ones
  // (arm_smmu_remove_dev_pasid -> arm_smmu_atc_inv_master(master, pasid), while the driver believes ATS on).
  std::vector<std::string> by_ssid;
  for (const auto& e : r.final.record.events)
    if (e.kind == kernel::EventKind::AtcInvRange && (uint64_t(e.a) >> 32 & 1))
      by_ssid.push_back(hs::describe_atc_inv_range(e.a, e.b));
  auto sent = [&](const std::string& prefix) {
    return std::any_of(by_ssid.begin(), by_ssid.end(), [&](const std::string& d) { return d.starts_with(prefix); });
  };
  EXPECT_TRUE(sent("ssid=0x1 addr=0x100000 ")) << ::testing::PrintToString(by_ssid);
  EXPECT_TRUE(sent("ssid=0x2 addr=0x100000 ")) << ::testing::PrintToString(by_ssid);
  EXPECT_TRUE(sent("ssid=0x2 addr=0x0 size=52")) << ::testing::PrintToString(by_ssid);

  io::Scenario model = sim::model_as_tree(sim::pasid_scenario());
  model.pci_dev_reset_iommu = false;
  const auto m = sim::run_scenario(model, AtsVariant::Upstream);
  ASSERT_EQ(m.final.record.warnings.size(), 1u);
  EXPECT_EQ(m.final.record.warnings.front().call_trace, w.call_trace);
  EXPECT_EQ(m.violated, r.violated);
}

// compare-drivers on the PASID scenarios, with the pasid workload (PASID attaches, remaps,
// detaches and DMA, resets, binds and unbinds, identity and DMA RIDs): every run agrees.
TEST(SourceSmmuPasid, TheModelAsSixTwelveAgreesWithTheTreeOnThePasidWorkload) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  for (const char* file : {"pasid.yaml", "pasid-no-acs.yaml"}) {
    SCOPED_TRACE(file);
    const auto r = sim::compare_drivers(io::load_scenario(std::string(ATSLAB_SOURCE_DIR "/scenarios/") + file),
                                        {.seeds = 30, .ops = 50, .workload = sim::Workload::Pasid});
    EXPECT_EQ(r.runs, 30u);
    EXPECT_EQ(r.agree, r.runs) << describe(r);
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
