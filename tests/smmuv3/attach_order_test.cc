// The order of events in each attach kind (kernel-semantics.md 3.6, 3.7, 3.9, section 4):
// ATS enable only after the STE carries EATS and after a full ATC flush; ATS
// disable before EATS is removed; the VFIO lifecycle's domain sequence.
#include <gtest/gtest.h>

#include "../support/vfio_bind.h"
#include "check/invariants.h"
#include "linux/iommu/iommu.h"
#include "linux/vfio/vfio.h"
#include "../pci/machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::EventKind;

constexpr MachineSpec kHealthy{.iommu = hw::pcie::IommuKind::Smmuv3};

// Record positions of the first event matching a predicate at or after `from`.
template <typename P>
size_t find_from(const System& s, size_t from, P pred) {
  for (size_t i = from; i < s.record.events.size(); ++i)
    if (pred(s.record.events[i])) return i;
  return SIZE_MAX;
}

bool ats_ctrl_write(const kernel::Event& e, pci::DevId dev, const System& s, bool enable) {
  if (e.kind != EventKind::ConfigWrite || e.dev != dev) return false;
  if (e.a != s.kernel.devs[dev].ats_cap + hw::pcie::ats::kCtrl) return false;
  bool sets = (e.b & hw::pcie::ats::kCtrlEnable) != 0;
  return sets == enable;
}
bool ste_write(const kernel::Event& e, uint32_t sid, bool eats) {
  return e.kind == EventKind::SteWrite && e.a == sid && (((e.b >> 28) & 3) == 1) == eats;
}
bool atc_inv(const kernel::Event& e, uint32_t sid) {
  return e.kind == EventKind::SmmuCommand && e.a == 0x40 && e.b == sid;
}

TEST(AttachOrder, DefaultDomainAttachWritesEatsFlushesTheAtcThenEnablesAts) {
  Machine m(kHealthy);
  const auto& s = m.s;
  pci::DevId pf = m.pf();
  uint32_t sid = s.kernel.devs[pf].bdf.rid();
  ASSERT_TRUE(s.kernel.devs[pf].ats_enabled) << "a healthy PF gets ATS on its default domain";
  size_t ste = find_from(s, 0, [&](const auto& e) { return ste_write(e, sid, true); });
  size_t flush = find_from(s, ste, [&](const auto& e) { return atc_inv(e, sid); });
  size_t enable = find_from(s, 0, [&](const auto& e) { return ats_ctrl_write(e, pf, s, true); });
  ASSERT_NE(ste, SIZE_MAX);
  ASSERT_NE(flush, SIZE_MAX);
  ASSERT_NE(enable, SIZE_MAX);
  EXPECT_LT(ste, flush);
  EXPECT_LT(flush, enable);
}

TEST(AttachOrder, BlockedAttachDisablesAtsBeforeTheSteLosesEatsThenFlushes) {
  Machine m(kHealthy);
  pci::DevId pf = m.pf();
  uint32_t sid = m.s.kernel.devs[pf].bdf.rid();
  size_t from = m.s.record.events.size();
  ASSERT_EQ(iommu::group_claim_dma_owner(m.s, iommu::group_of(m.s, pf), 7), 0);
  const auto& s = m.s;
  size_t disable = find_from(s, from, [&](const auto& e) { return ats_ctrl_write(e, pf, s, false); });
  size_t ste = find_from(s, from, [&](const auto& e) { return ste_write(e, sid, false); });
  size_t flush = find_from(s, ste, [&](const auto& e) { return atc_inv(e, sid); });
  ASSERT_NE(disable, SIZE_MAX);
  ASSERT_NE(ste, SIZE_MAX);
  ASSERT_NE(flush, SIZE_MAX);
  EXPECT_LT(disable, ste);
  EXPECT_LT(ste, flush);
  EXPECT_FALSE(s.kernel.devs[pf].ats_enabled);
  EXPECT_TRUE(s.record.warnings.empty());
}

// nr_ats_masters counts the domain's attached masters with ATS: +1 in attach_prepare, -1 when
// the master leaves (arm_smmu_remove_master_domain), on the OLD domain, before the next attach.
TEST(AttachOrder, LeavingADomainTakesTheMasterOutOfItsNrAtsMasters) {
  Machine m(kHealthy);
  pci::DevId pf = m.pf();
  const auto g = iommu::group_of(m.s, pf);
  const auto dflt = m.s.kernel.iommu.groups[g].default_domain;
  auto count = [&](iommu::DomainId d) {
    for (const auto& sd : m.s.kernel.smmuv3.domains)
      if (sd.domain == d && sd.live) return sd.nr_ats_masters;
    return -1;
  };
  ASSERT_TRUE(m.s.kernel.devs[pf].ats_enabled);
  EXPECT_EQ(count(dflt), 1);
  ASSERT_EQ(iommu::group_claim_dma_owner(m.s, g, 7), 0);  // to the blocked domain: no ATS there
  EXPECT_EQ(count(dflt), 0);
  iommu::group_release_dma_owner(m.s, g);  // and back
  EXPECT_EQ(count(dflt), 1);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(AttachOrder, UnmapSyncsTheTlbInvalidationBeforeTheAtcInvalidation) {
  Machine m(kHealthy);
  pci::DevId pf = m.pf();
  auto g = iommu::group_of(m.s, pf);
  auto def = iommu::group(m.s, g).default_domain;
  ASSERT_EQ(iommu::map(m.s, def, 0x10000, 0x800000, 0x2000), 0);
  size_t from = m.s.record.events.size();
  EXPECT_EQ(iommu::unmap(m.s, def, 0x10000, 0x2000), 0x2000u);
  const auto& s = m.s;
  size_t tlbi = find_from(s, from, [](const auto& e) { return e.kind == EventKind::SmmuCommand && e.a == 0x12; });
  size_t sync = find_from(s, tlbi, [](const auto& e) { return e.kind == EventKind::SmmuCommand && e.a == 0x46; });
  size_t atc = find_from(s, from, [&](const auto& e) { return atc_inv(e, s.kernel.devs[pf].bdf.rid()); });
  size_t last_sync = find_from(s, atc, [](const auto& e) { return e.kind == EventKind::SmmuCommand && e.a == 0x46; });
  ASSERT_NE(atc, SIZE_MAX);
  EXPECT_LT(tlbi, sync);
  EXPECT_LT(sync, atc);
  EXPECT_NE(last_sync, SIZE_MAX) << "the ATC invalidation is synced before unmap returns";
}

std::string domain_kind(const System& s, pci::DevId dev) {
  auto g = iommu::group_of(s, dev);
  return std::string(iommu::name(iommu::domain(s, iommu::group(s, g).domain).type));
}

TEST(VfioLifecycle, SmmuSeesDefaultBlockedVfioBlockedDefaultThenReleaseBlocked) {
  for (auto v : policy::kAllVariants) {
    Machine m(kHealthy);
    m.s.kernel.smmuv3.policy = policy::policy_for(v);
    auto& s = m.s;
    pci::DevId pf = m.pf();
    check::Monitor mon;
    std::vector<std::pair<std::string, bool>> seen;
    auto note = [&](const char* what) {
      mon.step(s, what);
      seen.push_back({domain_kind(s, pf), s.kernel.devs[pf].ats_enabled});
    };
    note("boot");
    test::bind_vfio_pci(s, pf);
    auto c = vfio::open_container(s);
    auto g = vfio::open_group(s, pf);
    ASSERT_EQ(vfio::group_set_container(s, g, c), 0);
    note("set container");
    ASSERT_EQ(vfio::set_iommu(s, c), 0);
    note("set iommu");
    ASSERT_EQ(vfio::map_dma(s, c, 0x100000, 0x800000, 0x4000), 0);
    ASSERT_EQ(vfio::unmap_dma(s, c, 0x100000, 0x4000), 0);
    note("map/unmap");
    ASSERT_EQ(vfio::group_unset_container(s, g), 0);
    note("unset");
    EXPECT_EQ(seen, (std::vector<std::pair<std::string, bool>>{{"dma", true}, {"blocked", false}, {"unmanaged", true},
                                                               {"unmanaged", true}, {"dma", true}}))
        << policy::name(v);
    pci::stop_and_remove_bus_device(s, pf);
    mon.step(s, "remove");
    EXPECT_FALSE(s.kernel.devs[pf].ats_enabled) << "the release domain turned ATS off";
    EXPECT_TRUE(s.record.warnings.empty()) << policy::name(v);
    EXPECT_TRUE(mon.all().empty()) << policy::name(v) << ": " << (mon.all().empty() ? "" : mon.all()[0].detail);
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
