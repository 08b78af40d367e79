// Nesting on a tree's own arm-smmu-v3-iommufd.c (Debian's 7.2.13; built locally with
// -DATSLAB_KERNEL_TREE, not in CI): iommufd and the IOMMU core stay atslab's, the vSMMU is the
// tree's (arm_vsmmu_init, arm_vsmmu_alloc_domain_nested, arm_smmu_attach_dev_nested,
// arm_smmu_attach_prepare_vmaster, arm_vsmmu_vdevice_init, arm_vsmmu_cache_invalidate), each pinned
// against the model configured as the tree. On a tree without it (6.12.118, the default: no
// arm-smmu-v3-iommufd.c) every test here is skipped, saying why.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../tree_fixture.h"
#include "disagreements.h"
#include "hw/smmuv3/command.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/tree_info.h"
#include "linux/iommu/iommu.h"
#include "sim/compare_drivers.h"
#include "sim/scenario_run.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;
using sim::Op;
using sim::OpKind;
namespace ks = kernel_src::smmuv3;
namespace hs = hw::smmuv3;
namespace ste = hw::smmuv3::ste;

#define ATSLAB_REQUIRE_TREE_VSMMU()                                                                       \
  do {                                                                                                   \
    if (!ks::built() || !ks::has_vsmmu())                                                                \
      GTEST_SKIP() << "needs a tree whose arm-smmu-v3-iommufd.c has 7.2's form; this build runs "       \
                   << ::atslab::kernel_src::source_driver_line();                                        \
  } while (0)

io::Scenario nested_file() { return io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/nested.yaml"); }

io::Scenario on_tree() {
  io::Scenario sc = nested_file();
  sc.driver = policy::Driver::Source;
  sc.pci_dev_reset_iommu = kernel_src::tree_has_pci_dev_reset_iommu();
  return sc;
}

// The same operations on the tree and on the model as the tree is (sim::model_as_tree).
struct Both {
  sim::ScenarioResult tree, model;
};
Both run_both(const std::vector<Op>& ops) {
  return {sim::run_ops(on_tree(), AtsVariant::Upstream, ops, 1, ""),
          sim::run_ops(sim::model_as_tree(nested_file()), AtsVariant::Upstream, ops, 1, "")};
}

// The file's first `n` operations.
std::vector<Op> first(size_t n) {
  const io::Scenario sc = nested_file();
  return {sc.workload.begin(), sc.workload.begin() + long(n)};
}

pci::DevId nic(const System& s) {
  for (pci::DevId d = 0; d < s.kernel.devs.size(); ++d)
    if (s.kernel.devs[d].ats_cap && s.kernel.devs[d].rc == 0) return d;
  return pci::kNoDev;
}

hs::Entry ste_of(const System& s, pci::DevId dev) {
  const auto pa = hs::ste_address(s.hw.memory, s.hw.smmus.at(0), s.kernel.devs[dev].bdf.rid());
  return pa ? hs::read_entry(s.hw.memory, *pa) : hs::Entry{};
}

// The STE fields a nested attach decides: CFG, EATS, the guest's CD table pointer and S1 fields,
// MEV, and the S2's VMID (the tables' addresses are each allocator's own).
struct NestedSte {
  uint64_t v, cfg, eats, s1ctxptr, s1cdmax, s1dss, mev, vmid;
  bool operator==(const NestedSte&) const = default;
};
NestedSte fields(const hs::Entry& e) {
  return {hs::field_get(ste::k0V, e[0]),        hs::field_get(ste::k0Cfg, e[0]),     hs::field_get(ste::k1Eats, e[1]),
          hs::field_get(ste::k0S1CtxPtrMask, e[0]), hs::field_get(ste::k0S1CdMax, e[0]), hs::field_get(ste::k1S1Dss, e[1]),
          hs::field_get(ste::k1Mev, e[1]),      hs::field_get(ste::k2S2Vmid, e[2])};
}
void PrintTo(const NestedSte& f, std::ostream* os) {
  *os << "V=" << f.v << " CFG=" << f.cfg << " EATS=" << f.eats << " S1CTXPTR=" << f.s1ctxptr << " S1CDMAX=" << f.s1cdmax
      << " S1DSS=" << f.s1dss << " MEV=" << f.mev << " VMID=" << f.vmid;
}

// The guest's translating vSTE with EATS (the file's s1, attached at its tenth step): the tree's
// arm_smmu_make_nested_cd_table_ste builds a nested STE (CFG=7) over the S2 parent, with the
// guest's CD table and S1 fields, MEV, and EATS=TRANS from prepare's decision; PCI ATS is on.
TEST(SourceSmmuNested, TheTreesNestedSteCarriesTheGuestsVsteAndEats) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  const Both b = run_both(first(10));
  for (const auto& st : b.tree.steps) EXPECT_EQ(st.ret, 0) << st.what;
  const pci::DevId dev = nic(b.tree.final);
  const NestedSte t = fields(ste_of(b.tree.final, dev));
  EXPECT_EQ(t.cfg, ste::kCfgNested);
  EXPECT_EQ(t.eats, 1u);
  EXPECT_EQ(t.mev, 1u);
  EXPECT_NE(t.s1ctxptr, 0u) << "the guest's CD table pointer";
  EXPECT_TRUE(b.tree.final.kernel.devs[dev].ats_enabled);
  EXPECT_EQ(t, fields(ste_of(b.model.final, nic(b.model.final))));
  EXPECT_TRUE(b.tree.violated.empty()) << ::testing::PrintToString(b.tree.violated);
}

// Upstream a45dd3466302 ("Do not set disable_ats unless vSTE is Translate"), which 7.2.13 has: a
// bypass vSTE leaves ATS to the host, as an attach of the S2 parent would. The tree's bypass attach
// (the file's ninth step) turns PCI ATS on with an S2 STE (CFG=6, EATS=1). The model before
// 2026-12-07 kept ATS off here (disable_ats from the vSTE's EATS whatever its CFG).
TEST(SourceSmmuNested, ABypassVsteLeavesAtsToTheHostAsTheS2Would) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  const Both b = run_both(first(9));
  const pci::DevId dev = nic(b.tree.final);
  const NestedSte t = fields(ste_of(b.tree.final, dev));
  EXPECT_EQ(t.cfg, ste::kCfgS2Trans);
  EXPECT_EQ(t.eats, 1u);
  EXPECT_TRUE(b.tree.final.kernel.devs[dev].ats_enabled);
  EXPECT_EQ(b.model.final.kernel.devs[nic(b.model.final)].ats_enabled, true);
  EXPECT_EQ(t, fields(ste_of(b.model.final, nic(b.model.final))));
}

// arm_smmu_attach_prepare_vmaster: a translating vSTE needs the device's vDEVICE (its vSID): without
// IOMMU_VDEVICE_ALLOC the tree's attach is -ENOENT and nothing changes (ATS stays off).
TEST(SourceSmmuNested, ATranslatingVsteWithoutAVdeviceIsRefusedByTheVmaster) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  std::vector<Op> ops = first(4);  // bind, nest parent, map, vIOMMU: no vDEVICE
  ops.push_back({.kind = OpKind::IommufdHwptAllocNested, .device = "nic", .hwpt = "s1", .viommu = "v0", .cfg = "s1_trans", .eats = 1});
  ops.push_back({.kind = OpKind::IommufdAttach, .device = "nic", .hwpt = "s1"});
  const Both b = run_both(ops);
  EXPECT_EQ(b.tree.steps.back().ret, -ENOENT) << b.tree.steps.back().what;
  EXPECT_EQ(b.model.steps.back().ret, -ENOENT);
  EXPECT_FALSE(b.tree.final.kernel.devs[nic(b.tree.final)].ats_enabled);
}

// The tree's arm_vsmmu_alloc_domain_nested refuses a vSTE with EATS=S1CHK (split-stage ATS) or a
// CFG it does not take (S2_TRANS) with -EIO, as the model's validate_vste does.
TEST(SourceSmmuNested, TheTreeRefusesTheVstesTheModelRefuses) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  for (const char* cfg : {"s2_trans", "nested"}) {
    std::vector<Op> ops = first(5);
    ops.push_back({.kind = OpKind::IommufdHwptAllocNested, .device = "nic", .hwpt = "x", .viommu = "v0", .cfg = cfg, .eats = 0});
    const Both b = run_both(ops);
    EXPECT_EQ(b.tree.steps.back().ret, -EIO) << cfg;
    EXPECT_EQ(b.model.steps.back().ret, -EIO) << cfg;
  }
  std::vector<Op> ops = first(5);
  ops.push_back({.kind = OpKind::IommufdHwptAllocNested, .device = "nic", .hwpt = "x", .viommu = "v0", .cfg = "s1_trans", .eats = 2});
  const Both b = run_both(ops);
  EXPECT_EQ(b.tree.steps.back().ret, -EIO);
  EXPECT_EQ(b.model.steps.back().ret, -EIO);
}

// The SMMU commands (opcode, StreamID) the last operation of `ops` issued.
std::vector<std::pair<int, int64_t>> last_commands(const std::vector<Op>& ops, bool tree) {
  std::vector<Op> before(ops.begin(), ops.end() - 1);
  const io::Scenario sc = tree ? on_tree() : sim::model_as_tree(nested_file());
  const auto a = sim::run_ops(sc, AtsVariant::Upstream, before, 1, "");
  const auto z = sim::run_ops(sc, AtsVariant::Upstream, ops, 1, "");
  std::vector<std::pair<int, int64_t>> out;
  const auto& ev = z.final.record.events;
  for (size_t i = a.final.record.events.size(); i < ev.size(); ++i)
    if (ev[i].kind == kernel::EventKind::SmmuCommand && ev[i].a == static_cast<int64_t>(hs::Op::ATC_INV)) out.emplace_back(int(ev[i].a), ev[i].b);
  return out;
}

// arm_vsmmu_cache_invalidate: the guest's CMD_ATC_INV for vSID 0x10 reaches the SMMU as a
// CMD_ATC_INV for the nic's physical StreamID (its RID, 0x100), through arm_vsmmu_vsid_to_sid.
TEST(SourceSmmuNested, TheGuestsAtcInvIsSentForThePhysicalStreamId) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  const std::vector<Op> ops = first(15);
  ASSERT_EQ(ops.back().kind, OpKind::IommufdViommuInvalidate);
  const auto t = last_commands(ops, true);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.front().second, 0x100);
  EXPECT_EQ(t, last_commands(ops, false));
}

// A vSID no vDEVICE has: the tree's arm_vsmmu_convert_user_cmd answers -EIO, as the model does.
TEST(SourceSmmuNested, AnUnknownVsidIsEio) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  std::vector<Op> ops = first(10);
  ops.push_back({.kind = OpKind::IommufdViommuInvalidate, .viommu = "v0", .vsid = 0x11});
  const Both b = run_both(ops);
  EXPECT_EQ(b.tree.steps.back().ret, -EIO);
  EXPECT_EQ(b.model.steps.back().ret, -EIO);
}

// The seed's question on the nested path: the replace to the EATS vSTE fails its pci_enable_ats
// (injection) and the tree's commit only logs it; the file on the tree is the model's upstream row
// (9, 13, 14 on the parent's ATS_FULL entry, 28, 23 at the unmap, the seed's WARN at the detach)
// with the model's call trace, judged by the file's 7.2.13 row.
TEST(SourceSmmuNested, TheFailedEnableOfANestedAttachIsTheModelsUpstreamRow) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  const auto r = sim::run_scenario(on_tree(), AtsVariant::Upstream);
  ASSERT_EQ(r.final.record.warnings.size(), 1u) << kernel::format_splats(r.final.record);
  const auto& w = r.final.record.warnings.front();
  EXPECT_EQ(w.function, kernel::KFn::pci_disable_ats);
  for (kernel::KFn f : {kernel::KFn::arm_smmu_attach_dev_blocked, kernel::KFn::vfio_df_ioctl_detach_pt})
    EXPECT_TRUE(std::find(w.call_trace.begin(), w.call_trace.end(), f) != w.call_trace.end()) << kernel::format_warning(w);
  EXPECT_EQ(r.violated, (std::vector<int>{4, 9, 13, 14, 23, 28}));
  EXPECT_EQ(r.atc_inv_to_ats_disabled, 1u);
  EXPECT_EQ(r.judged_by, "expect_source.7.2.13");
  EXPECT_TRUE(r.failed_expectations.empty()) << ::testing::PrintToString(r.failed_expectations);

  const auto m = sim::run_scenario(sim::model_as_tree(nested_file()), AtsVariant::Upstream);
  ASSERT_EQ(m.final.record.warnings.size(), 1u);
  EXPECT_EQ(m.final.record.warnings.front().call_trace, w.call_trace);
  EXPECT_EQ(m.violated, r.violated);
  EXPECT_EQ(m.atc_inv_to_ats_disabled, r.atc_inv_to_ats_disabled);
}

// 7.2.13 as it is: an abort vSTE leaves disable_ats false too (a45dd3466302 tests CFG S1_TRANS
// only), and prepare decides ATS from the S2 parent, so after the EATS attach the abort vSTE's
// attach keeps PCI ATS on under an abort STE (EATS=0): 11, 12, 28, on the tree and the model.
TEST(SourceSmmuNested, AnAbortVsteKeepsPciAtsOnUnderAnAbortSte) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  std::vector<Op> ops = first(10);
  ops.push_back({.kind = OpKind::IommufdHwptAllocNested, .device = "nic", .hwpt = "abt", .viommu = "v0", .cfg = "abort", .eats = 0});
  ops.push_back({.kind = OpKind::IommufdAttach, .device = "nic", .hwpt = "abt"});
  const Both b = run_both(ops);
  EXPECT_EQ(b.tree.steps.back().ret, 0);
  const pci::DevId dev = nic(b.tree.final);
  EXPECT_TRUE(b.tree.final.kernel.devs[dev].ats_enabled);
  EXPECT_EQ(fields(ste_of(b.tree.final, dev)).cfg, ste::kCfgAbort);
  for (int inv : {11, 12, 28})
    EXPECT_TRUE(std::find(b.tree.violated.begin(), b.tree.violated.end(), inv) != b.tree.violated.end()) << inv;
  EXPECT_EQ(b.model.violated, b.tree.violated);
}

TEST(SourceSmmuNested, TheModelAsSevenTwoAgreesWithTheTreeOnTheNestedWorkload) {
  ATSLAB_REQUIRE_TREE_VSMMU();
  const auto r = sim::compare_drivers(nested_file(), {.seeds = 20, .ops = 50, .workload = sim::Workload::Nested});
  EXPECT_EQ(r.runs, 20u);
  EXPECT_EQ(r.agree, r.runs) << describe(r);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
