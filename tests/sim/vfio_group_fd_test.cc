// The group path's device fd (issue 18, "Groups" and "Reset"), pinned against drivers/vfio/group.c
// (vfio_group_ioctl_get_device_fd, vfio_df_group_open/close, vfio_group_ioctl_unset_container),
// container.c (vfio_group_use_container), vfio_main.c (vfio_df_open/close and open_count,
// vfio_df_device_first_open / last_close) and vfio_pci_core.c (vfio_pci_core_enable/disable):
// each return code, which open and which close reset the function, and what the close's reset does
// to ATS under each design while the group is on type1's domain.
#include <gtest/gtest.h>

#include <algorithm>

#include "hw/pcie/atc.h"
#include "hw/pcie/regs.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/kfunc.h"
#include "linux/kernel/locks.h"
#include "linux/vfio/group_device.h"
#include "linux/smmuv3/rcu.h"
#include "sim/canonical.h"
#include "sim/explore.h"
#include "sim/footprint.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"
#include "sim/stress.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::KFn;
using policy::AtsVariant;

// group-fd.yaml's machine: fn0 and fn1, two functions without ACS in one IOMMU group, both on
// vfio-pci. The plan's rule never fires; it makes the injector count pci_enable_ats() calls.
struct Group {
  explicit Group(AtsVariant v = AtsVariant::Upstream, bool reset_iommu = true)
      : sc(load(reset_iommu)), s(boot_machine(sc, v, ctx, 1, "pci_enable_ats:nth=1000000")) {}
  static io::Scenario load(bool reset_iommu) {
    io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/group-fd.yaml");
    sc.pci_dev_reset_iommu = reset_iommu;
    return sc;
  }
  io::Scenario sc;
  OpContext ctx;
  System s;
  int run(OpKind k, const char* dev, std::string fault = "") {
    return run_op(s, ctx, {.kind = k, .device = dev, .fault = std::move(fault)});
  }
  int open(const char* dev, std::string fault = "") { return run(OpKind::VfioOpenDevice, dev, std::move(fault)); }
  int close(const char* dev, std::string fault = "") { return run(OpKind::VfioCloseDevice, dev, std::move(fault)); }
  // The VM's start as QEMU does it: the group into c0, type1 set, 4 pages mapped.
  void started() {
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = "fn0", .container = "c0"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetIommu, .container = "c0"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioMap, .container = "c0", .count = 4, .iova = OpContext::kIovaBase}), 0);
  }
  pci::DevId dev(const char* name) { return *resolve(s, ctx, name); }
  const iommu::Group& group() { return iommu::group(s, iommu::group_of(s, dev("fn0"))); }
  iommu::DomainId type1_domain() { return s.kernel.vfio.containers.at(ctx.containers.at("c0")).domains.at(0).domain; }
  bool hw_ats(const char* name) { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[dev(name)].fn).cfg).enabled; }
  bool belief(const char* name) { return s.kernel.smmuv3.masters.at(s.kernel.smmuv3.master_of.at(dev(name))).ats_enabled; }
  uint32_t enables() const { return s.faults.calls[static_cast<size_t>(faults::Point::PciEnableAts)]; }
  // FLRs the named function received since event `from` (Initiate Function Level Reset written).
  size_t flrs_since(const char* name, size_t from) {
    size_t n = 0;
    const hw::pcie::FnId fn = s.kernel.devs[dev(name)].fn;
    const uint16_t devctl = s.kernel.devs[dev(name)].pcie_cap + hw::pcie::exp::kDevCtl;
    for (size_t i = from; i < s.record.events.size(); ++i) {
      const auto& e = s.record.events[i];
      n += e.kind == kernel::EventKind::ConfigWrite && e.dev == fn && e.a == devctl && (e.b & hw::pcie::exp::kDevCtlBcrFlr);
    }
    return n;
  }
  // The SMMUv3 attaches (commits) of the named device since event `from`.
  size_t commits_since(const char* name, size_t from) {
    size_t n = 0;
    for (size_t i = from; i < s.record.events.size(); ++i)
      n += s.record.events[i].kind == kernel::EventKind::AttachCommitEnd && s.record.events[i].dev == dev(name);
    return n;
  }
};

bool traced(const kernel::Warning& w, KFn f) { return std::find(w.call_trace.begin(), w.call_trace.end(), f) != w.call_trace.end(); }

TEST(VfioGroupFd, GetDeviceFdAnswersAsTheKernelDoes) {
  Group m;
  // vfio_df_group_open: !vfio_group_has_iommu.
  EXPECT_EQ(m.open("fn0"), -EINVAL) << "the group is in no container";
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioSetContainer, .device = "fn0", .container = "c0"}), 0);
  // vfio_group_use_container: container->iommu_driver not set.
  EXPECT_EQ(m.open("fn0"), -EINVAL) << "VFIO_SET_IOMMU not done yet";
  EXPECT_EQ(vfio::group_device_open_count(m.s, m.dev("fn0")), 0u) << "the failed first open undid open_count";
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioSetIommu, .container = "c0"}), 0);
  EXPECT_EQ(m.open("fn0"), 0);
  EXPECT_EQ(m.open("fn0"), 0) << "the group path lets a device be opened again (vfio_df_open: df->group)";
  EXPECT_EQ(vfio::group_device_open_count(m.s, m.dev("fn0")), 2u);
  EXPECT_EQ(m.close("fn1"), -EBADF) << "no fd of fn1 to close";
  EXPECT_EQ(m.close("fn0"), 0);
  EXPECT_EQ(m.close("fn0"), 0);
  EXPECT_EQ(m.close("fn0"), -EBADF);
  // vfio_device_get_from_name: a function of the group that is no vfio device.
  ASSERT_EQ(m.run(OpKind::Unbind, "fn1"), 0);
  EXPECT_EQ(m.open("fn1"), -ENODEV) << "not bound to vfio-pci: not on the group's device_list";
  EXPECT_EQ(m.open("fn0"), 0);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(VfioGroupFd, AGroupWithoutAVfioDeviceHasNoNodeToOpen) {
  Group m;
  ASSERT_EQ(m.run(OpKind::Unbind, "fn0"), 0);
  ASSERT_EQ(m.run(OpKind::Unbind, "fn1"), 0);
  EXPECT_EQ(m.open("fn0"), -ENOENT) << "/dev/vfio/N went with the group's last vfio device";
}

TEST(VfioGroupFd, OnlyTheFirstOpenAndTheLastCloseResetTheFunction) {
  Group m;
  m.started();
  size_t mark = m.s.record.events.size();
  ASSERT_EQ(m.open("fn0"), 0);
  EXPECT_EQ(m.flrs_since("fn0", mark), 1u) << "vfio_pci_core_enable's pci_try_reset_function";
  EXPECT_EQ(m.flrs_since("fn1", mark), 0u) << "a function's reset, not the group's";
  mark = m.s.record.events.size();
  ASSERT_EQ(m.open("fn0"), 0);
  EXPECT_EQ(m.flrs_since("fn0", mark), 0u) << "open_count 2: open_device is not called again";
  mark = m.s.record.events.size();
  ASSERT_EQ(m.close("fn0"), 0);
  EXPECT_EQ(m.flrs_since("fn0", mark), 0u) << "open_count 1: close_device is not called";
  mark = m.s.record.events.size();
  ASSERT_EQ(m.close("fn0"), 0);
  EXPECT_EQ(m.flrs_since("fn0", mark), 1u) << "vfio_pci_core_disable's __pci_reset_function_locked";
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(VfioGroupFd, UnsetContainerIsBusyWhileADeviceFdIsOpen) {
  Group m;
  m.started();
  ASSERT_EQ(m.open("fn1"), 0);
  // vfio_group_ioctl_unset_container: container_users != 1.
  EXPECT_EQ(m.run(OpKind::VfioUnsetContainer, "fn0"), -EBUSY);
  EXPECT_EQ(m.group().domain, m.type1_domain()) << "nothing moved";
  EXPECT_EQ(m.run(OpKind::IommufdBind, "fn0"), -EBUSY) << "vfio_device_block_group: the group is in use";
  ASSERT_EQ(m.close("fn1"), 0);
  EXPECT_EQ(m.group().domain, m.type1_domain()) << "the last close leaves the group in its container";
  EXPECT_EQ(m.run(OpKind::VfioUnsetContainer, "fn0"), 0);
  EXPECT_EQ(m.group().domain, m.group().default_domain);
}

// The close's reset runs before vfio_device_group_unuse_iommu: the group is still on type1's
// domain, and the 2026 core's pci_dev_reset_iommu_prepare/done move the function to the blocking
// domain and back through the driver's attach. On 6.12 the reset never reaches the IOMMU.
TEST(VfioGroupFd, OnThe2026CoreTheOpensAndTheClosesResetsAttachTheFunctionBackToType1sDomain) {
  Group m;
  m.started();
  size_t mark = m.s.record.events.size();
  uint32_t enables = m.enables();
  ASSERT_EQ(m.open("fn1"), 0);
  EXPECT_EQ(m.commits_since("fn1", mark), 2u) << "blocked, then back to type1's domain";
  EXPECT_EQ(m.commits_since("fn0", mark), 0u) << "the group's other member stays where it is";
  EXPECT_EQ(m.enables(), enables + 1) << "the attach back's commit-time pci_enable_ats()";
  mark = m.s.record.events.size();
  enables = m.enables();
  ASSERT_EQ(m.close("fn1"), 0);
  EXPECT_EQ(m.commits_since("fn1", mark), 2u);
  EXPECT_EQ(m.enables(), enables + 1);
  EXPECT_EQ(m.group().domain, m.type1_domain());
  EXPECT_TRUE(m.hw_ats("fn1"));
  EXPECT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::DeviceDma, .device = "fn1", .iova = OpContext::kIovaBase, .write = true}), 0);

  Group old(AtsVariant::Upstream, /*reset_iommu=*/false);
  old.started();
  mark = old.s.record.events.size();
  enables = old.enables();
  ASSERT_EQ(old.open("fn1"), 0);
  ASSERT_EQ(old.close("fn1"), 0);
  EXPECT_EQ(old.flrs_since("fn1", mark), 2u);
  EXPECT_EQ(old.commits_since("fn1", mark), 0u) << "6.12: no attach around the FLR";
  EXPECT_EQ(old.enables(), enables) << "pci_restore_ats_state writes Enable back without pci_enable_ats()";
  EXPECT_TRUE(old.hw_ats("fn1"));
}

// The close's attach back fails its pci_enable_ats() (injected), under each design; then the VM's
// UNSET_CONTAINER moves the group to its blocking domain.
TEST(VfioGroupFd, TheClosesFailedEnableUnderEachDesign) {
  for (AtsVariant v : {AtsVariant::Upstream, AtsVariant::SeriesV3, AtsVariant::FailEarly}) {
    SCOPED_TRACE(std::string(policy::name(v)));
    Group m(v);
    m.started();
    ASSERT_EQ(m.open("fn0"), 0);
    ASSERT_EQ(m.open("fn1"), 0);
    ASSERT_EQ(m.close("fn1", "pci_enable_ats"), 0) << "close() returns nothing of the reset";
    EXPECT_FALSE(m.hw_ats("fn1"));
    EXPECT_TRUE(m.belief("fn1")) << "recorded as on";
    const size_t early = v == AtsVariant::FailEarly ? 1 : 0;
    ASSERT_EQ(m.s.record.warnings.size(), early);
    if (early) {
      const auto& w = m.s.record.warnings[0];
      EXPECT_EQ(w.function, KFn::arm_smmu_enable_ats);
      EXPECT_TRUE(traced(w, KFn::pci_dev_reset_iommu_done));
      EXPECT_TRUE(traced(w, KFn::vfio_pci_core_disable));
      EXPECT_EQ(w.call_trace.back(), KFn::vfio_device_fops_release);
    }
    ASSERT_EQ(m.close("fn0"), 0);
    ASSERT_EQ(m.run(OpKind::VfioUnsetContainer, "fn0"), 0);
    ASSERT_EQ(m.s.record.warnings.size(), early + 1);
    const auto& w = m.s.record.warnings.back();
    EXPECT_EQ(w.function, KFn::pci_disable_ats) << "the seed's WARN, for fn1";
    EXPECT_TRUE(traced(w, KFn::vfio_iommu_type1_detach_group));
    EXPECT_EQ(w.call_trace.back(), KFn::vfio_group_fops_unl_ioctl);
  }
  {
    Group m(AtsVariant::VtdStyle);
    m.started();
    ASSERT_EQ(m.open("fn1"), 0);
    ASSERT_EQ(m.close("fn1", "pci_enable_ats"), 0);
    EXPECT_FALSE(m.hw_ats("fn1"));
    EXPECT_FALSE(m.belief("fn1")) << "vtd-style records the result";
    ASSERT_EQ(m.run(OpKind::VfioUnsetContainer, "fn0"), 0);
    EXPECT_TRUE(m.s.record.warnings.empty());
  }
  {
    // Rollback fails the attach back: pci_dev_reset_iommu_done WARNs and leaves fn1 on the
    // blocking domain while the core's group->domain is type1's.
    Group m(AtsVariant::Rollback);
    m.started();
    ASSERT_EQ(m.open("fn1"), 0);
    ASSERT_EQ(m.close("fn1", "pci_enable_ats"), 0);
    ASSERT_FALSE(m.s.record.warnings.empty());
    EXPECT_EQ(m.s.record.warnings[0].function, KFn::pci_dev_reset_iommu_done);
    EXPECT_EQ(m.group().domain, m.type1_domain());
    EXPECT_FALSE(m.hw_ats("fn1"));
    EXPECT_FALSE(m.belief("fn1"));
    EXPECT_NE(run_op(m.s, m.ctx, {.kind = OpKind::DeviceDma, .device = "fn1", .iova = OpContext::kIovaBase, .write = true}), 0)
        << "blocked: its DMA faults";
  }
}

// The open is the same road: GET_DEVICE_FD needs VFIO_SET_IOMMU done, so the first open's reset
// always finds the group on type1's domain.
TEST(VfioGroupFd, UpstreamTheOpensFailedEnableIsRecordedOnAndTheClosesResetMeetsTheSeedsWarn) {
  Group m(AtsVariant::Upstream);
  m.started();
  ASSERT_EQ(m.open("fn1", "pci_enable_ats"), 0) << "vfio_pci_core_enable: only -EAGAIN fails the open";
  EXPECT_FALSE(m.hw_ats("fn1"));
  EXPECT_TRUE(m.belief("fn1"));
  EXPECT_TRUE(m.s.record.warnings.empty());
  // The close's reset parks fn1 on the blocking domain: the driver, believing ATS on, calls
  // pci_disable_ats() on a function whose ATS is off (the seed's WARN, from the close), and the
  // attach back enables ATS for real: the books agree again, the WARN already paid.
  ASSERT_EQ(m.close("fn1"), 0);
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.function, KFn::pci_disable_ats);
  EXPECT_TRUE(traced(w, KFn::pci_dev_reset_iommu_prepare));
  EXPECT_TRUE(traced(w, KFn::vfio_df_group_close));
  EXPECT_TRUE(m.hw_ats("fn1"));
  EXPECT_TRUE(m.belief("fn1"));
  ASSERT_EQ(m.run(OpKind::VfioUnsetContainer, "fn0"), 0);
  EXPECT_EQ(m.s.record.warnings.size(), 1u) << "UNSET_CONTAINER's blocked attach finds the books right";
}

// vfio-pci's remove waits for the device's users: the workload's user closes its fds when asked.
// The remover holds the device lock, so the last close's pci_dev_trylock fails and the reset is
// skipped, as vfio_pci_core_disable skips it.
TEST(VfioGroupFd, UnbindingVfioPciClosesTheFdsAndTheirResetIsSkipped) {
  Group m;
  m.started();
  ASSERT_EQ(m.open("fn0"), 0);
  ASSERT_EQ(m.open("fn0"), 0);
  const size_t mark = m.s.record.events.size();
  ASSERT_EQ(m.run(OpKind::Unbind, "fn0"), 0);
  EXPECT_EQ(m.flrs_since("fn0", mark), 0u);
  EXPECT_EQ(m.close("fn0"), -EBADF) << "both fds closed";
  EXPECT_EQ(m.run(OpKind::VfioUnsetContainer, "fn1"), 0) << "no container user left but the group's own";
}

// Another CPU cannot reach the group's UNSET_CONTAINER inside the close: vfio_df_group_close holds
// the group's group_lock across vfio_pci_core_disable's reset.
TEST(VfioGroupFd, TheClosesResetHoldsTheGroupLock) {
  Group m;
  m.started();
  ASSERT_EQ(m.open("fn1"), 0);
  Op close{.kind = OpKind::VfioCloseDevice, .device = "fn1"};
  close.nested.push_back({.at = kernel::PreemptPoint::AttachAfterPrepare, .nth = 1, .op = {.kind = OpKind::VfioUnsetContainer, .device = "fn0"}});
  const auto why = nesting_refused(m.s, m.ctx, close);
  ASSERT_TRUE(why.has_value());
  EXPECT_NE(why->find("vfio_group 0 ->group_lock"), std::string::npos) << *why;
}

TEST(VfioGroupFd, TheStressWorkloadOpensTheVmsFdsAndRunsClean) {
  io::Scenario sc = Group::load(true);
  StressOptions opt;
  opt.workload = Workload::VfioGroup;
  opt.ops = 400;
  opt.seed = 1;
  const auto setup = workload_setup(Workload::VfioGroup, sc);
  EXPECT_EQ(std::count_if(setup.begin(), setup.end(), [](const Op& o) { return o.kind == OpKind::VfioOpenDevice; }), 2);
  const StressResult r = run_stress(sc, AtsVariant::FailEarly, opt);
  EXPECT_EQ(r.ops, setup.size() + 400);
  EXPECT_GT(r.ops_by_kind.count("vfio_close_device"), 0u);
  EXPECT_EQ(r.warnings, 0u) << "no fault: fail-early's enables all succeed";
}

// Partial-order reduction may swap two transitions its footprints call independent: with the
// device fds open (the scenario's first 7 operations), every such pair of the alphabet that
// group-fd.yaml's workload brings (the fd operations in it) must reach one state either way. On
// this machine (one IOMMU group) an fd operation writes the vfio_group every operation on fn0 or
// fn1 reaches, so the relation calls none of them independent of another; the pairs it does call
// independent run from the state the opened fds leave, which the operations may not disturb.
TEST(VfioGroupFd, TransitionsTheFootprintsCallIndependentCommute) {
  struct State {
    System s;
    OpContext ctx;
  };
  auto step = [](const State& from, const Op& op) {
    State to = from;
    run_op(to.s, to.ctx, op);
    smmuv3::synchronize_rcu(to.s);
    canonicalize(to.s);
    return to;
  };
  const io::Scenario sc = Group::load(true);
  State s;
  s.s = boot_machine(sc, AtsVariant::FailEarly, s.ctx, sc.seed, "");
  canonicalize(s.s);
  for (size_t i = 0; i < 7; ++i) s = step(s, sc.workload[i]);
  ASSERT_EQ(vfio::group_device_open_count(s.s, *resolve(s.s, s.ctx, "fn1")), 2u);
  const std::vector<Op> alphabet = explore_alphabet(sc, ExploreOptions{});
  ASSERT_TRUE(std::any_of(alphabet.begin(), alphabet.end(), [](const Op& o) { return o.kind == OpKind::VfioCloseDevice; }));
  std::vector<State> after;
  std::vector<Footprint> f;
  for (const Op& op : alphabet) {
    after.push_back(step(s, op));
    f.push_back(footprint(s.s, s.ctx, after.back().s, after.back().ctx, op));
  }
  size_t pairs = 0;
  for (size_t i = 0; i < alphabet.size(); ++i)
    for (size_t j = i + 1; j < alphabet.size(); ++j) {
      if (!independent(f[i], f[j])) continue;
      ++pairs;
      const State ij = step(after[i], alphabet[j]), ji = step(after[j], alphabet[i]);
      EXPECT_TRUE(ij.s == ji.s && ij.ctx.containers == ji.ctx.containers && ij.ctx.vfio_groups == ji.ctx.vfio_groups &&
                  ij.ctx.own_domains == ji.ctx.own_domains && ij.ctx.next_iova == ji.ctx.next_iova)
          << describe(alphabet[i]) << " then " << describe(alphabet[j]);
    }
  EXPECT_GT(pairs, 0u) << "the relation finds commuting operations at all";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
