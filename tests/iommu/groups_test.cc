// IOMMU groups as pci_device_group forms them (drivers/iommu/iommu.c) from the topology: a
// multi-function device whose functions lack ACS, a root port or switch downstream port without
// ACS, a PCIe-to-PCI bridge's DMA alias; and VFIO taking such a group whole (DMA ownership:
// -EPERM while a member has a kernel driver, -EBUSY for a kernel driver while VFIO owns it).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../io/scenario_text.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "hw/smmuv3/command.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/record.h"
#include "linux/system.h"
#include "sim/final_state.h"
#include "sim/path_repro.h"
#include "sim/scenario_run.h"
#include "sim/seed_repro.h"
#include "../support/repro_matches_file.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

constexpr const char* kAtsDevice = "vendor: 0x15b3, device: 0x101d, ats: {qdep: 0, page_aligned: true}";

struct Booted {
  explicit Booted(const std::string& machine, policy::AtsVariant v = policy::AtsVariant::Upstream)
      : sc(io::load_scenario(io::test::write_temp("groups.yaml", "name: groups\nmachine:\n" + machine +
                                                                   "workload: []\n"))),
        s(boot_machine(sc, v, ctx, 1, "")) {}
  pci::DevId dev(const std::string& name) { return *resolve(s, ctx, name); }
  iommu::GroupId group(const std::string& name) { return iommu::group_of(s, dev(name)); }
  // The group's members by address, as /sys/kernel/iommu_groups/N/devices lists them.
  std::vector<std::string> members(const std::string& name) {
    std::vector<std::string> out;
    for (pci::DevId d : iommu::group(s, group(name)).devices) out.push_back(s.kernel.devs[d].bdf.str());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string bdf(const std::string& name) { return s.kernel.devs[dev(name)].bdf.str(); }
  int run(const Op& op) { return run_op(s, ctx, op); }
  io::Scenario sc;
  OpContext ctx;
  System s;
};

std::string two_functions(const char* acs0, const char* acs1, const char* driver = "vfio-pci") {
  return std::string("  ports: [{name: rp0}, {name: rp1}]\n  devices:\n") +
         "    - {name: fn0, port: rp0, devfn: 0, " + acs0 + kAtsDevice + ", driver: " + driver + "}\n" +
         "    - {name: fn1, port: rp0, devfn: 1, " + acs1 + kAtsDevice + ", driver: " + driver + "}\n" +
         "    - {name: other, port: rp1, " + kAtsDevice + "}\n";
}

TEST(Groups, FunctionsOfAMultiFunctionDeviceWithAcsHaveAGroupEach) {
  Booted m(two_functions("", ""));
  EXPECT_NE(m.group("fn0"), m.group("fn1"));
  EXPECT_EQ(m.members("fn0"), std::vector<std::string>{m.bdf("fn0")});
  EXPECT_TRUE(m.s.kernel.devs[m.dev("fn0")].multifunction) << "two functions in one slot: the header says so";
}

TEST(Groups, FunctionsWithoutAcsShareOneGroupAndNothingElse) {
  Booted m(two_functions("acs: false, ", "acs: false, "));
  EXPECT_EQ(m.group("fn0"), m.group("fn1"));
  EXPECT_EQ(m.members("fn0"), (std::vector<std::string>{"0000:01:00.0", "0000:01:00.1"}));
  EXPECT_NE(m.group("other"), m.group("fn0"));
  EXPECT_EQ(m.members("other"), std::vector<std::string>{m.bdf("other")});
}

TEST(Groups, OneFunctionWithAcsIsIsolatedFromItsSibling) {
  // get_pci_function_alias_group skips a function ACS isolates, and one with ACS looks no further.
  Booted m(two_functions("", "acs: false, "));
  EXPECT_NE(m.group("fn0"), m.group("fn1"));
}

TEST(Groups, ADeviceBelowARootPortWithoutAcsJoinsThePortsGroup) {
  Booted m(std::string("  ports: [{name: rp0, acs: false}, {name: rp1}]\n  devices:\n") + "    - {name: a, port: rp0, " +
           kAtsDevice + "}\n    - {name: b, port: rp1, " + kAtsDevice + "}\n");
  EXPECT_EQ(m.members("a"), (std::vector<std::string>{"0000:00:01.0", m.bdf("a")}));
  EXPECT_EQ(m.members("b"), std::vector<std::string>{m.bdf("b")});
}

TEST(Groups, EverythingBelowARootPortWithoutAcsIsOneGroup) {
  // The switch's ports have ACS, but the path to the root does not: each walk up stops at the
  // root port's group (the upstream port joined it first, the downstream ports through it).
  Booted m(std::string("  ports: [{name: rp0, acs: false}, {name: dsp0, below: rp0}, {name: dsp1, below: rp0}]\n"
                       "  devices:\n") +
           "    - {name: a, port: dsp0, " + kAtsDevice + "}\n    - {name: b, port: dsp1, " + kAtsDevice + "}\n");
  EXPECT_EQ(m.group("a"), m.group("b"));
  EXPECT_EQ(m.members("a").size(), 6u) << "root port, upstream port, two downstream ports, a and b";
}

TEST(Groups, DevicesBelowSwitchPortsWithoutAcsJoinTheirOwnPortsGroupOnly) {
  // pci_device_group walks up from each device and stops at the first group it finds: the
  // downstream port's. The 2026 algorithm gives each downstream port a group of its own (the
  // upstream port's path to the root has ACS), so a and b stay apart although peer-to-peer
  // between them goes through the switch unchecked.
  Booted m(std::string("  ports: [{name: rp0}, {name: dsp0, below: rp0, acs: false}, {name: dsp1, below: rp0, acs: false}]\n"
                       "  devices:\n") +
           "    - {name: a, port: dsp0, " + kAtsDevice + "}\n    - {name: b, port: dsp1, " + kAtsDevice + "}\n");
  EXPECT_NE(m.group("a"), m.group("b"));
  EXPECT_EQ(m.members("a"), (std::vector<std::string>{"0000:02:00.0", m.bdf("a")}));
  EXPECT_EQ(m.members("b"), (std::vector<std::string>{"0000:02:01.0", m.bdf("b")}));
}

TEST(Groups, WithAcsEverywhereEveryFunctionHasItsOwnGroup) {
  Booted m(std::string("  ports: [{name: rp0}, {name: dsp0, below: rp0}, {name: dsp1, below: rp0}]\n  devices:\n") +
           "    - {name: a, port: dsp0, " + kAtsDevice + ", sriov: {total_vfs: 2, offset: 1, stride: 1, vf_device: 0x101e}, driver: native}\n"
           "    - {name: b, port: dsp1, " + kAtsDevice + "}\n");
  ASSERT_EQ(m.run({.kind = OpKind::SriovEnable, .device = "a", .count = 2}), 0);
  for (const char* d : {"a", "b", "a.vf0", "a.vf1"}) EXPECT_EQ(m.members(d), std::vector<std::string>{m.bdf(d)}) << d;
}

TEST(Groups, AJoiningMemberIsAttachedToTheGroupsDomain) {
  Booted m(two_functions("acs: false, ", "acs: false, "));
  const auto& g = iommu::group(m.s, m.group("fn0"));
  EXPECT_NE(g.default_domain, iommu::kNoDomain);
  EXPECT_EQ(g.domain, g.default_domain);
  // Both functions' STEs translate through the group's default domain: ATS on for each.
  for (const char* d : {"fn0", "fn1"}) EXPECT_TRUE(m.s.kernel.devs[m.dev(d)].ats_enabled) << d;
}

// The StreamIDs of the ATC_INVs sent since record event `from`, in order.
std::vector<int64_t> atc_inv_sids(const System& s, size_t from) {
  std::vector<int64_t> out;
  for (size_t i = from; i < s.record.events.size(); ++i)
    if (const auto& e = s.record.events[i];
        e.kind == kernel::EventKind::SmmuCommand && e.a == int64_t(hw::smmuv3::Op::ATC_INV))
      out.push_back(e.b);
  return out;
}

// arm_smmu_attach_prepare list_adds each member's master_domain at the head of the domain's
// devices list, and the older design's arm_smmu_atc_inv_domain walks it from the head: the
// member attached last (fn1, the group attaches its devices in probe order) is invalidated first.
// The invalidation array is sorted by StreamID instead (arm_smmu_invs_merge): fn0 first.
TEST(Groups, TheDevicesListSendsTheLastAttachedMembersAtcInvFirstAndTheArrayGoesByStreamId) {
  for (const bool legacy : {true, false}) {
    Booted m(two_functions("acs: false, ", "acs: false, ") +
             (legacy ? "kernel:\n  invalidation: nr_ats_masters\n" : "kernel:\n  invalidation: invs\n"));
    ASSERT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "fn0"}), 0);
    ASSERT_EQ(m.run({.kind = OpKind::VfioSetIommu}), 0);
    ASSERT_EQ(m.run({.kind = OpKind::VfioMap, .count = 1}), 0);
    const size_t from = m.s.record.events.size();
    ASSERT_EQ(m.run({.kind = OpKind::VfioUnmap}), 0);
    const std::vector<int64_t> first_fn1{0x101, 0x100}, first_fn0{0x100, 0x101};
    EXPECT_EQ(atc_inv_sids(m.s, from), legacy ? first_fn1 : first_fn0) << (legacy ? "devices list" : "array");
  }
}

// VFIO's group viability is DMA ownership (iommu_group_claim_dma_owner).
TEST(GroupViability, SetContainerIsRefusedWhileAnotherMemberHasAKernelDriver) {
  Booted m(two_functions("acs: false, ", "acs: false, ", "native"));
  ASSERT_EQ(m.run({.kind = OpKind::Unbind, .device = "fn0"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::Bind, .device = "fn0", .driver = "vfio-pci"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "fn0"}), -EPERM);
  // fn1 without a driver: the group is viable.
  ASSERT_EQ(m.run({.kind = OpKind::Unbind, .device = "fn1"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "fn0"}), 0);
  const auto& g = iommu::group(m.s, m.group("fn0"));
  EXPECT_EQ(g.domain, g.blocking_domain) << "the whole group is blocked, fn1 included";
  for (const char* d : {"fn0", "fn1"}) EXPECT_FALSE(m.s.kernel.devs[m.dev(d)].ats_enabled) << d;
}

TEST(GroupViability, AKernelDriverCannotBindToAMemberWhileVfioOwnsTheGroup) {
  Booted m(two_functions("acs: false, ", "acs: false, "));
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "fn0"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetIommu}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::Unbind, .device = "fn1"}), 0);
  // really_probe -> iommu_device_use_default_domain: -EBUSY (the group is owned, off its default domain).
  EXPECT_EQ(m.run({.kind = OpKind::Bind, .device = "fn1", .driver = "native"}), -EBUSY);
  EXPECT_FALSE(m.s.kernel.devs[m.dev("fn1")].driver_bound);
}

TEST(GroupViability, TheContainerTakesAndReleasesEveryMember) {
  Booted m(two_functions("acs: false, ", "acs: false, "));
  const iommu::GroupId g = m.group("fn0");
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "fn1"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetIommu}), 0);
  const iommu::DomainId vfio_domain = iommu::group(m.s, g).domain;
  EXPECT_EQ(iommu::domain(m.s, vfio_domain).type, iommu::DomainType::Unmanaged);
  for (const char* d : {"fn0", "fn1"}) EXPECT_TRUE(m.s.kernel.devs[m.dev(d)].ats_enabled) << d;
  // Another open of the same group (through fn0) is the same vfio_group: already set.
  EXPECT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "fn0"}), -EINVAL);
  ASSERT_EQ(m.run({.kind = OpKind::VfioUnsetContainer, .device = "fn0"}), 0);
  EXPECT_EQ(iommu::group(m.s, g).domain, iommu::group(m.s, g).default_domain);
  EXPECT_EQ(iommu::group(m.s, g).owner_cnt, 0);
}

TEST(GroupViability, AFunctionHotAddedIntoAnOwnedGroupIsAttachedToVfiosDomain) {
  // __iommu_probe_device: a device joining a group that has a domain is attached to that domain,
  // whatever it is; here type1's paging domain, so its ATS is enabled for the VM's page table.
  Booted m(std::string("  ports: [{name: rp0}]\n  devices:\n") + "    - {name: fn0, port: rp0, devfn: 0, acs: false, " +
           kAtsDevice + ", driver: vfio-pci}\n    - {name: fn1, port: rp0, devfn: 1, acs: false, hotplug: true, " +
           kAtsDevice + ", driver: vfio-pci}\n");
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetContainer, .device = "fn0"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::VfioSetIommu}), 0);
  const iommu::GroupId g = m.group("fn0");
  const iommu::DomainId vfio_domain = iommu::group(m.s, g).domain;
  ASSERT_EQ(m.run({.kind = OpKind::HotplugAdd, .device = "fn1"}), 0);
  EXPECT_EQ(m.group("fn1"), g);
  EXPECT_EQ(iommu::group(m.s, g).domain, vfio_domain);
  EXPECT_TRUE(m.s.kernel.devs[m.dev("fn1")].ats_enabled);
}

// scenarios/group.yaml under each variant: what type1's attach of the group leaves for each
// member once the second member's commit-time pci_enable_ats has failed (step 2, VFIO_SET_IOMMU c0).
struct MemberRow {
  bool hw_ats = false, belief = false;
  unsigned ste_eats = 0;
  int nr_ats_masters = -1;
  bool invs_entry = false;
  bool operator==(const MemberRow&) const = default;
};
std::ostream& operator<<(std::ostream& o, const MemberRow& r) {
  return o << "{hw " << r.hw_ats << " belief " << r.belief << " eats " << r.ste_eats << " nr " << r.nr_ats_masters
           << " invs " << r.invs_entry << "}";
}

struct GroupRun {
  explicit GroupRun(policy::AtsVariant v)
      : res(run_scenario(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/group.yaml"), v)) {}
  MemberRow member(size_t step, const std::string& bdf) const {
    for (const DeviceFinalState& d : res.steps.at(step).devices)
      if (d.bdf == bdf)
        return {d.ats_enable, d.belief.value_or(false), d.ste_eats.value_or(0), d.nr_ats_masters.value_or(-1),
                d.invs_ats_entry.value_or(false)};
    ADD_FAILURE() << bdf;
    return {};
  }
  ScenarioResult res;
};
constexpr size_t kSetIommu = 2;  // steps: boot, SET_CONTAINER, SET_IOMMU, ...
const std::string kFn0 = "0000:01:00.0", kFn1 = "0000:01:00.1";

TEST(GroupRepro, UpstreamAndSeriesV3RecordTheSecondMemberOnAndWarnForItAloneAtTheNextBlockedAttach) {
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::SeriesV3, policy::AtsVariant::FailEarly}) {
    const GroupRun r(v);
    EXPECT_TRUE(r.res.failed_expectations.empty()) << policy::name(v);
    EXPECT_EQ(r.res.steps.at(kSetIommu).ret, 0) << policy::name(v);
    EXPECT_EQ(r.member(kSetIommu, kFn0), (MemberRow{true, true, 1, 2, true})) << policy::name(v);
    // fn1: ATS off in the function, on in the books, the STE accepting translated requests, and
    // the domain counting it (nr_ats_masters 2 for one function with ATS on) and listing it.
    EXPECT_EQ(r.member(kSetIommu, kFn1), (MemberRow{false, true, 1, 2, true})) << policy::name(v);
    const auto& w = r.res.final.record.warnings;
    ASSERT_EQ(w.size(), v == policy::AtsVariant::FailEarly ? 2u : 1u) << policy::name(v);
    EXPECT_EQ(w.back().function, kernel::KFn::pci_disable_ats) << "the group's blocked attach, for fn1 only";
    EXPECT_EQ(r.res.violated, (std::vector<int>{4, 9, 13, 14, 23})) << policy::name(v);
  }
}

TEST(GroupRepro, RollbackFailsTheGroupsAttachAndTheCorePutsTheFirstMemberBackOnBlocked) {
  const GroupRun r(policy::AtsVariant::Rollback);
  EXPECT_EQ(r.res.steps.at(kSetIommu).ret, -EINVAL);
  // __iommu_group_set_domain_internal reverts fn0 (already on the paging domain) to the group's
  // blocking domain: its ATS goes off again; fn1's commit undid itself.
  EXPECT_EQ(r.member(kSetIommu, kFn0), (MemberRow{false, false, 0, -1, false}));
  EXPECT_EQ(r.member(kSetIommu, kFn1), (MemberRow{false, false, 0, -1, false}));
  EXPECT_TRUE(r.res.final.record.warnings.empty());
  EXPECT_EQ(r.res.violated, (std::vector<int>{18}));
}

TEST(GroupRepro, VtdStyleRecordsTheSecondMemberOffButItsArrayEntryStays) {
  const GroupRun r(policy::AtsVariant::VtdStyle);
  EXPECT_EQ(r.member(kSetIommu, kFn0), (MemberRow{true, true, 1, 2, true}));
  EXPECT_EQ(r.member(kSetIommu, kFn1), (MemberRow{false, false, 1, 2, true}));
  EXPECT_TRUE(r.res.final.record.warnings.empty());
  EXPECT_EQ(r.res.violated, (std::vector<int>{13, 14, 23}));
}

// scenarios/group-vtd-amd.yaml: the same group behind scalable VT-d (s0, s1 on segment 0), legacy
// VT-d (l0, l1 on 1) and AMD-Vi (a0, a1 on 2), the second member's enable failing in its group's
// paging attach. Legacy VT-d and AMD-Vi keep pci_enable_ats()'s result: the failed member is off in
// the hardware and in the books, its sibling on in both; scalable VT-d enabled both at probe.
TEST(GroupRepro, BehindLegacyVtdAndAmdTheFailedMemberIsRecordedOffAndScalableVtdNeverEnablesAtAttach) {
  const io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/group-vtd-amd.yaml");
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::FailEarly}) {
    const ScenarioResult r = run_scenario(sc, v);
    EXPECT_TRUE(r.failed_expectations.empty()) << policy::name(v);
    auto row = [&](size_t step, const std::string& bdf) -> std::pair<bool, bool> {
      for (const DeviceFinalState& d : r.steps.at(step).devices)
        if (d.bdf == bdf) return {d.ats_enable, d.belief.value_or(false)};
      ADD_FAILURE() << bdf;
      return {};
    };
    constexpr size_t kScalable = 2, kLegacy = 8, kAmd = 14;  // each container's VFIO_SET_IOMMU
    for (size_t step : {kScalable, kLegacy, kAmd}) EXPECT_EQ(r.steps.at(step).ret, 0) << policy::name(v) << " step " << step;
    EXPECT_EQ(row(kScalable, "0000:01:00.1"), std::make_pair(true, true)) << policy::name(v);
    EXPECT_EQ(row(kLegacy, "0001:01:00.0"), std::make_pair(true, true)) << policy::name(v);
    EXPECT_EQ(row(kLegacy, "0001:01:00.1"), std::make_pair(false, false)) << policy::name(v);
    EXPECT_EQ(row(kAmd, "0002:01:00.0"), std::make_pair(true, true)) << policy::name(v);
    EXPECT_EQ(row(kAmd, "0002:01:00.1"), std::make_pair(false, false)) << policy::name(v);
    EXPECT_TRUE(r.violated.empty()) << policy::name(v);
    const auto& w = r.final.record.warnings;
    if (v == policy::AtsVariant::Upstream) {
      EXPECT_TRUE(w.empty());
    } else {
      ASSERT_EQ(w.size(), 2u);
      EXPECT_EQ(w[0].function, kernel::KFn::iommu_enable_pci_ats);
      EXPECT_EQ(w[1].function, kernel::KFn::pdev_enable_cap_ats);
    }
  }
}

TEST(GroupRepro, BelowARootPortWithoutAcsTheSixMembersMoveTogetherAndRollbackPutsBackAllThatMoved) {
  const io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/group-switch.yaml");
  for (auto v : policy::kAllVariants) {
    const ScenarioResult r = run_scenario(sc, v);
    EXPECT_TRUE(r.failed_expectations.empty()) << policy::name(v);
    const auto& end = r.steps.at(kSetIommu).devices;
    auto hw = [&](const std::string& bdf) {
      for (const auto& d : end)
        if (d.bdf == bdf) return d.ats_enable;
      ADD_FAILURE() << bdf;
      return false;
    };
    // a (03:00.0) was moved to the paging domain before b (04:00.0) failed: rollback's core puts
    // it back on the blocking domain, so its ATS is off again; the others keep it on.
    EXPECT_EQ(hw("0000:03:00.0"), v != policy::AtsVariant::Rollback) << policy::name(v);
    EXPECT_FALSE(hw("0000:04:00.0")) << policy::name(v);
    EXPECT_EQ(r.steps.at(kSetIommu).ret, v == policy::AtsVariant::Rollback ? -EINVAL : 0) << policy::name(v);
  }
  OpContext ctx;
  const System s = boot_machine(sc, policy::AtsVariant::Upstream, ctx, 1, "");
  EXPECT_EQ(iommu::group(s, iommu::group_of(s, *resolve(s, ctx, "a"))).devices.size(), 6u);
}

TEST(GroupRepro, TheBuiltInPathGivesTheShippedScenariosRowUnderEveryVariant) {
  const io::Scenario file = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/group.yaml");
  const io::Scenario built = group_scenario();
  EXPECT_EQ(built.workload, file.workload);
  EXPECT_EQ(built.faults, file.faults);
  test::expect_repro_matches_file(file, ReproScenario::Group);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

// A PCIe-to-PCI bridge: pci_for_each_dma_alias gives every device below it the bridge's
// secondary bus (devfn 0) as an alias, so they join the bridge's group, and IORT maps the alias
// to a StreamID of the device's SMMUv3 master.
constexpr const char* kBehindBridge =
    "  ports: [{name: rp0}, {name: br, below: rp0, pci_bridge: true}]\n"
    "  devices:\n"
    "    - {name: a, port: br, devfn: 0x08, vendor: 0x8086, device: 0x1229, driver: native}\n";

TEST(Groups, ADeviceBelowAPcieToPciBridgeJoinsTheBridgesGroupWithTheAliasAsASecondStreamId) {
  Booted m(kBehindBridge);
  const std::string bridge = "0000:01:00.0";
  EXPECT_EQ(m.members("a"), (std::vector<std::string>{bridge, "0000:02:01.0"}));
  const auto& drv = m.s.kernel.smmuv3;
  EXPECT_EQ(drv.masters[drv.master_of[m.dev("a")]].streams, (std::vector<uint32_t>{0x0200, 0x0208}))
      << "its own requester ID and the bridge's secondary bus, devfn 0";
}

TEST(Groups, ASecondDeviceBelowTheBridgeAsksForTheSameAliasStreamIdAndGetsNoIommu) {
  Booted m(std::string(kBehindBridge) + "    - {name: b, port: br, devfn: 0x10, vendor: 0x8086, device: 0x1229}\n");
  EXPECT_EQ(m.members("a").size(), 2u);
  // arm_smmu_insert_master: the StreamID 0x200 is a's already; b's probe fails with -ENODEV.
  EXPECT_EQ(m.group("b"), iommu::kNoGroup);
  EXPECT_EQ(m.s.kernel.iommu.devs[m.dev("b")].probe_error, -ENODEV);
  bool warned = false;
  for (const auto& line : m.s.record.log)
    warned |= line.text.find("Aliasing StreamID 0x200 (from 0000:02:01.0) unsupported, expect DMA to be broken") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(ScenarioLoad, ADeviceBelowAPcieToPciBridgeHasNoAts) {
  const std::string e = io::test::error_of(std::string("name: c\nmachine:\n") +
                                           "  ports: [{name: rp0}, {name: br, below: rp0, pci_bridge: true}]\n  devices:\n"
                                           "    - {name: a, port: br, " + kAtsDevice + "}\nworkload: []\n");
  EXPECT_NE(e.find("a: below a PCIe-to-PCI bridge a device is conventional PCI, which has no ATS"), std::string::npos) << e;
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
