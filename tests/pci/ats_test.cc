// drivers/pci/ats.c semantics (kernel-semantics.md section 1.3): every check,
// return code and WARN, for PFs and VFs, with the seed series' switches off and on.
#include <gtest/gtest.h>

#include "linux/kernel/errno.h"
#include "linux/pci/ats.h"
#include "machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::pcie::ats::kCtrlEnable;

TEST(PciAtsInit, FindsTheAtsCapabilityOffset) {
  // Written out, not found by the model's own walk: the test machine's PF lays its extended
  // capabilities from 0x100 in order, ATS (8 bytes) first; pci_ats_init stores the offset.
  Machine m;
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_cap, 0x100);
  // The ATS header there: capability ID 0x000f, version 1 (PCIe "ATS Extended Capability Header").
  EXPECT_EQ(m.s.hw.pcie.fn(m.pf_fn).cfg.read32(0x100) & 0xfffff, 0x1000fu);
}

TEST(PciAtsInit, LeavesAtsCapZeroWithoutTheCapability) {
  Machine m({.pf = {.ats = false}});
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_cap, 0);
}

TEST(PciAtsInit, PciNoatsLeavesAtsCapZeroEverywhere) {
  Machine m({.switches = {.noats = true}});
  for (auto vf : m.enable_vfs(2)) EXPECT_EQ(m.s.kernel.devs[vf].ats_cap, 0);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_cap, 0);
  EXPECT_TRUE(pci::ats_disabled(m.s));
}

TEST(PciAtsInit, WritesNoRegisters) {
  Machine m;
  auto before = m.config_writes();
  m.s.kernel.devs[m.pf()].ats_cap = 0;
  pci::ats_init(m.s, m.pf());
  EXPECT_EQ(m.config_writes(), before);
  EXPECT_NE(m.s.kernel.devs[m.pf()].ats_cap, 0);
}

TEST(PciAtsSupported, FalseWithoutAtsCapTrueOtherwise) {
  Machine m;
  EXPECT_TRUE(pci::ats_supported(m.s, m.pf()));
  m.s.kernel.devs[m.pf()].ats_cap = 0;
  EXPECT_FALSE(pci::ats_supported(m.s, m.pf()));
}

TEST(PciAtsSupported, FalseForUntrustedDevices) {
  Machine m({.external_facing = true});
  ASSERT_TRUE(m.s.kernel.devs[m.pf()].untrusted);
  EXPECT_NE(m.s.kernel.devs[m.pf()].ats_cap, 0);
  EXPECT_FALSE(pci::ats_supported(m.s, m.pf()));
}

TEST(PciAtsSupported, UpstreamIgnoresThePfForAVf) {
  Machine m;
  auto vf = m.enable_vfs(1).at(0);
  m.s.kernel.devs[m.pf()].ats_cap = 0;  // the PF's ATS quirked away
  EXPECT_TRUE(pci::ats_supported(m.s, vf));
}

TEST(PciAtsSupported, PfAwareSwitchMakesAVfFollowItsPf) {
  Machine m({.switches = {.pf_aware_ats_supported = true}});
  auto vf = m.enable_vfs(1).at(0);
  EXPECT_TRUE(pci::ats_supported(m.s, vf));
  m.s.kernel.devs[m.pf()].ats_cap = 0;
  EXPECT_FALSE(pci::ats_supported(m.s, vf));
  m.s.kernel.devs[m.pf()].ats_cap = 0x100;
  m.s.kernel.devs[m.pf()].untrusted = true;
  EXPECT_FALSE(pci::ats_supported(m.s, vf));
}

TEST(PciPrepareAts, UnsupportedReturnsEinvalWithoutWarning) {
  Machine m;
  m.s.kernel.devs[m.pf()].ats_cap = 0;
  auto writes = m.config_writes();
  EXPECT_EQ(pci::prepare_ats(m.s, m.pf(), 12), -EINVAL);
  EXPECT_EQ(m.config_writes(), writes);
  EXPECT_EQ(m.warnings(), 0u);
}

TEST(PciPrepareAts, AlreadyEnabledWarnsAndReturnsEbusy) {
  Machine m;
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 12), 0);
  auto writes = m.config_writes();
  EXPECT_EQ(pci::prepare_ats(m.s, m.pf(), 16), -EBUSY);
  EXPECT_EQ(m.config_writes(), writes);
  ASSERT_EQ(m.warnings(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.function, kernel::KFn::pci_prepare_ats);
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  EXPECT_EQ(w.condition, "dev->ats_enabled");
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 12);
}

TEST(PciPrepareAts, PageShiftBelowTwelveIsEinval) {
  Machine m;
  EXPECT_EQ(pci::prepare_ats(m.s, m.pf(), 11), -EINVAL);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 0);
  EXPECT_EQ(m.warnings(), 0u);
}

TEST(PciPrepareAts, PfProgramsStuWithEnableClear) {
  Machine m;
  EXPECT_EQ(pci::prepare_ats(m.s, m.pf(), 16), 0);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 16);
  EXPECT_EQ(m.ats_ctrl(m.pf()), 16 - 12);
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].ats_enabled);
}

TEST(PciPrepareAts, VfReturnsZeroTouchingNothingUpstream) {
  Machine m;
  auto vf = m.enable_vfs(1).at(0);
  auto writes = m.config_writes();
  // The PF was never prepared: upstream does not look.
  EXPECT_EQ(pci::prepare_ats(m.s, vf, 12), 0);
  EXPECT_EQ(m.config_writes(), writes);
  EXPECT_EQ(m.s.kernel.devs[vf].ats_stu, 0);
}

TEST(PciPrepareAts, VfStuValidationSwitchRequiresThePfStu) {
  Machine m({.switches = {.vf_stu_validation = true}});
  auto vf = m.enable_vfs(1).at(0);
  EXPECT_EQ(pci::prepare_ats(m.s, vf, 12), -EINVAL);  // PF never prepared (ats_stu 0)
  ASSERT_EQ(pci::prepare_ats(m.s, m.pf(), 12), 0);
  auto writes = m.config_writes();
  EXPECT_EQ(pci::prepare_ats(m.s, vf, 12), 0);
  EXPECT_EQ(pci::prepare_ats(m.s, vf, 16), -EINVAL);
  EXPECT_EQ(m.config_writes(), writes);
}

TEST(PciEnableAts, UnsupportedIsEinval) {
  Machine m({.external_facing = true});
  EXPECT_EQ(pci::enable_ats(m.s, m.pf(), 12), -EINVAL);
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].ats_enabled);
  EXPECT_EQ(m.ats_ctrl(m.pf()), 0);
}

TEST(PciEnableAts, TwiceWarnsAndReturnsEbusyWithoutStateChange) {
  Machine m;
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 12), 0);
  EXPECT_EQ(pci::enable_ats(m.s, m.pf(), 16), -EBUSY);
  ASSERT_EQ(m.warnings(), 1u);
  EXPECT_EQ(m.s.record.warnings[0].function, kernel::KFn::pci_enable_ats);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 12);
  EXPECT_EQ(m.ats_ctrl(m.pf()), kCtrlEnable);
}

TEST(PciEnableAts, PageShiftBelowTwelveIsEinval) {
  Machine m;
  EXPECT_EQ(pci::enable_ats(m.s, m.pf(), 8), -EINVAL);
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].ats_enabled);
}

TEST(PciEnableAts, PfWritesEnableAndStuAndRecordsIt) {
  Machine m;
  EXPECT_EQ(pci::enable_ats(m.s, m.pf(), 14), 0);
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].ats_enabled);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 14);
  EXPECT_EQ(m.ats_ctrl(m.pf()), kCtrlEnable | 2);
}

TEST(PciEnableAts, VfFailsWhenThePfStuDiffersWithoutWriting) {
  Machine m;
  auto vf = m.enable_vfs(1).at(0);
  auto writes = m.config_writes();
  EXPECT_EQ(pci::enable_ats(m.s, vf, 12), -EINVAL);  // PF ats_stu is 0: never prepared
  EXPECT_EQ(m.config_writes(), writes);
  EXPECT_FALSE(m.s.kernel.devs[vf].ats_enabled);
  EXPECT_EQ(m.warnings(), 0u);
}

TEST(PciEnableAts, VfWritesEnableOnlyWhenThePfWasPrepared) {
  Machine m;
  auto vf = m.enable_vfs(1).at(0);
  ASSERT_EQ(pci::prepare_ats(m.s, m.pf(), 12), 0);
  EXPECT_EQ(pci::enable_ats(m.s, vf, 12), 0);
  EXPECT_TRUE(m.s.kernel.devs[vf].ats_enabled);
  EXPECT_EQ(m.ats_ctrl(vf), kCtrlEnable);
  EXPECT_EQ(m.s.kernel.devs[vf].ats_stu, 0);  // a VF's own ats_stu is never written
  // The PF's own ATS need not be on for its VF.
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].ats_enabled);
}

TEST(PciEnableAts, VfStuFieldIsNotWritableInHardware) {
  Machine m;
  auto vf = m.enable_vfs(1).at(0);
  ASSERT_EQ(pci::prepare_ats(m.s, m.pf(), 16), 0);
  ASSERT_EQ(pci::enable_ats(m.s, vf, 16), 0);
  uint16_t pos = m.s.kernel.devs[vf].ats_cap;
  pci::write_config_word(m.s, vf, pos + hw::pcie::ats::kCtrl, kCtrlEnable | 0x1f);
  EXPECT_EQ(m.ats_ctrl(vf), kCtrlEnable);
}

TEST(PciDisableAts, NotEnabledWarnsAtTheSeedLineAndTouchesNothing) {
  Machine m;
  auto writes = m.config_writes();
  pci::disable_ats(m.s, m.pf());
  EXPECT_EQ(m.config_writes(), writes);
  ASSERT_EQ(m.warnings(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  EXPECT_EQ(w.line, 132);
  EXPECT_EQ(w.condition, "!dev->ats_enabled");
  ASSERT_FALSE(w.call_trace.empty());
  EXPECT_EQ(w.call_trace.front(), kernel::KFn::pci_disable_ats);
}

TEST(PciDisableAts, ClearsEnableAndKeepsTheStu) {
  Machine m;
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 16), 0);
  pci::disable_ats(m.s, m.pf());
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].ats_enabled);
  EXPECT_EQ(m.ats_ctrl(m.pf()), 4);
  EXPECT_EQ(m.warnings(), 0u);
}

TEST(PciRestoreAtsState, DoesNothingWhenAtsIsOff) {
  Machine m;
  ASSERT_EQ(pci::prepare_ats(m.s, m.pf(), 16), 0);
  // A reset returns the Control register to 0; the STU programmed by prepare is lost...
  m.s.hw.pcie.fn(m.pf_fn).cfg.poke16(m.s.kernel.devs[m.pf()].ats_cap + hw::pcie::ats::kCtrl, 0);
  auto writes = m.config_writes();
  pci::restore_ats_state(m.s, m.pf());
  // ...and not restored, while the kernel still believes ats_stu = 16.
  EXPECT_EQ(m.config_writes(), writes);
  EXPECT_EQ(m.ats_ctrl(m.pf()), 0);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 16);
}

TEST(PciRestoreAtsState, RewritesEnableAndStuForAPfAndEnableOnlyForAVf) {
  Machine m;
  auto vf = m.enable_vfs(1).at(0);
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 14), 0);
  ASSERT_EQ(pci::enable_ats(m.s, vf, 14), 0);
  for (auto d : {m.pf(), vf})
    m.s.hw.pcie.fn(m.s.kernel.devs[d].fn).cfg.poke16(m.s.kernel.devs[d].ats_cap + hw::pcie::ats::kCtrl, 0);
  pci::restore_ats_state(m.s, m.pf());
  pci::restore_ats_state(m.s, vf);
  EXPECT_EQ(m.ats_ctrl(m.pf()), kCtrlEnable | 2);
  EXPECT_EQ(m.ats_ctrl(vf), kCtrlEnable);
}

TEST(PciAtsQueueDepth, ReportsTheFieldWithZeroMeaningThirtyTwo) {
  Machine zero;
  EXPECT_EQ(pci::ats_queue_depth(zero.s, zero.pf()), 32);
  Machine five({.pf = {.qdep = 5}});
  EXPECT_EQ(pci::ats_queue_depth(five.s, five.pf()), 5);
}

TEST(PciAtsQueueDepth, VfSharesThePfQueueAndNoCapIsEinval) {
  Machine m({.pf = {.qdep = 5}});
  auto vf = m.enable_vfs(1).at(0);
  EXPECT_EQ(pci::ats_queue_depth(m.s, vf), 0);
  Machine none({.pf = {.ats = false}});
  EXPECT_EQ(pci::ats_queue_depth(none.s, none.pf()), -EINVAL);
}

TEST(PciAtsPageAligned, ReadsBitFiveAndIsZeroWithoutCap) {
  Machine yes({.pf = {.page_aligned = true}});
  Machine no({.pf = {.page_aligned = false}});
  Machine none({.pf = {.ats = false}});
  EXPECT_EQ(pci::ats_page_aligned(yes.s, yes.pf()), 1);
  EXPECT_EQ(pci::ats_page_aligned(no.s, no.pf()), 0);
  EXPECT_EQ(pci::ats_page_aligned(none.s, none.pf()), 0);
}

TEST(PciAts, KernelBeliefMirrorsTheEnableBitThroughEnableAndDisable) {
  Machine m;
  auto vfs = m.enable_vfs(2);
  ASSERT_EQ(pci::prepare_ats(m.s, m.pf(), 12), 0);
  for (auto d : {m.pf(), vfs[0], vfs[1]}) {
    ASSERT_EQ(pci::enable_ats(m.s, d, 12), 0);
    EXPECT_EQ(m.s.kernel.devs[d].ats_enabled, (m.ats_ctrl(d) & kCtrlEnable) != 0);
    pci::disable_ats(m.s, d);
    EXPECT_EQ(m.s.kernel.devs[d].ats_enabled, (m.ats_ctrl(d) & kCtrlEnable) != 0);
  }
  EXPECT_EQ(m.warnings(), 0u);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
