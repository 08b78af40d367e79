// The checker on corrupted VT-d / AMD state: each invariant it evaluates for these drivers fires.
#include "../amd/amd_machine.h"
#include "check/invariants.h"
#include "linux/iommu/pasid.h"
#include "linux/pci/ats.h"
#include "vtd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
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
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(VtdAmdChecker, DeviceIotlbInvalidationToAnAtsDisabledEndpointIsTwentyThree) {
  VtdMachine m;
  auto pf = m.pf();
  size_t from = m.s.record.events.size();
  // A descriptor the driver would never send: the device's ATS is switched off behind its back first.
  pci::disable_ats(m.s, pf);
  vtd::qi_flush_dev_iotlb(m.s, 0, m.s.kernel.devs[pf].bdf.rid(), 0, 0, 0x1000, 0);
  auto v = check::check_history(m.s, from, m.s.record.warnings.size());
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](const check::Violation& x) { return x.invariant == 23; }));
}

TEST(VtdAmdChecker, PasidBasedDeviceIotlbInvalidationToAnAtsDisabledEndpointIsTwentyThree) {
  VtdMachine m;
  auto pf = m.pf();
  size_t from = m.s.record.events.size();
  pci::disable_ats(m.s, pf);
  vtd::qi_flush_dev_iotlb_pasid(m.s, 0, m.s.kernel.devs[pf].bdf.rid(), 0, 5, 0, 0x1000, 0);
  auto v = check::check_history(m.s, from, m.s.record.warnings.size());
  EXPECT_TRUE(std::any_of(v.begin(), v.end(), [](const check::Violation& x) { return x.invariant == 23; }));
}

// 14 for a PASID's attachment: the domain on PASID 3 of the PF with ATS on has its DEVTLB tag for
// PASID 3, and a DEVTLB tag for a PASID the domain is not attached on is a stale one.
TEST(VtdAmdChecker, APasidAttachmentWithoutItsDevtlbTagOrATagWithoutAnAttachmentIsFourteen) {
  VtdMachine m({.pf = {.pasid = true}});
  auto pf = m.pf();
  auto dom = iommu::domain_alloc_paging(m.s, pf);
  ASSERT_EQ(iommu::attach_device_pasid(m.s, dom, pf, 3), 0);
  ASSERT_FALSE(reports(m.s, 14));
  auto& d = m.s.kernel.vtd.domains.at(vtd::dmar_domain_of(m.s, dom));
  System missing = m.s;
  std::erase_if(missing.kernel.vtd.domains.at(vtd::dmar_domain_of(m.s, dom)).cache_tags,
                [](const vtd::CacheTag& t) { return t.type == vtd::CacheTagType::Devtlb; });
  EXPECT_TRUE(reports(missing, 14));
  System stale = m.s;
  stale.kernel.vtd.domains.at(vtd::dmar_domain_of(m.s, dom)).dev_pasids.clear();
  EXPECT_TRUE(reports(stale, 14)) << "the PASID's tags with no attachment behind them";
  EXPECT_EQ(d.cache_tags.back().pasid, 3u);
}

TEST(VtdAmdChecker, NormalUnmapsSendNoInvalidationToAtsDisabledEndpoints) {
  VtdMachine m;
  AmdMachine a;
  for (System* s : {&m.s, &a.s}) {
    pci::DevId pf = pci::live_devices(*s).back();
    auto d = iommu::group(*s, iommu::group_of(*s, pf)).default_domain;
    iommu::map(*s, d, 0x10000, 0x40000000, 0x1000);
    iommu::unmap(*s, d, 0x10000, 0x1000);
    auto v = check::check_history(*s, 0, 0);
    EXPECT_TRUE(std::none_of(v.begin(), v.end(), [](const check::Violation& x) { return x.invariant == 23; }));
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
