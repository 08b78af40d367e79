// The ATC oracle (invariant 20): a device holding, or DMAing through, a
// translation the SMMU would no longer give is caught, from hardware alone.
#include <gtest/gtest.h>

#include <algorithm>

#include "check/atc_oracle.h"
#include "check/invariants.h"
#include "hw/pcie/atc.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"
#include "../pci/machine_fixture.h"
#include "../support/observe.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

constexpr MachineSpec kHealthy{.iommu = hw::pcie::IommuKind::Smmuv3};

std::vector<check::Violation> of(const std::vector<check::Violation>& all, int n) {
  std::vector<check::Violation> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out), [&](const auto& v) { return v.invariant == n; });
  return out;
}

// A PF with ATS on, on its default (stage-1) domain, holding an ATC entry for a live mapping.
struct Cached {
  Machine m{kHealthy};
  pci::DevId dev = m.pf();
  hw::pcie::FnId fn = m.s.kernel.devs[dev].fn;
  iommu::DomainId dom = iommu::group(m.s, iommu::group_of(m.s, dev)).domain;
  Cached() {
    EXPECT_EQ(iommu::map(m.s, dom, 0x300000, 0x37000000, 0x1000), 0);
    EXPECT_EQ(sim::device_dma(m.s, fn, 0x300000, true), 0);
    EXPECT_EQ(m.s.hw.pcie.fn(fn).atc.entries.size(), 1u);
  }
  smmuv3::Invs& live_array() {
    auto& drv = m.s.kernel.smmuv3;
    return drv.invs_pool[drv.domains[smmuv3::smmu_domain_of(m.s, dom)].invs].invs;
  }
};

TEST(AtcOracle, AnEntryForALiveMappingIsNotStale) {
  Cached c;
  EXPECT_TRUE(of(check::check_state(c.m.s, true), 20).empty());
  EXPECT_FALSE(check::atc_entry_stale(c.m.s, c.fn, c.m.s.hw.pcie.fn(c.fn).atc.entries[0], 0x300000));
}

TEST(AtcOracle, AnArrayWithoutTheDevicesAtsEntryLeavesAStaleEntryAfterUnmap) {
  // No shipped variant gets here with ATS on (see the test below for the real path):
  // the array's ATS entry for the PF is dropped by hand, so the unmap sends no ATC_INV.
  Cached c;
  auto& invs = c.live_array();
  auto it = std::find_if(invs.inv.begin(), invs.inv.begin() + invs.num_invs, [](const smmuv3::Inv& i) { return smmuv3::is_ats(i.type); });
  ASSERT_NE(it, invs.inv.begin() + invs.num_invs);
  it->users = 0;  // trash: iteration skips it
  invs.num_trashes++;
  iommu::unmap(c.m.s, c.dom, 0x300000, 0x1000);
  ASSERT_EQ(c.m.s.hw.pcie.fn(c.fn).atc.entries.size(), 1u) << "nobody invalidated the device";

  const auto v = of(check::check_state(c.m.s, true), 20);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].objects, c.m.s.kernel.devs[c.dev].bdf.str());
  EXPECT_NE(v[0].detail.find("IOVA 0x300000"), std::string::npos) << v[0].detail;
  EXPECT_NE(v[0].detail.find("PA 0x37000000"), std::string::npos) << v[0].detail;
  EXPECT_NE(v[0].detail.find("the SMMU now refuses"), std::string::npos) << v[0].detail;
  // Mid-operation (not quiescent) the oracle stays quiet: an unmap's window before its ATC_INV is legitimate.
  EXPECT_TRUE(of(check::check_state(c.m.s, false), 20).empty());

  // The device uses it: the DMA reaches the unmapped page, recorded and reported as 20 too.
  const size_t events = c.m.s.record.events.size();
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x300010, false), 0);
  const auto h = of(check::check_history(c.m.s, events, c.m.s.record.warnings.size()), 20);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_NE(h[0].detail.find("IOVA 0x300010"), std::string::npos) << h[0].detail;
  EXPECT_NE(h[0].detail.find("PA 0x37000010"), std::string::npos) << h[0].detail;
}

TEST(AtcOracle, ARemapToAnotherPaIsStaleToo) {
  Cached c;
  auto& invs = c.live_array();
  for (uint16_t i = 0; i < invs.num_invs; ++i)
    if (smmuv3::is_ats(invs.inv[i].type)) invs.inv[i].users = 0, invs.num_trashes++;
  iommu::unmap(c.m.s, c.dom, 0x300000, 0x1000);
  ASSERT_EQ(iommu::map(c.m.s, c.dom, 0x300000, 0x38000000, 0x1000), 0);
  const auto v = of(check::check_state(c.m.s, true), 20);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_NE(v[0].detail.find("now translates to PA 0x38000000"), std::string::npos) << v[0].detail;
}

TEST(AtcOracle, AFreshTranslationUsedAtOnceIsNotReported) {
  Cached c;
  const size_t events = c.m.s.record.events.size();
  EXPECT_EQ(sim::device_dma(c.m.s, c.fn, 0x300100, false), 0);
  EXPECT_TRUE(of(check::check_history(c.m.s, events, c.m.s.record.warnings.size()), 20).empty());
}

// The real path, on a doubly non-compliant endpoint: it ignores invalidations while its
// ATS is off (fault point endpoint.ignore_atc_inv) and keeps its ATC when ATS Enable is set
// again (endpoint.keep_atc_on_enable); PCIe allows neither. Releasing the VFIO group disables
// ATS and then flushes the ATC: the flush is dropped, the entry for the container's mapping
// survives, and when the default domain turns ATS back on the device DMAs through it to a
// page the default domain never mapped.
std::vector<sim::Op> release_with_a_cached_mapping() {
  using K = sim::OpKind;
  return {{.kind = K::SriovEnable, .device = "pf", .count = 1},
          {.kind = K::Bind, .device = "pf.vf0", .driver = "vfio-pci"},
          {.kind = K::VfioSetContainer, .device = "pf.vf0"},
          {.kind = K::VfioSetIommu},
          {.kind = K::VfioMap, .count = 1},
          {.kind = K::DeviceDma, .device = "pf.vf0", .iova = 0x100000, .write = true},
          {.kind = K::VfioUnsetContainer, .device = "pf.vf0"},
          {.kind = K::DeviceDma, .device = "pf.vf0", .iova = 0x100000, .write = true}};
}

TEST(AtcOracle, AnEndpointIgnoringInvalidationsAndKeepingItsAtcBreaksTwentyUnderEveryVariant) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/64-vfs-one-domain.yaml");
  const auto ops = release_with_a_cached_mapping();
  const std::string unset = sim::describe(ops[6]);
  for (auto v : policy::kAllVariants) {
    SCOPED_TRACE(std::string(policy::name(v)));
    auto r = sim::run_ops(sc, v, ops, 1, "endpoint.ignore_atc_inv:step=" + unset + ", endpoint.keep_atc_on_enable:step=" + unset);
    const auto twenty = of(r.violations, 20);
    ASSERT_EQ(twenty.size(), 2u);
    // At the step boundary: the oracle sees the stale entry the device kept.
    EXPECT_EQ(twenty[0].step, unset);
    EXPECT_NE(twenty[0].detail.find("IOVA 0x100000"), std::string::npos) << twenty[0].detail;
    EXPECT_NE(twenty[0].detail.find("PA 0x80100000"), std::string::npos) << twenty[0].detail;
    // At DMA time: the write went through it.
    EXPECT_EQ(twenty[1].step, sim::describe(ops[7]));
    EXPECT_NE(twenty[1].detail.find("PA 0x80100000"), std::string::npos) << twenty[1].detail;
    EXPECT_EQ(r.steps.back().ret, 0) << "the DMA reached memory";

    // The same workload with an endpoint that completes invalidations (the default) is clean.
    auto clean = sim::run_ops(sc, v, ops, 1, "");
    EXPECT_TRUE(of(clean.violations, 20).empty());
    EXPECT_EQ(clean.steps.back().ret, -EFAULT) << "the default domain does not map 0x100000";
    // Ignoring the flushes alone is harmless to a compliant ATC: setting ATS Enable for the
    // default domain invalidates it whole (finding 9 needs both non-compliances).
    auto ignores_only = sim::run_ops(sc, v, ops, 1, "endpoint.ignore_atc_inv:step=" + unset);
    EXPECT_TRUE(of(ignores_only.violations, 20).empty());
    EXPECT_EQ(ignores_only.steps.back().ret, -EFAULT);
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
