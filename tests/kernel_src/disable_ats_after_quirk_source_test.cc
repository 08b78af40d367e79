// Finding 7 on 6.12.118's own drivers/pci/ats.c (--driver source,
// docs/reports/pci-disable-ats-after-quirk.md): after a FINAL quirk cleared
// ats_cap, the tree's pci_disable_ats() read-modify-writes offset 0x06
// (PCI_STATUS) and leaves ATS Enable set, as the model says. Pinned to Debian's
// file (tree_fixture.h); the scripted sketch 7a has its own binary
// (tests/kernel_src_disable_ats_checks_cap).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"
#include "tree_fixture.h"
#include "../support/model_like_tree.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

sim::ScenarioResult run(const std::string& file, policy::Driver driver) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + file);
  sc.driver = driver;
  // The model as the tree this build runs: 6.12's SMMUv3 driver when it is built.
  if (driver == policy::Driver::Model) sc = model_like_tree(sc);
  return sim::run_scenario(sc, policy::AtsVariant::Upstream);
}

// Config writes to the E2000 function (device 0x1457) at `off`, during the step named `what`.
std::vector<uint32_t> e2000_writes(const sim::ScenarioResult& r, uint16_t off, const std::string& what) {
  std::vector<uint32_t> out;
  const System& s = r.final;
  for (const auto& step : r.steps) {
    if (step.what != what) continue;
    for (const auto& e : s.record.events)
      if (e.seq >= step.begin && e.seq < step.end && e.kind == kernel::EventKind::ConfigWrite && e.a == off &&
          s.kernel.devs.at(e.dev).device == 0x1457)  // ConfigWrite records the pci_dev
        out.push_back(static_cast<uint32_t>(e.b) & 0xffff);
  }
  return out;
}

bool e2000_ats_enable_bit(const System& s) {
  for (hw::pcie::FnId f = 0; f < s.hw.pcie.functions().size(); ++f) {
    const auto& cfg = s.hw.pcie.fn(f).cfg;
    if (cfg.read16(hw::pcie::hdr::kDeviceId) != 0x1457) continue;
    return cfg.read16(hw::pcie::find_ext_cap(cfg, hw::pcie::ext_cap::kAts) + hw::pcie::ats::kCtrl) & hw::pcie::ats::kCtrlEnable;
  }
  return false;
}

TEST(SourceAts612118, PciDisableAtsAfterAFinalQuirkWritesPciStatus) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto tree = run("e2000-hotplug-quirk-race.yaml", policy::Driver::Source);
  auto model = run("e2000-hotplug-quirk-race.yaml", policy::Driver::Model);
  // PCI_STATUS as read (Capabilities List), written back by the release domain's pci_disable_ats.
  EXPECT_EQ(e2000_writes(tree, hw::pcie::hdr::kStatus, "hot-unplug ipu"), (std::vector<uint32_t>{hw::pcie::hdr::kStatusCapList}));
  EXPECT_EQ(e2000_writes(model, hw::pcie::hdr::kStatus, "hot-unplug ipu"),
            e2000_writes(tree, hw::pcie::hdr::kStatus, "hot-unplug ipu"));
  EXPECT_TRUE(e2000_ats_enable_bit(tree.final));
  EXPECT_TRUE(tree.final.record.warnings.empty());
  EXPECT_EQ(tree.violated, model.violated);
  EXPECT_EQ(tree.violated, (std::vector<int>{2, 6}));
}

TEST(SourceAts612118, AnAttachAfterAFinalQuirkLeavesAtsOnLikeTheModel) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  auto tree = run("e2000-hotplug-own-domain.yaml", policy::Driver::Source);
  auto model = run("e2000-hotplug-own-domain.yaml", policy::Driver::Model);
  EXPECT_EQ(e2000_writes(tree, hw::pcie::hdr::kStatus, "ipu: iommu_attach_group(own paging domain)").size(), 1u);
  EXPECT_TRUE(e2000_ats_enable_bit(tree.final));
  EXPECT_EQ(tree.violated, model.violated);
  EXPECT_EQ(tree.violated, without_arrays_if_tree_smmu({1, 2, 6, 9, 11, 12, 13, 14}));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
