// The kernel tree's SMMUv3 driver probing atslab's SMMU through its registers
// (ATSLAB_SOURCE_SMMUV3 builds): the device-tree probe, the ID registers, the
// queues and stream table in DMA memory, the reset with its CFGI_ALL and TLBI
// commands consumed from the ring at CMDQ_BASE, and the registration.
#include <gtest/gtest.h>

#include <algorithm>

#include "hw/smmuv3/regs.h"
#include "hw/smmuv3/stream_table.h"
#include "../tree_fixture.h"
#include "kernel_src/smmuv3/probe.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/system.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;
namespace reg = hs::reg;

System machine_with_one_smmu() {
  kernel_src::SourceKernel::get().reset();
  System s;
  hw::pcie::RootComplex rc;
  rc.iommu = hw::pcie::IommuKind::Smmuv3;
  s.hw.pcie.add_root_complex(rc);
  s.hw.pcie.finalize();
  s.hw.smmus.push_back(hs::Smmu{});
  return s;
}

bool logged(const System& s, const std::string& text) {
  return std::any_of(s.record.log.begin(), s.record.log.end(),
                     [&](const kernel::LogLine& l) { return l.text.find(text) != std::string::npos; });
}

TEST(SourceSmmuProbe, TheTreesProbeEnablesTheSmmuThroughItsRegisters) {
  ATSLAB_REQUIRE_DEBIAN_TREE();
  System s = machine_with_one_smmu();
  ASSERT_EQ(kernel_src::smmuv3_device_probe(s, 0), 0) << (s.record.log.empty() ? "" : s.record.log.back().text);
  const hs::Smmu& h = s.hw.smmus[0];
  // arm_smmu_device_reset: SMMUEN with the queues and ATS checking on.
  EXPECT_EQ(h.cr0 & (reg::kCr0SmmuEn | reg::kCr0CmdqEn | reg::kCr0EvtqEn | reg::kCr0AtsChk),
            reg::kCr0SmmuEn | reg::kCr0CmdqEn | reg::kCr0EvtqEn | reg::kCr0AtsChk);
  // A 2-level stream table covering IDR1.SIDSIZE (16 bits), split 8, in DMA memory.
  EXPECT_EQ(hs::field_get(reg::kStrtabBaseCfgFmt, h.strtab_base_cfg), reg::kStrtabBaseCfgFmt2Lvl);
  EXPECT_EQ(hs::field_get(reg::kStrtabBaseCfgLog2Size, h.strtab_base_cfg), 16u);
  EXPECT_EQ(hs::field_get(reg::kStrtabBaseCfgSplit, h.strtab_base_cfg), 8u);
  EXPECT_TRUE(s.hw.memory.backed(h.strtab_base & reg::kStrtabBaseAddrMask));
  // The command queue in memory, sized by IDR1.CMDQS (256 entries), its commands consumed.
  EXPECT_NE(h.prog.cmdq_base & 0x000ffffffffffe0ull, 0u);
  EXPECT_EQ(h.cmdq_log2size, 8u);
  EXPECT_EQ(h.cmdq_cons, h.cmdq_prod);
  EXPECT_GE(h.syncs_completed, 2u) << "CFGI_ALL and TLBI_NSNH_ALL, each followed by a CMD_SYNC";
  EXPECT_EQ((h.gerror ^ h.gerrorn), 0u);
  // The driver registered its iommu_ops for this SMMU.
  EXPECT_NE(kernel_src::SourceKernel::get().smmu(0).ops, nullptr);
  // The driver's own dmesg lines, under the SMMU's platform device name: 6.12.118's
  // arm_smmu_device_hw_probe prints both address sizes, 7.2.13's the output size and its
  // feature bits.
  if (debian_tree() == DebianTree::V7_2_13)
    EXPECT_TRUE(logged(s, "arm-smmu-v3 arm-smmu-v3.0.auto: oas 48-bit (features 0x")) << s.record.log.front().text;
  else
    EXPECT_TRUE(logged(s, "arm-smmu-v3 arm-smmu-v3.0.auto: ias 48-bit, oas 48-bit")) << s.record.log.front().text;
  EXPECT_TRUE(s.record.warnings.empty());
  // The queues as sized from IDR1, and no interrupt wired (the model's machine gives the SMMU none).
  EXPECT_TRUE(logged(s, "arm-smmu-v3 arm-smmu-v3.0.auto: allocated 256 entries for cmdq"));
  EXPECT_TRUE(logged(s, "arm-smmu-v3 arm-smmu-v3.0.auto: allocated 128 entries for evtq"));
  EXPECT_TRUE(logged(s, "no evtq irq - events will not be reported!"));
}

TEST(SourceSmmuProbe, AnSmmuWithoutAArch64TablesIsRefusedAsTheDriverSays) {
  System s = machine_with_one_smmu();
  s.hw.smmus[0].idr0 &= ~uint32_t(reg::kIdr0Ttf);
  EXPECT_EQ(kernel_src::smmuv3_device_probe(s, 0), -ENXIO);
  EXPECT_TRUE(logged(s, "AArch64 table format not supported"));
  EXPECT_EQ(s.hw.smmus[0].cr0, 0u);
}

TEST(SourceSmmuProbe, AStreamTableEntryOfTheProbedSmmuReadsAsAbort) {
  System s = machine_with_one_smmu();
  ASSERT_EQ(kernel_src::smmuv3_device_probe(s, 0), 0);
  // No master yet: no level-2 table, so no STE for any StreamID (the SMMU aborts its traffic).
  EXPECT_FALSE(hs::ste_address(s.hw.memory, s.hw.smmus[0], 0x100).has_value());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
