// The 2026 IOMMU core's reset handling (drivers/iommu/iommu.c, pci_dev_reset_iommu_prepare /
// _done, called from pcie_flr): the device waits out its FLR on the group's blocking domain,
// group->domain kept, and is attached back to whatever group->domain is afterwards; a domain
// change that may fail is -EBUSY meanwhile, a must-succeed one skips the device. 6.12 has none
// of it (kernel.iommu.pci_dev_reset_iommu: false).
#include <gtest/gtest.h>

#include <algorithm>

#include "check/invariants.h"
#include "hw/pcie/atc.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/preempt.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

struct Machine {
  Machine(const char* scenario, policy::AtsVariant v, bool reset_iommu = true)
      : sc(load(scenario, reset_iommu)), s(boot_machine(sc, v, ctx, 1, "")) {
    EXPECT_EQ(run(OpKind::SriovEnable, "pf", 2), 0);
  }
  static io::Scenario load(const char* scenario, bool reset_iommu) {
    io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + scenario);
    sc.pci_dev_reset_iommu = reset_iommu;
    return sc;
  }
  int run(OpKind k, const std::string& dev, uint32_t count = 1) { return run_op(s, ctx, {.kind = k, .device = dev, .count = count}); }
  // pf.vf0 bound to vfio-pci, its group in container c0 with type1 set: a VM's device.
  void give_vf0_to_vfio() {
    run_op(s, ctx, {.kind = OpKind::Unbind, .device = "pf.vf0"});  // whatever bound at creation (-ENODEV if none)
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = "pf.vf0", .container = "c0"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetIommu, .container = "c0"}), 0);
  }
  pci::DevId dev(const std::string& name) { return *resolve(s, ctx, name); }
  const iommu::Group& group(const std::string& name) { return iommu::group(s, iommu::group_of(s, dev(name))); }
  bool hw_ats(const std::string& name) { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[dev(name)].fn).cfg).enabled; }
  std::vector<check::Violation> violations() {
    check::Monitor mon;
    mon.step(s, "after");
    return mon.all();
  }
  io::Scenario sc;
  OpContext ctx;
  System s;
};

// What the core and the device look like while the FLR is in progress.
struct DuringFlr {
  bool blocked = false, ats_belief = false, hw_ats = false;
  int recovery_cnt = -1;
  iommu::DomainId domain = iommu::kNoDomain;
};

DuringFlr watch(Machine& m, const Op& reset) {
  DuringFlr seen;
  kernel::ScopedPreemptHook hook([&](System& s, kernel::PreemptPoint p) {
    if (p != kernel::PreemptPoint::FlrWait) return;
    const pci::DevId d = m.dev("pf.vf0");
    const auto& g = iommu::group(s, iommu::group_of(s, d));
    seen = {s.kernel.iommu.devs[d].blocked, s.kernel.devs[d].ats_enabled,
            hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[d].fn).cfg).enabled, g.recovery_cnt, g.domain};
  });
  EXPECT_EQ(run_op(m.s, m.ctx, reset), 0);
  return seen;
}

TEST(IommuReset, TheDeviceWaitsOnTheBlockingDomainAndGoesBackToItsOwn) {
  Machine m("explore-small.yaml", policy::AtsVariant::FailEarly);
  m.give_vf0_to_vfio();
  const iommu::DomainId vfio_domain = m.group("pf.vf0").domain;
  ASSERT_TRUE(m.hw_ats("pf.vf0"));
  const DuringFlr seen = watch(m, {.kind = OpKind::VfioReset, .device = "pf.vf0"});
  EXPECT_TRUE(seen.blocked);
  EXPECT_EQ(seen.recovery_cnt, 1);
  EXPECT_EQ(seen.domain, vfio_domain) << "group->domain is kept across the reset";
  EXPECT_FALSE(seen.ats_belief) << "the blocked attach disabled ATS before the FLR";
  EXPECT_FALSE(seen.hw_ats);
  EXPECT_FALSE(m.s.kernel.iommu.devs[m.dev("pf.vf0")].blocked);
  EXPECT_EQ(m.group("pf.vf0").recovery_cnt, 0);
  EXPECT_TRUE(m.hw_ats("pf.vf0")) << "the attach back to the VFIO domain enabled ATS again";
  EXPECT_TRUE(m.s.record.warnings.empty());
  EXPECT_TRUE(m.violations().empty());
}

TEST(IommuReset, On612TheIommuDoesNotSeeTheReset) {
  // No pci_dev_reset_iommu_prepare: the STE keeps EATS and the kernel keeps believing ATS is on
  // while the FLR has cleared it; pci_restore_ats_state turns it on again afterwards.
  Machine m("explore-small.yaml", policy::AtsVariant::FailEarly, /*reset_iommu=*/false);
  m.give_vf0_to_vfio();
  const DuringFlr seen = watch(m, {.kind = OpKind::VfioReset, .device = "pf.vf0"});
  EXPECT_FALSE(seen.blocked);
  EXPECT_EQ(seen.recovery_cnt, 0);
  EXPECT_TRUE(seen.ats_belief);
  EXPECT_FALSE(seen.hw_ats);
  EXPECT_TRUE(m.hw_ats("pf.vf0"));
  EXPECT_TRUE(m.s.record.warnings.empty());
  EXPECT_TRUE(m.violations().empty());
}

TEST(IommuReset, AFailableDomainChangeIsEbusyDuringTheReset) {
  // __iommu_group_set_domain_internal refuses while recovery_cnt is raised: a kernel driver's
  // iommu_attach_group on the group of a function being reset through sysfs.
  Machine m("explore-small.yaml", policy::AtsVariant::FailEarly);
  Op reset{.kind = OpKind::Reset, .device = "pf.vf0"};
  reset.nested.push_back({.at = kernel::PreemptPoint::FlrWait, .op = {.kind = OpKind::AttachOwnDomain, .device = "pf.vf0"}});
  ASSERT_EQ(run_op(m.s, m.ctx, reset), 0);
  auto end = std::find_if(m.s.record.events.rbegin(), m.s.record.events.rend(),
                          [](const kernel::Event& e) { return e.kind == kernel::EventKind::InterleaveEnd; });
  ASSERT_NE(end, m.s.record.events.rend());
  EXPECT_EQ(end->a, -EBUSY);
  EXPECT_EQ(m.group("pf.vf0").domain, m.group("pf.vf0").default_domain);
  EXPECT_TRUE(m.violations().empty());
}

TEST(IommuReset, AMustSucceedChangeSkipsTheDeviceAndDoneAttachesItToTheNewDomain) {
  // VFIO lets go of the group while its device is in FLR: the detach to the blocking domain
  // and the release to the default domain are must-succeed and pass over the blocked device;
  // pci_dev_reset_iommu_done then attaches it to group->domain as it is now, the default one.
  Machine m("explore-small.yaml", policy::AtsVariant::FailEarly);
  m.give_vf0_to_vfio();
  Op reset{.kind = OpKind::Reset, .device = "pf.vf0"};
  reset.nested.push_back({.at = kernel::PreemptPoint::FlrWait, .op = {.kind = OpKind::VfioUnsetContainer, .device = "pf.vf0"}});
  ASSERT_EQ(run_op(m.s, m.ctx, reset), 0);
  EXPECT_EQ(m.ctx.nested_runs, 1u);
  EXPECT_EQ(m.group("pf.vf0").domain, m.group("pf.vf0").default_domain);
  EXPECT_TRUE(m.hw_ats("pf.vf0"));
  EXPECT_TRUE(m.s.record.warnings.empty());
  const auto v = m.violations();
  EXPECT_TRUE(v.empty()) << v.front().detail;
}

TEST(IommuReset, UnderUpstreamAFailedEnableOnTheWayBackIsTheSeedsWarnAtTheNextReset) {
  // The attach back to the VFIO domain fails pci_enable_ats: upstream logs it and records
  // master->ats_enabled anyway (the seed's state). The next reset's blocked attach then disables
  // an ATS that never came on: WARN_ON(!dev->ats_enabled) in pci_disable_ats, called from
  // pci_dev_reset_iommu_prepare under VFIO_DEVICE_RESET.
  Machine m("explore-small.yaml", policy::AtsVariant::Upstream);
  m.give_vf0_to_vfio();
  const size_t lines = m.s.record.log.size();
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioReset, .device = "pf.vf0", .fault = "pci_enable_ats"}), 0);
  bool failed = false;
  for (size_t i = lines; i < m.s.record.log.size(); ++i) failed |= m.s.record.log[i].text.find("Failed to enable ATS") != std::string::npos;
  EXPECT_TRUE(failed);
  EXPECT_TRUE(m.s.record.warnings.empty());
  EXPECT_FALSE(m.hw_ats("pf.vf0"));
  ASSERT_EQ(m.run(OpKind::VfioReset, "pf.vf0"), 0);
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings.back();
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  for (kernel::KFn f : {kernel::KFn::pci_dev_reset_iommu_prepare, kernel::KFn::pcie_flr, kernel::KFn::pci_try_reset_function,
                        kernel::KFn::vfio_pci_core_ioctl})
    EXPECT_NE(std::find(w.call_trace.begin(), w.call_trace.end(), f), w.call_trace.end()) << kernel::name(f);
  EXPECT_TRUE(m.hw_ats("pf.vf0")) << "this time the attach back enables ATS";

  // 6.12's reset never calls the driver: the failed enable cannot happen there.
  Machine old("explore-small.yaml", policy::AtsVariant::Upstream, /*reset_iommu=*/false);
  old.give_vf0_to_vfio();
  ASSERT_EQ(run_op(old.s, old.ctx, {.kind = OpKind::VfioReset, .device = "pf.vf0", .fault = "pci_enable_ats"}), 0);
  ASSERT_EQ(old.run(OpKind::VfioReset, "pf.vf0"), 0);
  EXPECT_TRUE(old.s.record.warnings.empty());
  EXPECT_TRUE(old.hw_ats("pf.vf0"));
}

TEST(IommuReset, TheCorePassesOverAFunctionWhoseAtsIsNotSupported) {
  // The seed's E2000 VF: its FINAL quirk cleared ats_cap after its probe, so pci_ats_supported()
  // is false by the time it is reset and both prepare and done return at once, whatever the
  // driver believes about it (upstream: master->ats_enabled set from the failed enable).
  Machine m("seed.yaml", policy::AtsVariant::Upstream);
  m.give_vf0_to_vfio();
  const size_t warns = m.s.record.warnings.size();
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(m.run(OpKind::VfioReset, "pf.vf0"), 0);
  EXPECT_EQ(m.s.record.warnings.size(), warns);
  for (size_t i = from; i < m.s.record.events.size(); ++i)
    EXPECT_NE(m.s.record.events[i].kind, kernel::EventKind::AttachPrepareBegin) << "no attach: the core did nothing";
}

TEST(IommuReset, VfioResetNeedsADeviceFdAndResetWorks) {
  Machine m("explore-small.yaml", policy::AtsVariant::FailEarly);
  EXPECT_EQ(m.run(OpKind::VfioReset, "pf.vf0"), -ENODEV) << "not bound to vfio-pci";
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), 0);
  EXPECT_EQ(m.run(OpKind::VfioReset, "pf.vf0"), -EINVAL) << "no container: VFIO_GROUP_GET_DEVICE_FD refuses";
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioSetContainer, .device = "pf.vf0", .container = "c0"}), 0);
  EXPECT_EQ(m.run(OpKind::VfioReset, "pf.vf0"), -EINVAL) << "no VFIO_SET_IOMMU yet (vfio_group_use_container)";
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioSetIommu, .container = "c0"}), 0);
  EXPECT_EQ(m.run(OpKind::VfioReset, "pf.vf0"), 0);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
