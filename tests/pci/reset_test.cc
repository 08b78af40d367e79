// A function's reset as drivers/pci/pci.c does it (pci_reset_function: save, disable, FLR,
// restore) and what pci_restore_state puts back (kernel-semantics.md 1.3: only an enabled ATS
// is restored). No IOMMU here: the IOMMU core's side is tests/iommu/reset_test.cc.
#include <gtest/gtest.h>

#include "hw/pcie/atc.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/pci/ats.h"
#include "linux/pci/pri_pasid.h"
#include "linux/pci/reset.h"
#include "linux/pci/reset_methods.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"
#include "machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace ats = hw::pcie::ats;
namespace exp = hw::pcie::exp;
namespace sriov = hw::pcie::sriov;

// The config writes to `d` after event `from`: offset and value, in order.
std::vector<std::pair<int64_t, uint32_t>> writes_to(const System& s, pci::DevId d, size_t from) {
  std::vector<std::pair<int64_t, uint32_t>> out;
  for (size_t i = from; i < s.record.events.size(); ++i)
    if (s.record.events[i].kind == kernel::EventKind::ConfigWrite && s.record.events[i].dev == d)
      out.emplace_back(s.record.events[i].a, static_cast<uint32_t>(s.record.events[i].b));
  return out;
}

TEST(PciReset, FlrClearsAtsControlAndTheAtcAndPciResetFunctionRestoresAnEnabledAts) {
  Machine m;
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 16), 0);
  ASSERT_EQ(m.ats_ctrl(m.pf()), ats::kCtrlEnable | 4);
  auto& fn = m.s.hw.pcie.fn(m.pf_fn);
  fn.atc.fill({.iova = 0x100000, .size = 0x1000, .pa = 0x80000000}, 12);
  ASSERT_FALSE(fn.atc.entries.empty());

  // The FLR alone (what the function does when Initiate FLR is written): Enable and STU are 0,
  // the ATC is empty (a reset invalidates it), the kernel still believes ATS is on.
  const uint16_t devctl = m.s.kernel.devs[m.pf()].pcie_cap + exp::kDevCtl;
  pci::write_config_word(m.s, m.pf(), devctl, exp::kDevCtlBcrFlr);
  EXPECT_EQ(m.ats_ctrl(m.pf()), 0);
  EXPECT_TRUE(m.s.hw.pcie.fn(m.pf_fn).atc.entries.empty());
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].ats_enabled);
  EXPECT_EQ(pci::read_config_word(m.s, m.pf(), devctl) & exp::kDevCtlBcrFlr, 0) << "Initiate FLR always reads 0";

  // pci_reset_function: the reset again, and pci_restore_ats_state writes Enable and the STU back.
  ASSERT_EQ(pci::reset_function(m.s, m.pf()), 0);
  EXPECT_EQ(m.ats_ctrl(m.pf()), ats::kCtrlEnable | 4);
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].ats_enabled);
  EXPECT_EQ(m.warnings(), 0u);
}

TEST(PciReset, ConfigWritesInTheKernelsOrder) {
  // pci_dev_save_and_disable writes Command; pcie_flr sets Initiate FLR; pci_restore_state
  // writes the PCIe controls (DevCtl, LnkCtl, DevCtl2, LnkCtl2), then ATS (before the header),
  // then SR-IOV's (sriov_restore_state: VF Enable is clear after the FLR): Control with the
  // saved ARI bit, System Page Size, NumVFs, Control.
  Machine m;
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 12), 0);
  const uint16_t e = m.s.kernel.devs[m.pf()].pcie_cap, sr = m.s.kernel.devs[m.pf()].sriov.pos;
  const uint16_t ac = m.s.kernel.devs[m.pf()].ats_cap;
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(pci::reset_function(m.s, m.pf()), 0);
  std::vector<std::pair<int64_t, uint32_t>> want = {
      {0x04, 0x0400},  // PCI_COMMAND = PCI_COMMAND_INTX_DISABLE
      {e + exp::kDevCtl, exp::kDevCtlBcrFlr},
      {e + exp::kDevCtl, 0}, {e + exp::kLnkCtl, 0}, {e + exp::kDevCtl2, 0}, {e + exp::kLnkCtl2, 0},
      {ac + ats::kCtrl, ats::kCtrlEnable},
      {sr + sriov::kCtrl, 0}, {sr + sriov::kSysPgsize, 1}, {sr + sriov::kNumVf, 0}, {sr + sriov::kCtrl, 0},
  };
  EXPECT_EQ(writes_to(m.s, m.pf(), from), want);
}

TEST(PciReset, AnStuPreparedWhileAtsWasOffIsLostButAVfStillEnables) {
  // pci_prepare_ats programs the PF's STU with ATS off; the reset returns it to 0 and
  // pci_restore_ats_state leaves it (ats_enabled is 0). pci_enable_ats on a VF compares the
  // PF's software ats_stu, which the reset did not touch: the VF's enable succeeds, and the VF
  // then translates with the STU its PF's register holds (0: 4 KiB), not the 64 KiB the kernel
  // believes. The enable does not fail.
  Machine m;
  ASSERT_EQ(pci::prepare_ats(m.s, m.pf(), 16), 0);
  ASSERT_EQ(m.ats_ctrl(m.pf()), 4);
  auto vf = m.enable_vfs(1).at(0);
  ASSERT_EQ(pci::reset_function(m.s, m.pf()), 0);
  EXPECT_EQ(m.ats_ctrl(m.pf()), 0) << "the prepared STU is gone";
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 16) << "and the kernel still believes it";
  EXPECT_EQ(pci::enable_ats(m.s, vf, 16), 0);
  EXPECT_EQ(m.ats_ctrl(vf), ats::kCtrlEnable);
  EXPECT_EQ(m.ats_ctrl(m.pf()) & ats::kCtrlStuMask, 0);
  EXPECT_EQ(m.warnings(), 0u);
}

TEST(PciReset, APfsResetTakesItsVfsAtsWithItAndNothingRestoresIt) {
  // The PF's FLR clears VF Enable, which resets every VF; sriov_restore_state sets VF Enable
  // again and the VFs come back at their reset state. pci_restore_state runs for the PF only:
  // a VF's ATS Enable stays 0 while its pci_dev says enabled (invariant 1).
  Machine m;
  auto vfs = m.enable_vfs(2);
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 12), 0);
  for (auto vf : vfs) ASSERT_EQ(pci::enable_ats(m.s, vf, 12), 0);
  ASSERT_EQ(pci::reset_function(m.s, m.pf()), 0);
  EXPECT_EQ(m.ats_ctrl(m.pf()), ats::kCtrlEnable) << "the PF's own ATS is restored";
  for (auto vf : vfs) {
    EXPECT_TRUE(m.s.hw.pcie.fn(m.s.kernel.devs[vf].fn).present) << "VF Enable set again";
    EXPECT_EQ(m.ats_ctrl(vf), 0);
    EXPECT_TRUE(m.s.kernel.devs[vf].ats_enabled);
  }
}

TEST(PciReset, AVfsResetRestoresEnableOnlyAndLeavesThePfAlone) {
  Machine m;
  auto vf = m.enable_vfs(1).at(0);
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 13), 0);
  ASSERT_EQ(pci::enable_ats(m.s, vf, 13), 0);
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(pci::reset_function(m.s, vf), 0);
  EXPECT_EQ(m.ats_ctrl(vf), ats::kCtrlEnable);
  EXPECT_EQ(m.ats_ctrl(m.pf()), ats::kCtrlEnable | 1);
  EXPECT_TRUE(writes_to(m.s, m.pf(), from).empty());
}

TEST(PciReset, WithoutFlrThereIsNoResetMethodAndNothingIsWritten) {
  // pci_reset_supported is false (no method in reset_methods[]): -ENOTTY before any lock or write.
  // A PF without FLR alone below its root port would still have "bus" (pci_parent_bus_reset):
  // with a VF on its bus it has none, as `echo default > reset_method` probes it again
  // (reset_method_store -> pci_init_reset_methods; tests/pci/reset_methods_test.cc).
  Machine m;
  const uint16_t devcap = m.s.kernel.devs[m.pf()].pcie_cap + exp::kDevCap;
  auto& cfg = m.s.hw.pcie.fn(m.pf_fn).cfg;
  cfg.poke32(devcap, cfg.read32(devcap) & ~exp::kDevCapFlr);
  m.enable_vfs(1);
  pci::init_reset_methods(m.s, m.pf());
  const size_t writes = m.config_writes();
  EXPECT_FALSE(pci::reset_supported(m.s, m.pf()));
  EXPECT_EQ(pci::reset_function(m.s, m.pf()), -ENOTTY);
  EXPECT_EQ(pci::try_reset_function(m.s, m.pf()), -ENOTTY);
  EXPECT_EQ(m.config_writes(), writes);
}

TEST(PciReset, ABoundDriverWithoutResetHandlersGetsResettingAndResetDone) {
  Machine m;
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::reset_function(m.s, m.pf()), 0);
  std::string dmesg;
  for (const auto& l : m.s.record.log) dmesg += l.text + "\n";
  EXPECT_NE(dmesg.find("0000:01:00.0: resetting\n"), std::string::npos) << dmesg;
  EXPECT_NE(dmesg.find("0000:01:00.0: reset done\n"), std::string::npos) << dmesg;
  EXPECT_LT(dmesg.find("resetting"), dmesg.find("reset done"));
}

TEST(PciReset, SixTwelveResetsABoundDriverSilently) {
  // 6.12.118's pci_dev_save_and_disable and pci_dev_restore call reset_prepare/reset_done when the
  // driver has them and log nothing otherwise: the two lines came in 6.13.
  Machine m;
  m.s.kernel.pci_switches.warn_reset_unaware = false;
  m.s.kernel.devs[m.pf()].driver_bound = true;
  const size_t lines = m.s.record.log.size();
  ASSERT_EQ(pci::reset_function(m.s, m.pf()), 0);
  EXPECT_EQ(m.s.record.log.size(), lines);
}

// The shipped scenarios on 6.12's base say so, and the 2026 one keeps the lines.
TEST(PciReset, TheSixTwelveScenariosResetBoundFunctionsWithoutTheLines) {
  auto lines_of = [](const std::string& file) {
    auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + file);
    auto r = sim::run_scenario(sc, policy::AtsVariant::Upstream);
    int n = 0;
    for (const auto& l : r.final.record.log)
      n += l.text.ends_with(": resetting") || l.text.ends_with(": reset done");
    return n;
  };
  EXPECT_EQ(lines_of("reset-6-12.yaml"), 0);
  EXPECT_EQ(lines_of("group-fd-6-12.yaml"), 0);
  EXPECT_GT(lines_of("reset.yaml"), 0);
}

TEST(PciReset, AFunctionWithoutADriverIsResetSilently) {
  Machine m;  // no driver bound: dev->driver is NULL, neither branch logs
  const size_t lines = m.s.record.log.size();
  ASSERT_EQ(pci::reset_function(m.s, m.pf()), 0);
  EXPECT_EQ(m.s.record.log.size(), lines);
}

TEST(PciReset, EnabledPasidAndPriAreRestoredBeforeAts) {
  // pci_restore_state: pci_restore_pasid_state, pci_restore_pri_state (requests, then Control),
  // pci_restore_ats_state.
  Machine m({.pf = {.pri = true, .pasid = true}});
  const auto& d = m.s.kernel.devs[m.pf()];
  ASSERT_EQ(pci::enable_pasid(m.s, m.pf(), 0), 0);
  ASSERT_EQ(pci::enable_pri(m.s, m.pf(), 32), 0);
  ASSERT_EQ(pci::enable_ats(m.s, m.pf(), 12), 0);
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(pci::reset_function(m.s, m.pf()), 0);
  std::vector<int64_t> order;
  for (auto [off, v] : writes_to(m.s, m.pf(), from))
    if (off == d.pasid_cap + hw::pcie::pasid::kCtrl || off == d.pri_cap + hw::pcie::pri::kAllocReq ||
        off == d.pri_cap + hw::pcie::pri::kCtrl || off == d.ats_cap + ats::kCtrl)
      order.push_back(off);
  EXPECT_EQ(order, (std::vector<int64_t>{d.pasid_cap + hw::pcie::pasid::kCtrl, d.pri_cap + hw::pcie::pri::kAllocReq,
                                         d.pri_cap + hw::pcie::pri::kCtrl, d.ats_cap + ats::kCtrl}));
}

TEST(PciReset, TryResetIsEagainWhileAnotherCpuHoldsTheDeviceLock) {
  // pci_try_reset_function (vfio-pci's path) takes the device lock with a trylock.
  Machine m;
  kernel::Context other{.cpu = 1};
  other.held.push_back({kernel::LockClass::device_lock, m.pf()});
  m.s.kernel.preempted.push_back(other);
  const size_t writes = m.config_writes();
  EXPECT_EQ(pci::try_reset_function(m.s, m.pf()), -EAGAIN);
  EXPECT_EQ(m.config_writes(), writes);
  EXPECT_THROW(pci::reset_function(m.s, m.pf()), kernel::WouldBlock) << "pci_reset_function sleeps on it instead";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
