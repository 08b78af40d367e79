// The explorer's WARN-site hook (ExploreResult::warnings, issue 21): which WARN sites a small
// search records, and the trace it keeps for each.
//
// The oracle is the kernel's code, read by hand, on explore-small's machine (a healthy PF whose
// ATS is prepared with STU 12 at boot, two VFs), with SR-IOV and driver binding as the only
// operations:
//  - A VF's probe attaches its default (DMA) domain; arm_smmu_attach_commit calls
//    arm_smmu_enable_ats -> pci_enable_ats(pdev, stu). Forced to fail, upstream only prints
//    dev_err "Failed to enable ATS" and keeps master->ats_enabled = true, while
//    pdev->ats_enabled stays false (drivers/pci/ats.c sets it only on success).
//  - The VF's next attach without ATS (vfio-pci's bind claims DMA ownership: the blocking
//    domain; or SR-IOV disable: the release domain) finds master->ats_enabled set and calls
//    pci_disable_ats, whose first line is WARN_ON(!dev->ats_enabled): the seed's splat. It takes
//    two operations, the first one with the forced failure.
//  - fail-early adds the review's WARN_ON(pci_enable_ats(pdev, stu)) in arm_smmu_enable_ats, in
//    the very operation whose enable fails, and keeps going as upstream does.
//  - vtd-style sets the belief from pci_enable_ats's return (intel-iommu's
//    `if (!pci_enable_ats(...)) info->ats_enabled = 1`): pci_disable_ats is never reached for a
//    VF whose enable failed, so no WARN at all.
//  - Without a failure every pci_enable_ats succeeds on this machine (the PF is prepared with the
//    SMMU's smallest page, STU 12, the VFs ask for the same), the belief always matches the
//    Enable bit, and no WARN site in these paths can fire, under any design.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "io/scenario.h"
#include "linux/kernel/kfunc.h"
#include "sim/explore.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

const char* const kDisableWarn = "pci_disable_ats: !dev->ats_enabled";
const char* const kFailEarlyWarn = "arm_smmu_enable_ats: pci_enable_ats(pdev, stu)";

io::Scenario small() { return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml"); }

ExploreResult search(AtsVariant v, unsigned depth, bool enable_fails) {
  ExploreOptions opt{.depth = depth, .all = true};
  opt.interleave = false;
  opt.kinds = {OpKind::SriovEnable, OpKind::SriovDisable, OpKind::Bind, OpKind::Unbind};
  if (enable_fails) opt.faults = {faults::Point::PciEnableAts};
  auto r = explore(small(), v, opt);
  EXPECT_TRUE(r.exhausted) << policy::name(v);
  return r;
}

std::set<std::string> sites(const ExploreResult& r) {
  std::set<std::string> out;
  for (const auto& [key, trace] : r.warnings) out.insert(key);
  return out;
}

// The WARNs a replay of `trace` prints, keyed as the explorer keys them.
std::set<std::string> replayed_warnings(AtsVariant v, const std::vector<Op>& trace) {
  const auto sc = small();
  auto res = run_ops(sc, v, trace, sc.seed, "");
  std::set<std::string> out;
  for (const auto& w : res.final.record.warnings) out.insert(std::string(kernel::name(w.function)) + ": " + w.condition);
  return out;
}

// The trace the search kept for `site`: `length` operations, opening with the VFs' creation whose
// pci_enable_ats is forced to fail, and reaching the WARN again when run again. Empty, with a
// failure recorded, when the search kept none or one of another length.
std::vector<Op> kept_trace(const ExploreResult& r, AtsVariant v, const std::string& site, size_t length) {
  auto it = r.warnings.find(site);
  if (it == r.warnings.end()) {
    ADD_FAILURE() << "no trace kept for " << site;
    return {};
  }
  const std::vector<Op>& t = it->second;
  if (t.size() != length) {
    ADD_FAILURE() << site << ": a trace of " << t.size() << " operation(s), not " << length;
    return {};
  }
  EXPECT_EQ(t[0].kind, OpKind::SriovEnable);
  EXPECT_EQ(t[0].fault, "pci_enable_ats");
  EXPECT_TRUE(replayed_warnings(v, t).count(site)) << "the trace kept for " << site << " reaches it when run again";
  return t;
}

TEST(ExploreWarnings, UpstreamWithAFailedEnableRecordsTheSeedsWarnInPciDisableAts) {
  auto r = search(AtsVariant::Upstream, 2, true);
  EXPECT_EQ(sites(r), (std::set<std::string>{kDisableWarn}));
  // The first (shortest) trace: the VFs' probe with the failing enable, then an attach without ATS.
  const auto t = kept_trace(r, AtsVariant::Upstream, kDisableWarn, 2);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_TRUE(t[1].fault.empty());
  EXPECT_TRUE(t[1].kind == OpKind::SriovDisable || (t[1].kind == OpKind::Bind && t[1].driver == "vfio-pci"))
      << describe(t[1]);
  // One operation is not enough: the failed enable itself WARNs nowhere under upstream.
  EXPECT_TRUE(search(AtsVariant::Upstream, 1, true).warnings.empty());
}

TEST(ExploreWarnings, FailEarlyWarnsAtTheFailedEnableAndAgainAtTheDisable) {
  auto one = search(AtsVariant::FailEarly, 1, true);
  EXPECT_EQ(sites(one), (std::set<std::string>{kFailEarlyWarn}));
  EXPECT_EQ(kept_trace(one, AtsVariant::FailEarly, kFailEarlyWarn, 1).size(), 1u);
  auto two = search(AtsVariant::FailEarly, 2, true);
  EXPECT_EQ(sites(two), (std::set<std::string>{kFailEarlyWarn, kDisableWarn}));
}

TEST(ExploreWarnings, VtdStyleNeverReachesPciDisableAtsAfterAFailedEnable) {
  EXPECT_EQ(sites(search(AtsVariant::VtdStyle, 2, true)), std::set<std::string>{});
}

TEST(ExploreWarnings, NoWarnSiteWithoutAFault) {
  for (auto v : {AtsVariant::Upstream, AtsVariant::SeriesV3, AtsVariant::FailEarly})
    EXPECT_EQ(sites(search(v, 3, false)), std::set<std::string>{}) << policy::name(v);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
