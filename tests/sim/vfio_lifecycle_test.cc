// VFIO's lifecycle as the kernel has it (drivers/vfio/group.c, container.c, vfio_iommu_type1.c):
// groups exist while a device is bound to vfio-pci, leave their container with their last
// device, containers lose their backend with their last group, and type1 puts every joining
// group through a domain of its own first.
#include <gtest/gtest.h>

#include <algorithm>

#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/vfio/vfio.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

// explore-small's healthy PF (ATS works) with two VFs, both bound to vfio-pci.
struct HealthyVfs {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  OpContext ctx;
  System s;
  explicit HealthyVfs(policy::AtsVariant v = policy::AtsVariant::FailEarly) : s(boot_machine(sc, v, ctx, 1, "")) {
    EXPECT_EQ(run(OpKind::SriovEnable, "pf", 2), 0);
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), 0);
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf1", .driver = "vfio-pci"}), 0);
  }
  int run(OpKind k, const std::string& dev, uint32_t count = 1) { return run_op(s, ctx, {.kind = k, .device = dev, .count = count}); }
  int set_container(const std::string& dev, const std::string& c = "c0") {
    return run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = dev, .container = c});
  }
  int set_iommu(const std::string& c = "c0") { return run_op(s, ctx, {.kind = OpKind::VfioSetIommu, .container = c}); }
  pci::DevId dev(const std::string& name) { return *resolve(s, ctx, name); }
  const vfio::Container& container(const std::string& c = "c0") { return s.kernel.vfio.containers.at(ctx.containers.at(c)); }
  iommu::GroupId group(const std::string& name) { return iommu::group_of(s, dev(name)); }
};

TEST(VfioLifecycle, UnbindingAGroupsLastDeviceDetachesItFromItsContainerAndReleasesTheBackend) {
  HealthyVfs m;
  ASSERT_EQ(m.set_container("pf.vf0"), 0);
  ASSERT_EQ(m.set_iommu(), 0);
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioMap, .container = "c0"}), 0);
  const iommu::DomainId paging = m.container().domains.at(0).domain;
  const iommu::GroupId g = m.group("pf.vf0");
  ASSERT_EQ(iommu::group(m.s, g).domain, paging);

  ASSERT_EQ(m.run(OpKind::Unbind, "pf.vf0"), 0);
  // vfio_device_remove_group -> vfio_group_detach_container: the container is left empty and its
  // type1 backend released (ops->release), mappings and domain with it.
  EXPECT_TRUE(m.container().groups.empty());
  EXPECT_FALSE(m.container().type1);
  EXPECT_TRUE(m.container().dma.empty());
  EXPECT_TRUE(m.container().domains.empty());
  EXPECT_FALSE(iommu::domain(m.s, paging).live);
  // DMA ownership released: the group is back on its default domain, with ATS on again.
  EXPECT_EQ(iommu::group(m.s, g).owner_cnt, 0);
  EXPECT_EQ(iommu::group(m.s, g).domain, iommu::group(m.s, g).default_domain);
  // The fd the workload held is on a dead group: SET_CONTAINER -ENODEV, and the workload closes it.
  const vfio::VfioGroupId dead = m.ctx.vfio_groups.at(m.dev("pf.vf0"));
  EXPECT_TRUE(vfio::group_dead(m.s, dead));
  EXPECT_EQ(vfio::group_unset_container(m.s, dead), -EINVAL);
  EXPECT_EQ(m.set_container("pf.vf0"), -ENODEV);
  EXPECT_FALSE(m.ctx.vfio_groups.count(m.dev("pf.vf0")));
  // With no device bound to vfio-pci there is no /dev/vfio/N to open.
  EXPECT_EQ(m.set_container("pf.vf0"), -ENOENT);
  // Bound again, the device gets a new vfio_group (the old one stays dead).
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), 0);
  EXPECT_EQ(m.set_container("pf.vf0"), 0);
  EXPECT_NE(m.ctx.vfio_groups.at(m.dev("pf.vf0")), dead);
}

TEST(VfioLifecycle, MapAndUnmapOnAContainerWithoutBackendAreInvalid) {
  HealthyVfs m;
  ASSERT_EQ(m.set_container("pf.vf0"), 0);
  // VFIO_SET_IOMMU not done: container->iommu_driver is NULL.
  EXPECT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioMap, .container = "c0"}), -EINVAL);
  // No groups: SET_IOMMU is refused; a backend already set: refused the same way.
  EXPECT_EQ(m.set_iommu("c1"), -EINVAL);
  ASSERT_EQ(m.set_iommu(), 0);
  EXPECT_EQ(m.set_iommu(), -EINVAL);
}

TEST(VfioLifecycle, SriovDisableTakesTheVfsGroupsOutOfTheirContainerInTheKernelsLockOrder) {
  HealthyVfs m;
  ASSERT_EQ(m.set_container("pf.vf0"), 0);
  ASSERT_EQ(m.set_iommu(), 0);
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioMap, .container = "c0"}), 0);
  const pci::DevId pf = m.dev("pf"), vf0 = m.dev("pf.vf0");
  const iommu::GroupId g0 = m.group("pf.vf0");
  const vfio::VfioGroupId vg0 = m.ctx.vfio_groups.at(vf0);
  const uint32_t c0 = m.ctx.containers.at("c0");
  kernel::LockTrace trace;
  ASSERT_EQ(m.run(OpKind::SriovDisable, "pf"), 0);
  EXPECT_TRUE(m.container().groups.empty());
  EXPECT_FALSE(m.container().type1);
  // sriov_numvfs_store -> ... -> vfio_pci_remove -> vfio_device_remove_group ->
  // vfio_group_detach_container -> type1 detach -> iommu_detach_group -> arm_smmu_attach_dev_ste.
  using kernel::HeldLock;
  using kernel::LockClass;
  using kernel::LockMode;
  const std::vector<HeldLock> expected_prefix = {
      {LockClass::device_lock, pf},
      {LockClass::pci_rescan_remove_lock, 0},
      {LockClass::device_lock, vf0},
      {LockClass::driver_in_use, vf0},
      {LockClass::vfio_group_lock, 0},
      {LockClass::vfio_group_group_lock, vg0},
      {LockClass::vfio_container_group_lock, c0, LockMode::Exclusive},
      {LockClass::vfio_iommu_lock, c0},
      {LockClass::iommu_group_mutex, g0},
      {LockClass::arm_smmu_asid_lock, 0},
  };
  ASSERT_GE(trace.taken().size(), expected_prefix.size());
  for (size_t i = 0; i < expected_prefix.size(); ++i)
    EXPECT_EQ(kernel::describe(trace.taken()[i]), kernel::describe(expected_prefix[i])) << "lock " << i;
}

TEST(VfioLifecycle, ASecondGroupIsAttachedToADomainOfItsOwnFirstThenJoinsTheContainersDomain) {
  HealthyVfs m;
  ASSERT_EQ(m.set_container("pf.vf0"), 0);
  ASSERT_EQ(m.set_iommu(), 0);
  const iommu::DomainId shared = m.container().domains.at(0).domain;
  const size_t first_event = m.s.record.events.size();
  ASSERT_EQ(m.set_container("pf.vf1"), 0);
  // vf1 (SID of pf.vf1): default domain -> blocked (DMA ownership claimed) -> a new paging domain
  // (ATS on) -> blocked again (iommu_detach_group of the new domain) -> the container's domain.
  const pci::DevId vf1 = m.dev("pf.vf1");
  std::vector<int64_t> ats_enable_writes;
  int prepares = 0;
  for (size_t i = first_event; i < m.s.record.events.size(); ++i) {
    const auto& e = m.s.record.events[i];
    if (e.kind == kernel::EventKind::AttachPrepareBegin && e.dev == vf1) ++prepares;
  }
  EXPECT_EQ(prepares, 4) << "claim (blocked), the new domain, back to blocked, the shared domain";
  ASSERT_EQ(m.container().domains.size(), 1u) << "the new domain was freed; both groups share one";
  EXPECT_EQ(m.container().domains[0].domain, shared);
  EXPECT_EQ(m.container().domains[0].groups.size(), 2u);
  EXPECT_EQ(iommu::group(m.s, m.group("pf.vf1")).domain, shared);
  // The freed domain's slot is reused by the allocator: at most the two VFIO domains' worth live.
  int live_unmanaged = 0;
  for (const auto& d : m.s.kernel.iommu.domains) live_unmanaged += d.live && d.type == iommu::DomainType::Unmanaged;
  EXPECT_EQ(live_unmanaged, 1);
}

TEST(VfioLifecycle, WhenEnableFailsASecondGroupAddsAFailedEnableAndAWarn) {
  // The seed's bug as repro --scenario enable-failure has it: every pci_enable_ats fails, so under
  // upstream every ATS-predicting attach logs "Failed to enable ATS" and records ATS as on, and
  // the next blocked attach WARNs in pci_disable_ats.
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::Upstream, ctx, 1, "pci_enable_ats:always");
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), 0);
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf1", .driver = "vfio-pci"}), 0);
  auto failed_enables = [&] {
    size_t n = 0;
    for (const auto& l : s.record.log) n += l.text.find("Failed to enable ATS") != std::string::npos;
    return n;
  };
  auto counts_of = [&](auto&& step) {
    const size_t w = s.record.warnings.size(), f = failed_enables();
    step();
    return std::pair{s.record.warnings.size() - w, failed_enables() - f};
  };
  // The first group: claimed (blocked attach: WARN), then type1's first domain (enable fails).
  const auto first = counts_of([&] {
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = "pf.vf0"}), 0);
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetIommu}), 0);
  });
  EXPECT_EQ(first, (std::pair<size_t, size_t>{1, 1}));
  // The second: claimed (WARN), a domain of its own (enable fails), detached from it (blocked:
  // WARN again), attached to the container's domain (enable fails again).
  const auto second = counts_of([&] { EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = "pf.vf1"}), 0); });
  EXPECT_EQ(second, (std::pair<size_t, size_t>{2, 2}));
  for (size_t i = s.record.warnings.size() - 2; i < s.record.warnings.size(); ++i)
    EXPECT_EQ(kernel::name(s.record.warnings[i].function), "pci_disable_ats");
}

// fail-early, as the review settled it: a pci_enable_ats() failing after the point of no return is
// a kernel bug, so arm_smmu_enable_ats WARNs (and logs) and the attach goes on with ATS recorded
// as on. Injected anyway, the design's premise is broken: the next blocked attach then also WARNs
// in pci_disable_ats, as upstream does (the seed's WARN, after a WARN that names the cause).
TEST(VfioLifecycle, FailEarlyWarnsInArmSmmuEnableAtsAtEachFailedEnable) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "pci_enable_ats:always");
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  // The PF's default-domain attach at boot and each VF's at creation: one WARN each.
  auto warned_in = [&](size_t from, std::string_view fn) {
    size_t n = 0;
    for (size_t i = from; i < s.record.warnings.size(); ++i) n += kernel::name(s.record.warnings[i].function) == fn;
    return n;
  };
  EXPECT_EQ(warned_in(0, "arm_smmu_enable_ats"), 3u);
  EXPECT_EQ(warned_in(0, "pci_disable_ats"), 0u);
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), 0);
  const size_t w0 = s.record.warnings.size();
  EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = "pf.vf0"}), 0);
  EXPECT_EQ(warned_in(w0, "pci_disable_ats"), 1u) << "the claim's blocked attach, after the failed enable";
  const size_t w1 = s.record.warnings.size();
  EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetIommu}), 0);  // type1's domain: the enable fails
  ASSERT_EQ(s.record.warnings.size(), w1 + 1);
  const auto& w = s.record.warnings.back();
  EXPECT_EQ(kernel::name(w.function), "arm_smmu_enable_ats");
  ASSERT_GE(w.call_trace.size(), 2u);
  EXPECT_EQ(kernel::name(w.call_trace[0]), "arm_smmu_enable_ats");
  EXPECT_EQ(kernel::name(w.call_trace[1]), "arm_smmu_attach_commit");
  // The same attach logs why (arm_smmu_enable_ats's dev_err), as upstream does.
  EXPECT_NE(s.record.log.back().text.find("Failed to enable ATS"), std::string::npos) << s.record.log.back().text;
}

TEST(VfioLifecycle, VfioPciRefusesADeviceWithoutAnIommuGroup) {
  // fail-early: the VFs' IOMMU probe fails when their pci_prepare_ats does (forced here), so they
  // have no group; vfio-pci's probe gets -EINVAL from vfio_device_set_group.
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "pci_prepare_ats:step=vfs");
  s.faults.step = "vfs";
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  s.faults.step = "";
  const pci::DevId vf0 = *resolve(s, ctx, "pf.vf0");
  ASSERT_EQ(iommu::group_of(s, vf0), iommu::kNoGroup);
  EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), -EINVAL);
  EXPECT_FALSE(s.kernel.devs[vf0].driver_bound);
  bool logged = false;
  for (const auto& l : s.record.log) logged |= l.text.find("probe with driver vfio-pci failed with error -22") != std::string::npos;
  EXPECT_TRUE(logged);
  // A host driver binds all the same, without an IOMMU (dma-direct): "Adding to IOMMU failed".
  const pci::DevId vf1 = *resolve(s, ctx, "pf.vf1");
  EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf1", .driver = "native"}), 0);
  EXPECT_TRUE(s.kernel.devs[vf1].driver_bound);
  bool debug = false;
  for (const auto& l : s.record.log)
    debug |= l.level == kernel::Level::Debug && l.text.find("Adding to IOMMU failed: -22") != std::string::npos;
  EXPECT_TRUE(debug);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
