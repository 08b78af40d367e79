// What the driver does with the ID registers it reads at probe
// (arm_smmu_device_hw_probe, arm_smmu_init_strtab, arm_smmu_domain_finalise,
// arm_smmu_enable_pasid): the stream table format, the stage of paging
// domains, the substream bits of a master.
#include <gtest/gtest.h>

#include "hw/smmuv3/stream_table.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/hw_probe.h"
#include "linux/smmuv3/smmuv3.h"
#include "../pci/machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;
namespace reg = hw::smmuv3::reg;

// One SMMUv3 with the given ID registers behind a root complex, one PF, booted.
struct SmmuMachine {
  System s;
  hw::pcie::FnId pf_fn = 0;

  explicit SmmuMachine(const hs::Smmu& smmu, const PfSpec& pf = {}) {
    hw::pcie::RootComplex rc;
    rc.iommu = hw::pcie::IommuKind::Smmuv3;
    const auto rcid = s.hw.pcie.add_root_complex(rc);
    const auto port = s.hw.pcie.add_root_port(rcid, 1, false);
    pf_fn = s.hw.pcie.add_function(rcid, port, 0, make_pf_config(pf), "test PF", false);
    s.hw.smmus.push_back(smmu);  // the silicon, before the driver probes it
    pci::boot(s);
  }
  pci::DevId pf() const { return pci::dev_for_fn(s, pf_fn).value(); }
  uint32_t sid() const { return s.kernel.devs[pf()].bdf.rid(); }
  const smmuv3::Master& master() const { return s.kernel.smmuv3.masters.at(smmuv3::master_of(s, pf())); }
  const hs::Smmu& smmu() const { return s.hw.smmus[0]; }
  uint64_t fmt() const { return hs::field_get(reg::kStrtabBaseCfgFmt, smmu().strtab_base_cfg); }
  uint64_t log2size() const { return hs::field_get(reg::kStrtabBaseCfgLog2Size, smmu().strtab_base_cfg); }
};

hs::Smmu without_st_level() {
  hs::Smmu h;
  h.idr0 &= ~uint32_t(reg::kIdr0StLvl);
  return h;
}

TEST(SmmuIdRegisters, TwoLevelStreamTableWhenIdr0StLevelSaysSo) {
  SmmuMachine m{hs::Smmu{}};
  EXPECT_TRUE(m.s.kernel.smmuv3.smmus[0].feat_2lvl_strtab);
  EXPECT_EQ(m.fmt(), reg::kStrtabBaseCfgFmt2Lvl);
  EXPECT_EQ(hs::field_get(reg::kStrtabBaseCfgSplit, m.smmu().strtab_base_cfg), smmuv3::kStrtabSplit);
  EXPECT_EQ(m.log2size(), 16u);
  // The PF's leaf exists; a SID in another group of 256 has none.
  ASSERT_TRUE(hs::ste_address(m.s.hw.memory, m.smmu(), m.sid()).has_value());
  EXPECT_FALSE(hs::ste_address(m.s.hw.memory, m.smmu(), m.sid() + 0x1000).has_value());
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].ats_enabled);
  EXPECT_EQ(smmuv3::ste::eats(smmuv3::ste_of(m.s, 0, m.sid())), smmuv3::ste::kEatsTrans);
}

// IDR0.ST_LEVEL = 0: only a linear table is supported, and the driver builds
// one covering every SID, each STE abort until a master's is written.
TEST(SmmuIdRegisters, LinearStreamTableWithoutTwoLevelSupport) {
  SmmuMachine m{without_st_level()};
  EXPECT_FALSE(m.s.kernel.smmuv3.smmus[0].feat_2lvl_strtab);
  EXPECT_EQ(m.fmt(), reg::kStrtabBaseCfgFmtLinear);
  EXPECT_EQ(m.log2size(), 16u);
  const auto pa = hs::ste_address(m.s.hw.memory, m.smmu(), m.sid());
  ASSERT_TRUE(pa.has_value());
  EXPECT_EQ(*pa, (m.smmu().strtab_base & reg::kStrtabBaseAddrMask) + 64ull * m.sid());
  // The PF is attached as on a 2-level table: its STE translates with EATS, ATS is on.
  const auto pf_ste = smmuv3::ste_of(m.s, 0, m.sid());
  EXPECT_NE(smmuv3::ste::cfg(pf_ste), smmuv3::ste::kCfgAbort);
  EXPECT_EQ(smmuv3::ste::eats(pf_ste), smmuv3::ste::kEatsTrans);
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].ats_enabled);
  // Every other STE exists and aborts.
  for (uint32_t other : {0u, m.sid() + 1, 0xffffu}) {
    const auto o = hs::ste_address(m.s.hw.memory, m.smmu(), other);
    ASSERT_TRUE(o.has_value()) << other;
    EXPECT_EQ(hs::read_entry(m.s.hw.memory, *o), smmuv3::make_abort_ste()) << other;
  }
}

// IDR1.SIDSIZE within one leaf: the 2-level format would buy nothing.
TEST(SmmuIdRegisters, FewSidBitsChooseLinearEvenWithStLevel) {
  hs::Smmu h;
  h.idr1 = uint32_t((h.idr1 & ~reg::kIdr1SidSize) | hs::field_prep(reg::kIdr1SidSize, 12));
  SmmuMachine m{h};
  EXPECT_TRUE(m.s.kernel.smmuv3.smmus[0].feat_2lvl_strtab) << "12 SID bits: more than one leaf";
  EXPECT_EQ(m.log2size(), 12u);
  h.idr1 = uint32_t((h.idr1 & ~reg::kIdr1SidSize) | hs::field_prep(reg::kIdr1SidSize, 8));
  EXPECT_FALSE(smmuv3::device_hw_probe(h).feat_2lvl_strtab);
}

// arm_smmu_domain_finalise: a paging domain is stage 1 unless the SMMU lacks it.
TEST(SmmuIdRegisters, PagingDomainsUseTheStageTheSmmuImplements) {
  SmmuMachine both{hs::Smmu{}};
  EXPECT_EQ(smmuv3::ste::cfg(smmuv3::ste_of(both.s, 0, both.sid())), smmuv3::ste::kCfgS1Trans);
  hs::Smmu s2_only;
  s2_only.idr0 &= ~reg::kIdr0S1p;
  SmmuMachine m{s2_only};
  EXPECT_FALSE(m.s.kernel.smmuv3.smmus[0].feat_trans_s1);
  EXPECT_EQ(smmuv3::ste::cfg(smmuv3::ste_of(m.s, 0, m.sid())), smmuv3::ste::kCfgS2Trans);
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].ats_enabled);
  for (const auto& d : m.s.kernel.smmuv3.domains) {
    if (!d.live) continue;
    EXPECT_EQ(d.stage, smmuv3::Stage::S2);
  }
}

// arm_smmu_enable_pasid: the master's ssid_bits are the PASID width the
// function supports, capped by IDR1.SSIDSIZE, then by CTXDESC_LINEAR_CDMAX (10: atslab's SMMU
// has no 2-level CD tables); none without PASID.
TEST(SmmuIdRegisters, MasterSsidBitsCappedBySsidsize) {
  PfSpec with_pasid;
  with_pasid.pasid = true;  // Max PASID Width 16
  SmmuMachine wide{hs::Smmu{}, with_pasid};
  EXPECT_EQ(wide.master().ssid_bits, 10u);
  hs::Smmu narrow;
  narrow.idr1 = uint32_t((narrow.idr1 & ~reg::kIdr1SsidSize) | hs::field_prep(reg::kIdr1SsidSize, 5));
  SmmuMachine capped{narrow, with_pasid};
  EXPECT_EQ(capped.s.kernel.smmuv3.smmus[0].ssid_bits, 5u);
  EXPECT_EQ(capped.master().ssid_bits, 5u);
  SmmuMachine none{hs::Smmu{}};
  EXPECT_EQ(none.master().ssid_bits, 0u);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
