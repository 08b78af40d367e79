// The reset methods of drivers/pci/pci.c beyond FLR, on scenarios/reset-no-flr.yaml: what
// pci_init_reset_methods probes, in pci_reset_fn_methods[]'s order; pci_pm_reset's and
// pci_parent_bus_reset's checks and return codes; __pci_reset_function_locked's walk (-ENOTTY goes
// on, anything else stops); the hardware's D3hot -> D0 and Secondary Bus Reset; and the 2026
// core's pci_dev_reset_iommu_prepare/done around each method, absent on 6.12.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "hw/pcie/atc.h"
#include "hw/pcie/capability_walk.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/pci/access.h"
#include "linux/pci/reset.h"
#include "linux/pci/reset_methods.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hdr = hw::pcie::hdr;
namespace pm = hw::pcie::pm;
using pci::ResetMethod;

struct NoFlr {
  explicit NoFlr(bool reset_iommu = true, policy::AtsVariant v = policy::AtsVariant::FailEarly)
      : sc(load(reset_iommu)), s(boot_machine(sc, v, ctx, 1, "")) {}
  static io::Scenario load(bool reset_iommu) {
    io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/reset-no-flr.yaml");
    sc.pci_dev_reset_iommu = reset_iommu;
    return sc;
  }
  pci::DevId dev(const std::string& name) { return *resolve(s, ctx, name); }
  hw::pcie::Function& fn(const std::string& name) { return s.hw.pcie.fn(s.kernel.devs[dev(name)].fn); }
  std::vector<uint8_t> methods(const std::string& name) {
    std::vector<uint8_t> out;
    for (uint8_t m : s.kernel.devs[dev(name)].reset_methods)
      if (m) out.push_back(m);
    return out;
  }
  uint16_t pm_ctrl_at(const std::string& name) { return static_cast<uint16_t>(s.kernel.devs[dev(name)].pm_cap + pm::kCtrl); }
  // pmdev handed to VFIO with ATS on, as the scenario's workload does it.
  void pmdev_to_vfio() {
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::Bind, .device = "pmdev", .driver = "vfio-pci"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetContainer, .device = "pmdev", .container = "c0"}), 0);
    ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::VfioSetIommu, .container = "c0"}), 0);
    ASSERT_TRUE(hw::pcie::ats_control(fn("pmdev").cfg).enabled);
  }
  // The config writes to `name` (offset, value) from event `from` on.
  std::vector<std::pair<int64_t, uint32_t>> writes(const std::string& name, size_t from) {
    std::vector<std::pair<int64_t, uint32_t>> out;
    for (size_t i = from; i < s.record.events.size(); ++i)
      if (s.record.events[i].kind == kernel::EventKind::ConfigWrite && s.record.events[i].dev == dev(name))
        out.emplace_back(s.record.events[i].a, static_cast<uint32_t>(s.record.events[i].b));
    return out;
  }
  io::Scenario sc;
  OpContext ctx;
  System s;
};

constexpr auto kPm = static_cast<uint8_t>(ResetMethod::Pm), kBus = static_cast<uint8_t>(ResetMethod::Bus);

TEST(PciResetMethods, ProbedInTheTablesOrderWhenTheFunctionIsAdded) {
  NoFlr m;
  EXPECT_EQ(m.methods("pmdev"), (std::vector<uint8_t>{kPm, kBus})) << "pm before bus; no FLR advertised";
  EXPECT_EQ(m.methods("busdev"), (std::vector<uint8_t>{kBus})) << "NoSoftRst set: no pm";
  // twin0 was probed before twin1 was on the bus (pci_init_capabilities runs before pci_device_add
  // lists the function), twin1 after: the kernel's own asymmetry.
  EXPECT_EQ(m.methods("twin0"), (std::vector<uint8_t>{kBus}));
  EXPECT_TRUE(m.methods("twin1").empty());
  EXPECT_TRUE(pci::reset_supported(m.s, m.dev("twin0")));
  EXPECT_FALSE(pci::reset_supported(m.s, m.dev("twin1")));
  EXPECT_EQ(pci::reset_method_name(ResetMethod::Pm), "pm");
  EXPECT_EQ(pci::reset_method_name(ResetMethod::Bus), "bus");
}

TEST(PciResetMethods, AnFlrFunctionKeepsFlrFirst) {
  io::Scenario sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/reset.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "");
  const auto& rm = s.kernel.devs[*resolve(s, ctx, "pf")].reset_methods;
  EXPECT_EQ(rm[0], static_cast<uint8_t>(ResetMethod::Flr));
  EXPECT_EQ(rm[1], kBus) << "alone below rp0 at its probe";
  EXPECT_EQ(rm[2], 0);
}

TEST(PciResetMethods, PmResetChecks) {
  NoFlr m;
  const pci::DevId pmdev = m.dev("pmdev");
  EXPECT_EQ(pci::pci_pm_reset(m.s, pmdev, pci::kResetProbe), 0);
  // No PM capability.
  EXPECT_EQ(pci::pci_pm_reset(m.s, m.dev("twin1"), pci::kResetProbe), -ENOTTY);
  // NoSoftRst set (read from PMCSR each time).
  EXPECT_EQ(pci::pci_pm_reset(m.s, m.dev("busdev"), pci::kResetProbe), -ENOTTY);
  EXPECT_EQ(pci::pci_pm_reset(m.s, m.dev("busdev"), pci::kResetDoReset), -ENOTTY);
  // PCI_DEV_FLAGS_NO_PM_RESET (quirk_no_pm_reset's flag).
  m.s.kernel.devs[pmdev].dev_flags |= pci::kDevFlagsNoPmReset;
  EXPECT_EQ(pci::pci_pm_reset(m.s, pmdev, pci::kResetProbe), -ENOTTY);
  m.s.kernel.devs[pmdev].dev_flags = 0;
  // Not in D0: -EINVAL, which __pci_reset_function_locked returns without trying "bus".
  m.s.kernel.devs[pmdev].current_state = pci::PowerState::D3hot;
  EXPECT_EQ(pci::pci_pm_reset(m.s, pmdev, pci::kResetProbe), 0) << "the probe does not look at the state";
  const size_t from = m.s.record.events.size();
  EXPECT_EQ(pci::reset_function_locked(m.s, pmdev), -EINVAL);
  EXPECT_TRUE(m.writes("pmdev", from).empty());
  const pci::DevId dsp = m.s.kernel.devs[pmdev].bus_self;
  for (size_t i = from; i < m.s.record.events.size(); ++i)
    EXPECT_FALSE(m.s.record.events[i].kind == kernel::EventKind::ConfigWrite && m.s.record.events[i].dev == dsp)
        << "no secondary bus reset after -EINVAL";
}

TEST(PciResetMethods, PmResetWritesD3hotThenD0AndTheTransitionResetsTheFunction) {
  NoFlr m(/*reset_iommu=*/false);
  m.pmdev_to_vfio();
  auto& f = m.fn("pmdev");
  f.atc.fill({.iova = 0x100000, .size = 0x1000, .pa = 0x80000000}, 12);
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(pci::reset_function_locked(m.s, m.dev("pmdev")), 0);
  std::vector<uint32_t> pmcsr;
  for (const auto& [off, v] : m.writes("pmdev", from))
    if (off == m.pm_ctrl_at("pmdev")) pmcsr.push_back(v & 0xffff);
  EXPECT_EQ(pmcsr, (std::vector<uint32_t>{pm::kD3hot, pm::kD0}));
  EXPECT_TRUE(f.atc.entries.empty()) << "the D3hot -> D0 reset emptied the ATC";
  EXPECT_FALSE(hw::pcie::ats_control(f.cfg).enabled);
  EXPECT_EQ(f.cfg.read16(hdr::kCommand), 0);
  EXPECT_TRUE(m.s.kernel.devs[m.dev("pmdev")].ats_enabled) << "6.12: nothing told the kernel";
}

TEST(PciResetMethods, D3hotToD0KeepsTheStateWhenNoSoftRstIsSet) {
  NoFlr m;
  auto& f = m.fn("busdev");
  ASSERT_TRUE(hw::pcie::ats_control(f.cfg).enabled) << "busdev's native driver enabled ATS";
  const uint16_t at = m.pm_ctrl_at("busdev");
  const uint16_t csr = f.cfg.read16(at);
  const hw::pcie::FnId id = m.s.kernel.devs[m.dev("busdev")].fn;
  m.s.hw.pcie.config_write(id, at, 2, csr | pm::kD3hot);
  m.s.hw.pcie.config_write(id, at, 2, csr);
  EXPECT_TRUE(hw::pcie::ats_control(f.cfg).enabled);
}

TEST(PciResetMethods, BusResetChecksAndTheSiblingRefusal) {
  NoFlr m;
  EXPECT_EQ(pci::pci_parent_bus_reset(m.s, m.dev("busdev"), pci::kResetProbe), 0);
  EXPECT_EQ(pci::pci_parent_bus_reset(m.s, m.dev("twin0"), pci::kResetProbe), -ENOTTY) << "twin1 shares the bus";
  EXPECT_EQ(pci::pci_parent_bus_reset(m.s, m.dev("twin0"), pci::kResetDoReset), -ENOTTY);
  const pci::DevId dsp = m.s.kernel.devs[m.dev("busdev")].bus_self;
  EXPECT_EQ(pci::pci_parent_bus_reset(m.s, dsp, pci::kResetProbe), -ENOTTY) << "a bridge (dev->subordinate)";
  m.s.kernel.devs[m.dev("busdev")].dev_flags |= pci::kDevFlagsNoBusReset;
  EXPECT_EQ(pci::pci_parent_bus_reset(m.s, m.dev("busdev"), pci::kResetProbe), -ENOTTY);
  m.s.kernel.devs[m.dev("busdev")].dev_flags = 0;
  // twin0 kept "bus" from its probe: its reset tries it, is refused, and ends -ENOTTY.
  EXPECT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::Reset, .device = "twin0"}), -ENOTTY);
  EXPECT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::Reset, .device = "twin1"}), -ENOTTY);
}

TEST(PciResetMethods, BusResetAssertsAndReleasesSecondaryBusResetOnTheParentBridge) {
  NoFlr m(/*reset_iommu=*/false);
  auto& f = m.fn("busdev");
  f.atc.fill({.iova = 0x100000, .size = 0x1000, .pa = 0x80000000}, 12);
  const pci::DevId dsp = m.s.kernel.devs[m.dev("busdev")].bus_self;
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::Reset, .device = "busdev"}), 0);
  std::vector<uint32_t> bctl;
  for (size_t i = from; i < m.s.record.events.size(); ++i) {
    const auto& e = m.s.record.events[i];
    if (e.kind == kernel::EventKind::ConfigWrite && e.dev == dsp && e.a == hdr::kBridgeControl) bctl.push_back(static_cast<uint32_t>(e.b & 0xffff));
  }
  EXPECT_EQ(bctl, (std::vector<uint32_t>{hdr::kBridgeCtlBusReset, 0}));
  EXPECT_TRUE(f.atc.entries.empty()) << "the hot reset emptied the ATC";
  // pci_reset_function held the bridge's lock: no "unlocked secondary bus reset" line.
  EXPECT_FALSE(m.s.kernel.warned_unlocked_sbr);
}

TEST(PciResetMethods, ASecondaryBusResetResetsEveryFunctionBelowTheBridge) {
  NoFlr m;
  const hw::pcie::FnId t0 = m.s.kernel.devs[m.dev("twin0")].fn, t1 = m.s.kernel.devs[m.dev("twin1")].fn;
  ASSERT_TRUE(hw::pcie::ats_control(m.s.hw.pcie.fn(t0).cfg).enabled);
  ASSERT_TRUE(hw::pcie::ats_control(m.s.hw.pcie.fn(t1).cfg).enabled);
  const hw::pcie::FnId dsp1 = m.s.hw.pcie.fn(t0).parent;
  m.s.hw.pcie.config_write(dsp1, hdr::kBridgeControl, 2, hdr::kBridgeCtlBusReset);
  EXPECT_FALSE(hw::pcie::ats_control(m.s.hw.pcie.fn(t0).cfg).enabled);
  EXPECT_FALSE(hw::pcie::ats_control(m.s.hw.pcie.fn(t1).cfg).enabled);
  EXPECT_TRUE(hw::pcie::ats_control(m.fn("busdev").cfg).enabled) << "another bridge's bus";
}

// Whether the 2026 core's blocked attach (ATS Enable cleared by pci_disable_ats) comes before the
// D3hot write and the attach back (ATS Enable set) after the D0 write.
void expect_wrapped(bool reset_iommu) {
  NoFlr m(reset_iommu);
  m.pmdev_to_vfio();
  const auto ats_ctrl = static_cast<int64_t>(hw::pcie::find_ext_cap(m.fn("pmdev").cfg, hw::pcie::ext_cap::kAts) + hw::pcie::ats::kCtrl);
  const size_t from = m.s.record.events.size();
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioReset, .device = "pmdev"}), 0);
  const auto w = m.writes("pmdev", from);
  auto pos = [&](auto pred) { return std::find_if(w.begin(), w.end(), pred) - w.begin(); };
  const auto d3 = pos([&](const auto& x) { return x.first == m.pm_ctrl_at("pmdev") && (x.second & 3) == pm::kD3hot; });
  const auto off_before = pos([&](const auto& x) { return x.first == ats_ctrl && !(x.second & hw::pcie::ats::kCtrlEnable); });
  ASSERT_LT(d3, static_cast<long>(w.size()));
  if (reset_iommu) {
    EXPECT_LT(off_before, d3) << "pci_dev_reset_iommu_prepare before the D3hot write";
    const auto on_after = std::find_if(w.begin() + d3, w.end(), [&](const auto& x) {
      return x.first == ats_ctrl && (x.second & hw::pcie::ats::kCtrlEnable);
    });
    EXPECT_NE(on_after, w.end()) << "pci_dev_reset_iommu_done's attach enabled ATS again";
  } else {
    EXPECT_GT(off_before, d3) << "6.12: no IOMMU call before the reset";
  }
  EXPECT_TRUE(hw::pcie::ats_control(m.fn("pmdev").cfg).enabled);
}

TEST(PciResetMethods, The2026CoreWrapsThePmReset) { expect_wrapped(true); }
TEST(PciResetMethods, On612ThePmResetLeavesTheIommuAlone) { expect_wrapped(false); }

TEST(PciResetMethods, ThroughTheTryInterfaceTheBridgeIsUnlocked) {
  // vfio-pci's pci_try_reset_function locks the function only: pci_bridge_secondary_bus_reset
  // warns once that the bridge's config access was not locked.
  NoFlr m;
  const pci::DevId busdev = m.dev("busdev");
  auto unlocked = [&] {
    return std::count_if(m.s.record.log.begin(), m.s.record.log.end(), [](const auto& l) {
      return l.text.find("unlocked secondary bus reset via: pci_reset_bus_function") != std::string::npos;
    });
  };
  ASSERT_EQ(pci::try_reset_function(m.s, busdev), 0);
  EXPECT_TRUE(m.s.kernel.warned_unlocked_sbr);
  EXPECT_EQ(unlocked(), 1);
  ASSERT_EQ(pci::try_reset_function(m.s, busdev), 0);
  EXPECT_EQ(unlocked(), 1) << "pci_warn_once";
}

// Real functions from their lspci dumps, each alone below a root port: the PM capability and its
// NoSoftRst bit are read from the dump's config space, as pci_pm_init reads them.
std::vector<uint8_t> dump_methods(const std::string& dump) {
  const std::string yaml = testing::TempDir() + "/reset-methods-" + dump + ".yaml";
  std::ofstream(yaml) << "name: dump\nmachine:\n  smmus: [{ats: true}]\n  root_complexes: [{ats: true, iommu: smmuv3, smmu: 0}]\n"
                         "  ports: [{name: rp0}]\n  devices:\n    - {name: d, port: rp0, lspci: "
                      << ATSLAB_LSPCI_DIR << "/" << dump << "}\nworkload: []\n";
  io::Scenario sc = io::load_scenario(yaml);
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "");
  std::vector<uint8_t> out;
  for (uint8_t m : s.kernel.devs[*resolve(s, ctx, "d")].reset_methods)
    if (m) out.push_back(m);
  return out;
}

TEST(PciResetMethods, ADumpsPmCapabilityAndNoSoftRstAreRead) {
  if (!std::filesystem::is_directory(ATSLAB_LSPCI_DIR)) {
    if (ATSLAB_NO_SKIPS) FAIL() << ATSLAB_LSPCI_DIR << " not present (CI)";
    GTEST_SKIP() << ATSLAB_LSPCI_DIR << " not present";
  }
  constexpr auto kFlr = static_cast<uint8_t>(ResetMethod::Flr);
  // Myri-10G: FLReset-, PM NoSoftRst-: the PM reset first.
  EXPECT_EQ(dump_methods("myricom-myri10g-14c1-0008.txt"), (std::vector<uint8_t>{kPm, kBus}));
  // 82576: FLReset+, NoSoftRst-: all three, FLR first.
  EXPECT_EQ(dump_methods("intel-82576-8086-10c9-sriov.txt"), (std::vector<uint8_t>{kFlr, kPm, kBus}));
  // Samsung PM174X: FLReset+, NoSoftRst+.
  EXPECT_EQ(dump_methods("samsung-nvme-144d-a826-sriov.txt"), (std::vector<uint8_t>{kFlr, kBus}));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
