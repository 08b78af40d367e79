// The kernel tree's SMMUv3 driver attaching domains on atslab's hardware
// (ATSLAB_SOURCE_SMMUV3 builds): a paging domain with the tree's io-pgtable,
// the two-phase attach writing the STE and enabling ATS through the tree's
// ats.c, map and unmap walked by the SMMU model, and the seed's premise broken
// by injection: pci_enable_ats failing at commit is only logged, the driver
// records ATS as on, and the next attach's pci_disable_ats WARNs at
// drivers/pci/ats.c:135.
#include <gtest/gtest.h>

#include <algorithm>

#include "../../pci/machine_fixture.h"
#include "hw/smmuv3/stream_table.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/translate.h"
#include "kernel_src/smmuv3/iommu_ops.h"
#include "../tree_fixture.h"
#include "kernel_src/smmuv3/probe.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/kernel/errno.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;

struct SourceSmmuMachine : Machine {
  SourceSmmuMachine() {
    kernel_src::SourceKernel::get().reset();
    hs::Smmu smmu;
    smmu.rc = s.hw.pcie.fn(pf_fn).rc;
    s.hw.smmus.push_back(smmu);
    EXPECT_EQ(kernel_src::smmuv3_device_probe(s, 0), 0);
    EXPECT_EQ(kernel_src::smmuv3_probe_device(s, pf()), 0);
  }
  uint32_t sid() const { return s.hw.pcie.fn(pf_fn).bdf.rid(); }
  hs::Entry ste() {
    auto pa = hs::ste_address(s.hw.memory, s.hw.smmus[0], sid());
    return pa ? hs::read_entry(s.hw.memory, *pa) : hs::Entry{};
  }
  bool ats_enable_bit() const { return ats_ctrl(pf()) & hw::pcie::ats::kCtrlEnable; }
  bool logged(const std::string& text) const {
    return std::any_of(s.record.log.begin(), s.record.log.end(),
                       [&](const kernel::LogLine& l) { return l.text.find(text) != std::string::npos; });
  }
};

TEST(SourceSmmuAttach, APagingDomainGetsAnS1SteWithAtsAndTheDevicesAtsOn) {
  SourceSmmuMachine m;
  int err = 0;
  iommu_domain* d = kernel_src::smmuv3_domain_alloc_paging(m.s, m.pf(), true, &err);
  ASSERT_NE(d, nullptr) << err;
  ASSERT_EQ(kernel_src::smmuv3_attach_dev(m.s, d, m.pf()), 0);
  const hs::Entry ste = m.ste();
  EXPECT_EQ(hs::field_get(hs::ste::k0Cfg, ste[0]), hs::ste::kCfgS1Trans);
  EXPECT_EQ(hs::field_get(hs::ste::k1Eats, ste[1]), hs::ste::kEatsTrans);
  // arm_smmu_attach_commit -> arm_smmu_enable_ats -> the tree's pci_enable_ats.
  EXPECT_TRUE(m.ats_enable_bit());
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].ats_enabled);
  kernel_src::SourceMaster master;
  ASSERT_TRUE(kernel_src::smmuv3_master(m.s, m.pf(), &master));
  EXPECT_TRUE(master.ats_enabled);
  kernel_src::SourceDomain dom;
  ASSERT_TRUE(kernel_src::smmuv3_domain(m.s, d, &dom));
  EXPECT_EQ(dom.nr_ats_masters, 1);
  EXPECT_EQ(dom.devices, 1u);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(SourceSmmuAttach, MapAndUnmapAreWhatTheSmmuWalks) {
  SourceSmmuMachine m;
  int err = 0;
  iommu_domain* d = kernel_src::smmuv3_domain_alloc_paging(m.s, m.pf(), false, &err);
  ASSERT_NE(d, nullptr);
  ASSERT_EQ(kernel_src::smmuv3_attach_dev(m.s, d, m.pf()), 0);
  ASSERT_EQ(kernel_src::smmuv3_map(m.s, d, 0x100000, 0x80042000, 0x2000, true), 0);
  hs::DeviceRequest req{.sid = m.sid(), .addr = 0x101008, .write = true};
  auto r = hs::translate(m.s.hw, 0, req);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.pa, 0x80043008u);
  EXPECT_TRUE(r.writable);
  EXPECT_EQ(kernel_src::smmuv3_unmap(m.s, d, 0x100000, 0x2000), 0x2000u);
  EXPECT_FALSE(hs::translate(m.s.hw, 0, req).ok) << "the IOTLB entry went with the TLBI the unmap issued";
}

TEST(SourceSmmuAttach, AFailedPciEnableAtsIsOnlyLoggedAndTheNextAttachWarnsInPciDisableAts) {
  ATSLAB_REQUIRE_DEBIAN_TREE();
  SourceSmmuMachine m;
  m.s.faults.rules.push_back({.point = faults::Point::PciEnableAts, .always = true});
  int err = 0;
  iommu_domain* d = kernel_src::smmuv3_domain_alloc_paging(m.s, m.pf(), true, &err);
  ASSERT_NE(d, nullptr);
  // 6.12.118's commit cannot fail: the attach succeeds, the failure is a dev_err...
  ASSERT_EQ(kernel_src::smmuv3_attach_dev(m.s, d, m.pf()), 0);
  EXPECT_TRUE(m.logged("Failed to enable ATS (STU 12)"));
  EXPECT_FALSE(m.ats_enable_bit());
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].ats_enabled);
  // ...and the driver records ATS as on anyway: its belief and the device disagree (invariant 9).
  kernel_src::SourceMaster master;
  ASSERT_TRUE(kernel_src::smmuv3_master(m.s, m.pf(), &master));
  EXPECT_TRUE(master.ats_enabled);
  kernel_src::SourceDomain dom;
  ASSERT_TRUE(kernel_src::smmuv3_domain(m.s, d, &dom));
  EXPECT_EQ(dom.nr_ats_masters, 1) << "invariant 13: counted, though its ATS is off";
  EXPECT_TRUE(m.s.record.warnings.empty());
  // Leaving the domain (VFIO claiming the group attaches the blocked domain): prepare turns ATS
  // off, calling the tree's pci_disable_ats on a device whose ATS never came on.
  ASSERT_EQ(kernel_src::smmuv3_attach_dev(m.s, kernel_src::smmuv3_static_domain(m.s, true), m.pf()), 0);
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  EXPECT_EQ(w.line, debian_tree() == DebianTree::V7_2_13 ? 132 : 135) << "WARN_ON(!dev->ats_enabled) in each tree's ats.c";
  EXPECT_EQ(w.condition, "!dev->ats_enabled");
  // The driver's own frames, named from the executable's symbol table (call_trace.cc): the inner
  // half of the seed's trace, down to the IOMMU core's call.
  using kernel::KFn;
  EXPECT_EQ(w.call_trace, (std::vector<KFn>{KFn::pci_disable_ats, KFn::arm_smmu_attach_prepare,
                                            KFn::arm_smmu_attach_dev_ste, KFn::arm_smmu_attach_dev_blocked,
                                            KFn::__iommu_attach_device}))
      << kernel::format_warning(w);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
