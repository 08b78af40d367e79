// The first default-domain attach at probe (iommu_setup_default_domain from
// __iommu_probe_device) is must-succeed: a driver failing it is a kernel bug, a
// WARN, after which the probe fails and the device is released through the
// release domain, with the default domain freed along with the empty group.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "linux/iommu/iommu.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"
#include "../pci/machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::KFn;

size_t live_smmu_domains(const System& s) {
  return size_t(std::count_if(s.kernel.smmuv3.domains.begin(), s.kernel.smmuv3.domains.end(),
                              [](const auto& d) { return d.live; }));
}

bool traced(const kernel::Warning& w, KFn f) { return std::find(w.call_trace.begin(), w.call_trace.end(), f) != w.call_trace.end(); }

TEST(FirstAttach, AFailedDefaultDomainAttachAtProbeWarnsAndFailsTheProbe) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  ASSERT_TRUE(m.s.record.warnings.empty());
  const size_t domains_before = live_smmu_domains(m.s);
  const size_t events_before = m.s.record.events.size();
  // Every paging attach from now on fails in arm_smmu_attach_prepare (-ENOMEM): the VF's
  // first attach to its DMA default domain. The blocked release domain needs no allocation.
  m.s.faults.rules = faults::parse_plan("arm_smmu_master_domain.alloc:always");
  auto vfs = m.enable_vfs(1);
  ASSERT_EQ(vfs.size(), 1u);
  const pci::DevId vf = vfs[0];

  // The must-succeed attach WARNs in iommu_setup_default_domain, called from the probe.
  ASSERT_GE(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.function, KFn::iommu_setup_default_domain);
  EXPECT_EQ(w.condition, "ret");
  EXPECT_EQ(w.file, "drivers/iommu/iommu.c");
  ASSERT_FALSE(w.call_trace.empty());
  EXPECT_EQ(w.call_trace.front(), KFn::iommu_setup_default_domain);
  EXPECT_TRUE(traced(w, KFn::iommu_probe_device));
  // The release domain is attached over the domain the device never joined, so the driver
  // unrefs invalidations that domain's array does not hold: the kernel's own WARN there.
  ASSERT_EQ(m.s.record.warnings.size(), 2u);
  EXPECT_EQ(m.s.record.warnings[1].function, KFn::arm_smmu_invs_unref);
  EXPECT_TRUE(traced(m.s.record.warnings[1], KFn::iommu_deinit_device));

  // The probe failed with the driver's error, and nothing of the device is left in the core ...
  bool probe_failed = false;
  for (size_t i = events_before; i < m.s.record.events.size(); ++i) {
    const auto& e = m.s.record.events[i];
    if (e.kind == kernel::EventKind::IommuProbeFailed && e.dev == vf) probe_failed = e.a == -ENOMEM;
  }
  EXPECT_TRUE(probe_failed);
  EXPECT_FALSE(m.s.kernel.iommu.devs[vf].probed);
  EXPECT_EQ(m.s.kernel.iommu.devs[vf].group, iommu::kNoGroup);
  // ... or in the driver: the master is released, the default domain freed with the group ...
  EXPECT_EQ(smmuv3::master_of(m.s, vf), smmuv3::kNone);
  EXPECT_EQ(live_smmu_domains(m.s), domains_before);
  // ... and the SMMU blocks the VF: its STE was left aborting by the release domain.
  auto ste = smmuv3::ste_of(m.s, 0, m.s.kernel.devs[vf].bdf.rid());
  EXPECT_TRUE(ste[0] & 1);
  EXPECT_EQ(smmuv3::ste::cfg(ste), 0u);
  EXPECT_FALSE(m.s.kernel.devs[vf].ats_enabled);
}

TEST(FirstAttach, ASuccessfulFirstAttachWarnsNothing) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  auto vfs = m.enable_vfs(1);
  ASSERT_EQ(vfs.size(), 1u);
  EXPECT_TRUE(m.s.record.warnings.empty());
  EXPECT_TRUE(m.s.kernel.iommu.devs[vfs[0]].probed);
  auto g = m.s.kernel.iommu.devs[vfs[0]].group;
  ASSERT_NE(g, iommu::kNoGroup);
  EXPECT_EQ(m.s.kernel.iommu.groups[g].domain, m.s.kernel.iommu.groups[g].default_domain);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
