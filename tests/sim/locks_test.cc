// Each operation's kernel locks, pinned against the kernel's code (kernel-semantics.md section 6
// and the 6.12 sources it cites), and what they let another CPU do at an interleaving point.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "io/input_error.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/locks.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"
#include "sim/stress.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::LockClass;

struct Machine {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "");
  Machine() {
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), 0);
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf1", .driver = "native"}), 0);
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = "pf.vf0"}), 0);
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetIommu}), 0);
  }
  // The lock classes `op` takes, run alone from here (on a copy).
  std::set<LockClass> classes(const Op& op) {
    System copy = s;
    OpContext c = ctx;
    kernel::LockTrace trace;
    run_op(copy, c, op);
    std::set<LockClass> out;
    for (const auto& l : trace.taken()) out.insert(l.cls);
    return out;
  }
};

// One row per operation kind: the lock classes it takes from the Machine state (after `prepare`),
// as the kernel's code takes them (6.12 sources, kernel-semantics.md section 6).
struct LockRow {
  Op op;
  std::vector<Op> prepare;
  std::set<LockClass> expected;
  const char* why;
};

TEST(Locks, EachOperationTakesTheKernelsLocks) {
  using S = std::set<LockClass>;
  using K = OpKind;
  const S attach = {LockClass::iommu_group_mutex, LockClass::arm_smmu_asid_lock};
  auto with = [](S a, const S& b) {
    a.insert(b.begin(), b.end());
    return a;
  };
  const std::vector<LockRow> rows = {
      {{.kind = K::SriovEnable, .device = "pf", .count = 2},
       {{.kind = K::SriovDisable, .device = "pf"}},
       with({LockClass::device_lock, LockClass::pci_rescan_remove_lock, LockClass::iommu_probe_device_lock}, attach),
       "sriov_numvfs_store: device_lock(PF), pci_rescan_remove_lock; each VF probed by iommu_probe_device under its lock"},
      {{.kind = K::SriovDisable, .device = "pf"},
       {},
       with({LockClass::device_lock, LockClass::pci_rescan_remove_lock, LockClass::driver_in_use, LockClass::vfio_group_lock,
             LockClass::vfio_group_group_lock, LockClass::vfio_container_group_lock, LockClass::vfio_iommu_lock},
            attach),
       "each VF's device_lock and driver remove; vf0's vfio_device_remove_group detaches it from c0"},
      {{.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
       {{.kind = K::Unbind, .device = "pf.vf1"}},
       {LockClass::device_lock, LockClass::vfio_group_lock},
       "bind_store: device_lock; vfio_device_set_group under vfio.group_lock"},
      {{.kind = K::Unbind, .device = "pf.vf1"},
       {},
       {LockClass::device_lock, LockClass::driver_in_use, LockClass::iommu_group_mutex},
       "device_release_driver; iommu_device_unuse_default_domain"},
      {{.kind = K::HostDma, .device = "pf.vf1"}, {}, {LockClass::driver_in_use}, "the DMA API takes no mutex"},
      {{.kind = K::VfioSetContainer, .device = "pf.vf0", .container = "c1"},
       {{.kind = K::VfioUnsetContainer, .device = "pf.vf0"}},
       with({LockClass::vfio_group_group_lock, LockClass::vfio_container_group_lock}, attach),
       "group_lock, container->group_lock for writing, the claim's blocked attach (c1 has no backend yet)"},
      {{.kind = K::VfioSetIommu, .container = "c1"},
       {{.kind = K::VfioUnsetContainer, .device = "pf.vf0"}, {.kind = K::VfioSetContainer, .device = "pf.vf0", .container = "c1"}},
       with({LockClass::vfio_container_group_lock, LockClass::vfio_iommu_lock}, attach),
       "vfio_ioctl_set_iommu: container->group_lock; type1 attach under iommu->lock (and the ASID)"},
      {{.kind = K::VfioMapUnmap, .container = "c0"}, {}, {LockClass::vfio_iommu_lock}, "type1's iommu->lock, no container lock"},
      {{.kind = K::VfioUnsetContainer, .device = "pf.vf0"},
       {},
       with({LockClass::vfio_group_group_lock, LockClass::vfio_container_group_lock, LockClass::vfio_iommu_lock}, attach),
       "vfio_group_detach_container"},
      {{.kind = K::Remove, .device = "pf.vf1"},
       {},
       with({LockClass::pci_rescan_remove_lock, LockClass::device_lock, LockClass::driver_in_use}, attach),
       "remove_store: pci_stop_and_remove_bus_device_locked; the release domain's blocked attach"},
      {{.kind = K::AttachOwnDomain, .device = "pf.vf1"},
       {},
       with({LockClass::driver_in_use}, attach),
       "the driver's iommu_attach_group (an S1 domain's ASID under arm_smmu_asid_lock)"},
      {{.kind = K::DetachOwnDomain, .device = "pf.vf1"},
       {{.kind = K::AttachOwnDomain, .device = "pf.vf1"}},
       with({LockClass::driver_in_use}, attach),
       "iommu_detach_group, then iommu_domain_free (the ASID)"},
      {{.kind = K::VfioMap, .container = "c0"}, {}, {LockClass::vfio_iommu_lock}, "vfio_dma_do_map"},
      {{.kind = K::VfioUnmap, .container = "c0"}, {{.kind = K::VfioMap, .container = "c0"}}, {LockClass::vfio_iommu_lock}, "vfio_dma_do_unmap"},
      {{.kind = K::DeviceDma, .device = "pf.vf0", .iova = 0x100000}, {}, {}, "the device's own traffic"},
      {{.kind = K::AtsTranslate, .device = "pf.vf0", .iova = 0x100000}, {}, {}, "the device's own traffic"},
      {{.kind = K::GroupSetType, .device = "pf.vf1", .type = "identity"},
       {{.kind = K::Unbind, .device = "pf.vf1"}},
       attach,
       "iommu_group_store_type: the group mutex only (no device_lock), then the identity attach"},
      {{.kind = K::Reset, .device = "pf.vf1"},
       {},
       with({LockClass::device_lock}, attach),
       "pci_reset_function: device_lock of the function and of its upstream bridge; pci_dev_reset_iommu_prepare "
       "and _done take the group mutex around the blocked attach and the attach back"},
      {{.kind = K::VfioReset, .device = "pf.vf0"},
       {},
       with({LockClass::device_lock, LockClass::vfio_pci_memory_lock}, attach),
       "vfio_pci_ioctl_reset: memory_lock for writing, pci_try_reset_function's device_trylock, then the same attaches"},
      {{.kind = K::VfioHotReset, .device = "pf.vf0"},
       {},
       {LockClass::vfio_dev_set_lock},
       "vfio_pci_dev_set_hot_reset: dev_set->lock, then -EINVAL (pf, on its host driver, is outside the dev_set) before "
       "any memory_lock or pci_bus_trylock; the whole set is VfioHotReset.TakesTheDevSetLockTheMemoryLocksAndEveryDeviceLockOnTheBus"},
      {{.kind = K::VfioOpenDevice, .device = "pf.vf0"},
       {},
       with({LockClass::vfio_group_group_lock, LockClass::vfio_dev_set_lock, LockClass::device_lock}, attach),
       "vfio_df_group_open: group_lock, then dev_set->lock; vfio_pci_core_enable's pci_try_reset_function (device_lock) "
       "and the reset's attaches"},
      {{.kind = K::VfioCloseDevice, .device = "pf.vf0"},
       {{.kind = K::VfioOpenDevice, .device = "pf.vf0"}},
       with({LockClass::vfio_group_group_lock, LockClass::vfio_dev_set_lock, LockClass::device_lock}, attach),
       "vfio_df_group_close: group_lock, then dev_set->lock; vfio_pci_core_disable's pci_dev_trylock (the bridge's, "
       "the function's) and the reset's attaches"},
      // The cdev path (drivers/vfio/device_cdev.c, drivers/iommu/iommufd/device.c): pf.vf1 handed to vfio-pci first.
      {{.kind = K::IommufdBind, .device = "pf.vf1"},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"}},
       with({LockClass::device_lock, LockClass::vfio_dev_set_lock}, attach),
       "vfio_df_ioctl_bind_iommufd: dev_set->lock; iommu_device_claim_dma_owner's blocked attach under the group mutex; "
       "vfio_pci_core_enable's pci_try_reset_function (device_lock)"},
      {{.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "h0"},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}},
       {LockClass::iopt_domains_rwsem, LockClass::arm_smmu_asid_lock},
       "iommufd_hwpt_paging_alloc: no group mutex; iopt_table_add_domain writes domains_rwsem; the S1 ASID"},
      {{.kind = K::IommufdAttach, .device = "pf.vf1", .hwpt = "h0"},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "h0"}},
       with({LockClass::vfio_dev_set_lock, LockClass::iommufd_igroup_lock}, attach),
       "vfio_df_ioctl_attach_pt: dev_set->lock; iommufd_hw_pagetable_attach: igroup->lock; iommu_attach_group_handle"},
      {{.kind = K::IommufdAttach, .device = "pf.vf1", .hwpt = "h1"},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "h0"},
        {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "h1"}, {.kind = K::IommufdAttach, .device = "pf.vf1", .hwpt = "h0"}},
       with({LockClass::vfio_dev_set_lock, LockClass::iommufd_igroup_lock}, attach),
       "a replace: iommufd_device_do_replace under igroup->lock; iommu_replace_group_handle under the group mutex"},
      {{.kind = K::IommufdDetach, .device = "pf.vf1"},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "h0"},
        {.kind = K::IommufdAttach, .device = "pf.vf1", .hwpt = "h0"}},
       with({LockClass::vfio_dev_set_lock, LockClass::iommufd_igroup_lock}, attach),
       "vfio_df_ioctl_detach_pt: dev_set->lock; iommufd_hw_pagetable_detach: igroup->lock; the blocked attach"},
      {{.kind = K::IommufdUnbind, .device = "pf.vf1"},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "h0"},
        {.kind = K::IommufdAttach, .device = "pf.vf1", .hwpt = "h0"}},
       with({LockClass::device_lock, LockClass::vfio_dev_set_lock, LockClass::iommufd_igroup_lock}, attach),
       "vfio_df_unbind_iommufd: dev_set->lock; vfio_pci_core_disable's reset (pci_dev_trylock), detach "
       "(igroup->lock), then iommu_device_release_dma_owner"},
      {{.kind = K::IommufdHwptDestroy, .hwpt = "h0"},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "h0"}},
       {LockClass::iopt_domains_rwsem, LockClass::arm_smmu_asid_lock},
       "iopt_table_remove_domain writes domains_rwsem; iommu_domain_free releases the ASID"},
      // PASIDs of pf.vf1's native driver (its PF's PASID capability: max_pasids from the PF).
      {{.kind = K::PasidAttach, .device = "pf.vf1", .pasid = 1},
       {},
       with({LockClass::driver_in_use}, attach),
       "iommu_attach_device_pasid: the group mutex; arm_smmu_set_pasid under arm_smmu_asid_lock (and the domain's ASID)"},
      {{.kind = K::PasidDetach, .device = "pf.vf1", .pasid = 1},
       {{.kind = K::PasidAttach, .device = "pf.vf1", .pasid = 1}},
       with({LockClass::driver_in_use}, attach),
       "iommu_detach_device_pasid: the group mutex; arm_smmu_blocking_set_dev_pasid under arm_smmu_asid_lock; the ASID freed"},
      {{.kind = K::PasidRemap, .device = "pf.vf1", .pasid = 1},
       {{.kind = K::PasidAttach, .device = "pf.vf1", .pasid = 1}},
       {LockClass::driver_in_use},
       "iommu_unmap and iommu_map take no mutex"},
      {{.kind = K::PasidDma, .device = "pf.vf1", .iova = 0x100000, .pasid = 1},
       {{.kind = K::PasidAttach, .device = "pf.vf1", .pasid = 1}},
       {},
       "the device's own traffic"},
      // Nesting (drivers/iommu/iommufd/viommu.c, hw_pagetable.c, arm-smmu-v3-iommufd.c): pf.vf1 bound, a nest parent.
      {{.kind = K::IommufdViommuAlloc, .device = "pf.vf1", .hwpt = "s2", .viommu = "v0"},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "s2", .nest_parent = true}},
       {},
       "iommufd_viommu_alloc_ioctl: object references only; arm_vsmmu_init takes no lock"},
      {{.kind = K::IommufdVdeviceAlloc, .device = "pf.vf1", .viommu = "v0", .vsid = 1},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "s2", .nest_parent = true},
        {.kind = K::IommufdViommuAlloc, .device = "pf.vf1", .hwpt = "s2", .viommu = "v0"}},
       {LockClass::iommufd_igroup_lock},
       "iommufd_vdevice_alloc_ioctl: idev->igroup->lock"},
      {{.kind = K::IommufdHwptAllocNested, .device = "pf.vf1", .hwpt = "n", .viommu = "v0", .cfg = "s1_trans", .eats = 1},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "s2", .nest_parent = true},
        {.kind = K::IommufdViommuAlloc, .device = "pf.vf1", .hwpt = "s2", .viommu = "v0"}},
       {},
       "iommufd_viommu_alloc_hwpt_nested: no IOAS mutex, no group mutex; arm_vsmmu_alloc_domain_nested allocates only"},
      {{.kind = K::IommufdViommuInvalidate, .viommu = "v0", .vsid = 1},
       {{.kind = K::Unbind, .device = "pf.vf1"}, {.kind = K::Bind, .device = "pf.vf1", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "pf.vf1"}, {.kind = K::IommufdHwptAlloc, .device = "pf.vf1", .hwpt = "s2", .nest_parent = true},
        {.kind = K::IommufdViommuAlloc, .device = "pf.vf1", .hwpt = "s2", .viommu = "v0"},
        {.kind = K::IommufdVdeviceAlloc, .device = "pf.vf1", .viommu = "v0", .vsid = 1}},
       {},
       "arm_vsmmu_cache_invalidate: the vdevs xa_lock (a spinlock) and the command queue"},
      {{.kind = K::IommufdMap}, {}, {LockClass::iopt_domains_rwsem}, "iopt_map_pages: domains_rwsem for reading"},
      {{.kind = K::IommufdUnmap}, {{.kind = K::IommufdMap}}, {LockClass::iopt_domains_rwsem}, "iopt_unmap_iova: domains_rwsem for reading"},
      {{.kind = K::ResetMethod, .device = "pf", .methods = "default"},
       {},
       attach,
       "reset_method_store: no device lock; pci_reset_bus_function's probe inside pci_dev_reset_iommu_prepare/done "
       "(2026): the group mutex and the attaches to the blocking domain and back"},
  };
  Machine m;
  std::set<OpKind> covered;
  for (const LockRow& row : rows) {
    SCOPED_TRACE(describe(row.op) + ": " + row.why);
    System copy = m.s;
    OpContext c = m.ctx;
    for (const Op& p : row.prepare) ASSERT_EQ(run_op(copy, c, p), 0) << describe(p);
    kernel::LockTrace trace;
    run_op(copy, c, row.op);
    std::set<LockClass> got;
    for (const auto& l : trace.taken()) got.insert(l.cls);
    std::string names;
    for (LockClass l : got) names += std::string(kernel::name(l)) + " ";
    EXPECT_EQ(got, row.expected) << names;
    covered.insert(row.op.kind);
  }
  // Hot-plug: pciehp holds pci_rescan_remove_lock around the add and the removal.
  io::Scenario hp = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/e2000-hotplug-header-fix.yaml");
  OpContext hctx;
  System hs = boot_machine(hp, policy::AtsVariant::FailEarly, hctx, 1, "");
  for (OpKind k : {OpKind::HotplugAdd, OpKind::HotplugRemove}) {
    kernel::LockTrace trace;
    ASSERT_EQ(run_op(hs, hctx, {.kind = k, .device = "ipu"}), 0);
    std::set<LockClass> got;
    for (const auto& l : trace.taken()) got.insert(l.cls);
    EXPECT_TRUE(got.count(LockClass::pci_rescan_remove_lock)) << op_name(k);
    EXPECT_TRUE(got.count(LockClass::iommu_group_mutex)) << op_name(k) << ": probe or release";
    covered.insert(k);
  }
  // SVA needs a device with PASIDs (explore-small's have none: iommu_alloc_global_pasid's -ENOSPC):
  // sva.yaml's endpoint, its RID identity, its native driver binding process 0.
  const std::vector<LockRow> sva_rows = {
      {{.kind = K::SvaBind, .device = "acc", .mm = 0},
       {},
       with({LockClass::driver_in_use, LockClass::iommu_sva_lock}, attach),
       "iommu_sva_bind_device: iommu_sva_lock; iommu_attach_device_pasid's group mutex; arm_smmu_set_pasid under arm_smmu_asid_lock"},
      {{.kind = K::SvaUnbind, .device = "acc", .mm = 0},
       {{.kind = K::SvaBind, .device = "acc", .mm = 0}},
       with({LockClass::driver_in_use, LockClass::iommu_sva_lock}, attach),
       "iommu_sva_unbind_device: iommu_sva_lock; the detach's group mutex and arm_smmu_asid_lock"},
      {{.kind = K::SvaMunmap, .mm = 0},
       {{.kind = K::SvaBind, .device = "acc", .mm = 0}},
       {},
       "the notifier's arm_smmu_domain_inv_range: RCU and the command queue (the mm's mmap_lock is not modelled)"},
      {{.kind = K::SvaExit, .mm = 0},
       {{.kind = K::SvaBind, .device = "acc", .mm = 0}},
       {},
       "arm_smmu_mm_release: devices_lock (a spinlock) and the command queue"},
      {{.kind = K::SvaDma, .device = "acc", .iova = mm::kBufferVa, .write = true, .mm = 0},
       {{.kind = K::SvaBind, .device = "acc", .mm = 0}},
       {},
       "the device's own traffic"},
      // iommufd's PASID attach (on sva.yaml's endpoint, which has PASIDs: explore-small's have none, and
      // the core skips a member without them): the RID's locks, iommu_attach_device_pasid's group
      // mutex in place of the group handle's.
      {{.kind = K::IommufdPasidAttach, .device = "acc", .hwpt = "h0", .pasid = 1},
       {{.kind = K::Unbind, .device = "acc"}, {.kind = K::Bind, .device = "acc", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "acc"},
        {.kind = K::IommufdHwptAlloc, .device = "acc", .hwpt = "h0", .pasid_compat = true}},
       with({LockClass::vfio_dev_set_lock, LockClass::iommufd_igroup_lock}, attach),
       "vfio_df_ioctl_attach_pt: dev_set->lock; iommufd_hw_pagetable_attach: igroup->lock; iommu_attach_device_pasid's "
       "group mutex; arm_smmu_set_pasid under arm_smmu_asid_lock"},
      {{.kind = K::IommufdPasidDetach, .device = "acc", .pasid = 1},
       {{.kind = K::Unbind, .device = "acc"}, {.kind = K::Bind, .device = "acc", .driver = "vfio-pci"},
        {.kind = K::IommufdBind, .device = "acc"},
        {.kind = K::IommufdHwptAlloc, .device = "acc", .hwpt = "h0", .pasid_compat = true},
        {.kind = K::IommufdPasidAttach, .device = "acc", .hwpt = "h0", .pasid = 1}},
       with({LockClass::vfio_dev_set_lock, LockClass::iommufd_igroup_lock}, attach),
       "vfio_df_ioctl_detach_pt: dev_set->lock; iommufd_hw_pagetable_detach: igroup->lock; iommu_detach_device_pasid's "
       "group mutex; arm_smmu_blocking_set_dev_pasid under arm_smmu_asid_lock"},
  };
  OpContext sctx;
  System ss = boot_machine(io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/sva.yaml"), policy::AtsVariant::FailEarly, sctx, 1, "");
  for (const Op& p : {Op{.kind = K::Unbind, .device = "acc"}, Op{.kind = K::GroupSetType, .device = "acc", .type = "identity"},
                      Op{.kind = K::Bind, .device = "acc", .driver = "native"}})
    ASSERT_EQ(run_op(ss, sctx, p), 0);
  for (const LockRow& row : sva_rows) {
    SCOPED_TRACE(describe(row.op) + ": " + row.why);
    System copy = ss;
    OpContext c = sctx;
    for (const Op& p : row.prepare) ASSERT_EQ(run_op(copy, c, p), 0) << describe(p);
    kernel::LockTrace trace;
    EXPECT_EQ(run_op(copy, c, row.op), 0);
    std::set<LockClass> got;
    for (const auto& l : trace.taken()) got.insert(l.cls);
    EXPECT_EQ(got, row.expected);
    covered.insert(row.op.kind);
  }
  for (uint8_t k = 0; k <= static_cast<uint8_t>(kLastOpKind); ++k)
    EXPECT_TRUE(covered.count(static_cast<OpKind>(k))) << "no lock row for " << op_name(static_cast<OpKind>(k));
}

TEST(Locks, VfIsProbedUnderTheProbeLockFromTheBusNotifier) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "");
  kernel::LockTrace trace;
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 1}), 0);
  // iommu_probe_device holds iommu_probe_device_lock around __iommu_probe_device, whose default
  // domain attach takes the group mutex and then arm_smmu_asid_lock.
  std::vector<LockClass> order;
  for (const auto& l : trace.taken()) order.push_back(l.cls);
  auto at = [&](LockClass c) { return std::find(order.begin(), order.end(), c) - order.begin(); };
  EXPECT_LT(at(LockClass::device_lock), at(LockClass::pci_rescan_remove_lock));
  EXPECT_LT(at(LockClass::pci_rescan_remove_lock), at(LockClass::iommu_probe_device_lock));
  EXPECT_LT(at(LockClass::iommu_probe_device_lock), at(LockClass::iommu_group_mutex));
  EXPECT_LT(at(LockClass::iommu_group_mutex), at(LockClass::arm_smmu_asid_lock));
}

TEST(Locks, AnUnmapCannotRunInsideItsOwnContainersDetach) {
  Machine m;
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioMap, .container = "c0"}), 0);
  Op leave{.kind = OpKind::VfioUnsetContainer, .device = "pf.vf0"};
  leave.nested.push_back({.at = kernel::PreemptPoint::AttachAfterPrepare, .op = {.kind = OpKind::VfioUnmap, .container = "c0"}});
  auto why = nesting_refused(m.s, m.ctx, leave);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("vfio_iommu 0 ->lock, which CPU 0 holds"), std::string::npos) << *why;
  // On another container it may run.
  leave.nested[0].op.container = "c1";
  EXPECT_FALSE(nesting_refused(m.s, m.ctx, leave).has_value());
}

TEST(Locks, AnAttachCannotRunInsideAnotherAttachButAnUnbindElsewhereCan) {
  Machine m;
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioUnsetContainer, .device = "pf.vf0"}), 0);
  Op claim{.kind = OpKind::VfioSetContainer, .device = "pf.vf0", .container = "c1"};
  // vf1's driver attaching its own domain needs arm_smmu_asid_lock (the ASID, then the attach).
  claim.nested.push_back({.at = kernel::PreemptPoint::AttachAfterSte, .op = {.kind = OpKind::AttachOwnDomain, .device = "pf.vf1"}});
  auto why = nesting_refused(m.s, m.ctx, claim);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("arm_smmu_asid_lock, which CPU 0 holds"), std::string::npos) << *why;
  // Unbinding vf1's host driver takes vf1's locks and its group's mutex, none of vf0's.
  claim.nested[0].op = {.kind = OpKind::Unbind, .device = "pf.vf1"};
  EXPECT_FALSE(nesting_refused(m.s, m.ctx, claim).has_value());
  // Its own device's unbind waits for vf0's device lock? No: VFIO_GROUP_SET_CONTAINER takes no
  // device lock; it waits for the vfio group's lock (vfio_device_remove_group).
  claim.nested[0].op = {.kind = OpKind::Unbind, .device = "pf.vf0"};
  why = nesting_refused(m.s, m.ctx, claim);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("vfio_group"), std::string::npos) << *why;
}

TEST(Locks, UnbindWaitsForTheDriversOwnDma) {
  Machine m;
  // The host driver's unmap window: its own device cannot be unbound or removed there.
  Op dma{.kind = OpKind::HostDma, .device = "pf.vf1"};
  dma.nested.push_back({.at = kernel::PreemptPoint::InvAfterLoad, .op = {.kind = OpKind::Unbind, .device = "pf.vf1"}});
  auto why = nesting_refused(m.s, m.ctx, dma);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("driver_in_use"), std::string::npos) << *why;
  dma.nested[0].op = {.kind = OpKind::SriovDisable, .device = "pf"};
  EXPECT_TRUE(nesting_refused(m.s, m.ctx, dma).has_value()) << "SR-IOV disable unbinds vf1 too";
}

TEST(Locks, ReplayRefusesANestingTheLocksForbid) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  std::vector<Op> ops = {{.kind = OpKind::SriovEnable, .device = "pf", .count = 2},
                         {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"},
                         {.kind = OpKind::VfioSetContainer, .device = "pf.vf0"},
                         {.kind = OpKind::VfioSetIommu},
                         {.kind = OpKind::VfioMap},
                         {.kind = OpKind::VfioUnsetContainer, .device = "pf.vf0"}};
  ops.back().nested.push_back({.at = kernel::PreemptPoint::AttachAfterPrepare, .op = {.kind = OpKind::VfioUnmap}});
  try {
    run_ops(sc, policy::AtsVariant::FailEarly, ops, 1, "");
    FAIL() << "the nesting ran";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("step 5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cannot run on CPU 1 at attach_after_prepare"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
