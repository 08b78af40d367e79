// What 6.12.118's own drivers/pci/ats.c does on atslab's hardware (--driver source):
// its PF-aware pci_ats_supported, the WARN of pci_disable_ats at its own line, the STU
// write of pci_prepare_ats. Pinned to Debian's file (tree_fixture.h).
#include <gtest/gtest.h>

#include "../pci/machine_fixture.h"
#include "linux/kernel/errno.h"
#include "linux/pci/ats.h"
#include "tree_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

// Upstream switches (no seed patch in the model): what the source driver does is the tree's own.
Machine tree_machine() {
  Machine m;
  use_tree_ats(m.s);
  return m;
}

TEST(SourceAts612118, PciAtsSupportedOfAVfIsItsPfsVerdict) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  Machine m = tree_machine();
  auto vf = m.enable_vfs(1).at(0);
  EXPECT_TRUE(pci::ats_supported(m.s, vf));
  m.s.kernel.devs[m.pf()].ats_cap = 0;  // the PF's ATS quirked away (quirk_no_ats at FINAL)
  EXPECT_FALSE(pci::ats_supported(m.s, vf));
  EXPECT_FALSE(pci::ats_supported_value(m.s, vf));
  // The model with the same (upstream) switches still says yes: the verdict is the tree's.
  System model = m.s;
  model.kernel.pci_switches.ats = policy::Driver::Model;
  EXPECT_TRUE(pci::ats_supported(model, vf));
}

TEST(SourceAts612118, PciAtsSupportedOfAVfOfAnUntrustedPfIsFalse) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  Machine m = tree_machine();
  auto vf = m.enable_vfs(1).at(0);
  m.s.kernel.devs[m.pf()].untrusted = true;
  EXPECT_FALSE(pci::ats_supported(m.s, vf));
  EXPECT_NE(m.s.kernel.devs[vf].ats_cap, 0);  // the VF's own capability is untouched
}

TEST(SourceAts612118, PciDisableAtsWithAtsOffWarnsAtAtsC135) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  Machine m = tree_machine();
  auto writes = m.config_writes();
  pci::disable_ats(m.s, m.pf());
  ASSERT_EQ(m.warnings(), 1u);
  const auto& w = m.s.record.warnings[0];
  EXPECT_EQ(w.file, "drivers/pci/ats.c");
  EXPECT_EQ(w.line, 135);
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  EXPECT_EQ(w.condition, "!dev->ats_enabled");
  ASSERT_EQ(w.call_trace.size(), 1u);
  EXPECT_EQ(w.call_trace[0], kernel::KFn::pci_disable_ats);
  EXPECT_EQ(m.config_writes(), writes);  // it returns before touching the device
  EXPECT_NE(kernel::format_warning(w).find("\nWARNING: drivers/pci/ats.c:135 at pci_disable_ats, CPU#0"), std::string::npos)
      << kernel::format_warning(w);
}

TEST(SourceAts612118, PciPrepareAtsOnAPfWritesTheStu) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  Machine m = tree_machine();
  const auto pf = m.pf();
  const uint16_t cap = m.s.kernel.devs[pf].ats_cap;
  ASSERT_NE(cap, 0);
  const size_t before = m.s.record.events.size();
  EXPECT_EQ(pci::prepare_ats(m.s, pf, 14), 0);
  EXPECT_EQ(m.s.kernel.devs[pf].ats_stu, 14);
  EXPECT_FALSE(m.s.kernel.devs[pf].ats_enabled);
  EXPECT_EQ(m.ats_ctrl(pf), 2);  // STU 14 - 12, Enable clear
  std::vector<kernel::Event> writes;
  for (size_t i = before; i < m.s.record.events.size(); ++i)
    if (m.s.record.events[i].kind == kernel::EventKind::ConfigWrite) writes.push_back(m.s.record.events[i]);
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].dev, pf);
  EXPECT_EQ(writes[0].a, cap + hw::pcie::ats::kCtrl);
  EXPECT_EQ(writes[0].b, (int64_t{2} << 32) | 2);  // a word, value 2
}

TEST(SourceAts612118, PciPrepareAtsOnAVfWritesNothing) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  Machine m = tree_machine();
  auto vf = m.enable_vfs(1).at(0);
  auto writes = m.config_writes();
  EXPECT_EQ(pci::prepare_ats(m.s, vf, 12), 0);
  EXPECT_EQ(m.config_writes(), writes);
  EXPECT_EQ(m.s.kernel.devs[vf].ats_stu, 0);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
