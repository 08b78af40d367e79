// PASIDs behind VT-d and AMD-Vi (issue 18, path 7), pinned against 7.2.13's code on
// scenarios/pasid-vtd-amd.yaml's machine (s: scalable VT-d, l: legacy VT-d, a: AMD-Vi):
// what each IOMMU reports as max_pasids, what iommu_attach_device_pasid returns for a paging
// domain, that no PASID attach or detach touches ATS, which invalidations with PASID reach the
// device's ATC, and the PASID table's bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "hw/pcie/atc.h"
#include "hw/vtd_unit.h"
#include "io/scenario.h"
#include "linux/amd/amd.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/kernel/fault_inject.h"
#include "linux/pci/pri_pasid.h"
#include "linux/vtd/pasid.h"
#include "linux/vtd/qi.h"
#include "linux/vtd/vtd.h"
#include "sim/scenario_run.h"
#include "sim/state_hash.h"

namespace atslab {
namespace ATSLAB_UNITY_ID {
namespace {

using sim::Op;
using sim::OpKind;

io::Scenario yaml() { return io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid-vtd-amd.yaml"); }

struct Booted {
  sim::OpContext ctx;
  System s;

  pci::DevId dev(const std::string& name) const { return *sim::resolve(s, ctx, name); }
  int run(const std::string& name, Op op) {
    op.device = name;
    return sim::run_op(s, ctx, op);
  }
  hw::pcie::Function& fn(const std::string& name) { return s.hw.pcie.fn(s.kernel.devs[dev(name)].fn); }
  bool pci_ats(const std::string& name) { return hw::pcie::ats_control(fn(name).cfg).enabled; }
  // The first three steps of the scenario for one device: identity RID, native driver bound.
  void to_identity(const std::string& name) {
    ASSERT_EQ(run(name, {.kind = OpKind::Unbind}), 0);
    ASSERT_EQ(run(name, {.kind = OpKind::GroupSetType, .type = "identity"}), 0);
    ASSERT_EQ(run(name, {.kind = OpKind::Bind, .driver = "native"}), 0);
  }
  const vtd::DeviceDomainInfo& info(const std::string& name) const { return s.kernel.vtd.infos.at(vtd::info_of(s, dev(name))); }
  const iommu::GroupPasid* pasid(const std::string& name, uint32_t p) const {
    return iommu::group_pasid(s, iommu::group_of(s, dev(name)), p);
  }
  std::vector<vtd::QiDesc> qi(size_t from) const {
    std::vector<vtd::QiDesc> out;
    for (size_t i = from; i < s.record.events.size(); ++i)
      if (s.record.events[i].kind == kernel::EventKind::VtdQiDesc) out.push_back(vtd::decode(s.record.events[i]));
    return out;
  }
  uint32_t enable_ats_calls() const { return s.faults.calls[static_cast<size_t>(faults::Point::PciEnableAts)]; }
};

Booted boot(policy::AtsVariant v = policy::AtsVariant::Upstream, const std::string& faults = "") {
  Booted b;
  b.s = sim::boot_machine(yaml(), v, b.ctx, 1, faults);
  return b;
}

Op attach(uint32_t p) { return {.kind = OpKind::PasidAttach, .pasid = p}; }
Op detach(uint32_t p) { return {.kind = OpKind::PasidDetach, .pasid = p}; }
Op remap(uint32_t p) { return {.kind = OpKind::PasidRemap, .pasid = p}; }
Op pasid_dma(uint32_t p) { return {.kind = OpKind::PasidDma, .iova = sim::OpContext::kIovaBase, .write = true, .pasid = p}; }

size_t count(const std::vector<vtd::QiDesc>& q, vtd::QiType t) {
  return static_cast<size_t>(std::count_if(q.begin(), q.end(), [&](const vtd::QiDesc& d) { return d.type == t; }));
}

// max_pasids: scalable VT-d 2 << ECAP.PSS (20 bits), legacy VT-d none, AMD-Vi (1 << (PASmax + 1)) - 1;
// the core's per device: pci_max_pasids() capped by the IOMMU's (dev_iommu_get_max_pasids).
TEST(VtdAmdPasid, EachIommuReportsItsPasidsAndTheCoreCapsThemByTheCapability) {
  Booted b = boot();
  const uint32_t cap = static_cast<uint32_t>(pci::max_pasids(b.s, b.dev("s")));
  ASSERT_EQ(cap, 1u << 20);
  EXPECT_EQ(b.s.kernel.vtd.units.at(0).max_pasids, 1u << 20);
  EXPECT_EQ(b.s.kernel.vtd.units.at(1).max_pasids, 0u) << "legacy mode: pasid_supported(iommu) is false";
  EXPECT_EQ(b.s.kernel.amd.iommu_max_pasids.at(0), 0xffffu);
  EXPECT_EQ(b.s.kernel.iommu.devs[b.dev("s")].max_pasids, 1u << 20);
  EXPECT_EQ(b.s.kernel.iommu.devs[b.dev("l")].max_pasids, 0u);
  EXPECT_EQ(b.s.kernel.iommu.devs[b.dev("a")].max_pasids, 0xffffu);
  EXPECT_EQ(b.s.kernel.amd.dev_data.at(amd::dev_data_of(b.s, b.dev("a"))).max_pasids, 0xffffu);
  // PASID before ATS at probe_finalize (scalable mode only); a PASID table sized from the capability.
  EXPECT_TRUE(b.info("s").pasid_enabled);
  EXPECT_TRUE(b.info("s").ats_enabled);
  EXPECT_EQ(b.info("s").pasid_table_max, 1u << 20);
  EXPECT_FALSE(b.info("l").pasid_supported);
  EXPECT_FALSE(b.info("l").pasid_enabled);
  EXPECT_EQ(b.info("l").pasid_table_max, 0u) << "legacy mode allocates no PASID table";
}

// intel_iommu_set_dev_pasid on an identity RID: the PASID's entry (second-level, the domain's
// DID) and the cache tags of (DID, PASID 1), a DEVTLB tag since ATS has been on since
// probe_finalize. No pci_enable_ats() or ATS Control write.
TEST(VtdAmdPasid, ScalableAttachWritesThePasidEntryAndTagsAndLeavesAtsAlone) {
  Booted b = boot();
  b.to_identity("s");
  ASSERT_TRUE(b.pci_ats("s"));
  const uint32_t calls = b.enable_ats_calls();
  ASSERT_EQ(b.run("s", attach(1)), 0);
  EXPECT_EQ(b.enable_ats_calls(), calls);
  EXPECT_TRUE(b.pci_ats("s"));
  EXPECT_TRUE(b.info("s").ats_enabled);
  const iommu::GroupPasid* p = b.pasid("s", 1);
  ASSERT_NE(p, nullptr);
  const vtd::DmarDomain& d = b.s.kernel.vtd.domains.at(vtd::dmar_domain_of(b.s, p->domain));
  const auto& table = b.s.hw.vtd.at(0).pasid_table;
  const auto e = table.find(hw::vtd_pasid_key(b.info("s").rid(), 1));
  ASSERT_NE(e, table.end());
  EXPECT_TRUE(e->second.present);
  EXPECT_EQ(e->second.pgtt, hw::kPgttSecondLevel);
  EXPECT_EQ(e->second.did, d.did);
  EXPECT_EQ(d.dev_pasids, (std::vector<vtd::DevPasid>{{vtd::info_of(b.s, b.dev("s")), 1}}));
  ASSERT_EQ(d.cache_tags.size(), 2u);
  EXPECT_EQ(d.cache_tags[0].type, vtd::CacheTagType::Iotlb);
  EXPECT_EQ(d.cache_tags[0].pasid, 1u);
  EXPECT_EQ(d.cache_tags[1].type, vtd::CacheTagType::Devtlb);
  EXPECT_EQ(d.cache_tags[1].pasid, 1u);
  EXPECT_EQ(b.s.hw.vtd.at(0).rid_pasid.at(b.info("s").rid()).pgtt, hw::kPgttPassThrough) << "the RID stays identity";
  // DMA with PASID 1 goes through the PASID's table, by a Translation Request with PASID.
  EXPECT_EQ(b.run("s", pasid_dma(1)), 0);
  EXPECT_TRUE(b.fn("s").atc.lookup(true, 1, sim::OpContext::kIovaBase).has_value());
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// The remap's unmap: cache_tag_flush_range sends the IOTLB descriptor, then a PASID-based
// device-IOTLB invalidation (qi_flush_dev_iotlb_pasid) for the range, which drops PASID 1's
// translations and leaves the RID's.
TEST(VtdAmdPasid, RemapSendsAPasidBasedDeviceIotlbInvalidationThatDropsOnlyThatPasid) {
  Booted b = boot();
  b.to_identity("s");
  ASSERT_EQ(b.run("s", attach(1)), 0);
  ASSERT_EQ(b.run("s", pasid_dma(1)), 0);
  ASSERT_EQ(b.run("s", {.kind = OpKind::DeviceDma, .iova = sim::OpContext::kIovaBase, .write = true}), 0);
  ASSERT_TRUE(b.fn("s").atc.lookup(false, 0, sim::OpContext::kIovaBase).has_value());
  const size_t from = b.s.record.events.size();
  ASSERT_EQ(b.run("s", remap(1)), 0);
  const auto q = b.qi(from);
  EXPECT_EQ(count(q, vtd::QiType::DevTlb), 0u) << "no invalidation without PASID";
  ASSERT_EQ(count(q, vtd::QiType::PasidDevTlb), 1u);
  const auto it = std::find_if(q.begin(), q.end(), [](const vtd::QiDesc& d) { return d.type == vtd::QiType::PasidDevTlb; });
  EXPECT_EQ(it->pasid, 1u);
  EXPECT_EQ(it->sid, b.info("s").rid());
  EXPECT_EQ(it->addr, sim::OpContext::kIovaBase);
  EXPECT_EQ(it->size_order, 2) << "the 4 pages the remap unmapped";
  EXPECT_LT(std::find_if(q.begin(), q.end(), [](const vtd::QiDesc& d) { return d.type == vtd::QiType::Iotlb; }) - q.begin(),
            it - q.begin());
  EXPECT_FALSE(b.fn("s").atc.lookup(true, 1, sim::OpContext::kIovaBase).has_value());
  EXPECT_TRUE(b.fn("s").atc.lookup(false, 0, sim::OpContext::kIovaBase).has_value()) << "the RID's entry stays";
}

// blocking_domain_set_dev_pasid: intel_pasid_tear_down_entry sends a whole-PASID device-IOTLB
// invalidation (ATS recorded on), the entry goes and the domain's tags for PASID 1 with it; ATS
// stays on, with no pci_disable_ats().
TEST(VtdAmdPasid, DetachTearsTheEntryDownWithAWholePasidInvalidationAndAtsStaysOn) {
  Booted b = boot();
  b.to_identity("s");
  ASSERT_EQ(b.run("s", attach(1)), 0);
  ASSERT_EQ(b.run("s", pasid_dma(1)), 0);
  const iommu::DomainId dom = b.pasid("s", 1)->domain;
  const vtd::DmarDomainId dd = vtd::dmar_domain_of(b.s, dom);
  const size_t from = b.s.record.events.size();
  ASSERT_EQ(b.run("s", detach(1)), 0);
  const auto q = b.qi(from);
  ASSERT_EQ(count(q, vtd::QiType::PasidDevTlb), 1u);
  const auto it = std::find_if(q.begin(), q.end(), [](const vtd::QiDesc& d) { return d.type == vtd::QiType::PasidDevTlb; });
  EXPECT_EQ(it->pasid, 1u);
  EXPECT_EQ(it->size_order, vtd::kMaxAgawPfnWidth) << "the whole PASID";
  EXPECT_FALSE(b.fn("s").atc.lookup(true, 1, sim::OpContext::kIovaBase).has_value());
  EXPECT_TRUE(b.s.hw.vtd.at(0).pasid_table.empty());
  EXPECT_TRUE(b.s.kernel.vtd.domains.at(dd).cache_tags.empty());
  EXPECT_TRUE(b.s.kernel.vtd.domains.at(dd).dev_pasids.empty());
  EXPECT_EQ(b.pasid("s", 1), nullptr);
  EXPECT_TRUE(b.pci_ats("s"));
  EXPECT_TRUE(b.info("s").ats_enabled);
  EXPECT_TRUE(std::none_of(b.s.record.events.begin() + static_cast<std::ptrdiff_t>(from), b.s.record.events.end(),
                           [](const kernel::Event& e) { return e.kind == kernel::EventKind::AtsEnableFailed; }));
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// The 2026 core's reset: the PASID parked on the blocking domain (its entry torn down), the FLR,
// and attached back from the blocking domain (intel_iommu_set_dev_pasid with old = blocked): the
// entry and the tags are back, ATS on across it (pci_restore_state), no pci_enable_ats() call.
TEST(VtdAmdPasid, AResetParksThePasidEntryAndWritesItBackWithoutEnablingAts) {
  Booted b = boot();
  b.to_identity("s");
  ASSERT_EQ(b.run("s", attach(1)), 0);
  const uint32_t calls = b.enable_ats_calls();
  const size_t from = b.s.record.events.size();
  ASSERT_EQ(b.run("s", {.kind = OpKind::Reset}), 0);
  EXPECT_EQ(b.enable_ats_calls(), calls);
  EXPECT_EQ(count(b.qi(from), vtd::QiType::PasidDevTlb), 1u) << "the park's tear-down";
  EXPECT_TRUE(b.s.hw.vtd.at(0).pasid_table.at(hw::vtd_pasid_key(b.info("s").rid(), 1)).present);
  const vtd::DmarDomain& d = b.s.kernel.vtd.domains.at(vtd::dmar_domain_of(b.s, b.pasid("s", 1)->domain));
  EXPECT_EQ(d.cache_tags.size(), 2u);
  EXPECT_TRUE(b.pci_ats("s"));
  EXPECT_EQ(b.run("s", pasid_dma(1)), 0);
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// The seed's premise on this path: pci_enable_ats() failing in the PASID attach. Scalable VT-d
// calls none there (nor at a detach), so the failure cannot happen and fail-early's WARN_ON has
// nothing to meet: the attach succeeds with ATS on and a DEVTLB tag, under both variants.
TEST(VtdAmdPasid, NoPasidAttachOrDetachCallsPciEnableAtsBehindVtdOrAmd) {
  for (auto v : {policy::AtsVariant::Upstream, policy::AtsVariant::FailEarly}) {
    Booted b = boot(v);
    for (const char* d : {"s", "l", "a"}) b.to_identity(d);
    b.s.faults.rules.push_back({.point = faults::Point::PciEnableAts, .always = true});
    const uint32_t calls = b.enable_ats_calls();
    EXPECT_EQ(b.run("s", attach(2)), 0);
    EXPECT_EQ(b.run("s", remap(2)), 0);
    EXPECT_EQ(b.run("l", attach(2)), 0);
    EXPECT_EQ(b.run("a", attach(2)), -EOPNOTSUPP);
    EXPECT_EQ(b.run("s", detach(2)), 0);
    EXPECT_EQ(b.run("l", detach(2)), 0);
    EXPECT_EQ(b.enable_ats_calls(), calls) << policy::name(v);
    EXPECT_TRUE(b.s.record.warnings.empty()) << policy::name(v);
    EXPECT_TRUE(b.pci_ats("s") && b.info("s").ats_enabled);
    // The rule is live: legacy VT-d's RID attach (domain_context_mapping) does call it, and fails.
    ASSERT_EQ(b.run("l", {.kind = OpKind::Unbind}), 0);
    EXPECT_EQ(b.run("l", {.kind = OpKind::GroupSetType, .type = "DMA"}), 0);
    EXPECT_EQ(b.enable_ats_calls(), calls + 1) << policy::name(v);
    EXPECT_FALSE(b.info("l").ats_enabled);
    EXPECT_EQ(b.s.record.warnings.size(), v == policy::AtsVariant::FailEarly ? 1u : 0u);
  }
}

// Legacy VT-d: max_pasids 0 for the device, so iommu_attach_device_pasid skips it in
// __iommu_set_group_pasid and returns 0 with the PASID in the group's pasid_array and nothing
// programmed; the device never had PASID enabled, so it sends nothing with a PASID.
TEST(VtdAmdPasid, LegacyVtdGetsZeroFromTheCoreWithoutTheDriverAndNothingProgrammed) {
  Booted b = boot();
  b.to_identity("l");
  const size_t from = b.s.record.events.size();
  ASSERT_EQ(b.run("l", attach(1)), 0);
  EXPECT_NE(b.pasid("l", 1), nullptr);
  EXPECT_TRUE(b.s.hw.vtd.at(1).pasid_table.empty());
  EXPECT_TRUE(b.qi(from).empty());
  EXPECT_FALSE(b.s.kernel.devs[b.dev("l")].pasid_enabled);
  EXPECT_EQ(b.run("l", pasid_dma(1)), -ENODEV) << "PASID Enable is clear: no PASID prefix";
  // A direct call of the driver, as the core never makes it: legacy mode's -EOPNOTSUPP.
  EXPECT_EQ(vtd::set_dev_pasid(b.s, b.pasid("l", 1)->domain, b.dev("l"), 1, iommu::kNoDomain), -EOPNOTSUPP);
  ASSERT_EQ(b.run("l", detach(1)), 0);
  EXPECT_EQ(b.pasid("l", 1), nullptr);
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// AMD-Vi: amdv1_ops and amdv2_ops have no set_dev_pasid (only SVA domains do): the core refuses
// the paging domain's PASID attach with -EOPNOTSUPP before the driver runs; the device's PASID is
// enabled (pdev_enable_caps at the identity attach) but its DMA with PASID finds no GCR3 entry.
TEST(VtdAmdPasid, AmdPagingDomainsHaveNoSetDevPasid) {
  Booted b = boot();
  b.to_identity("a");
  const auto& dd = b.s.kernel.amd.dev_data.at(amd::dev_data_of(b.s, b.dev("a")));
  EXPECT_TRUE(dd.pasid_enabled && dd.ats_enabled);
  EXPECT_EQ(b.run("a", attach(1)), -EOPNOTSUPP);
  EXPECT_EQ(b.pasid("a", 1), nullptr);
  EXPECT_EQ(b.run("a", remap(1)), -EINVAL);
  EXPECT_EQ(b.run("a", detach(1)), -EINVAL);
  EXPECT_EQ(b.run("a", pasid_dma(1)), -EFAULT);
  EXPECT_TRUE(b.fn("a").atc.entries.empty());
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// The PASID table's bound: intel_pasid_get_entry refuses a PASID past the directory (WARN) and
// intel_iommu_set_dev_pasid returns -ENODEV. The core's bound can exceed the table's where a
// smaller unit lowered intel_pasid_max_id (here to 2 << 14, as a unit with PSS 14 would): the
// device's core max_pasids stays 1 << 20, its table covers 1 << 15.
TEST(VtdAmdPasid, APasidPastTheTableIsRefusedWithAWarnNotWrittenPastIt) {
  Booted b = boot();
  b.to_identity("s");
  b.s.kernel.vtd.pasid_max_id = 2u << 14;
  vtd::intel_pasid_alloc_table(b.s, vtd::info_of(b.s, b.dev("s")));
  ASSERT_EQ(b.info("s").pasid_table_max, 1u << 15);
  ASSERT_EQ(b.s.kernel.iommu.devs[b.dev("s")].max_pasids, 1u << 20);
  const iommu::DomainId dom = iommu::domain_alloc_paging(b.s, b.dev("s"));
  ASSERT_NE(dom, iommu::kNoDomain);
  EXPECT_EQ(iommu::attach_device_pasid(b.s, dom, b.dev("s"), 1u << 15), -ENODEV);
  ASSERT_EQ(b.s.record.warnings.size(), 1u);
  EXPECT_TRUE(b.s.hw.vtd.at(0).pasid_table.empty());
  EXPECT_TRUE(b.s.kernel.vtd.domains.at(vtd::dmar_domain_of(b.s, dom)).cache_tags.empty()) << "the tags were given back";
  EXPECT_EQ(iommu::group_pasid(b.s, iommu::group_of(b.s, b.dev("s")), 1u << 15), nullptr);
  EXPECT_EQ(iommu::attach_device_pasid(b.s, dom, b.dev("s"), (1u << 15) - 1), 0) << "the table's last PASID";
}

// No ACS on the path: pci_enable_pasid() fails at probe_finalize, but the table was sized from the
// capability at probe_device and intel_iommu_set_dev_pasid does not ask info->pasid_enabled: the
// attach writes an in-bounds entry and returns 0 for a PASID the device cannot send; the RID's
// own RID_PASID entry is untouched (unlike an SMMUv3's S1CDMAX 0 STE, finding 26).
TEST(VtdAmdPasid, AFailedPciEnablePasidLeavesAnInBoundsEntryAndTheRidUntouched) {
  io::Scenario sc = yaml();
  for (auto& p : sc.ports) p.acs = false;
  Booted b;
  b.s = sim::boot_machine(sc, policy::AtsVariant::Upstream, b.ctx, 1, "");
  ASSERT_FALSE(b.info("s").pasid_enabled);
  ASSERT_EQ(b.info("s").pasid_table_max, 1u << 20);
  b.to_identity("s");
  ASSERT_EQ(b.run("s", attach(1)), 0);
  EXPECT_TRUE(b.s.hw.vtd.at(0).pasid_table.at(hw::vtd_pasid_key(b.info("s").rid(), 1)).present);
  EXPECT_EQ(b.run("s", pasid_dma(1)), -ENODEV);
  EXPECT_EQ(b.run("s", {.kind = OpKind::DeviceDma, .iova = sim::kUnmappedIova & 0xffffffff, .write = true}), 0)
      << "the identity RID still passes through";
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// The PASID-based descriptor carries all 20 PASID bits (the model's qw0 bits 48-63 and qw1 bits
// 1-4), the unit decodes them, and the function drops that PASID's translations in the range only.
TEST(VtdAmdPasid, APasidBasedDescriptorCarriesTwentyPasidBitsAndReachesThatPasidOnly) {
  Booted b = boot();
  auto& atc = b.fn("s").atc;
  atc.fill_completion(true, 0xabcde, 0x200000, 0x1000, 0x40000000, true, 12);
  atc.fill_completion(true, 0x0bcde, 0x200000, 0x1000, 0x40001000, true, 12);
  atc.fill_completion(true, 0xabcde, 0x400000, 0x1000, 0x40002000, true, 12);
  const size_t from = b.s.record.events.size();
  vtd::qi_flush_dev_iotlb_pasid(b.s, 0, b.info("s").rid(), b.info("s").pfsid, 0xabcde, b.info("s").ats_qdep, 0x200000, 1);
  const auto q = b.qi(from);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].type, vtd::QiType::PasidDevTlb);
  EXPECT_EQ(q[0].pasid, 0xabcdeu);
  EXPECT_EQ(q[0].addr, 0x200000u);
  EXPECT_EQ(q[0].size_order, 1);
  EXPECT_FALSE(atc.lookup(true, 0xabcde, 0x200000).has_value());
  EXPECT_TRUE(atc.lookup(true, 0x0bcde, 0x200000).has_value()) << "another PASID with the same low bits";
  EXPECT_TRUE(atc.lookup(true, 0xabcde, 0x400000).has_value()) << "outside the range";
}

TEST(VtdAmdPasid, PasidStateIsHashed) {
  Booted b = boot();
  b.to_identity("s");
  System before = b.s;
  ASSERT_EQ(b.run("s", attach(1)), 0);
  EXPECT_NE(state_hash(before), state_hash(b.s));
  System a = b.s, c = b.s;
  c.hw.vtd.at(0).pasid_table.begin()->second.did++;
  EXPECT_FALSE(a == c);
  EXPECT_NE(state_hash(a), state_hash(c));
  System d = b.s;
  d.kernel.vtd.domains.back().cache_tags.back().pasid++;
  EXPECT_NE(state_hash(a), state_hash(d));
  System e = b.s;
  e.kernel.vtd.domains.back().dev_pasids.back().pasid++;
  EXPECT_NE(state_hash(a), state_hash(e));
  System f = b.s;
  f.kernel.vtd.infos.front().pasid_table_max++;
  EXPECT_NE(state_hash(a), state_hash(f));
  System g = b.s;
  g.kernel.amd.dev_data.back().max_pasids++;
  EXPECT_NE(state_hash(a), state_hash(g));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab
