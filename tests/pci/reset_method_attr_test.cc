// The sysfs reset_method file (drivers/pci/pci-sysfs.c: reset_method_store) on
// scenarios/reset-method.yaml's nic (flr, pm and bus): the store's parsing and errors, which
// leave dev->reset_methods as they were; and what a probe does to a live function: on the 2026
// core (v8 of the series) pci_reset_bus_function's prepare/done wraps its probe too, so probing
// "bus" parks the function on the group's blocking domain and attaches it back; the flr and pm
// probes return first; 6.12 has no prepare/done at all.
#include <gtest/gtest.h>

#include <algorithm>

#include "hw/pcie/atc.h"
#include "hw/pcie/capability_walk.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/preempt.h"
#include "linux/pci/reset.h"
#include "linux/pci/reset_method_attr.h"
#include "linux/pci/reset_methods.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using pci::ResetMethod;
constexpr auto kFlr = static_cast<uint8_t>(ResetMethod::Flr), kPm = static_cast<uint8_t>(ResetMethod::Pm),
               kBus = static_cast<uint8_t>(ResetMethod::Bus);

struct Nic {
  explicit Nic(bool reset_iommu = true) : sc(load(reset_iommu)), s(boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "")) {
    dev = *resolve(s, ctx, "nic");
  }
  static io::Scenario load(bool reset_iommu) {
    io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/reset-method.yaml");
    sc.pci_dev_reset_iommu = reset_iommu;
    return sc;
  }
  // nic handed to VFIO with DMA mapped and ATS on, as the scenario's workload does it.
  void to_vfio() {
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "nic", .driver = "vfio-pci"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = "nic", .container = "c0"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetIommu, .container = "c0"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioMap, .container = "c0", .count = 4}), 0);
    ASSERT_TRUE(hw::pcie::ats_control(fn().cfg).enabled);
  }
  hw::pcie::Function& fn() { return s.hw.pcie.fn(s.kernel.devs[dev].fn); }
  // dev->reset_methods up to its first 0, as the kernel reads it.
  std::vector<uint8_t> methods() {
    std::vector<uint8_t> out;
    for (uint8_t m : s.kernel.devs[dev].reset_methods) {
      if (!m) break;
      out.push_back(m);
    }
    return out;
  }
  const iommu::Group& group() { return s.kernel.iommu.groups.at(s.kernel.iommu.devs.at(dev).group); }
  // The ATS Control writes to nic from event `from` on: true for an enable.
  std::vector<bool> ats_writes(size_t from) {
    const auto at = static_cast<int64_t>(hw::pcie::find_ext_cap(fn().cfg, hw::pcie::ext_cap::kAts) + hw::pcie::ats::kCtrl);
    std::vector<bool> out;
    for (size_t i = from; i < s.record.events.size(); ++i) {
      const auto& e = s.record.events[i];
      if (e.kind == kernel::EventKind::ConfigWrite && e.dev == s.kernel.devs[dev].fn && e.a == at)
        out.push_back((e.b & hw::pcie::ats::kCtrlEnable) != 0);
    }
    return out;
  }
  // The store, with each attach's STE point seen: (reset_depth, parked) of nic there.
  struct Seen {
    int ret;
    std::vector<std::pair<int, bool>> attaches;
    std::vector<bool> ats;
  };
  Seen store(std::string_view buf) {
    Seen out{};
    const size_t from = s.record.events.size();
    {
      kernel::ScopedPreemptHook hook([&](System& sys, kernel::PreemptPoint p) {
        if (p != kernel::PreemptPoint::AttachAfterSte) return;
        const auto& d = sys.kernel.iommu.devs.at(dev);
        out.attaches.emplace_back(d.reset_depth, d.blocked);
      });
      out.ret = pci::reset_method_store(s, dev, buf);
    }
    out.ats = ats_writes(from);
    return out;
  }
  io::Scenario sc;
  OpContext ctx;
  System s;
  pci::DevId dev{};
};

TEST(ResetMethodStore, ShowListsTheMethodsProbedWhenTheFunctionWasAdded) {
  Nic n;
  EXPECT_EQ(n.methods(), (std::vector<uint8_t>{kFlr, kPm, kBus}));
  EXPECT_EQ(pci::reset_method_show(n.s, n.dev), "flr pm bus\n");
  EXPECT_TRUE(pci::reset_method_attr_visible(n.s, n.dev));
}

TEST(ResetMethodStore, TheBusProbeParksTheLiveFunctionAndAttachesItBackOnThe2026Core) {
  Nic n;
  n.to_vfio();
  const iommu::DomainId vfio_domain = n.group().domain;
  const auto seen = n.store("bus");
  EXPECT_EQ(seen.ret, 0);
  // pci_dev_reset_iommu_prepare's attach to the blocking domain (depth 1, not yet marked parked),
  // then pci_dev_reset_iommu_done's attach back from it (depth 0, still parked).
  EXPECT_EQ(seen.attaches, (std::vector<std::pair<int, bool>>{{1, false}, {0, true}}));
  EXPECT_NE(n.group().blocking_domain, iommu::kNoDomain) << "the group's blocking domain was allocated for the probe";
  EXPECT_EQ(seen.ats, (std::vector<bool>{false, true})) << "ATS off for the blocking domain, on again at the re-attach";
  EXPECT_EQ(n.group().domain, vfio_domain) << "group->domain kept";
  EXPECT_FALSE(n.s.kernel.iommu.devs.at(n.dev).blocked);
  EXPECT_EQ(n.s.kernel.iommu.devs.at(n.dev).reset_depth, 0);
  EXPECT_EQ(n.group().recovery_cnt, 0);
  EXPECT_TRUE(hw::pcie::ats_control(n.fn().cfg).enabled);
  EXPECT_EQ(n.methods(), (std::vector<uint8_t>{kBus}));
}

TEST(ResetMethodStore, DefaultReprobesEveryMethodAndOnlyTheBusProbeParks) {
  Nic n;
  n.to_vfio();
  const auto seen = n.store("default\n");
  EXPECT_EQ(seen.ret, 0);
  EXPECT_EQ(seen.attaches.size(), 2u) << "one park and one re-attach: bus's probe alone";
  EXPECT_EQ(n.methods(), (std::vector<uint8_t>{kFlr, kPm, kBus}));
}

TEST(ResetMethodStore, TheFlrAndPmProbesLeaveTheIommuAlone) {
  Nic n;
  n.to_vfio();
  const auto seen = n.store("flr pm");
  EXPECT_EQ(seen.ret, 0);
  EXPECT_TRUE(seen.attaches.empty());
  EXPECT_TRUE(seen.ats.empty());
  EXPECT_EQ(n.methods(), (std::vector<uint8_t>{kFlr, kPm}));
}

TEST(ResetMethodStore, On612NoProbeTouchesTheIommu) {
  Nic n(false);
  n.to_vfio();
  const iommu::DomainId vfio_domain = n.group().domain;
  for (const char* buf : {"bus", "default", "flr pm bus"}) {
    const auto seen = n.store(buf);
    EXPECT_EQ(seen.ret, 0) << buf;
    EXPECT_TRUE(seen.attaches.empty()) << buf;
    EXPECT_TRUE(seen.ats.empty()) << buf;
  }
  EXPECT_EQ(n.group().domain, vfio_domain);
  EXPECT_EQ(n.group().recovery_cnt, 0);
}

TEST(ResetMethodStore, ErrorsLeaveTheMethodsAsTheyWere) {
  Nic n;
  const std::vector<uint8_t> all{kFlr, kPm, kBus};
  EXPECT_EQ(n.store("bogus").ret, -EINVAL) << "Invalid reset method";
  EXPECT_EQ(n.store("flr,bus").ret, -EINVAL) << "the separator is a space";
  EXPECT_EQ(n.store("acpi").ret, -EINVAL) << "a known name the function cannot use: Unsupported reset method";
  EXPECT_EQ(n.store("device_specific flr").ret, -EINVAL);
  EXPECT_EQ(n.store("flr flr flr flr flr flr flr flr").ret, -EINVAL) << "Too many reset methods (7 at most)";
  EXPECT_EQ(n.methods(), all);
  EXPECT_EQ(n.store("flr flr flr flr flr flr flr").ret, 0) << "seven fit, repeats and all";
  EXPECT_EQ(n.methods(), (std::vector<uint8_t>(7, kFlr)));
  EXPECT_EQ(n.store("  pm   bus\n").ret, 0) << "runs of spaces and the trailing newline skipped";
  EXPECT_EQ(n.methods(), (std::vector<uint8_t>{kPm, kBus}));
  auto logged = [&](std::string_view text) {
    return std::any_of(n.s.record.log.begin(), n.s.record.log.end(), [&](const auto& l) { return l.text.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(logged("Invalid reset method 'bogus'"));
  EXPECT_TRUE(logged("Unsupported reset method 'acpi'"));
  EXPECT_TRUE(logged("Too many reset methods"));
}

TEST(ResetMethodStore, AProbeBeforeAnInvalidNameHasRunWhenTheStoreFails) {
  // The names are probed as they are read: "bus bogus" parks and re-attaches nic, then fails.
  Nic n;
  n.to_vfio();
  const auto seen = n.store("bus bogus");
  EXPECT_EQ(seen.ret, -EINVAL);
  EXPECT_EQ(seen.attaches.size(), 2u);
  EXPECT_EQ(n.methods(), (std::vector<uint8_t>{kFlr, kPm, kBus}));
}

TEST(ResetMethodStore, EmptyTurnsEveryMethodOffWithoutAProbeAndDefaultBringsThemBack) {
  Nic n;
  n.to_vfio();
  const auto off = n.store("\n");
  EXPECT_EQ(off.ret, 0);
  EXPECT_TRUE(off.attaches.empty());
  EXPECT_TRUE(n.methods().empty());
  EXPECT_FALSE(pci::reset_supported(n.s, n.dev));
  EXPECT_TRUE(pci::reset_method_attr_visible(n.s, n.dev)) << "the file stays: its visibility was decided at device_add";
  EXPECT_EQ(run_op(n.s, n.ctx, {.kind = OpKind::Reset, .device = "nic"}), -ENOTTY);
  EXPECT_EQ(run_op(n.s, n.ctx, {.kind = OpKind::ResetMethod, .device = "nic", .methods = "default"}), 0);
  EXPECT_EQ(n.methods(), (std::vector<uint8_t>{kFlr, kPm, kBus}));
}

TEST(ResetMethodStore, AFunctionWithoutMethodsHasNoFile) {
  // reset-no-flr.yaml's twin1 had no method when it was added: no reset_method file to open.
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/reset-no-flr.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "");
  EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::ResetMethod, .device = "twin1", .methods = "default"}), -ENOENT);
  // twin0 has one ("bus", probed before twin1 was on the bus) that its probe now refuses.
  EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::ResetMethod, .device = "twin0", .methods = "bus"}), -EINVAL);
  EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::ResetMethod, .device = "twin0", .methods = "default"}), 0);
  EXPECT_FALSE(pci::reset_supported(s, *resolve(s, ctx, "twin0"))) << "default re-probes: bus is refused now";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
