// ATS always on (issue 18, path 3): 7.2's arm_smmu_master_prepare_ats asks pci_ats_required, marks
// the master ats_always_on (its CD table allocated at probe, S1CDMAX at least 1), and identity attaches
// keep ATS on through a CD-table STE with S1DSS=BYPASS and EATS=TRANS; an SMMU without ATS, or
// without stage 1 or substreams, fails the probe with -EOPNOTSUPP. 6.12's driver has none of it.
#include <gtest/gtest.h>

#include <cerrno>

#include "hw/pcie/atc.h"
#include "hw/smmuv3/bits.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/pci/ats.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/scenario_run.h"

namespace atslab {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::smmuv3::field_get;
namespace ste = hw::smmuv3::ste;

io::Scenario always_on() { return io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/always-on.yaml"); }

std::array<uint64_t, 8> ste_of(const System& s, pci::DevId dev) {
  const auto& d = s.kernel.devs[dev];
  auto pa = hw::smmuv3::ste_address(s.hw.memory, s.hw.smmus.at(s.hw.pcie.rc(d.rc).iommu_index), d.bdf.rid());
  return pa ? hw::smmuv3::read_entry(s.hw.memory, *pa) : std::array<uint64_t, 8>{};
}

bool logged(const System& s, const std::string& text) {
  for (const auto& l : s.record.log)
    if (l.text == text) return true;
  return false;
}

struct Booted {
  sim::OpContext ctx;
  System s;
  pci::DevId gpu = pci::kNoDev;
};

Booted boot(const io::Scenario& sc, policy::AtsVariant v = policy::AtsVariant::Upstream) {
  Booted b;
  b.s = sim::boot_machine(sc, v, b.ctx, 1, "");
  b.gpu = *sim::resolve(b.s, b.ctx, "gpu");
  return b;
}

TEST(AtsAlwaysOn, The72ProbeMarksARequiredDeviceAlwaysOnWithItsCdTable) {
  Booted b = boot(always_on());
  EXPECT_TRUE(pci::ats_required(b.s, b.gpu)) << "10de:2e12 is in pci_dev_specific_ats_required's table";
  const auto m = smmuv3::master_of(b.s, b.gpu);
  ASSERT_NE(m, smmuv3::kNone);
  EXPECT_TRUE(b.s.kernel.smmuv3.masters[m].ats_always_on);
  EXPECT_NE(b.s.kernel.smmuv3.masters[m].cdtab, 0u) << "arm_smmu_alloc_cd_tables at probe";
}

// Identity: a CD-table STE (CFG=S1_TRANS) whose S1DSS bypasses untagged traffic, EATS=TRANS,
// S1CDMAX at least 1 (the dummy substream that makes S1DSS count), and PCI ATS left on. The GPU
// has PASIDs (width 20, SSIDSIZE 20): the kernel's arm_smmu_alloc_cd_tables takes
// max(ssid_bits, 1) = 20; the model's one-page table caps it at 6 (docs/fidelity.md, PASIDs).
// Without PASIDs (ssid_bits 0) S1CDMAX is forced to 1: the dummy substream.
TEST(AtsAlwaysOn, WithoutPasidTheCdTableHasTheDummySubstreamOnly) {
  io::Scenario sc = always_on();
  sc.devices.front().pasid = false;
  Booted b = boot(sc);
  ASSERT_EQ(sim::run_op(b.s, b.ctx, {.kind = sim::OpKind::Unbind, .device = "gpu"}), 0);
  ASSERT_EQ(sim::run_op(b.s, b.ctx, {.kind = sim::OpKind::GroupSetType, .device = "gpu", .type = "identity"}), 0);
  EXPECT_EQ(b.s.kernel.smmuv3.masters[smmuv3::master_of(b.s, b.gpu)].ssid_bits, 0);
  EXPECT_EQ(field_get(ste::k0S1CdMax, ste_of(b.s, b.gpu)[0]), 1u);
  EXPECT_EQ(field_get(ste::k1S1Dss, ste_of(b.s, b.gpu)[1]), ste::kS1DssBypass);
}

TEST(AtsAlwaysOn, IdentityKeepsAtsOnThroughACdTableSteWithS1dssBypass) {
  Booted b = boot(always_on());
  ASSERT_EQ(sim::run_op(b.s, b.ctx, {.kind = sim::OpKind::Unbind, .device = "gpu"}), 0);
  ASSERT_EQ(sim::run_op(b.s, b.ctx, {.kind = sim::OpKind::GroupSetType, .device = "gpu", .type = "identity"}), 0);
  const auto e = ste_of(b.s, b.gpu);
  EXPECT_EQ(field_get(ste::k0Cfg, e[0]), ste::kCfgS1Trans);
  // 20 PASID bits, clamped to CTXDESC_LINEAR_CDMAX: atslab's SMMU has no 2-level CD tables.
  EXPECT_EQ(b.s.kernel.smmuv3.masters[smmuv3::master_of(b.s, b.gpu)].ssid_bits, smmuv3::kLinearCdMax);
  EXPECT_EQ(field_get(ste::k0S1CdMax, e[0]), smmuv3::kLinearCdMax) << "the kernel's linear table: 1024 CDs in 64 KiB";
  EXPECT_EQ(field_get(ste::k1S1Dss, e[1]), ste::kS1DssBypass);
  EXPECT_EQ(field_get(ste::k1Eats, e[1]), ste::kEatsTrans);
  EXPECT_TRUE(hw::pcie::ats_control(b.s.hw.pcie.fn(b.s.kernel.devs[b.gpu].fn).cfg).enabled);
  EXPECT_TRUE(b.s.kernel.smmuv3.masters[smmuv3::master_of(b.s, b.gpu)].ats_enabled);
  // The blocked domain (S1DSS would be TERMINATE) has no CD table and no ATS.
  ASSERT_EQ(sim::run_op(b.s, b.ctx, {.kind = sim::OpKind::Bind, .device = "gpu", .driver = "vfio-pci"}), 0);
  ASSERT_EQ(sim::run_op(b.s, b.ctx, {.kind = sim::OpKind::VfioSetContainer, .device = "gpu"}), 0);
  const auto blocked = ste_of(b.s, b.gpu);
  EXPECT_EQ(field_get(ste::k0Cfg, blocked[0]), ste::kCfgAbort);
  EXPECT_FALSE(hw::pcie::ats_control(b.s.hw.pcie.fn(b.s.kernel.devs[b.gpu].fn).cfg).enabled);
}

// 6.12's driver (no arm_smmu_master_prepare_ats): the same GPU's identity STE is a bypass STE and ATS goes off.
TEST(AtsAlwaysOn, On612sDriverIdentityBypassesWithoutAts) {
  io::Scenario sc = always_on();
  sc.smmuv3.master_prepare_ats = false;
  Booted b = boot(sc);
  EXPECT_FALSE(b.s.kernel.smmuv3.masters[smmuv3::master_of(b.s, b.gpu)].ats_always_on);
  ASSERT_EQ(sim::run_op(b.s, b.ctx, {.kind = sim::OpKind::Unbind, .device = "gpu"}), 0);
  ASSERT_EQ(sim::run_op(b.s, b.ctx, {.kind = sim::OpKind::GroupSetType, .device = "gpu", .type = "identity"}), 0);
  EXPECT_EQ(field_get(ste::k0Cfg, ste_of(b.s, b.gpu)[0]), ste::kCfgBypass);
  EXPECT_FALSE(hw::pcie::ats_control(b.s.hw.pcie.fn(b.s.kernel.devs[b.gpu].fn).cfg).enabled);
}

TEST(AtsAlwaysOn, AnSmmuWithoutAtsFailsTheRequiredDevicesProbe) {
  io::Scenario sc = always_on();
  sc.smmus.at(0).ats = false;
  Booted b = boot(sc);
  EXPECT_EQ(smmuv3::master_of(b.s, b.gpu), smmuv3::kNone) << "-EOPNOTSUPP: no IOMMU for the GPU";
  EXPECT_TRUE(logged(b.s, "pci 0000:01:00.0: SMMU doesn't support ATS"));
  // As any probe failure at registration: bus_iommu_probe stops and the SMMU is unregistered.
  EXPECT_TRUE(logged(b.s, "arm-smmu-v3 arm-smmu-v3.0.auto: probe with driver arm-smmu-v3 failed with error -95"));
}

TEST(AtsAlwaysOn, AnSmmuWithoutStage1FailsTheRequiredDevicesProbe) {
  io::Scenario sc = always_on();
  sc.smmus.at(0).s1p = false;
  Booted b = boot(sc);
  EXPECT_EQ(smmuv3::master_of(b.s, b.gpu), smmuv3::kNone);
  EXPECT_TRUE(logged(b.s, "pci 0000:01:00.0: SMMU doesn't support ATS to be always on"));
}

// A device outside the table: prepared as any other, not always on, identity without ATS.
TEST(AtsAlwaysOn, ADeviceOutsideTheTableIsNotRequired) {
  io::Scenario sc = always_on();
  sc.devices.at(0).header.device = 0x2e40;  // one past the table's 0x2e00-0x2e3f
  Booted b = boot(sc);
  EXPECT_FALSE(pci::ats_required(b.s, b.gpu));
  EXPECT_FALSE(b.s.kernel.smmuv3.masters[smmuv3::master_of(b.s, b.gpu)].ats_always_on);
}

// The scenario's failed enable on the way back to identity: upstream keeps its decision and the
// next blocked attach hits the seed's WARN; vtd-style keeps the result and stays quiet.
TEST(AtsAlwaysOn, AFailedEnableOnTheIdentityAttachLeadsToTheSeedsWarnUnderUpstream) {
  const io::Scenario sc = always_on();
  const auto up = sim::run_scenario(sc, policy::AtsVariant::Upstream);
  ASSERT_EQ(up.final.record.warnings.size(), 1u);
  EXPECT_EQ(kernel::name(up.final.record.warnings[0].function), "pci_disable_ats");
  EXPECT_EQ(up.violated, (std::vector<int>{4, 9}));
  EXPECT_TRUE(up.failed_expectations.empty());
  const auto vs = sim::run_scenario(sc, policy::AtsVariant::VtdStyle);
  EXPECT_TRUE(vs.final.record.warnings.empty());
  EXPECT_TRUE(vs.violated.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab
