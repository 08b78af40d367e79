// VT-d details the first model left out: dmar_ats_supported (the ATSR table),
// PRI needing ATS support and ECAP.PRS, a DEVTLB cache tag that cannot be
// allocated in probe_finalize, and one unit per PCI segment from YAML.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "check/invariants.h"
#include "io/input_error.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"
#include "vtd_machine.h"
#include "../support/temp_dir.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

// Built field by field: GCC 12 misreads a designated initializer that leaves VtdUnit's map defaulted.
VtdSpec spec(bool pri, bool rc_ats, bool ecap_prs, std::string faults = "") {
  VtdSpec v;
  v.pf.pri = pri;
  v.rc_ats = rc_ats;
  v.unit.ecap_prs = ecap_prs;
  v.faults = std::move(faults);
  return v;
}

TEST(VtdProbe, RootComplexWithoutAtsrLeavesAtsUnsupportedButStillPreparesAndIndexes) {
  VtdMachine m(spec(false, false, true));
  auto pf = m.pf();
  EXPECT_FALSE(m.info(pf).ats_supported) << "dmar_ats_supported() is false";
  EXPECT_EQ(m.info(pf).ats_qdep, 0);
  EXPECT_EQ(m.info(pf).pfsid, 0);
  // pci_prepare_ats and the rbtree hang off pci_ats_supported() alone.
  EXPECT_TRUE(m.in_tree(pf));
  EXPECT_EQ(m.s.kernel.devs[pf].ats_stu, 12);
  EXPECT_FALSE(m.info(pf).ats_enabled);
  EXPECT_FALSE(m.hw_ats_on(pf));
  EXPECT_TRUE(check::check_state(m.s, true).empty());
}

TEST(VtdProbe, PriNeedsAtsSupportAndUnitPageRequests) {
  VtdMachine both(spec(true, true, true));
  EXPECT_TRUE(both.info(both.pf()).pri_supported);
  EXPECT_TRUE(both.info(both.pf()).pri_enabled);

  VtdMachine no_prs(spec(true, true, false));
  EXPECT_FALSE(no_prs.info(no_prs.pf()).pri_supported) << "ECAP.PRS clear";
  EXPECT_TRUE(no_prs.info(no_prs.pf()).ats_enabled);
  EXPECT_FALSE(no_prs.s.kernel.devs[no_prs.pf()].pri_enabled);

  VtdMachine no_atsr(spec(true, false, true));
  EXPECT_FALSE(no_atsr.info(no_atsr.pf()).pri_supported) << "info->ats_supported clear";
  EXPECT_FALSE(no_atsr.s.kernel.devs[no_atsr.pf()].pri_enabled);
}

size_t devtlb_tags(const System& s, vtd::InfoId info) {
  size_t n = 0;
  for (const auto& d : s.kernel.vtd.domains)
    for (const auto& t : d.cache_tags) n += t.type == vtd::CacheTagType::Devtlb && t.info == info;
  return n;
}

TEST(VtdFinalize, DevtlbTagAllocationFailureTurnsAtsOffAgain) {
  // The first DEVTLB tag is the PF's, in probe_finalize after the default domain attach.
  VtdMachine m(spec(false, true, true, "cache_tag.alloc:nth=1"));
  auto pf = m.pf();
  EXPECT_EQ(m.s.faults.fired[static_cast<size_t>(faults::Point::CacheTagAlloc)], 1u);
  EXPECT_TRUE(m.s.kernel.iommu.devs.at(pf).probed);
  EXPECT_NE(m.info(pf).domain, iommu::kNoDomain) << "the default domain stays attached";
  EXPECT_FALSE(m.info(pf).ats_enabled);
  EXPECT_FALSE(m.hw_ats_on(pf));
  EXPECT_EQ(devtlb_tags(m.s, vtd::info_of(m.s, pf)), 0u);
  EXPECT_TRUE(m.s.record.warnings.empty()) << "only what was enabled is disabled";
  EXPECT_TRUE(check::check_state(m.s, true).empty());

  VtdMachine ok;
  EXPECT_TRUE(ok.info(ok.pf()).ats_enabled);
  EXPECT_EQ(devtlb_tags(ok.s, vtd::info_of(ok.s, ok.pf())), 1u);
}

TEST(VtdAttach, DevtlbTagAllocationFailureFailsTheAttachAndLeavesNoTag) {
  VtdMachine m;
  auto pf = m.pf();
  ASSERT_TRUE(m.info(pf).ats_enabled);
  auto d = vtd::domain_alloc_paging(m.s, pf, iommu::DomainType::Unmanaged);
  m.s.faults.rules = faults::parse_plan("cache_tag.alloc:nth=1");
  m.s.faults.calls = {};
  EXPECT_EQ(vtd::attach_dev(m.s, d, pf, m.info(pf).domain), -ENOMEM);
  EXPECT_EQ(m.info(pf).domain, iommu::kNoDomain) << "out_block_translation";
  const auto& dom = m.s.kernel.vtd.domains.at(vtd::dmar_domain_of(m.s, d));
  EXPECT_TRUE(dom.cache_tags.empty()) << "the IOTLB tag taken before the DEVTLB one is given back";
  EXPECT_TRUE(dom.devices.empty());
}

std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = atslab::test::process_temp_dir("vtd");
  auto p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

// Two root complexes behind VT-d, segments 0 and 1, each with a PF at the same bus/devfn.
const std::string kTwoSegments = R"(machine:
  root_complexes: [{iommu: vtd}, {iommu: vtd}]
  ports: [{name: a, rc: 0}, {name: b, rc: 1}]
  devices:
    - {name: pf0, port: a, vendor: 0x15b3, device: 0x101d, ats: true}
    - {name: pf1, port: b, vendor: 0x15b3, device: 0x101d, ats: true}
kernel: {variants: [upstream]}
)";

TEST(VtdSegments, EachRootComplexGetsItsOwnUnitSoTheSameRidProbesTwice) {
  auto sc = io::load_scenario(write_temp("two-seg.yaml", kTwoSegments));
  ASSERT_EQ(sc.rcs.size(), 2u);
  EXPECT_EQ(sc.rcs[0].smmu, 0);
  EXPECT_EQ(sc.rcs[1].smmu, 1);
  auto r = sim::run_scenario(sc, policy::AtsVariant::Upstream);
  const System& s = r.final;
  EXPECT_TRUE(s.record.warnings.empty()) << "no WARN_ON(curr)";
  EXPECT_TRUE(r.violated.empty());
  ASSERT_EQ(s.kernel.vtd.units.size(), 2u);
  std::vector<pci::DevId> pfs;
  for (pci::DevId d : pci::live_devices(s))
    if (s.hw.pcie.rc(s.kernel.devs[d].rc).iommu == hw::pcie::IommuKind::Vtd && s.kernel.devs[d].ats_cap) pfs.push_back(d);
  ASSERT_EQ(pfs.size(), 2u);
  EXPECT_EQ(s.kernel.devs[pfs[0]].bdf.rid(), s.kernel.devs[pfs[1]].bdf.rid()) << "same bus/devfn";
  for (pci::DevId d : pfs) {
    EXPECT_TRUE(s.kernel.iommu.devs.at(d).probed);
    EXPECT_TRUE(vtd::in_device_rbtree(s, vtd::info_of(s, d)));
  }
  EXPECT_NE(s.kernel.vtd.infos.at(vtd::info_of(s, pfs[0])).iommu, s.kernel.vtd.infos.at(vtd::info_of(s, pfs[1])).iommu);
  EXPECT_EQ(s.kernel.vtd.units[0].device_rbtree.size(), 1u);
  EXPECT_EQ(s.kernel.vtd.units[1].device_rbtree.size(), 1u);
}

TEST(VtdSegments, AUnitNamedForTwoSegmentsIsRefused) {
  std::string text = kTwoSegments;
  text.replace(text.find("[{iommu: vtd}, {iommu: vtd}]"), 28, "[{iommu: vtd, smmu: 0}, {iommu: vtd, smmu: 0}]");
  std::string path = write_temp("shared-unit.yaml", text);
  try {
    io::load_scenario(path);
    ADD_FAILURE() << "a unit shared across segments was accepted";
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("machine.root_complexes[].smmu: VT-d unit 0 already serves root complex 0 (segment 0)"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos);
  }
}

TEST(VtdScenario, EcapBitsAndLegacyModeComeFromTheYaml) {
  std::string text = kTwoSegments;
  text.replace(text.find("[{iommu: vtd}, {iommu: vtd}]"), 28,
               "[{iommu: vtd, vtd: {scalable: false, dit: false}}, {iommu: vtd, vtd: {dev_iotlb: false, prs: false}}]");
  auto sc = io::load_scenario(write_temp("ecap.yaml", text));
  auto r = sim::run_scenario(sc, policy::AtsVariant::Upstream);
  const System& s = r.final;
  ASSERT_EQ(s.hw.vtd.size(), 2u);
  EXPECT_FALSE(s.hw.vtd[0].ecap_smts);
  EXPECT_FALSE(s.hw.vtd[0].ecap_dit);
  EXPECT_TRUE(s.hw.vtd[0].ecap_dt);
  EXPECT_FALSE(s.kernel.vtd.units[0].scalable) << "legacy mode";
  EXPECT_FALSE(s.hw.vtd[1].ecap_dt);
  EXPECT_FALSE(s.hw.vtd[1].ecap_prs);
  EXPECT_TRUE(s.kernel.vtd.units[1].scalable);
  EXPECT_FALSE(s.kernel.vtd.units[1].dev_iotlb);
  // Legacy mode enables ATS at context mapping, with a TT=device-TLB context entry.
  bool legacy_context = false;
  for (const auto& [rid, ce] : s.hw.vtd[0].context) legacy_context |= ce.present && ce.tt == 1;
  EXPECT_TRUE(legacy_context);
  EXPECT_TRUE(r.violated.empty());
}

TEST(VtdScenario, VtdFieldsOnlyForAVtdRootComplex) {
  std::string text = kTwoSegments;
  text.replace(text.find("[{iommu: vtd}, {iommu: vtd}]"), 28, "[{iommu: amd, vtd: {scalable: false}}, {iommu: vtd}]");
  std::string path = write_temp("not-vtd.yaml", text);
  EXPECT_THROW(io::load_scenario(path), InputError);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
