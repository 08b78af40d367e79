// Nesting (issue 18, path 5), pinned against arm-smmu-v3-iommufd.c (arm_smmu_validate_vste,
// arm_vsmmu_alloc_domain_nested, arm_smmu_attach_dev_nested, arm_smmu_attach_prepare_vmaster,
// arm_vsmmu_cache_invalidate), arm-smmu-v3.c (arm_smmu_domain_alloc_paging_flags,
// arm_smmu_master_build_invs for a nest parent, arm_smmu_atc_inv_domain's nested_ats_flush) and
// iommufd's viommu.c and hw_pagetable.c: each return code, the STE the vSTE gives, where ATS is
// enabled, and what an S2 unmap and a guest invalidation send to the device's ATC.
#include <gtest/gtest.h>

#include <algorithm>

#include "hw/pcie/atc.h"
#include "hw/smmuv3/entry.h"
#include "hw/smmuv3/ste_layout.h"
#include "linux/smmuv3/hw_access.h"
#include "check/invariants.h"
#include "../support/temp_file.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/kfunc.h"
#include "linux/smmuv3/nested.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/vfio/device_cdev.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;
namespace hste = hw::smmuv3::ste;

io::Scenario nested_file() { return io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/nested.yaml"); }

struct Machine {
  explicit Machine(AtsVariant v = AtsVariant::Upstream, io::Scenario scenario = nested_file(), bool legacy = false)
      : sc(prepared(std::move(scenario), legacy)), s(boot_machine(sc, v, ctx, 1, "")) {}
  static io::Scenario prepared(io::Scenario sc, bool legacy) {
    sc.nr_ats_masters_fastpath = legacy;
    return sc;
  }
  io::Scenario sc;
  OpContext ctx;
  System s;
  int run(Op op) { return run_op(s, ctx, op); }
  int nested(const char* dev, const char* viommu, const char* hwpt, const char* cfg, uint32_t eats) {
    return run({.kind = OpKind::IommufdHwptAllocNested, .device = dev, .hwpt = hwpt, .viommu = viommu, .cfg = cfg, .eats = eats});
  }
  int attach(const char* dev, const char* hwpt, std::string fault = "") {
    return run({.kind = OpKind::IommufdAttach, .device = dev, .fault = std::move(fault), .hwpt = hwpt});
  }
  pci::DevId dev(const char* name) { return *resolve(s, ctx, name); }
  bool hw_ats(const char* name) { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[dev(name)].fn).cfg).enabled; }
  const smmuv3::Master& master(const char* name) { return s.kernel.smmuv3.masters.at(s.kernel.smmuv3.master_of.at(dev(name))); }
  hw::smmuv3::Entry ste(const char* name) {
    return smmuv3::ste_of(s, master(name).smmu, master(name).streams.front());
  }
  uint64_t ste_cfg(const char* name) { return hw::smmuv3::field_get(hste::k0Cfg, ste(name)[0]); }
  uint64_t ste_eats(const char* name) { return hw::smmuv3::field_get(hste::k1Eats, ste(name)[1]); }
  const hw::pcie::Atc& atc(const char* name) { return s.hw.pcie.fn(s.kernel.devs[dev(name)].fn).atc; }
  // The nic bound, a nest-parent S2 with 4 pages at 0x100000, vIOMMU v0 on it, the nic's vDEVICE
  // (vSID 0x10), and the nested HWPTs byp (a bypass vSTE), s1 (an S1_TRANS vSTE with EATS) and
  // s1n (an S1_TRANS vSTE without).
  void guest_ready() {
    ASSERT_EQ(run({.kind = OpKind::IommufdBind, .device = "nic"}), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "s2", .nest_parent = true}), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdMap, .count = 4, .iova = OpContext::kIovaBase}), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdViommuAlloc, .device = "nic", .hwpt = "s2", .viommu = "v0"}), 0);
    ASSERT_EQ(run({.kind = OpKind::IommufdVdeviceAlloc, .device = "nic", .viommu = "v0", .vsid = 0x10}), 0);
    ASSERT_EQ(nested("nic", "v0", "byp", "bypass", 0), 0);
    ASSERT_EQ(nested("nic", "v0", "s1", "s1_trans", 1), 0);
    ASSERT_EQ(nested("nic", "v0", "s1n", "s1_trans", 0), 0);
  }
  const smmuv3::SmmuDomain& parent() {
    return s.kernel.smmuv3.domains.at(iommu::domain(s, s.kernel.iommufd.hwpts.at(ctx.hwpts.at("s2")).domain).priv);
  }
  size_t count(kernel::EventKind k, size_t from) {
    return static_cast<size_t>(std::count_if(s.record.events.begin() + static_cast<long>(from), s.record.events.end(),
                                             [&](const kernel::Event& e) { return e.kind == k; }));
  }
};

TEST(NestedVste, ValidateVsteAcceptsAbortBypassAndS1TransAndGivesAtsOnlyToAnS1TransWithEats) {
  bool ats = true;
  auto v = guest_vste("s1_trans", 1);
  EXPECT_EQ(smmuv3::validate_vste(v, ats), 0);
  EXPECT_TRUE(ats);
  EXPECT_EQ(hw::smmuv3::field_get(hste::k1Eats, v[1]), 0u) << "EATS is the host's to set: cleared";
  v = guest_vste("s1_trans", 0);
  EXPECT_EQ(smmuv3::validate_vste(v, ats), 0);
  EXPECT_FALSE(ats);
  v = guest_vste("bypass", 1);
  EXPECT_EQ(smmuv3::validate_vste(v, ats), 0);
  EXPECT_FALSE(ats) << "enable_ats is a translating vSTE's alone (a bypass vSTE leaves ATS to the host)";
  v = guest_vste("abort", 0);
  EXPECT_EQ(smmuv3::validate_vste(v, ats), 0);
  v = guest_vste("invalid", 1);
  v[1] = 0xdead;  // anything, with V clear
  EXPECT_EQ(smmuv3::validate_vste(v, ats), 0);
  EXPECT_EQ(v, (std::array<uint64_t, 2>{})) << "a vSTE without V is zeroed";
  EXPECT_FALSE(ats);
}

TEST(NestedVste, ValidateVsteRefusesWithEio) {
  bool ats = false;
  auto v = guest_vste("s2_trans", 0);
  EXPECT_EQ(smmuv3::validate_vste(v, ats), -EIO) << "CFG S2_TRANS";
  v = guest_vste("nested", 0);
  EXPECT_EQ(smmuv3::validate_vste(v, ats), -EIO) << "CFG nested";
  v = guest_vste("s1_trans", 2);
  EXPECT_EQ(smmuv3::validate_vste(v, ats), -EIO) << "EATS=S1CHK: only full ATS or none";
  v = guest_vste("s1_trans", 3);
  EXPECT_EQ(smmuv3::validate_vste(v, ats), -EIO);
  v = guest_vste("s1_trans", 1);
  v[1] |= hste::k1Strw;
  EXPECT_EQ(smmuv3::validate_vste(v, ats), -EIO) << "a bit outside STRTAB_STE_1_NESTING_ALLOWED";
  v = guest_vste("bypass", 0);
  v[0] |= uint64_t{1} << 58;  // a reserved bit of qword 0, outside STRTAB_STE_0_NESTING_ALLOWED
  EXPECT_EQ(smmuv3::validate_vste(v, ats), -EIO);
}

TEST(NestedIommufd, TheObjectsReturnCodes) {
  Machine m;
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "nic"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "acc"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "plain"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "nic", .hwpt = "plain", .viommu = "v0"}), -EINVAL)
      << "iommufd_viommu_alloc_ioctl: a HWPT that is not a nest parent";
  ASSERT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "s2", .nest_parent = true}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "acc", .hwpt = "s2", .viommu = "v0"}), -EINVAL)
      << "arm_vsmmu_init: the S2 parent is on another SMMU";
  ASSERT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "nic", .hwpt = "s2", .viommu = "v0"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdHwptDestroy, .hwpt = "s2"}), -EBUSY) << "the vIOMMU holds its parent";
  EXPECT_EQ(m.run({.kind = OpKind::IommufdVdeviceAlloc, .device = "acc", .viommu = "v0", .vsid = 1}), -EINVAL)
      << "a device behind another IOMMU";
  ASSERT_EQ(m.run({.kind = OpKind::IommufdVdeviceAlloc, .device = "nic", .viommu = "v0", .vsid = 1}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdVdeviceAlloc, .device = "nic", .viommu = "v0", .vsid = 2}), -EEXIST) << "idev->vdev";
  EXPECT_EQ(m.nested("acc", "v0", "x", "s1_trans", 1), -EINVAL) << "iommufd_hwpt_alloc: the vIOMMU is another IOMMU's";
  EXPECT_EQ(m.nested("nic", "v0", "x", "s2_trans", 0), -EIO);
  EXPECT_EQ(m.nested("nic", "v0", "x", "s1_trans", 2), -EIO);
  ASSERT_EQ(m.nested("nic", "v0", "s1", "s1_trans", 1), 0);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "nic", .hwpt = "s1", .viommu = "v1"}), -ENOENT)
      << "iommufd_get_hwpt_paging: a nested HWPT is not a paging one";
  EXPECT_EQ(m.run({.kind = OpKind::IommufdViommuInvalidate, .viommu = "v0", .vsid = 7}), -EIO) << "arm_vsmmu_vsid_to_sid";
}

// arm_vsmmu_vdevice_init (7.2.13): a master with two StreamIDs, here a conventional PCI device
// below a PCIe-to-PCI bridge (its own requester ID and the bridge's alias), has no vDEVICE, since
// a vSID maps to the master's first StreamID alone. The slot the core reserved is given back, so
// the same vSID is free for another device.
TEST(NestedIommufd, AMasterWithTwoStreamIdsHasNoVdevice) {
  io::Scenario sc = io::load_scenario(test::write_temp("two-sids.yaml", R"(name: two-sids
machine:
  ports: [{name: rp0}, {name: br, below: rp0, pci_bridge: true}]
  devices:
    - {name: a, port: br, devfn: 0x08, vendor: 0x8086, device: 0x1229, driver: vfio-pci}
workload: []
)"));
  Machine m(AtsVariant::Upstream, sc);
  ASSERT_EQ(m.master("a").streams.size(), 2u);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "a"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "a", .hwpt = "s2", .nest_parent = true}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "a", .hwpt = "s2", .viommu = "v0"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdVdeviceAlloc, .device = "a", .viommu = "v0", .vsid = 1}), -EOPNOTSUPP);
  EXPECT_TRUE(m.s.kernel.iommufd.viommus.at(m.ctx.viommus.at("v0")).vdevs.empty());
  EXPECT_EQ(m.s.kernel.iommufd.devices.at(vfio::cdev_idev(m.s, m.dev("a"))).vdev, iommufd::kNone);
}

TEST(NestedIommufd, NoNestParentOnAnSmmuWithoutBothStages) {
  io::Scenario sc = nested_file();
  sc.smmus[0].s1p = false;  // ARM_SMMU_FEAT_NESTING needs S1P and S2P
  Machine m(AtsVariant::Upstream, sc);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "nic"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "s2", .nest_parent = true}), -EOPNOTSUPP);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "s2"}), 0);
  EXPECT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "nic", .hwpt = "s2", .viommu = "v0"}), -EOPNOTSUPP)
      << "get_viommu_size is 0 without FEAT_NESTING";
}

TEST(NestedAttach, ATranslatingVsteNeedsAVdeviceAnAbortOrBypassOneDoesNot) {
  Machine m;
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "nic"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "s2", .nest_parent = true}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "nic", .hwpt = "s2", .viommu = "v0"}), 0);
  ASSERT_EQ(m.nested("nic", "v0", "s1", "s1_trans", 1), 0);
  ASSERT_EQ(m.nested("nic", "v0", "byp", "bypass", 0), 0);
  const size_t before = m.s.record.events.size();
  EXPECT_EQ(m.attach("nic", "s1"), -ENOENT) << "arm_smmu_attach_prepare_vmaster: no vSID";
  EXPECT_EQ(m.count(kernel::EventKind::SteWrite, before), 0u) << "a failed prepare changes nothing";
  EXPECT_EQ(m.ste_cfg("nic"), hste::kCfgAbort) << "still blocked";
  EXPECT_EQ(m.attach("nic", "byp"), 0) << "the guest's GBPA: no vDEVICE needed";
}

// Upstream a45dd3466302 ("Do not set disable_ats unless vSTE is Translate", 7.2, 6.18 stable): a
// bypass vSTE leaves ATS to the host, as an attach of the S2 parent would (7.2.13's own code agrees:
// SourceSmmuNested.ABypassVsteLeavesAtsToTheHostAsTheS2Would).
TEST(NestedAttach, ABypassVsteGivesTheS2AloneWithAtsAsTheHostDecides) {
  Machine m;
  m.guest_ready();
  ASSERT_EQ(m.attach("nic", "byp"), 0);
  EXPECT_EQ(m.ste_cfg("nic"), hste::kCfgS2Trans) << "a bypass vSTE: the S2 alone";
  EXPECT_EQ(m.ste_eats("nic"), hste::kEatsTrans);
  EXPECT_TRUE(m.hw_ats("nic")) << "disable_ats stays false: arm_smmu_ats_supported decides";
  EXPECT_EQ(m.parent().nr_ats_masters, 1);
}

// 7.2.13 as it is (a45dd3466302 tests CFG S1_TRANS only): an abort vSTE leaves disable_ats false
// too, prepare decides ATS from the S2 parent (to_smmu_domain_devices), and
// arm_smmu_make_nested_domain_ste builds an abort STE whatever it decided: after the EATS attach,
// the abort vSTE's attach keeps PCI ATS on under an STE with EATS=0 (11, 12, 28). The tree's own
// code does the same (SourceSmmuNested.AnAbortVsteKeepsPciAtsOnUnderAnAbortSte).
TEST(NestedAttach, AnAbortVsteKeepsPciAtsOnUnderAnAbortSte) {
  Machine m;
  m.guest_ready();
  ASSERT_EQ(m.attach("nic", "s1"), 0);
  ASSERT_EQ(m.nested("nic", "v0", "abt", "abort", 0), 0);
  ASSERT_EQ(m.attach("nic", "abt"), 0);
  EXPECT_EQ(m.ste_cfg("nic"), hste::kCfgAbort);
  EXPECT_TRUE(m.hw_ats("nic"));
  EXPECT_TRUE(m.master("nic").ats_enabled);
  std::vector<int> seen;
  for (const auto& v : check::check_state(m.s, true)) seen.push_back(v.invariant);
  for (int inv : {11, 28}) EXPECT_NE(std::find(seen.begin(), seen.end(), inv), seen.end()) << inv;
}

TEST(NestedAttach, TheVstesEatsDecidesTheStesAndAtsIsEnabledAtTheCommitAfterAWholeAtcFlush) {
  Machine m;
  m.guest_ready();
  ASSERT_EQ(m.attach("nic", "s1n"), 0);
  EXPECT_EQ(m.ste_cfg("nic"), hste::kCfgNested) << "a translating vSTE";
  EXPECT_EQ(m.ste_eats("nic"), hste::kEatsAbt);
  EXPECT_FALSE(m.hw_ats("nic")) << "disable_ats: the translating vSTE has no EATS";
  const size_t before = m.s.record.events.size();
  ASSERT_EQ(m.attach("nic", "s1"), 0) << "a replace, nested to nested on the same parent";
  const auto ste = m.ste("nic");
  EXPECT_EQ(m.ste_cfg("nic"), hste::kCfgNested);
  EXPECT_EQ(m.ste_eats("nic"), hste::kEatsTrans);
  EXPECT_EQ(ste[0] & hste::k0S1CtxPtrMask, kGuestCdTable) << "the guest's CD table";
  EXPECT_EQ(hw::smmuv3::field_get(hste::k1S1Dss, ste[1]), hste::kS1DssBypass);
  EXPECT_EQ(hw::smmuv3::field_get(hste::k2S2Vmid, ste[2]), m.parent().vmid) << "the S2 parent's VMID";
  EXPECT_TRUE(m.hw_ats("nic"));
  EXPECT_TRUE(m.master("nic").ats_enabled);
  // Order: the STE with EATS, then the whole-ATC flush, then ATS Enable (arm_smmu_enable_ats).
  size_t ste_at = 0, flush_at = 0, enable_at = 0;
  for (size_t i = before; i < m.s.record.events.size(); ++i) {
    const auto& e = m.s.record.events[i];
    if (e.kind == kernel::EventKind::SteWrite && !ste_at) ste_at = i;
    if (e.kind == kernel::EventKind::SmmuCommand && e.a == static_cast<int64_t>(hw::smmuv3::Op::ATC_INV)) flush_at = i;
    if (e.kind == kernel::EventKind::ConfigWrite && !enable_at && flush_at) enable_at = i;
  }
  EXPECT_LT(ste_at, flush_at);
  EXPECT_LT(flush_at, enable_at);
  // The attachment sits on the parent's list, naming the nested domain, with nested_ats_flush.
  const auto& devs = m.parent().devices;
  ASSERT_EQ(devs.size(), 1u);
  EXPECT_TRUE(devs[0].nested_ats_flush);
  EXPECT_EQ(devs[0].domain, m.s.kernel.iommufd.hwpts.at(m.ctx.hwpts.at("s1")).domain);
  EXPECT_EQ(m.parent().nr_ats_masters, 1);
  // Back to the translating vSTE without EATS: ATS off in prepare, before the STE loses EATS.
  ASSERT_EQ(m.attach("nic", "s1n"), 0);
  EXPECT_FALSE(m.hw_ats("nic"));
  EXPECT_EQ(m.ste_eats("nic"), hste::kEatsAbt);
  EXPECT_EQ(m.parent().nr_ats_masters, 0);
}

TEST(NestedAttach, AnS2UnmapReachesTheGuestsAtcThroughTheParentsAtsFullEntry) {
  Machine m;
  m.guest_ready();
  ASSERT_EQ(m.attach("nic", "s1"), 0);
  const auto& invs = smmuv3::domain_invs(m.s, smmuv3::smmu_domain_of(m.s, m.s.kernel.iommufd.hwpts.at(m.ctx.hwpts.at("s2")).domain));
  std::vector<smmuv3::InvType> types;
  for (const auto& inv : invs.live()) types.push_back(inv.type);
  EXPECT_EQ(types, (std::vector<smmuv3::InvType>{smmuv3::InvType::S2Vmid, smmuv3::InvType::S2VmidS1Clear, smmuv3::InvType::AtsFull}));
  ASSERT_EQ(m.run({.kind = OpKind::AtsTranslate, .device = "nic", .iova = OpContext::kIovaBase, .write = true}), 0);
  ASSERT_FALSE(m.atc("nic").entries.empty()) << "the Translation Request filled the ATC (through the S2: S1DSS bypass)";
  const size_t before = m.s.record.events.size();
  ASSERT_EQ(m.run({.kind = OpKind::IommufdUnmap}), 0);
  EXPECT_TRUE(m.atc("nic").entries.empty()) << "ATS_FULL: the whole ATC goes";
  bool nh_all = false, full = false;
  for (size_t i = before; i < m.s.record.events.size(); ++i) {
    const auto& e = m.s.record.events[i];
    if (e.kind == kernel::EventKind::SmmuCommand && e.a == static_cast<int64_t>(hw::smmuv3::Op::TLBI_NH_ALL)) nh_all = true;
    if (e.kind == kernel::EventKind::AtcInvRange && (e.b & 0x3f) == hw::smmuv3::cmdq::kAtcInvSizeAll) full = true;
  }
  EXPECT_TRUE(nh_all) << "S2_VMID_S1_CLEAR: the guest's stage-1 entries over this VMID";
  EXPECT_TRUE(full) << "ATC_INV SIZE 52, no PASID";
}

TEST(NestedAttach, UnderTheNrAtsMastersDesignTheWalkFlushesTheNestedMastersWholeAtc) {
  Machine m(AtsVariant::Upstream, nested_file(), true);
  m.guest_ready();
  ASSERT_EQ(m.attach("nic", "s1"), 0);
  ASSERT_EQ(m.run({.kind = OpKind::AtsTranslate, .device = "nic", .iova = OpContext::kIovaBase, .write = true}), 0);
  ASSERT_FALSE(m.atc("nic").entries.empty());
  const size_t before = m.s.record.events.size();
  ASSERT_EQ(m.run({.kind = OpKind::IommufdUnmap}), 0);
  EXPECT_TRUE(m.atc("nic").entries.empty()) << "nested_ats_flush";
  bool full = false;
  for (size_t i = before; i < m.s.record.events.size(); ++i)
    if (m.s.record.events[i].kind == kernel::EventKind::AtcInvRange && (m.s.record.events[i].b & 0x3f) == hw::smmuv3::cmdq::kAtcInvSizeAll)
      full = true;
  EXPECT_TRUE(full);
}

TEST(NestedAttach, AnotherSmmusDeviceIsEinvalAndPasidsInUseAreEbusy) {
  io::Scenario sc = nested_file();
  sc.devices[0].pasid = true;
  sc.devices[0].driver = "native";
  Machine m(AtsVariant::Upstream, sc);
  // A nested domain on a vSMMU of SMMU 0, made through the driver (a VMM could not hand it acc).
  const iommu::DomainId parent = static_cast<iommu::DomainId>(smmuv3::domain_alloc_nest_parent(m.s, m.dev("nic")));
  const auto vsmmu = static_cast<smmuv3::VsmmuId>(smmuv3::vsmmu_init(m.s, m.dev("nic"), parent, 0));
  const auto d = static_cast<iommu::DomainId>(smmuv3::alloc_domain_nested(m.s, vsmmu, 0, guest_vste("bypass", 0)));
  EXPECT_EQ(smmuv3::alloc_domain_nested(m.s, vsmmu, 1, guest_vste("bypass", 0)), -EOPNOTSUPP) << "flags";
  EXPECT_EQ(smmuv3::attach_dev_nested(m.s, d, m.dev("acc"), iommu::kNoDomain), -EINVAL);
  ASSERT_EQ(m.run({.kind = OpKind::PasidAttach, .device = "nic", .pasid = 1}), 0);
  ASSERT_TRUE(smmuv3::ssids_in_use(m.s, m.s.kernel.smmuv3.master_of.at(m.dev("nic"))));
  EXPECT_EQ(smmuv3::attach_dev_nested(m.s, d, m.dev("nic"), iommu::kNoDomain), -EBUSY);
}

TEST(NestedGuestInvalidation, AGuestAtcInvIsForwardedWithItsVsidTranslatedWhateverTheHostsAts) {
  Machine m;
  m.guest_ready();
  ASSERT_EQ(m.attach("nic", "s1"), 0);
  size_t before = m.s.record.events.size();
  ASSERT_EQ(m.run({.kind = OpKind::IommufdViommuInvalidate, .viommu = "v0", .vsid = 0x10}), 0);
  int64_t sid = -1;
  for (size_t i = before; i < m.s.record.events.size(); ++i)
    if (m.s.record.events[i].kind == kernel::EventKind::SmmuCommand && m.s.record.events[i].a == static_cast<int64_t>(hw::smmuv3::Op::ATC_INV))
      sid = m.s.record.events[i].b;
  EXPECT_EQ(sid, 0x100) << "vSID 0x10 -> the nic's StreamID";
  // acc: host ATS unsupported (its root complex has no ATS), the guest's vSTE asks EATS.
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "acc"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "s2b", .nest_parent = true}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "acc", .hwpt = "s2b", .viommu = "v1"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdVdeviceAlloc, .device = "acc", .viommu = "v1", .vsid = 0x20}), 0);
  ASSERT_EQ(m.nested("acc", "v1", "s1b", "s1_trans", 1), 0);
  ASSERT_EQ(m.attach("acc", "s1b"), 0) << "nothing refuses the guest's EATS";
  EXPECT_EQ(m.ste_cfg("acc"), hste::kCfgNested);
  EXPECT_EQ(m.ste_eats("acc"), hste::kEatsAbt) << "arm_smmu_ats_supported is false: prepare decides ATS off";
  EXPECT_FALSE(m.hw_ats("acc"));
  before = m.s.record.events.size();
  ASSERT_EQ(m.run({.kind = OpKind::IommufdViommuInvalidate, .viommu = "v1", .vsid = 0x20}), 0) << "forwarded as is";
  size_t to_off = 0;
  for (size_t i = before; i < m.s.record.events.size(); ++i) {
    const auto& e = m.s.record.events[i];
    if (e.kind == kernel::EventKind::AtcInvToAtsDisabled) {
      ++to_off;
      EXPECT_EQ(e.b, 0) << "not from the host's tracking: not invariant 23";
    }
  }
  EXPECT_EQ(to_off, 1u) << "the guest's ATC_INV reached a function whose ATS is off";
}

TEST(NestedSeed, UpstreamRecordsTheFailedEnableAndTheDetachHitsTheSeedsWarn) {
  Machine m;
  m.guest_ready();
  ASSERT_EQ(m.attach("nic", "s1n"), 0);
  ASSERT_EQ(m.attach("nic", "s1", "pci_enable_ats"), 0) << "arm_smmu_attach_dev_nested returns 0 after prepare";
  EXPECT_TRUE(m.master("nic").ats_enabled) << "the decision, not the result";
  EXPECT_FALSE(m.hw_ats("nic"));
  EXPECT_EQ(m.ste_eats("nic"), hste::kEatsTrans);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdDetach, .device = "nic"}), 0);
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  const auto& w = m.s.record.warnings.front();
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  const std::vector<kernel::KFn> trace = {kernel::KFn::arm_smmu_attach_prepare, kernel::KFn::arm_smmu_attach_dev_ste,
                                          kernel::KFn::arm_smmu_attach_dev_blocked, kernel::KFn::__iommu_attach_device,
                                          kernel::KFn::__iommu_group_set_domain_internal, kernel::KFn::iommu_detach_group_handle,
                                          kernel::KFn::iommufd_hw_pagetable_detach};
  for (auto f : trace) EXPECT_NE(std::find(w.call_trace.begin(), w.call_trace.end(), f), w.call_trace.end()) << kernel::name(f);
}

// Invariant 28 judges the host's side of the guest's decision: PCI ATS on without the vSTE's EATS
// (the guest sends no ATC invalidation: its ATC goes stale), or the STE's EATS and PCI ATS Enable
// parting. A vSTE with EATS on a host without ATS is neither.
TEST(NestedInvariant, AtsOnWithoutTheVstesEatsOrTheSteAndPciPartingBreak28) {
  Machine m;
  m.guest_ready();
  ASSERT_EQ(m.attach("nic", "s1n"), 0);
  auto v28 = [&] {
    size_t n = 0;
    for (const auto& v : check::check_state(m.s, true)) n += v.invariant == 28;
    return n;
  };
  EXPECT_EQ(v28(), 0u);
  const auto& d = m.s.kernel.devs[m.dev("nic")];
  auto& cfg = m.s.hw.pcie.fn(d.fn).cfg;
  const uint16_t ctrl = cfg.read16(d.ats_cap + hw::pcie::ats::kCtrl);
  cfg.poke16(d.ats_cap + hw::pcie::ats::kCtrl, ctrl | hw::pcie::ats::kCtrlEnable);
  EXPECT_EQ(v28(), 1u) << "ATS Enable set under a translating vSTE without EATS: no guest will flush this ATC";
  cfg.poke16(d.ats_cap + hw::pcie::ats::kCtrl, ctrl);
  ASSERT_EQ(m.attach("nic", "s1", "pci_enable_ats"), 0);
  EXPECT_EQ(v28(), 1u) << "the STE has EATS, PCI ATS is off";
  // acc's host has no ATS: EATS asked, EATS=0 and ATS off given, no violation.
  ASSERT_EQ(m.run({.kind = OpKind::IommufdBind, .device = "acc"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "s2b", .nest_parent = true}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdViommuAlloc, .device = "acc", .hwpt = "s2b", .viommu = "v1"}), 0);
  ASSERT_EQ(m.run({.kind = OpKind::IommufdVdeviceAlloc, .device = "acc", .viommu = "v1", .vsid = 0x20}), 0);
  ASSERT_EQ(m.nested("acc", "v1", "s1b", "s1_trans", 1), 0);
  ASSERT_EQ(m.attach("acc", "s1b"), 0);
  EXPECT_EQ(m.ste_eats("acc"), hste::kEatsAbt);
  EXPECT_FALSE(m.hw_ats("acc"));
  EXPECT_EQ(v28(), 1u) << "still the nic's alone";
}

TEST(NestedSeed, RollbackUndoesTheReplaceAndVtdStyleRecordsOff) {
  {
    Machine m(AtsVariant::Rollback);
    m.guest_ready();
    ASSERT_EQ(m.attach("nic", "s1n"), 0);
    EXPECT_EQ(m.attach("nic", "s1", "pci_enable_ats"), -EINVAL);
    EXPECT_EQ(m.ste_cfg("nic"), hste::kCfgNested) << "the EATS-less vSTE's STE back";
    EXPECT_EQ(m.ste_eats("nic"), hste::kEatsAbt);
    EXPECT_FALSE(m.master("nic").ats_enabled);
    const iommu::GroupId g = iommu::group_of(m.s, m.dev("nic"));
    EXPECT_EQ(iommu::group(m.s, g).domain, m.s.kernel.iommufd.hwpts.at(m.ctx.hwpts.at("s1n")).domain);
  }
  {
    Machine m(AtsVariant::VtdStyle);
    m.guest_ready();
    ASSERT_EQ(m.attach("nic", "s1n"), 0);
    ASSERT_EQ(m.attach("nic", "s1", "pci_enable_ats"), 0);
    EXPECT_FALSE(m.master("nic").ats_enabled);
    EXPECT_EQ(m.ste_eats("nic"), hste::kEatsTrans) << "prepare decided: the STE has EATS";
    EXPECT_EQ(m.parent().nr_ats_masters, 1);
    ASSERT_EQ(m.run({.kind = OpKind::IommufdDetach, .device = "nic"}), 0);
    EXPECT_TRUE(m.s.record.warnings.empty());
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
