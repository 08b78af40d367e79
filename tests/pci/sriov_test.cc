// SR-IOV in the kernel (kernel-semantics.md 2.4): sriov_init's checks, VF
// creation at the routing IDs the PF's offset and stride give, bus crossing.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "linux/kernel/errno.h"
#include "machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(Sriov, PfIsPhysfnAndCachesItsCapability) {
  Machine m({.pf = {.total_vfs = 6, .vf_offset = 16, .vf_stride = 2}});
  const auto& pf = m.s.kernel.devs[m.pf()];
  EXPECT_TRUE(pf.is_physfn);
  EXPECT_EQ(pf.sriov.total_vfs, 6);
  EXPECT_EQ(pf.sriov.vf_device, 0x101e);
  EXPECT_EQ(pf.sriov.num_vfs, 0);
}

TEST(Sriov, VfsAppearAtPfRidPlusOffsetPlusIndexTimesStride) {
  Machine m({.pf = {.total_vfs = 6, .vf_offset = 16, .vf_stride = 2}});
  auto vfs = m.enable_vfs(3);
  ASSERT_EQ(vfs.size(), 3u);
  uint16_t pf_rid = m.s.kernel.devs[m.pf()].bdf.rid();
  for (unsigned i = 0; i < 3; ++i) {
    const auto& vf = m.s.kernel.devs[vfs[i]];
    EXPECT_EQ(vf.bdf.rid(), pf_rid + 16 + 2 * i);
    EXPECT_EQ(vf.physfn, m.pf());
    EXPECT_EQ(vf.vf_index, i);
    EXPECT_EQ(vf.vendor, 0x15b3);
    EXPECT_EQ(vf.device, 0x101e) << "a VF's device ID comes from the PF's SR-IOV capability";
    EXPECT_EQ(m.s.hw.pcie.fn(vf.fn).cfg.read16(hw::pcie::hdr::kDeviceId), 0xffff) << "VF config reads 0xffff";
  }
  EXPECT_EQ(m.s.kernel.devs[m.pf()].sriov.num_vfs, 3);
}

TEST(Sriov, VfsCrossIntoTheNextBusWhenTheRidPassesDevfn255) {
  Machine m({.pf = {.total_vfs = 4, .vf_offset = 254, .vf_stride = 1}});
  auto vfs = m.enable_vfs(4);
  ASSERT_EQ(vfs.size(), 4u);
  uint8_t pf_bus = m.s.kernel.devs[m.pf()].bdf.bus;
  EXPECT_EQ(m.s.kernel.devs[vfs[0]].bdf.bus, pf_bus);
  EXPECT_EQ(m.s.kernel.devs[vfs[0]].bdf.devfn, 254);
  EXPECT_EQ(m.s.kernel.devs[vfs[2]].bdf.bus, pf_bus + 1);
  EXPECT_EQ(m.s.kernel.devs[vfs[2]].bdf.devfn, 0);
  EXPECT_EQ(pci::iov_virtfn_bus(m.s, m.pf(), 3), pf_bus + 1);
  EXPECT_EQ(pci::iov_virtfn_devfn(m.s, m.pf(), 3), 1);
}

// Issue 16, item 1: compute_max_vf_buses counted NumVFs in a uint16_t up to TotalVFs, which
// never passes 0xffff: the boot never ended.
TEST(Sriov, ATotalVfsOf0xffffBoots) {
  Machine m({.pf = {.total_vfs = 0xffff, .vf_offset = 1, .vf_stride = 1}});
  const auto& pf = m.s.kernel.devs[m.pf()];
  EXPECT_TRUE(pf.is_physfn);
  EXPECT_EQ(pf.sriov.total_vfs, 0xffff);
  EXPECT_EQ(pf.sriov.num_vfs, 0);
}

TEST(Sriov, ZeroOffsetLeavesThePfWithoutSriov) {
  Machine m({.pf = {.total_vfs = 2, .vf_offset = 0, .vf_stride = 1}});
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].is_physfn);
  EXPECT_EQ(pci::enable_sriov(m.s, m.pf(), 1), -ENODEV);
}

TEST(Sriov, ZeroStrideWithMoreThanOneVfLeavesThePfWithoutSriov) {
  Machine many({.pf = {.total_vfs = 2, .vf_offset = 1, .vf_stride = 0}});
  EXPECT_FALSE(many.s.kernel.devs[many.pf()].is_physfn);
  Machine one({.pf = {.total_vfs = 1, .vf_offset = 1, .vf_stride = 0}});
  EXPECT_TRUE(one.s.kernel.devs[one.pf()].is_physfn);
}

TEST(Sriov, EnableChecksCountAndRefusesASecondEnable) {
  Machine m({.pf = {.total_vfs = 4}});
  EXPECT_EQ(pci::enable_sriov(m.s, m.pf(), 5), -EINVAL);
  EXPECT_EQ(pci::enable_sriov(m.s, m.pf(), 0), 0);
  EXPECT_EQ(pci::enable_sriov(m.s, m.pf(), 2), 0);
  EXPECT_EQ(pci::enable_sriov(m.s, m.pf(), 2), -EINVAL);
}

TEST(Sriov, DisableRemovesEveryVfAndClearsVfEnable) {
  Machine m({.pf = {.total_vfs = 4}});
  auto vfs = m.enable_vfs(3);
  pci::disable_sriov(m.s, m.pf());
  for (auto vf : vfs) {
    EXPECT_EQ(m.s.kernel.devs[vf].state, pci::DevState::Removed);
    EXPECT_FALSE(m.s.hw.pcie.fn(m.s.kernel.devs[vf].fn).present);
  }
  EXPECT_EQ(m.s.kernel.devs[m.pf()].sriov.num_vfs, 0);
  auto vfs2 = m.enable_vfs(2);
  EXPECT_EQ(vfs2.size(), 2u);
  EXPECT_NE(vfs2[0], vfs[0]) << "a recreated VF is a new pci_dev";
}

TEST(Sriov, NumvfsStoreNeedsABoundDriverAndChecksTheRange) {
  Machine m({.pf = {.total_vfs = 4}});
  EXPECT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 2), -ENOENT);
  // "no driver bound to device; cannot configure SR-IOV"
  EXPECT_EQ(m.s.record.log.back().text, fmt::format("pci {}: no driver bound to device; cannot configure SR-IOV",
                                                    m.s.kernel.devs[m.pf()].bdf.str()));
  // A PF driver (this machine has no IOMMU, so not vfio-pci: it needs an IOMMU group).
  m.s.kernel.devs[m.pf()].driver = pci::DriverKind::Native;
  ASSERT_EQ(pci::device_attach(m.s, m.pf()), 0);
  EXPECT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 5), -ERANGE);
  EXPECT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 2), 0);
  EXPECT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 3), -EBUSY);
  EXPECT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 0), 0);
  EXPECT_EQ(m.s.kernel.devs[m.pf()].sriov.num_vfs, 0);
}

TEST(Sriov, RemovingThePfRemovesItsVfsFirst) {
  Machine m({.pf = {.total_vfs = 2}});
  auto vfs = m.enable_vfs(2);
  auto pf = m.pf();
  pci::stop_and_remove_bus_device(m.s, pf);
  uint64_t pf_del = 0, last_vf_del = 0;
  for (const auto& e : m.s.record.events) {
    if (e.kind != kernel::EventKind::DeviceDel) continue;
    if (e.dev == pf) pf_del = e.seq;
    for (auto vf : vfs)
      if (e.dev == vf) last_vf_del = e.seq;
  }
  ASSERT_NE(pf_del, 0u);
  EXPECT_LT(last_vf_del, pf_del);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
