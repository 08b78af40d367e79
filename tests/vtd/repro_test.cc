// The seed scenario behind VT-d and AMD-Vi (atslab repro --iommu vtd|amd), and a
// machine mixing drivers per root complex.
#include <gtest/gtest.h>

#include "io/repro_report.h"
#include "linux/pci/probe.h"
#include "sim/seed_repro.h"
#include "../amd/amd_machine.h"
#include "vtd_machine.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::pcie::IommuKind;
using policy::AtsVariant;

bool has(const std::vector<int>& v, int n) { return std::find(v.begin(), v.end(), n) != v.end(); }

TEST(VtdRepro, UpstreamFinalPhaseHitsTheRbtreeUseAfterFreeOnTheNextVfCreation) {
  auto r = run_seed_repro(AtsVariant::Upstream, {.iommu = IommuKind::Vtd});
  EXPECT_TRUE(r.rbtree_uaf);
  EXPECT_TRUE(r.recreate_probe_failed);
  EXPECT_TRUE(has(r.violated, 0));
  EXPECT_TRUE(has(r.violated, 6));
  ASSERT_EQ(r.final.record.bugs.size(), 1u) << "KASAN reports the first bad access";
  EXPECT_EQ(r.final.record.bugs[0].call_trace.back(), kernel::KFn::sriov_numvfs_store);
  // No pci_disable_ats WARN: the only splats are device_rbtree_insert's WARN_ON(curr).
  for (const auto& w : r.final.record.warnings) EXPECT_EQ(w.function, kernel::KFn::device_rbtree_insert);
  EXPECT_TRUE(r.vf_usable) << "the first VF generation works; the damage is at re-creation";
}

TEST(VtdRepro, HeaderPhaseAndFailEarlyAreClean) {
  for (bool header : {false, true})
    for (auto v : kVtdAmdVariants) {
      if (!header && v == AtsVariant::Upstream) continue;
      auto r = run_seed_repro(v, {.iommu = IommuKind::Vtd, .header_quirks = header});
      EXPECT_FALSE(r.rbtree_uaf) << policy::name(v) << " header=" << header;
      EXPECT_FALSE(r.recreate_probe_failed);
      EXPECT_TRUE(r.violated.empty());
      EXPECT_TRUE(r.final.record.warnings.empty());
      EXPECT_TRUE(r.vf_usable);
    }
}

TEST(VtdRepro, LegacyModeHasTheSameUseAfterFreeAndNoDisableWarn) {
  auto r = run_seed_repro(AtsVariant::Upstream, {.iommu = IommuKind::Vtd, .vtd_legacy = true});
  EXPECT_FALSE(r.final.hw.vtd.at(0).ecap_smts);
  EXPECT_TRUE(r.rbtree_uaf);
  for (const auto& w : r.final.record.warnings) EXPECT_NE(w.function, kernel::KFn::pci_disable_ats);
  // The VF's enable is retried at every context mapping and fails every time, silently.
  size_t failed = 0;
  for (const auto& e : r.final.record.events) failed += e.kind == kernel::EventKind::AtsEnableFailed;
  EXPECT_GT(failed, 1u);
}

TEST(AmdRepro, NoWarnAndNoUseAfterFreeButSupportStillFlipsUnderTheFinalPhase) {
  auto r = run_seed_repro(AtsVariant::Upstream, {.iommu = IommuKind::Amd});
  EXPECT_TRUE(r.final.record.warnings.empty());
  EXPECT_FALSE(r.rbtree_uaf);
  EXPECT_EQ(r.violated, std::vector<int>{6});
  EXPECT_FALSE(r.vf_ats_enabled) << "pci_enable_ats fails on the VF of an unprepared PF; dev_data tracks that";
  EXPECT_TRUE(r.vf_usable);
  auto h = run_seed_repro(AtsVariant::Upstream, {.iommu = IommuKind::Amd, .header_quirks = true});
  EXPECT_TRUE(h.violated.empty());
}

TEST(VtdRepro, TextTableHasTheUafColumnAndJsonNamesTheIommu) {
  std::vector<ReproResult> rs;
  rs.push_back(run_seed_repro(AtsVariant::Upstream, {.iommu = IommuKind::Vtd}));
  std::string text = io::repro_text(rs, false);
  EXPECT_NE(text.find("RBTREE UAF"), std::string::npos);
  EXPECT_NE(text.find("BUG: KASAN: slab-use-after-free in device_rid_cmp"), std::string::npos);
  auto j = io::repro_json(rs);
  EXPECT_EQ(j["variants"][0]["iommu"], "vtd");
  EXPECT_EQ(j["variants"][0]["rbtree_uaf"], true);
}

// A path behind VT-d or AMD-Vi has no VF re-creation and walks no rbtree: its table leaves the
// seed's columns out. ATTACH FAIL is an attach's failure, not any step's.
TEST(VtdRepro, APathsTableHasNoSeedColumnsAndAttachFailIsAnAttachs) {
  std::vector<ReproResult> rs;
  rs.push_back(run_seed_repro(AtsVariant::Upstream, {.scenario = ReproScenario::Pasid, .iommu = IommuKind::Amd}));
  const std::string text = io::repro_text(rs, false);
  EXPECT_EQ(text.find("RBTREE UAF"), std::string::npos);
  EXPECT_EQ(text.find("RE-CREATE"), std::string::npos);
  EXPECT_NE(text.find("ATTACH FAIL"), std::string::npos);
  EXPECT_TRUE(rs[0].attach_failed) << "AMD-Vi's paging domain has no set_dev_pasid: the PASID attach is -EOPNOTSUPP";
  // The seed's own table behind VT-d keeps them.
  rs.assign(1, run_seed_repro(AtsVariant::Upstream, {.iommu = IommuKind::Vtd}));
  EXPECT_NE(io::repro_text(rs, false).find("RE-CREATE PROBE FAIL"), std::string::npos);
}

TEST(MixedIommus, EachRootComplexProbesThroughItsOwnDriver) {
  System s;
  hw::pcie::FnId fns[3];
  IommuKind kinds[3] = {IommuKind::Smmuv3, IommuKind::Vtd, IommuKind::Amd};
  for (int i = 0; i < 3; ++i) {
    hw::pcie::RootComplex rc;
    rc.domain = static_cast<uint16_t>(i);
    rc.iommu = kinds[i];
    auto r = s.hw.pcie.add_root_complex(rc);
    auto port = s.hw.pcie.add_root_port(r, 1);
    fns[i] = s.hw.pcie.add_function(r, port, 0, test::make_pf_config({}), "PF");
  }
  pci::boot(s);
  auto dev = [&](int i) { return pci::dev_for_fn(s, fns[i]).value(); };
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(s.kernel.iommu.devs.at(dev(i)).probed) << i;
  // Each driver holds exactly its own root complex's two functions (root port and PF).
  EXPECT_EQ(s.kernel.smmuv3.masters.size(), 2u);
  EXPECT_EQ(s.kernel.vtd.infos.size(), 2u);
  EXPECT_EQ(s.kernel.amd.dev_data.size(), 2u);
  EXPECT_NE(vtd::info_of(s, dev(1)), vtd::kNone);
  EXPECT_NE(amd::dev_data_of(s, dev(2)), amd::kNone);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(s.kernel.devs[dev(i)].ats_enabled) << "every driver enabled ATS on its PF";
  EXPECT_TRUE(s.record.warnings.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
