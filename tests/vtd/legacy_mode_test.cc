// Legacy (non-scalable) mode (spec 5.1): ATS follows the context entry:
// domain_context_mapping writes it (TT device-TLB) then enables ATS;
// domain_context_clear clears it then disables ATS.
#include "../support/vfio_bind.h"
#include "check/invariants.h"
#include "linux/vfio/vfio.h"
#include "vtd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

VtdSpec legacy(PfSpec pf = {}) { return {.pf = pf, .unit = {.ecap_smts = false}}; }

const hw::VtdContextEntry& ctx(const VtdMachine& m, pci::DevId d) {
  return m.s.hw.vtd.at(0).context.at(m.s.kernel.devs[d].bdf.rid());
}

TEST(VtdLegacy, DefaultDomainAttachWritesADeviceTlbContextEntryThenEnablesAts) {
  VtdMachine m(legacy());
  auto pf = m.pf();
  EXPECT_TRUE(ctx(m, pf).present);
  EXPECT_EQ(ctx(m, pf).tt, 1);
  EXPECT_TRUE(m.info(pf).ats_enabled);
  EXPECT_TRUE(m.hw_ats_on(pf));
  EXPECT_TRUE(check::check_state(m.s, true).empty());
  // The DEVTLB tag follows the enable done by domain_context_mapping.
  auto g = iommu::group_of(m.s, pf);
  const auto& tags = m.s.kernel.vtd.domains.at(vtd::dmar_domain_of(m.s, iommu::group(m.s, g).default_domain)).cache_tags;
  EXPECT_EQ(std::count_if(tags.begin(), tags.end(), [](const vtd::CacheTag& t) { return t.type == vtd::CacheTagType::Devtlb; }), 1);
}

TEST(VtdLegacy, ContextEntryWithoutAtsSupportUsesUntranslatedOnly) {
  VtdMachine m(legacy({.ats = false}));
  EXPECT_EQ(ctx(m, m.pf()).tt, 0);
  EXPECT_FALSE(m.hw_ats_on(m.pf()));
}

TEST(VtdLegacy, BlockedDomainClearsTheContextEntryAndDisablesAtsThenVfioReenablesIt) {
  VtdMachine m(legacy());
  auto pf = m.pf();
  auto c = vfio::open_container(m.s);
  test::bind_vfio_pci(m.s, pf);
  auto g = vfio::open_group(m.s, pf);
  ASSERT_EQ(vfio::group_set_container(m.s, g, c), 0);
  EXPECT_FALSE(ctx(m, pf).present);
  EXPECT_FALSE(m.hw_ats_on(pf));
  EXPECT_FALSE(m.info(pf).ats_enabled);
  ASSERT_EQ(vfio::set_iommu(m.s, c), 0);
  EXPECT_TRUE(ctx(m, pf).present);
  EXPECT_TRUE(m.hw_ats_on(pf));
  ASSERT_EQ(vfio::group_unset_container(m.s, g), 0);
  EXPECT_TRUE(m.hw_ats_on(pf)) << "back on the default domain";
  pci::stop_and_remove_bus_device(m.s, pf);
  EXPECT_TRUE(m.s.record.warnings.empty()) << "every disable matched an enable";
}

TEST(VtdLegacy, ClearDisablesAtsOnlyAfterTheContextEntryIsGone) {
  VtdMachine m(legacy());
  auto pf = m.pf();
  size_t from = m.s.record.events.size();
  auto c = vfio::open_container(m.s);
  test::bind_vfio_pci(m.s, pf);
  auto g = vfio::open_group(m.s, pf);
  ASSERT_EQ(vfio::group_set_container(m.s, g, c), 0);
  uint16_t rid = m.s.kernel.devs[pf].bdf.rid();
  uint64_t ctx_cleared = 0, ats_off = 0;
  for (size_t i = from; i < m.s.record.events.size(); ++i) {
    const auto& e = m.s.record.events[i];
    if (e.kind == kernel::EventKind::VtdContextWrite && e.a == rid && e.b == 0) ctx_cleared = e.seq;
    if (e.kind == kernel::EventKind::ConfigWrite && e.dev == pf && e.a == m.s.kernel.devs[pf].ats_cap + hw::pcie::ats::kCtrl)
      ats_off = e.seq;
  }
  ASSERT_NE(ctx_cleared, 0u);
  ASSERT_NE(ats_off, 0u);
  EXPECT_LT(ctx_cleared, ats_off);
  EXPECT_FALSE(ctx(m, pf).present);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
