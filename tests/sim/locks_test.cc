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

namespace atslab::sim {
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

TEST(Locks, EachOperationTakesTheKernelsLocks) {
  Machine m;
  using S = std::set<LockClass>;
  // VFIO_IOMMU_MAP_DMA / UNMAP_DMA: type1's iommu->lock for the whole ioctl, no container lock,
  // no IOMMU-core mutex (vfio_dma_do_map/unmap; iommu_map/unmap take none).
  EXPECT_EQ(m.classes({.kind = OpKind::VfioMapUnmap, .container = "c0"}), (S{LockClass::vfio_iommu_lock}));
  // The host driver's DMA API: no kernel lock, only its own users' exclusion against unbind.
  EXPECT_EQ(m.classes({.kind = OpKind::HostDma, .device = "pf.vf1"}), (S{LockClass::driver_in_use}));
  // The device's own traffic holds nothing.
  EXPECT_EQ(m.classes({.kind = OpKind::DeviceDma, .device = "pf.vf0", .iova = 0x100000}), S{});
  // VFIO_GROUP_UNSET_CONTAINER: the vfio group's lock, the container's rwsem for writing, type1's
  // lock, then the IOMMU core's group mutex and the SMMU's asid_lock for the blocked attach, and
  // the group mutex again to release ownership.
  EXPECT_EQ(m.classes({.kind = OpKind::VfioUnsetContainer, .device = "pf.vf0"}),
            (S{LockClass::vfio_group_group_lock, LockClass::vfio_container_group_lock, LockClass::vfio_iommu_lock,
               LockClass::iommu_group_mutex, LockClass::arm_smmu_asid_lock}));
  // Unbinding a host driver: the device lock, its users' exclusion, the group mutex (the driver
  // stops using the default domain).
  EXPECT_EQ(m.classes({.kind = OpKind::Unbind, .device = "pf.vf1"}),
            (S{LockClass::device_lock, LockClass::driver_in_use, LockClass::iommu_group_mutex}));
  // echo identity > iommu_group/type: the group mutex only (iommu_group_store_type), and the
  // SMMU's asid_lock for the attach; not the device lock.
  EXPECT_EQ(m.classes({.kind = OpKind::GroupSetType, .device = "pf", .type = "identity"}),
            (S{LockClass::iommu_group_mutex}))
      << "refused with -EPERM before the attach: the PF's driver uses the group";
  // echo 0 > sriov_numvfs: the PF's device lock, pci_rescan_remove_lock, each VF's device lock
  // and, for the VFIO one, VFIO's locks down to the SMMU.
  const S disable = m.classes({.kind = OpKind::SriovDisable, .device = "pf"});
  for (LockClass c : {LockClass::device_lock, LockClass::pci_rescan_remove_lock, LockClass::vfio_group_lock,
                      LockClass::vfio_group_group_lock, LockClass::vfio_container_group_lock, LockClass::vfio_iommu_lock,
                      LockClass::iommu_group_mutex, LockClass::arm_smmu_asid_lock})
    EXPECT_TRUE(disable.count(c)) << kernel::name(c);
  // echo 1 > remove: pci_stop_and_remove_bus_device_locked.
  EXPECT_TRUE(m.classes({.kind = OpKind::Remove, .device = "pf.vf1"}).count(LockClass::pci_rescan_remove_lock));
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
}  // namespace atslab::sim
