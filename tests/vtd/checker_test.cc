// The checker on corrupted VT-d / AMD state: each invariant it evaluates for these drivers fires.
#include "../amd/amd_machine.h"
#include "check/invariants.h"
#include "vtd_machine.h"

namespace atslab::test {
namespace {

bool reports(const System& s, int n) {
  auto v = check::check_state(s, true);
  return std::any_of(v.begin(), v.end(), [&](const check::Violation& x) { return x.invariant == n; });
}

TEST(VtdAmdChecker, CleanMachinesHaveNoViolations) {
  EXPECT_TRUE(check::check_state(VtdMachine().s, true).empty());
  EXPECT_TRUE(check::check_state(VtdMachine({.unit = {.ecap_smts = false}}).s, true).empty());
  EXPECT_TRUE(check::check_state(AmdMachine().s, true).empty());
}

TEST(VtdAmdChecker, InfoBeliefDifferentFromTheEnableBitIsNine) {
  VtdMachine m;
  m.s.kernel.vtd.infos[vtd::info_of(m.s, m.pf())].ats_enabled = false;
  EXPECT_TRUE(reports(m.s, 9));
}

TEST(VtdAmdChecker, MissingDevtlbTagIsFourteen) {
  VtdMachine m;
  auto g = iommu::group_of(m.s, m.pf());
  auto& tags = m.s.kernel.vtd.domains.at(vtd::dmar_domain_of(m.s, iommu::group(m.s, g).default_domain)).cache_tags;
  std::erase_if(tags, [](const vtd::CacheTag& t) { return t.type == vtd::CacheTagType::Devtlb; });
  EXPECT_TRUE(reports(m.s, 14));
}

TEST(VtdAmdChecker, LegacyAtsWithoutADeviceTlbContextEntryIsEleven) {
  VtdMachine m({.unit = {.ecap_smts = false}});
  m.s.hw.vtd[0].context[m.s.kernel.devs[m.pf()].bdf.rid()].tt = 0;
  EXPECT_TRUE(reports(m.s, 11));
}

TEST(VtdAmdChecker, FreedInfoLinkedInTheRbtreeIsZero) {
  VtdMachine m;
  m.s.kernel.vtd.infos[vtd::info_of(m.s, m.pf())].freed = true;
  EXPECT_TRUE(reports(m.s, 0));
}

TEST(VtdAmdChecker, DevDataBeliefDifferentFromTheEnableBitIsNine) {
  AmdMachine m;
  m.s.kernel.amd.dev_data[amd::dev_data_of(m.s, m.pf())].ats_enabled = false;
  EXPECT_TRUE(reports(m.s, 9));
}

}  // namespace
}  // namespace atslab::test
