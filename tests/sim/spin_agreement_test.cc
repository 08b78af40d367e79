// SPIN and atslab agree (issue 6): for every variant and configuration spec/expected.json
// records from SPIN on spec/ats.pml (ctest spin.<variant> keeps that file honest), atslab's
// explorer on the same machine finds the same invariants violated, among those SPIN checks.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "io/scenario.h"
#include "sim/explore.h"

namespace atslab::sim {
namespace {

nlohmann::json expected() {
  std::ifstream in(std::string(ATSLAB_SOURCE_DIR) + "/spec/expected.json");
  return nlohmann::json::parse(in);
}

// pf=quirked is the seed machine (the E2000 PF whose ATS is quirked off); pf=healthy
// has a PF prepared with STU 12. faults=1: any pci_enable_ats may fail.
std::set<int> atslab_violated(policy::AtsVariant v, bool faults, bool healthy, const std::set<int>& checks) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + (healthy ? "explore-small" : "seed") + ".yaml");
  ExploreOptions opt{.depth = 3, .all = true};
  opt.interleave = false;
  // The abstraction's operations: attaches (probe through SR-IOV, VFIO, release) and invalidations.
  opt.kinds = {OpKind::SriovEnable, OpKind::SriovDisable, OpKind::Bind, OpKind::Unbind, OpKind::VfioSetContainer,
               OpKind::VfioUnsetContainer, OpKind::VfioSetIommu, OpKind::HostDma, OpKind::VfioMapUnmap};
  if (faults) opt.faults = {faults::Point::PciEnableAts};
  std::set<int> out;
  for (const auto& [n, cx] : explore(sc, v, opt).found)
    if (checks.count(n)) out.insert(n);
  return out;
}

TEST(SpinAgreement, EveryVariantAndConfigurationViolatesWhatSpinFinds) {
  auto j = expected();
  std::set<int> checks;
  for (int n : j.at("checks")) checks.insert(n);
  ASSERT_EQ(j.at("expected").size(), 5u);
  for (const auto& [variant, configs] : j.at("expected").items()) {
    auto v = policy::parse_variant(variant);
    ASSERT_TRUE(v) << variant;
    for (const auto& [config, list] : configs.items()) {
      bool faults = config.find("faults=1") != std::string::npos;
      bool healthy = config.find("pf=healthy") != std::string::npos;
      std::set<int> spin(list.begin(), list.end());
      EXPECT_EQ(atslab_violated(*v, faults, healthy, checks), spin) << variant << " " << config;
    }
  }
}

}  // namespace
}  // namespace atslab::sim
