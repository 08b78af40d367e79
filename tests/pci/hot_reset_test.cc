// VFIO_DEVICE_PCI_HOT_RESET on scenarios/vfio-hot-reset.yaml: vfio_pci_ioctl_pci_hot_reset's and
// vfio_pci_dev_set_hot_reset's checks and return codes (drivers/vfio/pci/vfio_pci_core.c, the same
// in 6.12.118 and the 2026 tree), pci_reset_bus's order (drivers/pci/pci.c: pci_try_reset_bus:
// trylock, save and disable each device, the bridge's Secondary Bus Reset, restore each), and what
// it does to ATS: no pci_dev_reset_iommu_prepare/done on either core, so the functions stay on their
// domains with ATS Enable cleared by the reset until pci_restore_ats_state sets it again.
#include <gtest/gtest.h>

#include <algorithm>

#include "check/invariants.h"
#include "hw/pcie/atc.h"
#include "hw/pcie/regs.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/preempt.h"
#include "linux/pci/access.h"
#include "linux/pci/reset_bus.h"
#include "linux/vfio/device_cdev.h"
#include "linux/vfio/pci_core.h"
#include "linux/vfio/vfio.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hdr = hw::pcie::hdr;

struct HotReset {
  explicit HotReset(policy::AtsVariant v = policy::AtsVariant::FailEarly, bool reset_iommu = true)
      : sc(load(reset_iommu)), s(boot_machine(sc, v, ctx, 1, "")) {}
  static io::Scenario load(bool reset_iommu) {
    io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/vfio-hot-reset.yaml");
    sc.pci_dev_reset_iommu = reset_iommu;
    return sc;
  }
  int run(const Op& op) { return run_op(s, ctx, op); }
  // fn0 and fn1 on vfio-pci, fn0's group in container c0 (type1, 4 pages mapped) and, with
  // `both`, fn1's too; each function's ATC filled by a DMA through ATS.
  void vm(bool both = true) {
    ASSERT_EQ(run({.kind = OpKind::Bind, .device = "fn0", .driver = "vfio-pci"}), 0);
    ASSERT_EQ(run({.kind = OpKind::Bind, .device = "fn1", .driver = "vfio-pci"}), 0);
    ASSERT_EQ(run({.kind = OpKind::VfioSetContainer, .device = "fn0", .container = "c0"}), 0);
    ASSERT_EQ(run({.kind = OpKind::VfioSetIommu, .container = "c0"}), 0);
    ASSERT_EQ(run({.kind = OpKind::VfioMap, .container = "c0", .count = 4}), 0);
    ASSERT_EQ(run({.kind = OpKind::DeviceDma, .device = "fn0", .iova = OpContext::kIovaBase, .write = true}), 0);
    if (!both) return;
    ASSERT_EQ(run({.kind = OpKind::VfioSetContainer, .device = "fn1", .container = "c0"}), 0);
    ASSERT_EQ(run({.kind = OpKind::DeviceDma, .device = "fn1", .iova = OpContext::kIovaBase, .write = true}), 0);
  }
  pci::DevId dev(const std::string& name) { return *resolve(s, ctx, name); }
  hw::pcie::Function& fn(const std::string& name) { return s.hw.pcie.fn(s.kernel.devs[dev(name)].fn); }
  bool hw_ats(const std::string& name) { return hw::pcie::ats_control(fn(name).cfg).enabled; }
  iommu::DomainId domain(const std::string& name) { return iommu::group(s, iommu::group_of(s, dev(name))).domain; }
  // The config writes to `name` from event `from` on: (event index, offset).
  std::vector<std::pair<size_t, int64_t>> writes(pci::DevId d, size_t from) {
    std::vector<std::pair<size_t, int64_t>> out;
    for (size_t i = from; i < s.record.events.size(); ++i)
      if (s.record.events[i].kind == kernel::EventKind::ConfigWrite && s.record.events[i].dev == d)
        out.emplace_back(i, s.record.events[i].a);
    return out;
  }
  size_t count(kernel::EventKind k, size_t from) {
    return static_cast<size_t>(std::count_if(s.record.events.begin() + static_cast<std::ptrdiff_t>(from), s.record.events.end(),
                                             [k](const kernel::Event& e) { return e.kind == k; }));
  }
  // The return of the last operation another CPU ran inside one.
  int64_t nested_ret() {
    auto end = std::find_if(s.record.events.rbegin(), s.record.events.rend(),
                            [](const kernel::Event& e) { return e.kind == kernel::EventKind::InterleaveEnd; });
    EXPECT_NE(end, s.record.events.rend());
    return end == s.record.events.rend() ? 1 : end->a;
  }
  std::vector<int> violated() {
    check::Monitor mon;
    mon.step(s, "after");
    std::vector<int> out;
    for (const auto& v : mon.all()) out.push_back(v.invariant);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  io::Scenario sc;
  OpContext ctx;
  System s;
};

const Op kHotReset{.kind = OpKind::VfioHotReset, .device = "fn0"};

TEST(VfioHotReset, ResetsEveryFunctionOnTheBusAndRestoresTheirAts) {
  HotReset m;
  m.vm();
  ASSERT_FALSE(m.fn("fn0").atc.entries.empty());
  ASSERT_FALSE(m.fn("fn1").atc.entries.empty());
  const iommu::DomainId d0 = m.domain("fn0"), d1 = m.domain("fn1");
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(m.run(kHotReset), 0);
  // The Secondary Bus Reset emptied both ATCs; pci_restore_ats_state set ATS Enable again.
  EXPECT_TRUE(m.fn("fn0").atc.entries.empty());
  EXPECT_TRUE(m.fn("fn1").atc.entries.empty());
  EXPECT_TRUE(m.hw_ats("fn0"));
  EXPECT_TRUE(m.hw_ats("fn1"));
  EXPECT_EQ(m.domain("fn0"), d0);
  EXPECT_EQ(m.domain("fn1"), d1);
  const pci::DevId rp0 = m.s.kernel.devs[m.dev("fn0")].bus_self;
  const auto bridge = m.writes(rp0, from);
  ASSERT_EQ(bridge.size(), 2u) << "Secondary Bus Reset asserted, then released";
  EXPECT_EQ(bridge[0].second, hdr::kBridgeControl);
  EXPECT_EQ(bridge[1].second, hdr::kBridgeControl);
  EXPECT_TRUE(m.s.record.warnings.empty());
  EXPECT_TRUE(m.violated().empty());
  EXPECT_EQ(m.run({.kind = OpKind::DeviceDma, .device = "fn1", .iova = OpContext::kIovaBase, .write = true}), 0);
}

TEST(VfioHotReset, APfsVfsOnItsBusAreRestoredWithItUnlikeAfterThePfsFlr) {
  // The VFs are on the PF's bus (offset 1, stride 1): pci_bus_save_and_disable_locked saves them
  // and pci_bus_restore_locked restores them after the PF, whose restore set VF Enable again, so
  // their ATS Enable comes back. A PF's own FLR restores the PF alone (finding 21).
  for (const bool reset_iommu : {true, false}) {
    HotReset m(policy::AtsVariant::FailEarly, reset_iommu);
    ASSERT_EQ(m.run({.kind = OpKind::Unbind, .device = "nic"}), 0);
    ASSERT_EQ(m.run({.kind = OpKind::Bind, .device = "nic", .driver = "vfio-pci"}), 0);
    ASSERT_EQ(m.run({.kind = OpKind::SriovEnable, .device = "nic", .count = 2}), 0);
    for (const char* n : {"nic", "nic.vf0", "nic.vf1"}) {
      if (std::string(n) != "nic") {
        m.run({.kind = OpKind::Unbind, .device = n});  // whatever bound at creation (-ENODEV if none)
        ASSERT_EQ(m.run({.kind = OpKind::Bind, .device = n, .driver = "vfio-pci"}), 0);
      }
      ASSERT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = n, .container = "c2"}), 0) << n;
      if (std::string(n) == "nic") {
        ASSERT_EQ(m.run({.kind = OpKind::VfioSetIommu, .container = "c2"}), 0);
      }
    }
    ASSERT_TRUE(m.hw_ats("nic.vf0"));
    ASSERT_EQ(m.run({.kind = OpKind::VfioHotReset, .device = "nic.vf0"}), 0);
    EXPECT_TRUE(m.hw_ats("nic"));
    EXPECT_TRUE(m.hw_ats("nic.vf0"));
    EXPECT_TRUE(m.hw_ats("nic.vf1"));
    EXPECT_TRUE(m.violated().empty()) << reset_iommu;
  }
}

TEST(VfioHotReset, TakesTheDevSetLockTheMemoryLocksAndEveryDeviceLockOnTheBus) {
  // vfio_pci_dev_set_hot_reset: dev_set->lock, each device's memory_lock (trylock); pci_bus_trylock:
  // the bridge's device lock, then each function's.
  HotReset m;
  m.vm();
  const pci::DevId f0 = m.dev("fn0"), f1 = m.dev("fn1"), rp0 = m.s.kernel.devs[f0].bus_self;
  kernel::LockTrace trace;
  ASSERT_EQ(m.run(kHotReset), 0);
  using kernel::LockClass;
  const std::vector<kernel::HeldLock> expected = {
      {LockClass::vfio_dev_set_lock, vfio::dev_set_of(m.s, f0)},
      {LockClass::vfio_pci_memory_lock, f0},
      {LockClass::vfio_pci_memory_lock, f1},
      {LockClass::device_lock, rp0},
      {LockClass::device_lock, f0},
      {LockClass::device_lock, f1}};
  EXPECT_EQ(trace.taken(), expected);
}

TEST(VfioHotReset, SavesAndDisablesEachFunctionThenResetsTheBusThenRestoresEach) {
  // pci_try_reset_bus: pci_bus_save_and_disable_locked (each device's Command register written
  // last), pci_bridge_secondary_bus_reset, pci_bus_restore_locked (each device's ATS Control among
  // its restore), in bus->devices' order.
  HotReset m;
  m.vm();
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(m.run(kHotReset), 0);
  const pci::DevId f0 = m.dev("fn0"), f1 = m.dev("fn1"), rp0 = m.s.kernel.devs[f0].bus_self;
  auto first_write = [&](pci::DevId d, int64_t off) {
    for (const auto& [i, o] : m.writes(d, from))
      if (o == off) return i;
    return SIZE_MAX;
  };
  const uint16_t ats0 = m.fn("fn0").cfg.ats_cap_offset(), ats1 = m.fn("fn1").cfg.ats_cap_offset();
  const size_t disable0 = first_write(f0, hdr::kCommand), disable1 = first_write(f1, hdr::kCommand);
  const size_t sbr = first_write(rp0, hdr::kBridgeControl);
  const size_t restore0 = first_write(f0, ats0 + hw::pcie::ats::kCtrl), restore1 = first_write(f1, ats1 + hw::pcie::ats::kCtrl);
  ASSERT_NE(restore0, SIZE_MAX);
  ASSERT_NE(restore1, SIZE_MAX);
  EXPECT_LT(disable0, disable1);
  EXPECT_LT(disable1, sbr);
  EXPECT_LT(sbr, restore0);
  EXPECT_LT(restore0, restore1);
}

TEST(VfioHotReset, NoIommuStepOnEitherCore) {
  // Unlike every reset method of one function on the 2026 core, pci_reset_bus calls no
  // pci_dev_reset_iommu_prepare/done (7.2.13's drivers/pci/pci.c: pci_try_reset_bus): no attach
  // to the blocking domain and back, the functions' STEs keep EATS through the reset.
  for (const bool reset_iommu : {true, false}) {
    HotReset m(policy::AtsVariant::FailEarly, reset_iommu);
    m.vm();
    size_t from = m.s.record.events.size();
    ASSERT_EQ(m.run(kHotReset), 0);
    EXPECT_EQ(m.count(kernel::EventKind::AttachPrepareBegin, from), 0u) << reset_iommu;
    EXPECT_EQ(m.s.kernel.iommu.devs.at(m.dev("fn0")).reset_depth, 0);
    // VFIO_DEVICE_RESET's FLR, beside it, parks the function on the 2026 core only.
    from = m.s.record.events.size();
    ASSERT_EQ(m.run({.kind = OpKind::VfioReset, .device = "fn0"}), 0);
    EXPECT_EQ(m.count(kernel::EventKind::AttachPrepareBegin, from) > 0, reset_iommu);
  }
}

TEST(VfioHotReset, EinvalWhileADeviceOfTheDevSetIsInNoGroupTheCallerPasses) {
  // vfio_dev_in_groups: fn1 is on vfio-pci (in fn0's dev_set) but its group is not in the VM.
  HotReset m;
  m.vm(/*both=*/false);
  const size_t from = m.s.record.events.size();
  EXPECT_EQ(m.run(kHotReset), -EINVAL);
  EXPECT_TRUE(m.writes(m.s.kernel.devs[m.dev("fn0")].bus_self, from).empty()) << "no reset";
  EXPECT_TRUE(m.hw_ats("fn0"));
}

TEST(VfioHotReset, EinvalWhenADeviceTheResetReachesIsNotInTheDevSet) {
  // vfio_pci_dev_set_resettable: every device on the bus must be on vfio-pci. nic.vf0's PF is on
  // its host driver; fn1 unbound leaves fn0 alone in its dev_set with fn1 still on the bus.
  HotReset m;
  ASSERT_EQ(m.run({.kind = OpKind::SriovEnable, .device = "nic", .count = 2}), 0);
  m.run({.kind = OpKind::Unbind, .device = "nic.vf0"});
  ASSERT_EQ(m.run({.kind = OpKind::Bind, .device = "nic.vf0", .driver = "vfio-pci"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "nic.vf0", .container = "c2"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetIommu, .container = "c2"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::VfioHotReset, .device = "nic.vf0"}), -EINVAL);
  m.vm();
  ASSERT_EQ(m.run({.kind = OpKind::VfioUnsetContainer, .device = "fn1"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::Unbind, .device = "fn1"}), 0);
  EXPECT_EQ(m.run(kHotReset), -EINVAL);
}

TEST(VfioHotReset, EnodevWithoutABusReset) {
  // pci_probe_reset_bus: a root bus has no bridge (igpu, an integrated endpoint); nor does a bus
  // whose bridge or any device has PCI_DEV_FLAGS_NO_BUS_RESET.
  HotReset m;
  ASSERT_EQ(m.run({.kind = OpKind::Bind, .device = "igpu", .driver = "vfio-pci"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "igpu", .container = "c1"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetIommu, .container = "c1"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::VfioHotReset, .device = "igpu"}), -ENODEV);
  m.vm();
  m.s.kernel.devs[m.dev("fn1")].dev_flags |= pci::kDevFlagsNoBusReset;
  EXPECT_EQ(m.run(kHotReset), -ENODEV);
  m.s.kernel.devs[m.dev("fn1")].dev_flags = 0;
  m.s.kernel.devs[m.s.kernel.devs[m.dev("fn0")].bus_self].dev_flags |= pci::kDevFlagsNoBusReset;
  EXPECT_EQ(m.run(kHotReset), -ENODEV);
}

TEST(VfioHotReset, TheCountMustMatchTheKindOfFd) {
  // A zero-length array only on a cdev fd; no more group fds than devices reached.
  HotReset m;
  m.vm();
  const vfio::VfioGroupId g0 = vfio::open_group(m.s, m.dev("fn0")), g1 = vfio::open_group(m.s, m.dev("fn1"));
  EXPECT_EQ(vfio::pci_hot_reset(m.s, m.dev("fn0"), {}), -EINVAL);
  EXPECT_EQ(vfio::pci_hot_reset(m.s, m.dev("fn0"), {g0, g1, g0}), -EINVAL) << "3 fds, 2 devices";
  EXPECT_EQ(vfio::pci_hot_reset(m.s, m.dev("fn0"), {g0, g1}), 0);
}

TEST(VfioHotReset, OnACdevFdTheIommufdContextOwnsTheDevices) {
  // vfio_iommufd_get_dev_id: each device bound to the fd's context, or in a group with one that is.
  HotReset m;
  ASSERT_EQ(m.run({.kind = OpKind::Bind, .device = "fn0", .driver = "vfio-pci"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::Bind, .device = "fn1", .driver = "vfio-pci"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "fn0"}), 0);
  EXPECT_EQ(m.run(kHotReset), -EINVAL) << "fn1 is bound to no context and alone in its group";
  EXPECT_EQ(vfio::pci_hot_reset(m.s, m.dev("fn0"), {0}), -EINVAL) << "a count on a cdev fd";
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "fn1"}), 0);
  EXPECT_EQ(m.run(kHotReset), 0);
}

TEST(VfioHotReset, EbusyWhileVfioDeviceResetHoldsAMemoryLock) {
  // down_write_trylock(&vdev->memory_lock) fails for fn1, whose VFIO_DEVICE_RESET (on another
  // thread) holds it across its FLR.
  HotReset m;
  m.vm();
  Op reset{.kind = OpKind::VfioReset, .device = "fn1"};
  reset.nested.push_back({.at = kernel::PreemptPoint::FlrWait, .op = kHotReset});
  ASSERT_EQ(m.run(reset), 0);
  EXPECT_EQ(m.ctx.nested_runs, 1u);
  EXPECT_EQ(m.nested_ret(), -EBUSY);
}

TEST(VfioHotReset, EagainWhenADeviceLockOnTheBusIsTaken) {
  // pci_bus_trylock: fn1's sysfs reset (pci_reset_function) holds rp0's and fn1's device locks.
  HotReset m;
  m.vm();
  Op reset{.kind = OpKind::Reset, .device = "fn1"};
  reset.nested.push_back({.at = kernel::PreemptPoint::FlrWait, .op = kHotReset});
  ASSERT_EQ(m.run(reset), 0);
  EXPECT_EQ(m.ctx.nested_runs, 1u);
  EXPECT_EQ(m.nested_ret(), -EAGAIN);
}

TEST(VfioHotReset, AVfioDeviceResetCannotRunDuringIt) {
  // VFIO_DEVICE_RESET's down_write of memory_lock sleeps until the hot reset is done.
  HotReset m;
  m.vm();
  Op hot = kHotReset;
  hot.nested.push_back({.at = kernel::PreemptPoint::ResetWait, .op = {.kind = OpKind::VfioReset, .device = "fn1"}});
  EXPECT_THROW(m.run(hot), NestingRefused);
}

TEST(VfioHotReset, AnUnmapDuringTheSecondaryBusResetSendsAtcInvToFunctionsWhoseAtsItCleared) {
  // The container's VFIO_IOMMU_UNMAP_DMA on another thread takes none of the hot reset's locks
  // (type1's vfio_iommu->lock): at the Secondary Bus Reset's wait both functions have ATS Enable
  // clear while their STEs keep EATS and every design's invalidation still lists them: ATC_INV to
  // each (23), on either core. The PCIe r6.0 sec 10.3.1 implementation note 2026's prepare cites.
  for (const bool reset_iommu : {true, false}) {
    for (const auto v : policy::kAllVariants) {
      HotReset m(v, reset_iommu);
      m.vm();
      Op hot = kHotReset;
      hot.nested.push_back({.at = kernel::PreemptPoint::ResetWait, .op = {.kind = OpKind::VfioUnmap, .container = "c0"}});
      const size_t from = m.s.record.events.size();
      ASSERT_EQ(m.run(hot), 0);
      EXPECT_EQ(m.ctx.nested_runs, 1u);
      EXPECT_EQ(m.count(kernel::EventKind::AtcInvToAtsDisabled, from), 2u) << policy::name(v) << " " << reset_iommu;
      EXPECT_EQ(m.violated(), std::vector<int>{23}) << policy::name(v) << " " << reset_iommu;
      EXPECT_TRUE(m.s.record.warnings.empty());
      EXPECT_TRUE(m.hw_ats("fn0"));
      EXPECT_TRUE(m.hw_ats("fn1"));
    }
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
