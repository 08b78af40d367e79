// The no-ATS quirk table and its conditions (kernel-semantics.md 2.1).
#include <gtest/gtest.h>

#include <set>

#include "linux/pci/ats.h"
#include "linux/pci/quirks.h"
#include "machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(NoAtsQuirkTable, ListsTheKernelsDeviceIds) {
  std::set<uint16_t> ati, intel;
  for (const auto& q : pci::no_ats_quirk_table()) {
    if (q.vendor == 0x1002) {
      EXPECT_EQ(q.quirk, pci::QuirkId::AmdHarvestNoAts);
      ati.insert(q.device);
    } else {
      EXPECT_EQ(q.vendor, 0x8086);
      EXPECT_EQ(q.quirk, pci::QuirkId::IntelE2000NoAts);
      intel.insert(q.device);
    }
  }
  EXPECT_EQ(ati, (std::set<uint16_t>{0x98e4, 0x6900, 0x7310, 0x7312, 0x7318, 0x7319, 0x731a, 0x731b, 0x731e, 0x731f,
                                     0x7340, 0x7341, 0x7347, 0x734f, 0x15d8}));
  EXPECT_EQ(intel, (std::set<uint16_t>{0x1451, 0x1452, 0x1453, 0x1454, 0x1455, 0x1457, 0x1459, 0x145a, 0x145c}));
}

struct QuirkCase {
  uint16_t vendor, device;
  uint8_t revision;
  uint16_t subsys_vendor, subsys_device;
  bool quirked;
};

bool quirked(const QuirkCase& c, policy::QuirkPhase phase) {
  System s;
  hw::pcie::RootComplex rc;
  rc.iommu = hw::pcie::IommuKind::Smmuv3;
  auto rcid = s.hw.pcie.add_root_complex(rc);
  auto port = s.hw.pcie.add_root_port(rcid, 1);
  hw::pcie::ConfigBuilder b({.vendor = c.vendor, .device = c.device, .class_code = 0x030000, .revision = c.revision,
                             .subsystem_vendor = c.subsys_vendor, .subsystem_device = c.subsys_device});
  b.add_pcie(hw::pcie::exp::Type::Endpoint);
  b.add_ats({});
  auto fn = s.hw.pcie.add_function(rcid, port, 0, b.build(), "gpu");
  s.kernel.pci_switches.no_ats_quirk_phase = phase;
  pci::boot(s);
  auto dev = pci::dev_for_fn(s, fn).value();
  return !pci::ats_supported(s, dev);
}

TEST(NoAtsQuirks, ApplyExactlyToTheListedPartsInBothPhases) {
  const QuirkCase cases[] = {
      {0x1002, 0x98e4, 0x00, 0, 0, true},        // Stoney
      {0x1002, 0x6900, 0x81, 0, 0, true},        // Iceland, any revision
      {0x1002, 0x7340, 0xc5, 0, 0, true},        // Navi14, all revisions since 2022
      {0x1002, 0x7340, 0x00, 0, 0, true},
      {0x1002, 0x7341, 0x00, 0, 0, true},
      {0x1002, 0x731f, 0xc1, 0, 0, true},        // Navi10
      {0x1002, 0x15d8, 0xcf, 0xea50, 0xce19, true},  // Raven on the listed boards
      {0x1002, 0x15d8, 0xcf, 0xea50, 0xcc10, true},
      {0x1002, 0x15d8, 0xcf, 0xea50, 0xcc08, true},
      {0x1002, 0x15d8, 0xce, 0xea50, 0xce19, false},  // other revision
      {0x1002, 0x15d8, 0xcf, 0x1043, 0xce19, false},  // other board vendor
      {0x1002, 0x15d8, 0xcf, 0xea50, 0x1234, false},  // other board
      {0x1002, 0x7300, 0x00, 0, 0, false},            // unlisted ATI part
      {0x8086, 0x1452, 0x1f, 0, 0, true},             // E2000 before stepping 0x20
      {0x8086, 0x1457, 0x00, 0, 0, true},
      {0x8086, 0x1452, 0x20, 0, 0, false},            // fixed stepping
      {0x8086, 0x1458, 0x00, 0, 0, false},            // not in the list
  };
  for (auto phase : {policy::QuirkPhase::Final, policy::QuirkPhase::Header})
    for (const auto& c : cases)
      EXPECT_EQ(quirked(c, phase), c.quirked)
          << std::hex << c.vendor << ":" << c.device << " rev " << unsigned(c.revision) << " subsys " << c.subsys_vendor
          << ":" << c.subsys_device << " phase " << policy::name(phase);
}

TEST(NoAtsQuirks, FinalPhaseClearsAtsCapHeaderPhaseSetsNoAts) {
  MachineSpec spec{.pf = {.vendor = 0x8086, .device = 0x1452, .revision = 0x10}};
  Machine final_phase(spec);
  EXPECT_EQ(final_phase.s.kernel.devs[final_phase.pf()].ats_cap, 0);
  EXPECT_FALSE(final_phase.s.kernel.devs[final_phase.pf()].no_ats);
  spec.switches.no_ats_quirk_phase = policy::QuirkPhase::Header;
  Machine header_phase(spec);
  EXPECT_EQ(header_phase.s.kernel.devs[header_phase.pf()].ats_cap, 0);
  EXPECT_TRUE(header_phase.s.kernel.devs[header_phase.pf()].no_ats);
}

TEST(NoAtsQuirks, RunOnlyInTheirDeclaredPhase) {
  for (auto phase : {policy::QuirkPhase::Final, policy::QuirkPhase::Header}) {
    MachineSpec spec{.switches = {.no_ats_quirk_phase = phase}, .pf = {.vendor = 0x8086, .device = 0x1452, .revision = 0x10}};
    Machine m(spec);
    auto expect = phase == policy::QuirkPhase::Final ? pci::FixupPhase::Final : pci::FixupPhase::Header;
    int runs = 0;
    for (const auto& e : m.s.record.events) {
      if (e.kind != kernel::EventKind::QuirkRan) continue;
      ++runs;
      EXPECT_EQ(e.b, static_cast<int64_t>(expect));
    }
    EXPECT_EQ(runs, 1);
  }
}

// pci_dev_specific_ats_required (7.2's quirks.c): NVIDIA's GB20B range and the CX10 NVLink-C2C
// bridge need ATS; their neighbours and other vendors' parts at the same IDs do not.
TEST(AtsRequiredQuirks, MatchTheKernelsTable) {
  const struct {
    uint16_t vendor, device;
    bool required;
  } cases[] = {
      {0x10de, 0x2e00, true},  {0x10de, 0x2e17, true},  {0x10de, 0x2e3f, true},
      {0x10de, 0x2dff, false}, {0x10de, 0x2e40, false}, {0x15b3, 0x2101, true},
      {0x15b3, 0x2100, false}, {0x15b3, 0x2e00, false}, {0x8086, 0x2101, false},
  };
  for (const auto& c : cases) {
    System s;
    hw::pcie::RootComplex rc;
    rc.iommu = hw::pcie::IommuKind::Smmuv3;
    auto rcid = s.hw.pcie.add_root_complex(rc);
    auto port = s.hw.pcie.add_root_port(rcid, 1);
    hw::pcie::ConfigBuilder b({.vendor = c.vendor, .device = c.device, .class_code = 0x030200});
    b.add_pcie(hw::pcie::exp::Type::Endpoint);
    b.add_ats({});
    auto fn = s.hw.pcie.add_function(rcid, port, 0, b.build(), "dev");
    pci::boot(s);
    EXPECT_EQ(pci::dev_specific_ats_required(s, pci::dev_for_fn(s, fn).value()), c.required)
        << std::hex << c.vendor << ":" << c.device;
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
