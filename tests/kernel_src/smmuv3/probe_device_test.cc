// The kernel tree's SMMUv3 driver's probe_device and release_device on a PCI
// function of atslab's machine (ATSLAB_SOURCE_SMMUV3 builds): the master's
// level-2 stream table with an abort STE for its StreamID, the tree's own
// pci_prepare_ats programming the STU, and the driver's belief read through
// the adapter compiled against the tree's arm-smmu-v3.h.
#include <gtest/gtest.h>

#include "../../pci/machine_fixture.h"
#include "hw/smmuv3/stream_table.h"
#include "hw/smmuv3/ste_layout.h"
#include "kernel_src/smmuv3/iommu_ops.h"
#include "../tree_fixture.h"
#include "kernel_src/smmuv3/probe.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/kernel/errno.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;

// atslab's machine with no IOMMU driver of its own bound (the model stays out of the SMMU),
// then the tree's driver probing SMMU 0 of the root complex.
struct SourceSmmuMachine : Machine {
  SourceSmmuMachine() {
    kernel_src::SourceKernel::get().reset();
    s.kernel.pci_switches.ats = policy::Driver::Source;  // the driver calls the tree's ats.c anyway
    hs::Smmu smmu;
    smmu.rc = s.hw.pcie.fn(pf_fn).rc;
    s.hw.smmus.push_back(smmu);
    EXPECT_EQ(kernel_src::smmuv3_device_probe(s, 0), 0);
  }
  uint32_t sid() const { return s.hw.pcie.fn(pf_fn).bdf.rid(); }
};

TEST(SourceSmmuProbeDevice, AMasterGetsALeafOfAbortStesAndItsStuIsPrepared) {
  SourceSmmuMachine m;
  const auto pf = m.pf();
  ASSERT_FALSE(hs::ste_address(m.s.hw.memory, m.s.hw.smmus[0], m.sid()).has_value());
  const size_t events = m.s.record.events.size();
  ASSERT_EQ(kernel_src::smmuv3_probe_device(m.s, pf), 0);
  // arm_smmu_init_l2_strtab: the leaf exists now, every STE abort (V=1, CFG=abort).
  const auto pa = hs::ste_address(m.s.hw.memory, m.s.hw.smmus[0], m.sid());
  ASSERT_TRUE(pa.has_value());
  const hs::Entry ste = hs::read_entry(m.s.hw.memory, *pa);
  EXPECT_EQ(ste[0] & hs::ste::k0V, hs::ste::k0V);
  EXPECT_EQ(hs::field_get(hs::ste::k0Cfg, ste[0]), hs::ste::kCfgAbort);
  // The tree's pci_prepare_ats, called by the tree's probe_device: STU = log2 of the smallest page (12).
  EXPECT_EQ(m.s.kernel.devs[pf].ats_stu, 12);
  EXPECT_FALSE(m.s.kernel.devs[pf].ats_enabled);
  size_t stu_writes = 0;
  for (size_t i = events; i < m.s.record.events.size(); ++i) {
    const auto& e = m.s.record.events[i];
    if (e.kind == kernel::EventKind::ConfigWrite && e.dev == pf && e.a == m.s.kernel.devs[pf].ats_cap + hw::pcie::ats::kCtrl)
      ++stu_writes;
  }
  EXPECT_EQ(stu_writes, 1u);
  kernel_src::SourceMaster master;
  ASSERT_TRUE(kernel_src::smmuv3_master(m.s, pf, &master));
  EXPECT_FALSE(master.ats_enabled);
  EXPECT_EQ(master.num_streams, 1u);
}

TEST(SourceSmmuProbeDevice, PciPrepareAtsFaultPointReachesTheDriversCall) {
  ATSLAB_REQUIRE_DEBIAN_TREE();
  SourceSmmuMachine m;
  m.s.faults.rules.push_back({.point = faults::Point::PciPrepareAts, .always = true});
  if (debian_tree() == DebianTree::V7_2_13)
    EXPECT_EQ(kernel_src::smmuv3_probe_device(m.s, m.pf()), -EINVAL)
        << "7.2.13's arm_smmu_master_prepare_ats returns pci_prepare_ats's error and the probe fails";
  else
    ASSERT_EQ(kernel_src::smmuv3_probe_device(m.s, m.pf()), 0) << "6.12.118 ignores pci_prepare_ats's result";
  EXPECT_EQ(m.s.kernel.devs[m.pf()].ats_stu, 0);
  EXPECT_EQ(m.s.faults.fired[size_t(faults::Point::PciPrepareAts)], 1u);
}

TEST(SourceSmmuProbeDevice, ReleaseLeavesAnAbortSteAndNoMaster) {
  SourceSmmuMachine m;
  ASSERT_EQ(kernel_src::smmuv3_probe_device(m.s, m.pf()), 0);
  kernel_src::smmuv3_release_device(m.s, m.pf());
  kernel_src::SourceMaster master;
  EXPECT_FALSE(kernel_src::smmuv3_master(m.s, m.pf(), &master));
  const auto pa = hs::ste_address(m.s.hw.memory, m.s.hw.smmus[0], m.sid());
  ASSERT_TRUE(pa.has_value());
  EXPECT_EQ(hs::field_get(hs::ste::k0Cfg, hs::read_entry(m.s.hw.memory, *pa)[0]), hs::ste::kCfgAbort);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
