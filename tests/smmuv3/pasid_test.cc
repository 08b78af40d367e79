// PASIDs on the SMMUv3 driver (issue 18, path 2), pinned against the kernel's code:
// arm_smmu_enable_pasid at probe (a VF through its PF), iommu_attach_device_pasid ->
// arm_smmu_set_pasid (prepare, the CD, arm_smmu_update_ste, commit: a commit-time
// pci_enable_ats), cd_needs_ats in arm_smmu_attach_dev_ste while arm_smmu_ssids_in_use,
// arm_smmu_attach_dev's -EBUSY for a stage-2 domain, arm_smmu_blocking_set_dev_pasid and its
// downgrade, ATC invalidation by SSID, the core's refusals, and each design on a failed enable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

#include "check/invariants.h"
#include "hw/pcie/atc.h"
#include "hw/smmuv3/bits.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/command.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/pasid.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/builders.h"
#include "sim/scenario_run.h"
#include "sim/state_hash.h"

namespace atslab {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::smmuv3::field_get;
using sim::Op;
using sim::OpKind;
namespace ste = hw::smmuv3::ste;

io::Scenario pasid_yaml() { return io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid.yaml"); }

struct Booted {
  sim::OpContext ctx;
  System s;
  pci::DevId acc = pci::kNoDev;

  int run(Op op) {
    if (op.device.empty()) op.device = "acc";
    return sim::run_op(s, ctx, op);
  }
  smmuv3::MasterId mid() const { return smmuv3::master_of(s, acc); }
  const smmuv3::Master& master() const { return s.kernel.smmuv3.masters[mid()]; }
  std::array<uint64_t, 8> ste() const { return smmuv3::ste_of(s, master().smmu, master().streams.front()); }
  bool pci_ats() const { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[acc].fn).cfg).enabled; }
  iommu::GroupId group() const { return iommu::group_of(s, acc); }
  // The first three steps of pasid.yaml: the RID on the identity default domain, the native driver bound.
  void to_identity() {
    ASSERT_EQ(run({.kind = OpKind::Unbind}), 0);
    ASSERT_EQ(run({.kind = OpKind::GroupSetType, .type = "identity"}), 0);
    ASSERT_EQ(run({.kind = OpKind::Bind, .driver = "native"}), 0);
  }
};

Booted boot(policy::AtsVariant v = policy::AtsVariant::Upstream, bool nr_ats_masters = false) {
  io::Scenario sc = pasid_yaml();
  sc.nr_ats_masters_fastpath = nr_ats_masters;
  Booted b;
  b.s = sim::boot_machine(sc, v, b.ctx, 1, "");
  b.acc = *sim::resolve(b.s, b.ctx, "acc");
  return b;
}

Op attach(uint32_t pasid) { return {.kind = OpKind::PasidAttach, .pasid = pasid}; }
Op detach(uint32_t pasid) { return {.kind = OpKind::PasidDetach, .pasid = pasid}; }

bool logged(const System& s, const std::string& text) {
  return std::any_of(s.record.log.begin(), s.record.log.end(), [&](const auto& l) { return l.text.find(text) != std::string::npos; });
}

// arm_smmu_probe_device enables PASID before ATS; the master's ssid_bits is min(log2 of the
// function's PASIDs, IDR1.SSIDSIZE), then CTXDESC_LINEAR_CDMAX without 2-level CD tables (atslab's
// SMMU has none), and the core's max_pasids min(pci_max_pasids, 1 << SSIDSIZE), which knows
// nothing of the clamp.
TEST(SmmuPasid, ProbeEnablesPasidAndSizesTheMasterAndTheCore) {
  Booted b = boot();
  EXPECT_TRUE(b.s.kernel.devs[b.acc].pasid_enabled);
  EXPECT_EQ(b.master().ssid_bits, smmuv3::kLinearCdMax);
  EXPECT_EQ(b.s.kernel.iommu.devs[b.acc].max_pasids, 1u << 20);
  EXPECT_EQ(b.master().used_ssids, 0u);
}

// A VF has no PASID capability of its own: pci_pasid_features and pci_max_pasids read its PF's,
// pci_enable_pasid returns 0 when the PF's is enabled (the VF's pasid_enabled stays clear).
TEST(SmmuPasid, AVfTakesItsSsidBitsFromItsPf) {
  System s = sim::builtin_example({.vfs = 1});  // ConnectX-6 Dx: PASID width 20 on the PF
  pci::DevId pf = 0, vf = pci::kNoDev;
  for (pci::DevId d : s.kernel.present_devs) (s.kernel.devs[d].is_virtfn ? vf : pf) = d;
  ASSERT_NE(vf, pci::kNoDev);
  ASSERT_TRUE(s.kernel.devs[pf].pasid_enabled);
  EXPECT_FALSE(s.kernel.devs[vf].pasid_enabled);
  EXPECT_EQ(s.kernel.smmuv3.masters[smmuv3::master_of(s, vf)].ssid_bits, smmuv3::kLinearCdMax);
  EXPECT_EQ(s.kernel.iommu.devs[vf].max_pasids, 1u << 20);
}

// The PASID attach on an identity RID: arm_smmu_update_ste replaces the bypass STE by a CD-table
// STE with S1DSS=BYPASS and EATS=TRANS, CD 1 carries the domain, and commit enables ATS.
TEST(SmmuPasid, AttachOnAnIdentityRidTurnsTheBypassSteIntoACdTableSteAndEnablesAts) {
  Booted b = boot();
  b.to_identity();
  EXPECT_EQ(field_get(ste::k0Cfg, b.ste()[0]), ste::kCfgBypass);
  EXPECT_FALSE(b.pci_ats());
  ASSERT_EQ(b.run(attach(1)), 0);
  const auto e = b.ste();
  EXPECT_EQ(field_get(ste::k0Cfg, e[0]), ste::kCfgS1Trans);
  EXPECT_EQ(field_get(ste::k1S1Dss, e[1]), ste::kS1DssBypass);
  EXPECT_EQ(field_get(ste::k1Eats, e[1]), ste::kEatsTrans);
  EXPECT_EQ(field_get(ste::k0S1CdMax, e[0]), smmuv3::kLinearCdMax) << "ssid_bits 20, clamped to CTXDESC_LINEAR_CDMAX without CD2L";
  EXPECT_EQ(field_get(ste::k0S1Fmt, e[0]), ste::kS1FmtLinear);
  EXPECT_TRUE(b.pci_ats());
  EXPECT_TRUE(b.master().ats_enabled);
  EXPECT_EQ(b.master().used_ssids, 1u);
  EXPECT_TRUE(smmuv3::ssids_in_use(b.s, b.mid()));
  EXPECT_TRUE(smmuv3::cd_of(b.s, b.mid(), 1)[0] & hw::smmuv3::cd::k0V);
  EXPECT_FALSE(smmuv3::cd_of(b.s, b.mid(), 0)[0] & hw::smmuv3::cd::k0V) << "the RID is identity: CD 0 stays empty";
  const iommu::GroupPasid* p = iommu::group_pasid(b.s, b.group(), 1);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->owner, b.acc);
  // The domain's array lists the PASID's ATS invalidation (SSID 1); nr_ats_masters counts it.
  const auto sd = smmuv3::smmu_domain_of(b.s, p->domain);
  bool ats_ssid1 = false;
  const smmuv3::Invs& inv = smmuv3::domain_invs(b.s, sd);
  for (uint16_t i = 0; i < inv.num_invs; ++i) ats_ssid1 |= smmuv3::is_ats(inv.inv[i].type) && inv.inv[i].ssid == 1 && inv.inv[i].users > 0;
  EXPECT_TRUE(ats_ssid1);
  EXPECT_EQ(b.s.kernel.smmuv3.domains[sd].nr_ats_masters, 1);
  // Tagged DMA goes through CD 1; untagged DMA still bypasses (S1DSS).
  EXPECT_EQ(b.run({.kind = OpKind::PasidDma, .iova = sim::OpContext::kIovaBase, .write = true, .pasid = 1}), 0);
  EXPECT_EQ(sim::device_dma(b.s, b.s.kernel.devs[b.acc].fn, sim::kUnmappedIova & 0xffffffff, true), 0);
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// arm_smmu_blocking_set_dev_pasid: CD 1 cleared, the ATC flushed for SSID 1 (ATS believed on),
// and the last PASID gone with an identity RID, the identity domain is attached again: the bypass
// STE is back and its prepare switches ATS off.
TEST(SmmuPasid, DetachingTheLastPasidDowngradesTheSteAndSwitchesAtsOff) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(attach(1)), 0);
  const size_t from = b.s.record.events.size();
  ASSERT_EQ(b.run(detach(1)), 0);
  EXPECT_EQ(field_get(ste::k0Cfg, b.ste()[0]), ste::kCfgBypass);
  EXPECT_FALSE(b.pci_ats());
  EXPECT_FALSE(b.master().ats_enabled);
  EXPECT_EQ(b.master().used_ssids, 0u);
  EXPECT_FALSE(smmuv3::cd_of(b.s, b.mid(), 1)[0] & hw::smmuv3::cd::k0V);
  EXPECT_EQ(iommu::group_pasid(b.s, b.group(), 1), nullptr);
  // The SSID's flush comes first (blocking_set_dev_pasid), the whole ATC's after (the identity commit).
  std::vector<std::string> atc_invs;
  for (size_t i = from; i < b.s.record.events.size(); ++i)
    if (const auto& e = b.s.record.events[i]; e.kind == kernel::EventKind::AtcInvRange)
      atc_invs.push_back(hw::smmuv3::describe_atc_inv_range(e.a, e.b));
  ASSERT_GE(atc_invs.size(), 1u);
  EXPECT_EQ(atc_invs.front().rfind("ssid=0x1 ", 0), 0u) << atc_invs.front();
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// cd_needs_ats: with a PASID in use, the blocked RID keeps a CD-table STE (S1DSS=TERMINATE) and
// ATS stays on, since the PASID may be using it.
TEST(SmmuPasid, ABlockedRidKeepsAtsOnWhilePasidsAreInUse) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(attach(1)), 0);
  const iommu::DomainId blocked = smmuv3::static_domain(b.s, b.acc, iommu::DomainType::Blocked);
  const iommu::DomainId identity = iommu::group(b.s, b.group()).domain;
  ASSERT_EQ(smmuv3::attach_dev_blocked(b.s, blocked, b.acc, identity), 0);
  const auto e = b.ste();
  EXPECT_EQ(field_get(ste::k0Cfg, e[0]), ste::kCfgS1Trans);
  EXPECT_EQ(field_get(ste::k1S1Dss, e[1]), ste::kS1DssTerminate);
  EXPECT_EQ(field_get(ste::k1Eats, e[1]), ste::kEatsTrans);
  EXPECT_TRUE(b.pci_ats());
  EXPECT_TRUE(b.master().ats_enabled);
  EXPECT_NE(sim::device_dma(b.s, b.s.kernel.devs[b.acc].fn, 0x1000, true), 0) << "untagged traffic is terminated";
}

// arm_smmu_attach_dev: a stage-2 domain has no CD table for the PASIDs in use: -EBUSY. And
// arm_smmu_set_pasid refuses a RID whose STE cannot hold a CD table (stage 2): -EINVAL.
TEST(SmmuPasid, StageTwoAndPasidsExcludeEachOther) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(attach(1)), 0);
  const iommu::DomainId identity = iommu::group(b.s, b.group()).domain;
  const iommu::DomainId s2 = smmuv3::domain_alloc_paging(b.s, b.acc, iommu::DomainType::Unmanaged, smmuv3::Stage::S2);
  ASSERT_NE(s2, iommu::kNoDomain);
  EXPECT_EQ(iommu::attach_group(b.s, s2, b.group()), -EBUSY);
  EXPECT_EQ(iommu::group(b.s, b.group()).domain, identity);
  ASSERT_EQ(b.run(detach(1)), 0);
  ASSERT_EQ(iommu::attach_group(b.s, s2, b.group()), 0);
  const iommu::DomainId s1 = smmuv3::domain_alloc_paging(b.s, b.acc, iommu::DomainType::Unmanaged);
  EXPECT_EQ(smmuv3::s1_set_dev_pasid(b.s, s1, b.acc, 3, iommu::kNoDomain), -EINVAL) << "the RID is on stage 2";
  EXPECT_EQ(smmuv3::s1_set_dev_pasid(b.s, s2, b.acc, 3, iommu::kNoDomain), -EINVAL) << "a stage-2 domain on a PASID";
  EXPECT_EQ(b.master().used_ssids, 0u);
}

// iommu_attach_device_pasid's own refusals, and the core's over attached PASIDs.
TEST(SmmuPasid, TheCoreRefusesPasidZeroATakenPasidAndAnotherUserOverPasids) {
  Booted b = boot();
  b.to_identity();
  const iommu::DomainId d = iommu::domain_alloc_paging(b.s, b.acc);
  EXPECT_EQ(iommu::attach_device_pasid(b.s, d, b.acc, 0), -EINVAL) << "IOMMU_NO_PASID";
  EXPECT_EQ(iommu::attach_device_pasid(b.s, d, b.acc, 1u << 20), -EINVAL) << "beyond max_pasids";
  ASSERT_EQ(b.run(attach(1)), 0);
  EXPECT_EQ(iommu::attach_device_pasid(b.s, d, b.acc, 1), -EBUSY) << "xa_insert: the PASID is taken";
  // A second kernel user of the default domain: iommu_device_use_default_domain's -EBUSY while
  // the pasid_array is not empty (a DMA owner's claim meets the driver's owner_cnt first: -EPERM).
  EXPECT_EQ(iommu::device_use_default_domain(b.s, b.acc), -EBUSY);
  EXPECT_EQ(iommu::group_claim_dma_owner(b.s, b.group(), 7), -EPERM);
  EXPECT_EQ(b.run({.kind = OpKind::PasidDetach, .pasid = 2}), -EINVAL) << "PASID 2 was never attached";
  iommu::domain_free(b.s, d);
}

// A kernel driver's remove() detaches its PASIDs: unbinding leaves no PASID, and ATS off.
TEST(SmmuPasid, UnbindingTheDriverDetachesItsPasids) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(attach(1)), 0);
  ASSERT_EQ(b.run(attach(5)), 0);
  EXPECT_EQ(b.master().used_ssids, 2u);
  ASSERT_EQ(b.run({.kind = OpKind::Unbind}), 0);
  EXPECT_TRUE(iommu::group(b.s, b.group()).pasids.empty());
  EXPECT_EQ(b.master().used_ssids, 0u);
  EXPECT_FALSE(b.pci_ats());
  EXPECT_EQ(field_get(ste::k0Cfg, b.ste()[0]), ste::kCfgBypass);
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// The 2026 core's reset parks each PASID on the blocked domain (the last one gone, the STE is
// downgraded to abort and ATS goes off) and attaches it back after the FLR: ATS on again.
TEST(SmmuPasid, AResetParksThePasidAndAttachesItBack) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run(attach(1)), 0);
  ASSERT_EQ(b.run({.kind = OpKind::Reset}), 0);
  EXPECT_TRUE(b.pci_ats());
  EXPECT_EQ(b.master().used_ssids, 1u);
  EXPECT_EQ(field_get(ste::k1S1Dss, b.ste()[1]), ste::kS1DssBypass);
  EXPECT_EQ(b.run({.kind = OpKind::PasidDma, .iova = sim::OpContext::kIovaBase, .write = true, .pasid = 1}), 0);
  EXPECT_TRUE(b.s.record.warnings.empty());
}

// The ATC invalidation by SSID: the remap drops the PASID's ATC entry and leaves the untagged one.
TEST(SmmuPasid, ARemapInvalidatesThePasidsAtcEntriesOnlyUnderBothDesigns) {
  for (bool nr_ats_masters : {false, true}) {
    SCOPED_TRACE(nr_ats_masters ? "nr_ats_masters" : "invs");
    Booted b = boot(policy::AtsVariant::Upstream, nr_ats_masters);
    b.to_identity();
    ASSERT_EQ(b.run(attach(1)), 0);
    const auto fn = b.s.kernel.devs[b.acc].fn;
    ASSERT_EQ(b.run({.kind = OpKind::PasidDma, .iova = sim::OpContext::kIovaBase, .write = true, .pasid = 1}), 0);
    ASSERT_EQ(sim::device_ats_translate(b.s, fn, 0x200000, true), 0) << "S1DSS bypass answers untagged requests";
    ASSERT_TRUE(b.s.hw.pcie.fn(fn).atc.lookup(true, 1, sim::OpContext::kIovaBase));
    ASSERT_TRUE(b.s.hw.pcie.fn(fn).atc.lookup(false, 0, 0x200000));
    ASSERT_EQ(b.run({.kind = OpKind::PasidRemap, .pasid = 1}), 0);
    EXPECT_FALSE(b.s.hw.pcie.fn(fn).atc.lookup(true, 1, sim::OpContext::kIovaBase));
    EXPECT_TRUE(b.s.hw.pcie.fn(fn).atc.lookup(false, 0, 0x200000));
  }
}

// The seed's premise on this path: PASID 2's commit-time pci_enable_ats fails.
TEST(SmmuPasid, UpstreamRecordsTheDecisionAndTheDetachWarnsInPciDisableAts) {
  Booted b = boot();
  b.to_identity();
  ASSERT_EQ(b.run({.kind = OpKind::PasidAttach, .fault = "pci_enable_ats", .pasid = 2}), 0)
      << "arm_smmu_set_pasid returns prepare's result; the commit has none";
  EXPECT_TRUE(logged(b.s, "Failed to enable ATS (STU 12)"));
  EXPECT_TRUE(b.master().ats_enabled);
  EXPECT_FALSE(b.pci_ats());
  EXPECT_TRUE(b.s.record.warnings.empty());
  ASSERT_EQ(b.run(detach(2)), 0);
  ASSERT_EQ(b.s.record.warnings.size(), 1u);
  const auto& w = b.s.record.warnings.front();
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  const auto& t = w.call_trace;
  auto at = [&](kernel::KFn f) { return std::find(t.begin(), t.end(), f) - t.begin(); };
  // pci_disable_ats <- arm_smmu_attach_prepare <- arm_smmu_attach_dev_ste <- arm_smmu_attach_dev_identity
  // <- arm_smmu_blocking_set_dev_pasid <- iommu_remove_dev_pasid <- iommu_detach_device_pasid
  EXPECT_LT(at(kernel::KFn::arm_smmu_attach_prepare), at(kernel::KFn::arm_smmu_attach_dev_identity));
  EXPECT_LT(at(kernel::KFn::arm_smmu_attach_dev_identity), at(kernel::KFn::arm_smmu_blocking_set_dev_pasid));
  EXPECT_LT(at(kernel::KFn::arm_smmu_blocking_set_dev_pasid), at(kernel::KFn::iommu_detach_device_pasid));
  EXPECT_LT(at(kernel::KFn::iommu_detach_device_pasid), static_cast<long>(t.size()));
  EXPECT_FALSE(b.master().ats_enabled);
}

TEST(SmmuPasid, RollbackFailsThePasidAttachAndPutsTheBypassSteBack) {
  Booted b = boot(policy::AtsVariant::Rollback);
  b.to_identity();
  const int ret = b.run({.kind = OpKind::PasidAttach, .fault = "pci_enable_ats", .pasid = 2});
  EXPECT_LT(ret, 0);
  EXPECT_EQ(field_get(ste::k0Cfg, b.ste()[0]), ste::kCfgBypass);
  EXPECT_EQ(b.master().used_ssids, 0u) << "CD 2 cleared by the undo";
  EXPECT_FALSE(b.master().ats_enabled);
  EXPECT_EQ(iommu::group_pasid(b.s, b.group(), 2), nullptr);
  EXPECT_EQ(b.run(detach(2)), -EINVAL);
  EXPECT_TRUE(b.s.record.warnings.empty());
}

TEST(SmmuPasid, VtdStyleRecordsTheResultAndDetachesWithoutAWarn) {
  Booted b = boot(policy::AtsVariant::VtdStyle);
  b.to_identity();
  ASSERT_EQ(b.run({.kind = OpKind::PasidAttach, .fault = "pci_enable_ats", .pasid = 2}), 0);
  EXPECT_FALSE(b.master().ats_enabled);
  EXPECT_FALSE(b.pci_ats());
  ASSERT_EQ(b.run(detach(2)), 0);
  EXPECT_TRUE(b.s.record.warnings.empty());
  EXPECT_EQ(field_get(ste::k0Cfg, b.ste()[0]), ste::kCfgBypass);
}

// Invariant 27 (finding 26): without ACS above it, pci_enable_pasid fails at probe
// (arm_smmu_enable_pasid's error ignored: ssid_bits 0, a one-CD table), but the core's
// max_pasids comes from pci_max_pasids, so the PASID attach succeeds, CD 1 lies past S1CDMAX 0,
// and no PASID traffic can reach it.
TEST(SmmuPasid, AFailedPciEnablePasidLeavesAnAttachedPasidTheSmmuCannotReach) {
  io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid-no-acs.yaml");
  Booted b;
  b.s = sim::boot_machine(sc, policy::AtsVariant::Upstream, b.ctx, 1, "");
  b.acc = *sim::resolve(b.s, b.ctx, "acc");
  EXPECT_TRUE(logged(b.s, "Failed to enable PASID"));
  EXPECT_FALSE(b.s.kernel.devs[b.acc].pasid_enabled);
  EXPECT_EQ(b.master().ssid_bits, 0);
  EXPECT_EQ(b.s.kernel.iommu.devs[b.acc].max_pasids, 1u << 20) << "dev_iommu_get_max_pasids does not ask";
  b.to_identity();
  auto has27 = [&] {
    for (const auto& v : check::check_state(b.s, true))
      if (v.invariant == 27) return true;
    return false;
  };
  EXPECT_FALSE(has27());
  ASSERT_EQ(b.run(attach(1)), 0) << "the core's check passes; arm_smmu_set_pasid trusts it";
  EXPECT_EQ(b.master().used_ssids, 1u);
  EXPECT_EQ(field_get(ste::k0S1CdMax, b.ste()[0]), 0u);
  EXPECT_TRUE(b.pci_ats());
  EXPECT_TRUE(has27());
  EXPECT_EQ(b.run({.kind = OpKind::PasidDma, .iova = sim::OpContext::kIovaBase, .write = true, .pasid = 1}), -ENODEV)
      << "PASID Enable is clear: the function sends no PASID prefix";
  // S1CDMAX 0: S1DSS is ignored and untagged traffic uses CD 0, which the identity RID left empty.
  EXPECT_EQ(b.run({.kind = OpKind::DeviceDma, .iova = sim::OpContext::kIovaBase, .write = true}), -EFAULT)
      << "the identity RID's DMA faults (C_BAD_CD)";
  ASSERT_EQ(b.run(detach(1)), 0);
  EXPECT_FALSE(has27());
}

// The new fields are state: each changes the System's hash (src/sim/state_hash.cc).
TEST(SmmuPasid, PasidStateIsHashed) {
  Booted b = boot();
  const uint64_t h = state_hash(b.s);
  System g = b.s;
  g.kernel.iommu.groups[b.group()].pasids.push_back({7, 0, b.acc});
  EXPECT_NE(state_hash(g), h);
  System d = b.s;
  d.kernel.iommu.devs[b.acc].max_pasids = 64;
  EXPECT_NE(state_hash(d), h);
  System m = b.s;
  m.kernel.smmuv3.masters[b.mid()].used_ssids = 3;
  EXPECT_NE(state_hash(m), h);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab
