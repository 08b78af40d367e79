// A separate binary, linked with a copy of the tree run through
// scripts/kernel-tree/disable-ats-checks-ats-cap.sh: fix sketch 7a as a change to
// the tree's own pci_disable_ats() (docs/reports/pci-disable-ats-after-quirk.md).
// Finding 7's scenarios under --driver source: the tree's code WARNs and writes
// nothing where Debian's 6.12.118 read-modify-writes PCI_STATUS, and leaves ATS
// Enable set all the same, with the verdicts of the model's switch for the sketch.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "io/scenario.h"
#include "kernel_src/tree_info.h"
#include "sim/scenario_run.h"
#include "../support/model_like_tree.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::KFn;

// The line of the n-th WARN_ON in pci_disable_ats of the file this binary was built from.
int disable_ats_warn_line(int n) {
  std::ifstream in(ATSLAB_SKETCH_7A_ATS_C);
  bool inside = false;
  int line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.starts_with("void pci_disable_ats(")) inside = true;
    if (inside && line.starts_with("}")) break;
    if (inside && line.find("WARN_ON") != std::string::npos && --n == 0) return line_no;
  }
  return 0;
}

io::Scenario scenario(const std::string& file, policy::Driver driver) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + file);
  sc.driver = driver;
  // The model plays the sketch through its switch; under Source the scripted tree does.
  sc.disable_ats_checks_ats_cap = driver == policy::Driver::Model;
  // The model as the tree this build runs: 6.12's SMMUv3 driver when it is built.
  return driver == policy::Driver::Model ? model_like_tree(sc) : sc;
}

const kernel::Warning* refusal(const System& s) {
  for (const auto& w : s.record.warnings)
    if (w.function == KFn::pci_disable_ats && w.condition == "!dev->ats_cap") return &w;
  return nullptr;
}

TEST(SourceSketch7a, TheBinaryRunsTheScriptedCopy) {
  EXPECT_NE(kernel_src::tree().origin.find("disable-ats-checks-ats-cap.sh"), std::string_view::npos);
  EXPECT_NE(kernel_src::sha256_of("drivers/pci/ats.c"), ATSLAB_ORIGINAL_ATS_C_SHA256);
  EXPECT_GT(disable_ats_warn_line(2), disable_ats_warn_line(1));
}

TEST(SourceSketch7a, TheTreesPciDisableAtsRefusesAtHotUnplugAndWritesNothing) {
  auto tree = sim::run_scenario(scenario("e2000-hotplug-quirk-race.yaml", policy::Driver::Source), policy::AtsVariant::Upstream);
  auto model = sim::run_scenario(scenario("e2000-hotplug-quirk-race.yaml", policy::Driver::Model), policy::AtsVariant::Upstream);
  const System& s = tree.final;
  const auto* w = refusal(s);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->file, "drivers/pci/ats.c");
  EXPECT_EQ(w->line, disable_ats_warn_line(2));
  ASSERT_EQ(s.record.warnings.size(), 1u);
  const auto* mw = refusal(model.final);
  ASSERT_NE(mw, nullptr);
  EXPECT_EQ(w->call_trace, mw->call_trace);
  // Nothing reaches PCI_STATUS, and the function keeps ATS enabled.
  for (const auto& e : s.record.events)
    EXPECT_FALSE(e.kind == kernel::EventKind::ConfigWrite && e.a == hw::pcie::hdr::kStatus) << "write at seq " << e.seq;
  for (hw::pcie::FnId f = 0; f < s.hw.pcie.functions().size(); ++f) {
    const auto& cfg = s.hw.pcie.fn(f).cfg;
    if (cfg.read16(hw::pcie::hdr::kDeviceId) != 0x1457) continue;
    uint16_t cap = hw::pcie::find_ext_cap(cfg, hw::pcie::ext_cap::kAts);
    EXPECT_TRUE(cfg.read16(cap + hw::pcie::ats::kCtrl) & hw::pcie::ats::kCtrlEnable);
  }
  EXPECT_EQ(tree.violated, model.violated);
  EXPECT_EQ(tree.violated, (std::vector<int>{2, 4, 6}));
}

TEST(SourceSketch7a, AnAttachAfterTheQuirkGetsTheModelsVerdicts) {
  auto tree = sim::run_scenario(scenario("e2000-hotplug-own-domain.yaml", policy::Driver::Source), policy::AtsVariant::Upstream);
  auto model = sim::run_scenario(scenario("e2000-hotplug-own-domain.yaml", policy::Driver::Model), policy::AtsVariant::Upstream);
  ASSERT_NE(refusal(tree.final), nullptr);
  EXPECT_EQ(refusal(tree.final)->call_trace, refusal(model.final)->call_trace);
  EXPECT_EQ(tree.violated, model.violated);
  EXPECT_EQ(tree.violated, without_arrays_if_tree_smmu({2, 4, 6, 9, 11, 12, 13, 14}));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
