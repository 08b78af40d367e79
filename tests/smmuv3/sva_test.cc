// SVA on the SMMUv3 driver (issue 18, path 2), pinned against the kernel's code (7.2.13 and the
// 2026 driver: drivers/iommu/iommu-sva.c, arm-smmu-v3-sva.c; 6.12.118 where it differs):
// iommu_sva_bind_device's global PASID and per-(mm, SMMU) domain, arm_smmu_sva_set_dev_pasid ->
// arm_smmu_set_pasid with the SVA CD (one more commit-time pci_enable_ats), the bond's refcount
// and the domain's users at unbind, the mm notifier (an munmap's TLBI by ASID and ATC_INV by SSID;
// the release's EPD0 CD), the PASID freed with the mm_struct, and the refusals.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "hw/pcie/atc.h"
#include "hw/smmuv3/bits.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/command.h"
#include "hw/smmuv3/ste_layout.h"
#include "check/invariants.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/iommu/sva.h"
#include "linux/mm/mm.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/path_repro.h"
#include "sim/scenario_run.h"

namespace atslab {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::smmuv3::field_get;
using sim::Op;
using sim::OpKind;
namespace ste = hw::smmuv3::ste;
namespace cd = hw::smmuv3::cd;

struct Booted {
  sim::OpContext ctx;
  System s;

  int run(Op op) { return sim::run_op(s, ctx, op); }
  pci::DevId dev(const char* name = "acc") const { return *sim::resolve(s, ctx, name); }
  smmuv3::MasterId mid(const char* name = "acc") const { return smmuv3::master_of(s, dev(name)); }
  const smmuv3::Master& master(const char* name = "acc") const { return s.kernel.smmuv3.masters[mid(name)]; }
  std::array<uint64_t, 8> ste_of(const char* name = "acc") const {
    return smmuv3::ste_of(s, master(name).smmu, master(name).streams.front());
  }
  bool pci_ats(const char* name = "acc") const { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[dev(name)].fn).cfg).enabled; }
  const mm::Mm& mm0() const { return s.kernel.mm.mms.at(s.kernel.mm.process_mm[0]); }
  const iommu::GroupPasid* bond(const char* name = "acc") const { return iommu::sva_bond(s, dev(name), s.kernel.mm.process_mm[0]); }
  // sva.yaml's first three steps: the RID on the identity default domain, the native driver bound.
  void to_identity(const char* name = "acc") {
    ASSERT_EQ(run({.kind = OpKind::Unbind, .device = name}), 0);
    ASSERT_EQ(run({.kind = OpKind::GroupSetType, .device = name, .type = "identity"}), 0);
    ASSERT_EQ(run({.kind = OpKind::Bind, .device = name, .driver = "native"}), 0);
  }
};

Booted boot(io::Scenario sc, policy::AtsVariant v = policy::AtsVariant::Upstream) {
  Booted b;
  b.s = sim::boot_machine(sc, v, b.ctx, 1, "");
  return b;
}
Booted boot(policy::AtsVariant v = policy::AtsVariant::Upstream, bool nr_ats_masters = false) {
  io::Scenario sc = sim::sva_scenario();
  sc.nr_ats_masters_fastpath = nr_ats_masters;
  return boot(sc, v);
}

Op bind(const char* d = "acc") { return {.kind = OpKind::SvaBind, .device = d, .mm = 0}; }
Op unbind(const char* d = "acc") { return {.kind = OpKind::SvaUnbind, .device = d, .mm = 0}; }
Op dma(const char* d = "acc") { return {.kind = OpKind::SvaDma, .device = d, .iova = mm::kBufferVa, .write = true, .mm = 0}; }
const Op kMunmap{.kind = OpKind::SvaMunmap, .mm = 0};
const Op kExit{.kind = OpKind::SvaExit, .mm = 0};

std::vector<std::string> atc_invs_since(const System& s, size_t from) {
  std::vector<std::string> out;
  for (size_t i = from; i < s.record.events.size(); ++i)
    if (const auto& e = s.record.events[i]; e.kind == kernel::EventKind::AtcInvRange)
      out.push_back(hw::smmuv3::describe_atc_inv_range(e.a, e.b));
  return out;
}

// iommu_sva_bind_device: the mm's first bind allocates PASID 1 (IOMMU_FIRST_GLOBAL_PASID), an SVA
// domain (arm_smmu_sva_domain_alloc: an ASID of arm_smmu_asid_xa, the notifier on the mm), and
// attaches it to the PASID: the CD is arm_smmu_make_sva_cd's (TTB0 the mm's pgd, T0SZ 16 for 48-bit
// VAs, EPD0 clear), the identity RID's STE becomes a CD-table STE with S1DSS=BYPASS and EATS, and
// the commit enables ATS.
TEST(SmmuSva, TheFirstBindTakesPasidOneAnSvaDomainAndEnablesAtsAtCommit) {
  Booted b = boot();
  b.to_identity();
  EXPECT_FALSE(b.pci_ats()) << "identity RID: bypass STE, ATS off";
  ASSERT_EQ(b.run(bind()), 0);
  EXPECT_EQ(b.mm0().pasid, 1u);
  EXPECT_EQ(b.s.kernel.iommu.global_pasids, (std::vector<uint32_t>{1}));
  const iommu::GroupPasid* p = b.bond();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->pasid, 1u);
  EXPECT_EQ(p->sva_users, 1u);
  const iommu::Domain& dom = iommu::domain(b.s, p->domain);
  EXPECT_EQ(dom.type, iommu::DomainType::Sva);
  EXPECT_EQ(dom.users, 1u);
  const smmuv3::SmmuDomain& sd = b.s.kernel.smmuv3.domains.at(dom.priv);
  EXPECT_EQ(sd.stage, smmuv3::Stage::Sva);
  EXPECT_EQ(b.mm0().notifiers, (std::vector<uint32_t>{dom.priv}));
  const auto c = smmuv3::cd_of(b.s, b.mid(), 1);
  EXPECT_TRUE(c[0] & cd::k0V);
  EXPECT_FALSE(c[0] & cd::k0TcrEpd0);
  EXPECT_EQ(field_get(cd::k0TcrT0sz, c[0]), 16u);
  EXPECT_EQ(field_get(cd::k0Asid, c[0]), sd.asid);
  EXPECT_EQ(c[1] & cd::k1Ttb0Mask, b.mm0().pgd.root);
  EXPECT_EQ(field_get(ste::k0Cfg, b.ste_of()[0]), ste::kCfgS1Trans);
  EXPECT_EQ(field_get(ste::k1S1Dss, b.ste_of()[1]), ste::kS1DssBypass);
  EXPECT_EQ(field_get(ste::k1Eats, b.ste_of()[1]), 1u);
  EXPECT_TRUE(b.pci_ats());
  EXPECT_TRUE(b.master().ats_enabled);
  // The device's DMA with the PASID walks the process's page table to its buffer.
  EXPECT_EQ(b.run(dma()), 0);
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// A second bind of the same mm through the same group takes a reference on the handle
// (refcount_inc); the unbinds detach only at the last, and the domain's last bond frees it. The
// PASID stays with the mm (mm_pasid_drop runs when the mm_struct goes), and a new bind reuses it.
TEST(SmmuSva, BondsAreRefcountedAndThePasidStaysWithTheMm) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(bind()), 0);
  ASSERT_EQ(b.run(bind()), 0);
  EXPECT_EQ(b.bond()->sva_users, 2u);
  const iommu::DomainId d = b.bond()->domain;
  EXPECT_EQ(iommu::domain(b.s, d).users, 1u) << "one device: one bond on the domain";
  ASSERT_EQ(b.run(unbind()), 0);
  ASSERT_NE(b.bond(), nullptr);
  EXPECT_TRUE(b.pci_ats());
  ASSERT_EQ(b.run(unbind()), 0);
  EXPECT_EQ(b.bond(), nullptr);
  EXPECT_FALSE(iommu::domain(b.s, d).live);
  EXPECT_TRUE(b.mm0().sva_domains.empty());
  EXPECT_TRUE(b.mm0().notifiers.empty());
  EXPECT_EQ(field_get(ste::k0Cfg, b.ste_of()[0]), ste::kCfgBypass) << "the last PASID gone: the identity downgrade";
  EXPECT_FALSE(b.pci_ats());
  EXPECT_EQ(b.s.kernel.iommu.global_pasids, (std::vector<uint32_t>{1})) << "the running process keeps its PASID";
  // No bond: the driver holds no handle and calls nothing (iommu_sva_unbind_device is void in the
  // kernel); the -EINVAL is the workload driver's refusal, and no kernel function is entered.
  const System before = b.s;
  EXPECT_EQ(b.run(unbind()), -EINVAL);
  EXPECT_TRUE(b.s == before) << "the refused unbind changed the machine";
  ASSERT_EQ(b.run(bind()), 0);
  EXPECT_EQ(b.bond()->pasid, 1u);
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// Two devices behind one SMMU bound to one mm share its PASID and its SVA domain (the search of
// iommu_mm->sva_domains: the attach succeeds on the existing domain, domain->users++).
TEST(SmmuSva, TwoDevicesOfOneSmmuShareThePasidAndTheDomain) {
  io::Scenario sc = sim::sva_scenario();
  sc.ports.push_back({.name = "rp1"});
  io::DeviceSpec acc2 = sc.devices.front();
  acc2.name = "acc2";
  acc2.port = "rp1";
  sc.devices.push_back(acc2);
  Booted b = boot(sc);
  b.to_identity("acc");
  b.to_identity("acc2");
  ASSERT_EQ(b.run(bind("acc")), 0);
  ASSERT_EQ(b.run(bind("acc2")), 0);
  ASSERT_NE(b.bond("acc2"), nullptr);
  EXPECT_EQ(b.bond("acc")->domain, b.bond("acc2")->domain);
  EXPECT_EQ(b.bond("acc2")->pasid, 1u);
  EXPECT_EQ(iommu::domain(b.s, b.bond("acc")->domain).users, 2u);
  EXPECT_EQ(b.mm0().sva_domains.size(), 1u);
  EXPECT_TRUE(b.pci_ats("acc2"));
  ASSERT_EQ(b.run(unbind("acc")), 0);
  EXPECT_EQ(iommu::domain(b.s, b.bond("acc2")->domain).users, 1u) << "the domain stays for acc2's bond";
  EXPECT_EQ(b.run(dma("acc2")), 0);
}

// The munmap's notifier (arm_smmu_mm_arch_invalidate_secondary_tlbs -> arm_smmu_domain_inv_range):
// the ASID's TLB entries and the ATC's entries for SSID 1 go, under both invalidation designs;
// the DMA after the mmap walks again.
TEST(SmmuSva, AnMunmapInvalidatesTheIotlbByAsidAndTheAtcBySsid) {
  for (bool nr : {false, true}) {
    SCOPED_TRACE(nr ? "nr_ats_masters" : "invs");
    Booted b = boot(policy::AtsVariant::Upstream, nr);
    b.to_identity();
    ASSERT_EQ(b.run(bind()), 0);
    ASSERT_EQ(b.run(dma()), 0);
    const auto& atc = b.s.hw.pcie.fn(b.s.kernel.devs[b.dev()].fn).atc;
    ASSERT_TRUE(atc.lookup(true, 1, mm::kBufferVa)) << "the DMA filled the ATC with a PASID-tagged entry";
    const size_t from = b.s.record.events.size();
    ASSERT_EQ(b.run(kMunmap), 0);
    EXPECT_FALSE(b.s.hw.pcie.fn(b.s.kernel.devs[b.dev()].fn).atc.lookup(true, 1, mm::kBufferVa));
    const uint16_t asid = b.s.kernel.smmuv3.domains.at(iommu::domain(b.s, b.bond()->domain).priv).asid;
    for (const auto& e : b.s.hw.smmus[0].iotlb.entries) EXPECT_FALSE(e.s1 && e.asid == asid);
    const auto invs = atc_invs_since(b.s, from);
    ASSERT_EQ(invs.size(), 1u);
    EXPECT_EQ(invs.front().rfind("ssid=0x1 ", 0), 0u) << invs.front();
    EXPECT_EQ(b.run(dma()), 0);
  }
}

// exit_mmap -> arm_smmu_mm_release: the CD stays valid (no C_BAD_CD) with EPD0 set, no TTB0, and
// (no STALL_FORCE) S and R clear; the domain is flushed. DMA with the PASID then faults. The bond
// and the mm_struct stay until the unbind frees the domain; then the PASID is freed.
TEST(SmmuSva, AnExitReleasesTheCdDmaFaultsAndThePasidGoesWithTheLastDomain) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(bind()), 0);
  ASSERT_EQ(b.run(dma()), 0);
  const size_t from = b.s.record.events.size();
  ASSERT_EQ(b.run(kExit), 0);
  const auto c = smmuv3::cd_of(b.s, b.mid(), 1);
  EXPECT_TRUE(c[0] & cd::k0V);
  EXPECT_TRUE(c[0] & cd::k0TcrEpd0);
  EXPECT_FALSE(c[0] & (cd::k0S | cd::k0R));
  EXPECT_EQ(c[1] & cd::k1Ttb0Mask, 0u);
  EXPECT_FALSE(atc_invs_since(b.s, from).empty()) << "arm_smmu_domain_inv: the ATC of SSID 1";
  EXPECT_TRUE(b.mm0().exited);
  EXPECT_EQ(b.run(dma()), -EFAULT);
  EXPECT_EQ(b.run(kExit), -ESRCH);
  ASSERT_NE(b.bond(), nullptr) << "the driver still holds its handle";
  ASSERT_EQ(b.run(unbind()), 0);
  EXPECT_EQ(b.s.kernel.mm.process_mm[0], mm::kNoMm) << "the last domain's mmdrop: __mmdrop";
  EXPECT_TRUE(b.s.kernel.iommu.global_pasids.empty()) << "mm_pasid_drop";
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// A reset between the exit and the unbind: pci_dev_reset_iommu_done attaches the SVA domain back
// to its PASID, arm_smmu_sva_set_dev_pasid's mmget_not_zero fails (-EINVAL), and the core's
// WARN_ON(pasid_dom->ops->set_dev_pasid(...)) fires. do_exit runs exit_mm before exit_files, so
// a driver that unbinds in its release() leaves this window open.
TEST(SmmuSva, AResetAfterTheExitWarnsWhenThePasidIsAttachedBack) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(bind()), 0);
  ASSERT_EQ(b.run(kExit), 0);
  ASSERT_EQ(b.run({.kind = OpKind::Reset, .device = "acc"}), 0);
  ASSERT_EQ(b.s.record.warnings.size(), 1u);
  const auto& w = b.s.record.warnings.front();
  EXPECT_NE(w.condition.find("set_dev_pasid"), std::string::npos) << w.condition;
  EXPECT_EQ(w.function, kernel::KFn::pci_dev_reset_iommu_done);
  EXPECT_FALSE(smmuv3::cd_of(b.s, b.mid(), 1)[0] & cd::k0V) << "parked on the blocked domain, never attached back";
  // Invariant 29: the core records PASID 1 on the SVA domain, the driver holds no attachment of it.
  auto invariants = [&] {
    std::vector<int> v;
    for (const auto& x : check::check_state(b.s, true)) v.push_back(x.invariant);
    return v;
  };
  EXPECT_EQ(invariants(), (std::vector<int>{29}));
  // The pasid_array still holds the SVA domain: the driver's unbind takes the PASID off it again,
  // and arm_smmu_invs_unref meets entries the park already dropped (its WARN_ON(true)).
  ASSERT_EQ(b.run(unbind()), 0);
  ASSERT_EQ(b.s.record.warnings.size(), 2u);
  EXPECT_EQ(b.s.record.warnings.back().function, kernel::KFn::arm_smmu_invs_unref);
  EXPECT_TRUE(invariants().empty()) << "the unbind took the record away";
}

// 29 holds through a reset that attaches the PASID back: parked while the reset runs (skipped),
// attached again after it.
TEST(SmmuSva, APasidParkedForAResetAndAttachedBackKeepsInvariant29) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(bind()), 0);
  ASSERT_EQ(b.run({.kind = OpKind::Reset, .device = "acc"}), 0);
  EXPECT_TRUE(b.s.record.warnings.empty());
  EXPECT_TRUE(check::check_state(b.s, true).empty());
  EXPECT_TRUE(smmuv3::cd_of(b.s, b.mid(), 1)[0] & cd::k0V);
}

// arm_smmu_sva_supported says no on an SMMU without coherent walks: domain_alloc_sva returns
// -EOPNOTSUPP; the PASID iommu_alloc_mm_data took before it stays with the mm.
TEST(SmmuSva, WithoutSvaOnTheSmmuTheBindIsEopnotsupp) {
  io::Scenario sc = sim::sva_scenario();
  sc.smmus.front().coherent = false;
  Booted b = boot(sc);
  EXPECT_FALSE(b.s.kernel.smmuv3.smmus.at(0).feat_sva);
  b.to_identity();
  EXPECT_EQ(b.run(bind()), -EOPNOTSUPP);
  EXPECT_EQ(b.mm0().pasid, 1u);
  EXPECT_EQ(b.bond(), nullptr);
  EXPECT_FALSE(b.pci_ats());
}

// A master whose pci_enable_pasid failed (no ACS above it: ssid_bits 0). 6.12's
// arm_smmu_dev_enable_feature(IOMMU_DEV_FEAT_SVA) refuses it (-EINVAL, arm_smmu_master_sva_supported);
// the 2026 code has no such check and binds, writing CD 1 for a master whose STE reaches one CD.
TEST(SmmuSva, AMasterWithoutSsidsIsRefusedBy612ButBoundBy2026) {
  io::Scenario sc = sim::sva_scenario();
  sc.ports.front().acs = false;
  for (bool dev_feat : {true, false}) {
    SCOPED_TRACE(dev_feat ? "6.12" : "2026");
    sc.smmuv3.dev_feat_sva = dev_feat;
    Booted b = boot(sc);
    ASSERT_EQ(b.master().ssid_bits, 0);
    b.to_identity();
    EXPECT_EQ(b.run(bind()), dev_feat ? -EINVAL : 0);
    EXPECT_EQ(b.bond() != nullptr, !dev_feat);
  }
}

// The seed's premise on this path: the bind's commit-time pci_enable_ats fails. Upstream returns 0
// with ATS recorded on; rollback fails the bind (-EINVAL) and frees the new SVA domain.
TEST(SmmuSva, AFailedEnableAtTheBindIsRecordedOnUpstreamAndFailsTheBindUnderRollback) {
  Booted up = boot(policy::AtsVariant::Upstream);
  up.to_identity();
  Op failing = bind();
  failing.fault = "pci_enable_ats";
  ASSERT_EQ(up.run(failing), 0);
  EXPECT_TRUE(up.master().ats_enabled);
  EXPECT_FALSE(up.pci_ats());
  Booted rb = boot(policy::AtsVariant::Rollback);
  rb.to_identity();
  EXPECT_EQ(rb.run(failing), -EINVAL);
  EXPECT_EQ(rb.bond(), nullptr);
  EXPECT_TRUE(rb.mm0().sva_domains.empty());
  EXPECT_TRUE(rb.mm0().notifiers.empty()) << "the domain freed: its notifier put";
  EXPECT_EQ(field_get(ste::k0Cfg, rb.ste_of()[0]), ste::kCfgBypass);
}

TEST(SmmuSva, TheBuiltInPathIsTheShippedScenario) {
  const io::Scenario file = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/sva.yaml");
  EXPECT_EQ(sim::sva_scenario().workload, file.workload);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab
