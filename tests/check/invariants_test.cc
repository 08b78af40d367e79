// The checker catches each inconsistency it claims to, from outside the driver.
#include <gtest/gtest.h>

#include <algorithm>

#include "check/invariants.h"
#include "hw/smmuv3/stream_table.h"
#include "linux/iommu/iommu.h"
#include "linux/pci/ats.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "../pci/machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

std::vector<int> numbers(const System& s) {
  std::vector<int> n;
  for (const auto& v : check::check_state(s, true)) n.push_back(v.invariant);
  std::sort(n.begin(), n.end());
  n.erase(std::unique(n.begin(), n.end()), n.end());
  return n;
}

constexpr MachineSpec kHealthy{.iommu = hw::pcie::IommuKind::Smmuv3};

TEST(Invariants, AHealthyBootedMachineViolatesNothing) {
  Machine m(kHealthy);
  m.enable_vfs(2);
  EXPECT_TRUE(check::check_state(m.s, true).empty());
}

TEST(Invariants, DriverBeliefWithoutPciAtsBreaksNineThirteenFourteen) {
  Machine m(kHealthy);
  auto pf = m.pf();
  // The device loses ATS behind the driver's back (what a failed enable amounts to).
  auto& d = m.s.kernel.devs[pf];
  m.s.hw.pcie.fn(d.fn).cfg.poke16(d.ats_cap + hw::pcie::ats::kCtrl, 0);
  d.ats_enabled = false;
  EXPECT_EQ(numbers(m.s), (std::vector<int>{9, 13, 14}));
}

// A master that left its domain without the domain's nr_ats_masters-- (the decrement in
// arm_smmu_remove_master_domain): the count says one ATS master, none is attached.
TEST(Invariants, AnNrAtsMastersLeftBehindByADepartedMasterBreaksThirteen) {
  Machine m(kHealthy);
  auto pf = m.pf();
  const auto default_domain = m.s.kernel.iommu.groups[iommu::group_of(m.s, pf)].default_domain;
  ASSERT_EQ(iommu::group_claim_dma_owner(m.s, iommu::group_of(m.s, pf), 7), 0);
  bool found = false;
  for (auto& sd : m.s.kernel.smmuv3.domains)
    if (sd.domain == default_domain) {
      ASSERT_EQ(sd.nr_ats_masters, 0) << "the attach away from the default domain decrements it";
      ASSERT_TRUE(sd.devices.empty());
      sd.nr_ats_masters = 1;  // the decrement skipped
      found = true;
    }
  ASSERT_TRUE(found);
  EXPECT_EQ(numbers(m.s), (std::vector<int>{13}));
}

TEST(Invariants, PciBeliefDifferingFromTheEnableBitBreaksOne) {
  Machine m;
  m.s.kernel.devs[m.pf()].ats_enabled = true;
  EXPECT_EQ(numbers(m.s), (std::vector<int>{1}));
}

TEST(Invariants, AtsOnWithoutEatsBreaksElevenAndTen) {
  Machine m(kHealthy);
  auto sid = m.s.kernel.devs[m.pf()].bdf.rid();
  auto pa = *hw::smmuv3::ste_address(m.s.hw.memory, m.s.hw.smmus[0], sid);
  m.s.hw.memory.write64(pa + 8, m.s.hw.memory.read64(pa + 8) & ~(3ull << 28));
  EXPECT_EQ(numbers(m.s), (std::vector<int>{10, 11}));
}

TEST(Invariants, MalformedArrayBreaksFifteen) {
  Machine m(kHealthy);
  auto sd = m.s.kernel.smmuv3.domains.size() - 1;
  auto& invs = m.s.kernel.smmuv3.invs_pool[m.s.kernel.smmuv3.domains[sd].invs].invs;
  ASSERT_GE(invs.num_invs, 2);
  std::swap(invs.inv[0], invs.inv[1]);
  auto n = numbers(m.s);
  EXPECT_TRUE(std::find(n.begin(), n.end(), 15) != n.end());
}

TEST(Invariants, GroupOnADomainTheSmmuDoesNotUseBreaksTwentyFour) {
  Machine m(kHealthy);
  auto sid = m.s.kernel.devs[m.pf()].bdf.rid();
  auto pa = *hw::smmuv3::ste_address(m.s.hw.memory, m.s.hw.smmus[0], sid);
  for (unsigned q = 0; q < 8; ++q) m.s.hw.memory.write64(pa + 8 * q, q == 0 ? 1 : 0);  // V=1 CFG=abort: the SMMU blocks
  auto n = numbers(m.s);
  EXPECT_TRUE(std::find(n.begin(), n.end(), 24) != n.end());
}

TEST(Invariants, WarnInPciDisableAtsIsFourInHistory) {
  Machine m;
  pci::disable_ats(m.s, m.pf());
  auto v = check::check_history(m.s, 0, 0);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].invariant, 4);
}

TEST(Invariants, EnablingAtsWithoutAnAtcFlushFirstIsTwentyOne) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  size_t from = m.s.record.events.size();
  auto pf = m.pf();
  pci::disable_ats(m.s, pf);
  ASSERT_EQ(pci::enable_ats(m.s, pf, 12), 0);  // behind the driver's back: no ATC_INV in between
  bool found = false;
  for (const auto& v : check::check_history(m.s, from, 0)) found |= v.invariant == 21;
  EXPECT_TRUE(found);
}

TEST(Invariants, ChangingEatsWhileAtsIsEnabledIsTwelve) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  auto pf = m.pf();
  ASSERT_TRUE(m.s.kernel.devs[pf].ats_enabled);
  size_t from = m.s.record.events.size();
  auto master = smmuv3::master_of(m.s, pf);
  smmuv3::install_ste_for_dev(m.s, master, smmuv3::make_cdtable_ste(smmuv3::driver_features(), {.cdtab_dma = 0x80000000}, false, smmuv3::ste::kS1dssSsid0));
  bool found = false;
  for (const auto& v : check::check_history(m.s, from, 0)) found |= v.invariant == 12;
  EXPECT_TRUE(found);
}

TEST(Invariants, AnOwnedGroupOnItsDefaultDomainIsTwentyFive) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  auto g = iommu::group_of(m.s, m.pf());
  m.s.kernel.iommu.groups[g].owner = 99;
  auto n = numbers(m.s);
  EXPECT_TRUE(std::find(n.begin(), n.end(), 25) != n.end());
}

bool has(const std::vector<int>& v, int n) { return std::find(v.begin(), v.end(), n) != v.end(); }

TEST(Invariants, AnIotlbTagNoArrayListsIsSixteen) {
  Machine m(kHealthy);
  EXPECT_FALSE(has(numbers(m.s), 16));
  m.s.hw.smmus[0].iotlb.insert({.s1 = true, .asid = 999, .iova_page = 1, .pa_page = 2});
  EXPECT_TRUE(has(numbers(m.s), 16));
}

TEST(Invariants, ATranslatingDomainWithoutTheMastersInvalidationsIsSeventeen) {
  Machine m(kHealthy);
  auto& drv = m.s.kernel.smmuv3;
  auto g = iommu::group_of(m.s, m.pf());
  auto sd = iommu::domain(m.s, iommu::group(m.s, g).domain).priv;
  auto& invs = drv.invs_pool[drv.domains[sd].invs].invs;
  for (uint16_t i = 0; i < invs.num_invs; ++i)
    if (invs.inv[i].type == smmuv3::InvType::Ats) invs.inv[i].users = 0;  // the ATS entry gone, ATS still on
  EXPECT_TRUE(has(numbers(m.s), 17));
}

TEST(Invariants, AReleasedDeviceWhoseSteStillTranslatesIsTwentySix) {
  Machine m(kHealthy);
  auto pf = m.pf();
  auto sid = m.s.kernel.devs[pf].bdf.rid();
  pci::stop_and_remove_bus_device(m.s, pf);
  EXPECT_FALSE(has(numbers(m.s), 26)) << "the release domain left the STE aborting";
  auto pa = *hw::smmuv3::ste_address(m.s.hw.memory, m.s.hw.smmus[0], sid);
  m.s.hw.memory.write64(pa, 1 | (4 << 1));  // V=1 CFG=bypass: as if release skipped the blocked attach
  EXPECT_TRUE(has(numbers(m.s), 26));
}

TEST(Invariants, MonitorReportsAStateViolationOnceWhileItHolds) {
  Machine m;
  check::Monitor mon;
  m.s.kernel.devs[m.pf()].ats_enabled = true;
  mon.step(m.s, "a");
  mon.step(m.s, "b");
  EXPECT_EQ(mon.all().size(), 1u);
  m.s.kernel.devs[m.pf()].ats_enabled = false;
  mon.step(m.s, "c");
  m.s.kernel.devs[m.pf()].ats_enabled = true;
  mon.step(m.s, "d");
  EXPECT_EQ(mon.all().size(), 2u);
  EXPECT_EQ(mon.all()[1].step, "d");
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
