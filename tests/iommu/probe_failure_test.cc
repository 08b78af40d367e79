// IOMMU probe failures as the kernel handles them: at registration (bus_iommu_probe: one failed
// device unregisters the whole IOMMU) and later (the bus notifier: the device alone goes without
// an IOMMU), and the SMMUv3 probe as the seed's base and as fail-early have it.
#include <gtest/gtest.h>

#include "../support/temp_file.h"
#include "hw/smmuv3/regs.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/probe.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

// Two healthy ATS endpoints behind one SMMU; the first (a PF with SR-IOV) is probed first.
const std::string kTwoDevices = R"(
machine:
  ports: [{name: rp0}, {name: rp1}]
  devices:
    - {name: pf, port: rp0, vendor: 0x8086, device: 0x1592, ats: {qdep: 0}, sriov: {total_vfs: 2, offset: 1, stride: 1, vf_device: 0x1889}, driver: native}
    - {name: nic, port: rp1, vendor: 0x15b3, device: 0x101d, ats: {qdep: 0}, driver: native}
)";

bool logged(const System& s, std::string_view text, kernel::Level level) {
  for (const auto& l : s.record.log)
    if (l.level == level && l.text.find(text) != std::string::npos) return true;
  return false;
}

TEST(ProbeFailure, UpstreamIgnoresAFailedPrepareFailEarlyTakesTheWholeSmmuDown) {
  io::Scenario sc = io::load_scenario(test::write_temp("two.yaml", kTwoDevices));
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::FailEarly}) {
    SCOPED_TRACE(std::string(policy::name(v)));
    OpContext ctx;
    // Only the PF's boot-time pci_prepare_ats fails (it is the first call).
    System s = boot_machine(sc, v, ctx, 1, "pci_prepare_ats:nth=1");
    const pci::DevId pf = *resolve(s, ctx, "pf"), nic = *resolve(s, ctx, "nic");
    if (v == policy::AtsVariant::Upstream) {
      // The seed's base calls pci_prepare_ats for every PCI device and ignores its result.
      EXPECT_NE(iommu::group_of(s, pf), iommu::kNoGroup);
      EXPECT_NE(iommu::group_of(s, nic), iommu::kNoGroup);
      EXPECT_FALSE(logged(s, "Failed to register iommu", kernel::Level::Err));
    } else {
      // arm_smmu_master_prepare_ats fails the PF's probe; bus_iommu_probe stops there and
      // iommu_device_register unregisters the SMMU: the NIC, healthy, loses its IOMMU too.
      EXPECT_EQ(iommu::group_of(s, pf), iommu::kNoGroup);
      EXPECT_EQ(iommu::group_of(s, nic), iommu::kNoGroup);
      EXPECT_TRUE(iommu::register_failed_for(s, nic));
      EXPECT_TRUE(logged(s, "arm-smmu-v3 arm-smmu-v3.0.auto: Failed to register iommu", kernel::Level::Err));
      EXPECT_TRUE(logged(s, "probe with driver arm-smmu-v3 failed with error -22", kernel::Level::Warning));
      EXPECT_EQ(s.hw.smmus[0].cr0 & hw::smmuv3::reg::kCr0SmmuEn, 0u) << "arm_smmu_device_disable";
      // Both bind anyway, without an IOMMU (after the deferred-probe timeout in the kernel).
      EXPECT_TRUE(s.kernel.devs[pf].driver_bound);
      EXPECT_TRUE(s.kernel.devs[nic].driver_bound);
      // VFIO cannot have either.
      ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Unbind, .device = "nic"}), 0);
      EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "nic", .driver = "vfio-pci"}), -EINVAL);
    }
  }
}

// 7.2's driver (kernel.smmuv3.master_prepare_ats) has the gated probe whatever the design: under
// upstream a failed prepare fails the probe as under fail-early, and still nothing WARNs.
TEST(ProbeFailure, The72ProbeFailsOnAFailedPrepareUnderUpstreamToo) {
  io::Scenario sc = io::load_scenario(test::write_temp("two.yaml", kTwoDevices));
  sc.smmuv3.master_prepare_ats = true;
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::Upstream, ctx, 1, "pci_prepare_ats:nth=1");
  const pci::DevId pf = *resolve(s, ctx, "pf"), nic = *resolve(s, ctx, "nic");
  EXPECT_EQ(iommu::group_of(s, pf), iommu::kNoGroup);
  EXPECT_EQ(iommu::group_of(s, nic), iommu::kNoGroup);
  EXPECT_TRUE(logged(s, "arm-smmu-v3 arm-smmu-v3.0.auto: Failed to register iommu", kernel::Level::Err));
  EXPECT_TRUE(s.record.warnings.empty());
  // Without the switch (the seed's base) the same plan leaves both probed.
  sc.smmuv3.master_prepare_ats = false;
  OpContext ctx2;
  System base = boot_machine(sc, policy::AtsVariant::Upstream, ctx2, 1, "pci_prepare_ats:nth=1");
  EXPECT_NE(iommu::group_of(base, *resolve(base, ctx2, "nic")), iommu::kNoGroup);
}

TEST(ProbeFailure, AProbeFailingAfterRegistrationCostsOnlyThatDevice) {
  io::Scenario sc = io::load_scenario(test::write_temp("two.yaml", kTwoDevices));
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "pci_prepare_ats:step=vfs");
  s.faults.step = "vfs";
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  s.faults.step = "";
  // The VFs' probes failed from the bus notifier, silently; the SMMU and the others keep theirs.
  EXPECT_EQ(iommu::group_of(s, *resolve(s, ctx, "pf.vf0")), iommu::kNoGroup);
  EXPECT_NE(iommu::group_of(s, *resolve(s, ctx, "pf")), iommu::kNoGroup);
  EXPECT_NE(iommu::group_of(s, *resolve(s, ctx, "nic")), iommu::kNoGroup);
  EXPECT_FALSE(logged(s, "Failed to register iommu", kernel::Level::Err));
}

TEST(ProbeFailure, ADeviceWithoutIommuDoesDmaDirect) {
  io::Scenario sc = io::load_scenario(test::write_temp("two.yaml", kTwoDevices));
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "pci_prepare_ats:nth=1");
  // The SMMU is down (CR0 = 0, bypass): the host driver's DMA reaches its buffer's physical address.
  const size_t first = s.record.events.size();
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::HostDma, .device = "nic"}), 0);
  bool direct = false;
  for (size_t i = first; i < s.record.events.size(); ++i) {
    const auto& e = s.record.events[i];
    if (e.kind == kernel::EventKind::DeviceDma) direct = e.a == 0x40000000 && e.b == 0x40000000;
  }
  EXPECT_TRUE(direct);
}

TEST(ProbeFailure, HostDmaOnAnIdentityDefaultDomainIsDmaDirect) {
  io::Scenario sc = io::load_scenario(test::write_temp("two.yaml", kTwoDevices));
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "");
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Unbind, .device = "nic"}), 0);
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::GroupSetType, .device = "nic", .type = "identity"}), 0);
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "nic", .driver = "native"}), 0);
  const size_t first = s.record.events.size();
  EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::HostDma, .device = "nic", .count = 2}), 0);
  int dmas = 0, maps = 0;
  for (size_t i = first; i < s.record.events.size(); ++i) {
    dmas += s.record.events[i].kind == kernel::EventKind::DeviceDma && s.record.events[i].b == s.record.events[i].a;
    maps += s.record.events[i].kind == kernel::EventKind::IopteWrite;
  }
  EXPECT_EQ(dmas, 2) << "the bypass STE passes physical addresses through";
  EXPECT_EQ(maps, 0) << "no iommu_map, no unmap";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
