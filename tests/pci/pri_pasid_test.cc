// PRI and PASID (kernel-semantics.md 1.4).
#include <gtest/gtest.h>

#include "linux/kernel/errno.h"
#include "linux/pci/pri_pasid.h"
#include "machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using namespace hw::pcie;

TEST(Pri, EnableClampsRequestsAndSetsEnable) {
  Machine m({.pf = {.pri = true}});
  auto& d = m.s.kernel.devs[m.pf()];
  ASSERT_NE(d.pri_cap, 0);
  EXPECT_EQ(pci::enable_pri(m.s, m.pf(), 100000), 0);
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].pri_enabled);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].pri_reqs_alloc, 256u);  // the capacity the PRI cap reports
  const auto& cfg = m.s.hw.pcie.fn(m.pf_fn).cfg;
  EXPECT_EQ(cfg.read32(d.pri_cap + pri::kAllocReq), 256u);
  EXPECT_EQ(cfg.read16(d.pri_cap + pri::kCtrl), pri::kCtrlEnable);
  EXPECT_FALSE(cfg.read16(d.pri_cap + pri::kStatus) & pri::kStatusStopped) << "enabled PRI is not stopped";
}

TEST(Pri, EnableTwiceWarnsAndDisableWhenOffWarns) {
  Machine m({.pf = {.pri = true}});
  ASSERT_EQ(pci::enable_pri(m.s, m.pf(), 8), 0);
  EXPECT_EQ(pci::enable_pri(m.s, m.pf(), 8), -EBUSY);
  EXPECT_EQ(m.warnings(), 1u);
  pci::disable_pri(m.s, m.pf());
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].pri_enabled);
  pci::disable_pri(m.s, m.pf());
  EXPECT_EQ(m.warnings(), 2u);
  EXPECT_EQ(m.s.record.warnings[1].function, kernel::KFn::pci_disable_pri);
}

TEST(Pri, NotStoppedIsEbusyAndNoCapIsEinval) {
  Machine m({.pf = {.pri = true}});
  auto pos = m.s.kernel.devs[m.pf()].pri_cap;
  m.s.hw.pcie.fn(m.pf_fn).cfg.poke16(pos + pri::kStatus, 0);
  EXPECT_EQ(pci::enable_pri(m.s, m.pf(), 8), -EBUSY);
  Machine none;
  EXPECT_EQ(pci::enable_pri(none.s, none.pf(), 8), -EINVAL);
}

TEST(Pri, VfFollowsItsPfAndResetWarnsWhileEnabled) {
  Machine m({.pf = {.pri = true}});
  auto vf = m.enable_vfs(1).at(0);
  EXPECT_EQ(pci::enable_pri(m.s, vf, 8), -EINVAL);
  ASSERT_EQ(pci::enable_pri(m.s, m.pf(), 8), 0);
  EXPECT_EQ(pci::enable_pri(m.s, vf, 8), 0);
  EXPECT_TRUE(pci::pri_supported(m.s, vf));
  EXPECT_EQ(pci::reset_pri(m.s, vf), 0);
  EXPECT_EQ(pci::reset_pri(m.s, m.pf()), -EBUSY);
  EXPECT_EQ(m.warnings(), 1u);
}

TEST(Pasid, EnableWritesFeaturesAndVfFollowsPf) {
  Machine m({.pf = {.pasid = true}});
  auto vf = m.enable_vfs(1).at(0);
  EXPECT_EQ(pci::enable_pasid(m.s, vf, 0), -EINVAL);
  EXPECT_EQ(pci::enable_pasid(m.s, m.pf(), pasid::kCtrlExec), 0);
  const auto& d = m.s.kernel.devs[m.pf()];
  EXPECT_EQ(m.s.hw.pcie.fn(m.pf_fn).cfg.read16(d.pasid_cap + pasid::kCtrl), pasid::kCtrlEnable | pasid::kCtrlExec);
  EXPECT_EQ(pci::enable_pasid(m.s, vf, 0), 0);
  EXPECT_EQ(pci::max_pasids(m.s, vf), 1 << 16);
  EXPECT_EQ(pci::pasid_features(m.s, vf), pasid::kCapExec);
}

TEST(Pasid, RefusesUnsupportedFeaturesMissingTlpPrefixAndTwice) {
  Machine m({.pf = {.pasid = true}});
  EXPECT_EQ(pci::enable_pasid(m.s, m.pf(), pasid::kCtrlPriv), -EINVAL);
  Machine no_prefix({.pf = {.pasid = true, .ee_tlp_prefix = false}});
  EXPECT_EQ(pci::enable_pasid(no_prefix.s, no_prefix.pf(), 0), -EINVAL);
  ASSERT_EQ(pci::enable_pasid(m.s, m.pf(), 0), 0);
  EXPECT_EQ(pci::enable_pasid(m.s, m.pf(), 0), -EBUSY);
  EXPECT_EQ(m.warnings(), 1u);
}

TEST(Pasid, NeedsAcsRequestRedirectAndUpstreamForwardingOnThePath) {
  Machine m({.pf = {.pasid = true}});
  auto port = m.port();
  auto pos = m.s.kernel.devs[port].acs_cap;
  ASSERT_NE(pos, 0);
  pci::write_config_word(m.s, port, pos + acs::kCtrl, acs::kSv);  // RR and UF off
  EXPECT_FALSE(pci::acs_path_enabled(m.s, m.pf(), acs::kRr | acs::kUf));
  EXPECT_EQ(pci::enable_pasid(m.s, m.pf(), 0), -EINVAL);
}

TEST(Pasid, DisableWhenOffWarns) {
  Machine m({.pf = {.pasid = true}});
  pci::disable_pasid(m.s, m.pf());
  ASSERT_EQ(m.warnings(), 1u);
  EXPECT_EQ(m.s.record.warnings[0].function, kernel::KFn::pci_disable_pasid);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
