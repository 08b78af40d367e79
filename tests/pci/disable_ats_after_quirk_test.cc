// Finding 7 and its two fix sketches (docs/reports/pci-disable-ats-after-quirk.md).
// A hot-plugged E2000 function gets ATS enabled by its IOMMU driver before its
// FINAL no-ATS quirk clears ats_cap; the next pci_disable_ats() then
// read-modify-writes ats_cap + PCI_ATS_CTRL = PCI_STATUS, clearing the RW1C
// error bits the function latched, and leaves ATS Enable set.
// Sketch 7a: pci_disable_ats() WARNs and touches nothing when ats_cap is 0.
// Sketch 7b: the quirk keeps ats_cap and sets no_ats, which pci_ats_supported() reads.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "io/scenario.h"
#include "linux/pci/ats.h"
#include "linux/pci/pci_dev.h"
#include "sim/scenario_run.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hdr = hw::pcie::hdr;
namespace ats = hw::pcie::ats;
using kernel::KFn;

enum class Sketch { None, DisableChecksCap, QuirkKeepsCap };

// Errors a function latches in PCI_STATUS (RW1C), e.g. for DMA the IOMMU answered with UR/CA:
// Received Target Abort and Received Master Abort.
constexpr uint16_t kLatched = 0x3000;

io::Scenario scenario(const std::string& file, Sketch k) {
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + file);
  sc.disable_ats_checks_ats_cap = k == Sketch::DisableChecksCap;
  sc.no_ats_quirk_keeps_ats_cap = k == Sketch::QuirkKeepsCap;
  return sc;
}

// The scenario's workload, step by step, with errors latched in every function's PCI_STATUS
// before the first hot-unplug (the device side: a hardware store, not a config write).
struct Run {
  System s;
  sim::OpContext ctx;
  uint64_t unplug_seq = 0;  // the record's sequence number when the hot-unplugs began
};
Run run_latching(const io::Scenario& sc, policy::AtsVariant v = policy::AtsVariant::Upstream) {
  Run r;
  r.s = sim::boot_machine(sc, v, r.ctx, sc.seed, "");
  for (const auto& op : sc.workload) {
    if (op.kind == sim::OpKind::HotplugRemove && !r.unplug_seq) {
      r.unplug_seq = r.s.record.seq;
      for (const auto& [name, fn] : r.ctx.devices) {
        auto& cfg = r.s.hw.pcie.fn(fn).cfg;
        cfg.poke16(hdr::kStatus, cfg.read16(hdr::kStatus) | kLatched);
      }
    }
    sim::run_op(r.s, r.ctx, op);
  }
  return r;
}

hw::pcie::FnId fn_of(const Run& r, const std::string& name) { return r.ctx.devices.at(name); }
// The pci_dev of a function after its hot-unplug: removed from the bus (dev_for_fn no longer finds
// it), its last fields kept in the kernel's table.
// The last pci_dev the function had (removed by the hot-unplug).
std::optional<pci::DevId> released_id(const Run& r, const std::string& name) {
  std::optional<pci::DevId> found;
  for (pci::DevId d = 0; d < r.s.kernel.devs.size(); ++d)
    if (r.s.kernel.devs[d].fn == fn_of(r, name)) found = d;
  return found;
}
const pci::PciDev* released_dev(const Run& r, const std::string& name) {
  auto id = released_id(r, name);
  return id ? &r.s.kernel.devs[*id] : nullptr;
}
uint16_t status(const Run& r, const std::string& name) { return r.s.hw.pcie.fn(fn_of(r, name)).cfg.read16(hdr::kStatus); }
// The function's real ATS Control register (where the capability is, whatever ats_cap says).
uint16_t ats_ctrl_offset(const Run& r, const std::string& name) {
  return static_cast<uint16_t>(hw::pcie::find_ext_cap(r.s.hw.pcie.fn(fn_of(r, name)).cfg, hw::pcie::ext_cap::kAts) + ats::kCtrl);
}
bool ats_enable_bit(const Run& r, const std::string& name) {
  return r.s.hw.pcie.fn(fn_of(r, name)).cfg.read16(ats_ctrl_offset(r, name)) & ats::kCtrlEnable;
}
// Config writes to `off` of the named function (ConfigWrite records the pci_dev) since sequence number `from`.
std::vector<uint32_t> writes_to(const Run& r, const std::string& name, uint16_t off, uint64_t from = 0) {
  std::vector<uint32_t> out;
  for (const auto& e : r.s.record.events)
    if (e.seq >= from && e.kind == kernel::EventKind::ConfigWrite && e.dev < r.s.kernel.devs.size() &&
        r.s.kernel.devs[e.dev].fn == fn_of(r, name) && e.a == off)
      out.push_back(static_cast<uint32_t>(e.b) & 0xffff);
  return out;
}
size_t warns_in(const System& s, KFn f, const std::string& cond) {
  return size_t(std::count_if(s.record.warnings.begin(), s.record.warnings.end(),
                              [&](const auto& w) { return w.function == f && w.condition == cond; }));
}
std::vector<int> verdict(const std::string& file, Sketch k, policy::AtsVariant v = policy::AtsVariant::Upstream) {
  return sim::run_scenario(scenario(file, k), v).violated;
}

TEST(DisableAtsAfterQuirk, UpstreamWritesPciStatusAtHotUnplugAndLeavesAtsEnabled) {
  auto r = run_latching(scenario("e2000-hotplug-quirk-race.yaml", Sketch::None));
  // The release domain's pci_disable_ats: a read-modify-write of offset 0 + PCI_ATS_CTRL.
  auto w = writes_to(r, "ipu", hdr::kStatus, r.unplug_seq);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0] & kLatched, kLatched) << "the error bits read are written back";
  EXPECT_EQ(status(r, "ipu") & kLatched, 0) << "and, being RW1C, cleared";
  EXPECT_TRUE(ats_enable_bit(r, "ipu")) << "the real ATS Enable bit is never cleared";
  EXPECT_TRUE(r.s.record.warnings.empty());
}

TEST(DisableAtsAfterQuirk, SketchDisableChecksCapWarnsWritesNothingAndLeavesAtsEnabled) {
  auto r = run_latching(scenario("e2000-hotplug-quirk-race.yaml", Sketch::DisableChecksCap));
  EXPECT_TRUE(writes_to(r, "ipu", hdr::kStatus, r.unplug_seq).empty());
  EXPECT_EQ(status(r, "ipu") & kLatched, kLatched) << "the latched errors survive";
  EXPECT_TRUE(ats_enable_bit(r, "ipu")) << "refusing cannot turn ATS off: the offset is gone";
  ASSERT_EQ(warns_in(r.s, KFn::pci_disable_ats, "!dev->ats_cap"), 1u);
  EXPECT_EQ(r.s.record.warnings.size(), 1u);
  // The refusal keeps the kernel's belief: ats_enabled stays set on the released pci_dev.
  const auto* d = released_dev(r, "ipu");
  ASSERT_NE(d, nullptr);
  EXPECT_TRUE(d->ats_enabled);
}

TEST(DisableAtsAfterQuirk, SketchQuirkKeepsCapClearsTheRealEnableBit) {
  auto r = run_latching(scenario("e2000-hotplug-quirk-race.yaml", Sketch::QuirkKeepsCap));
  EXPECT_TRUE(writes_to(r, "ipu", hdr::kStatus).empty());
  EXPECT_EQ(status(r, "ipu") & kLatched, kLatched);
  EXPECT_FALSE(ats_enable_bit(r, "ipu"));
  EXPECT_TRUE(r.s.record.warnings.empty());
  const auto* dp = released_dev(r, "ipu");
  ASSERT_NE(dp, nullptr);
  const auto& d = *dp;
  EXPECT_NE(d.ats_cap, 0) << "the quirk kept the offset";
  EXPECT_TRUE(d.no_ats);
  EXPECT_FALSE(d.ats_enabled);
  EXPECT_FALSE(pci::ats_supported_value(r.s, *released_id(r, "ipu"))) << "and pci_ats_supported() reads the mark";
}

TEST(DisableAtsAfterQuirk, TheSameWriteBehindVtdAndAmdAndBothSketchesStopIt) {
  auto up = run_latching(scenario("e2000-hotplug-quirk-race-x86.yaml", Sketch::None));
  auto a = run_latching(scenario("e2000-hotplug-quirk-race-x86.yaml", Sketch::DisableChecksCap));
  auto b = run_latching(scenario("e2000-hotplug-quirk-race-x86.yaml", Sketch::QuirkKeepsCap));
  for (const char* dev : {"ipu_intel", "ipu_amd"}) {
    SCOPED_TRACE(dev);
    EXPECT_EQ(writes_to(up, dev, hdr::kStatus, up.unplug_seq).size(), 1u);
    EXPECT_EQ(status(up, dev) & kLatched, 0);
    EXPECT_TRUE(ats_enable_bit(up, dev));
    EXPECT_TRUE(writes_to(a, dev, hdr::kStatus).empty());
    EXPECT_EQ(status(a, dev) & kLatched, kLatched);
    EXPECT_TRUE(ats_enable_bit(a, dev));
    EXPECT_TRUE(writes_to(b, dev, hdr::kStatus).empty());
    EXPECT_EQ(status(b, dev) & kLatched, kLatched);
    EXPECT_FALSE(ats_enable_bit(b, dev));
  }
  EXPECT_TRUE(up.s.record.warnings.empty());
  EXPECT_EQ(warns_in(a.s, KFn::pci_disable_ats, "!dev->ats_cap"), 2u);
}

// The attach path: the driver's own domain after the quirk. Upstream leaves ATS on behind an
// STE without EATS and outside every array (11, 13, 14) while the kernel believes it off (1, 9).
TEST(DisableAtsAfterQuirk, AnAttachAfterTheQuirkLeavesAtsOnOutsideEveryArray) {
  const std::string f = "e2000-hotplug-own-domain.yaml";
  EXPECT_EQ(verdict(f, Sketch::None), (std::vector<int>{1, 2, 6, 9, 11, 12, 13, 14}));
  // 7a: no PCI_STATUS write, the WARN (4), but ATS still on outside the arrays.
  EXPECT_EQ(verdict(f, Sketch::DisableChecksCap), (std::vector<int>{2, 4, 6, 9, 11, 12, 13, 14}));
  // 7b: ATS goes off at that attach; what is left is the window from the quirk to it (2) and
  // the support changing between probe and release (6).
  EXPECT_EQ(verdict(f, Sketch::QuirkKeepsCap), (std::vector<int>{2, 6}));
}

// What each sketch removes and adds, violation by violation (invariant, and the step after which
// the checker saw it). The finding's own violations are the ATS Control access that lands in
// PCI_STATUS and ATS left on after the kernel's disable (1, 9, 11-14); the FINAL quirk's window
// (2 after the hot-plug, 6 at release) is the quirk phase's, which only HEADER removes.
using Seen = std::set<std::pair<int, std::string>>;
Seen seen(const sim::ScenarioResult& r) {
  Seen out;
  for (const auto& v : r.violations) out.insert({v.invariant, v.step});
  return out;
}
bool wrote_pci_status(const sim::ScenarioResult& r) {
  return std::any_of(r.violations.begin(), r.violations.end(),
                     [](const auto& v) { return v.invariant == 2 && v.detail.find("wrote PCI_STATUS") != std::string::npos; });
}
sim::ScenarioResult result(const std::string& file, Sketch k) {
  return sim::run_scenario(scenario(file, k), policy::AtsVariant::Upstream);
}
const Seen kFinalWindow = {{2, "hot-plug ipu"}, {6, "hot-unplug ipu"}};

TEST(DisableAtsAfterQuirk, UnfixedTheReleaseAndTheAttachBothWritePciStatus) {
  for (const char* f : {"e2000-hotplug-quirk-race.yaml", "e2000-hotplug-own-domain.yaml"}) {
    SCOPED_TRACE(f);
    auto up = result(f, Sketch::None);
    EXPECT_TRUE(wrote_pci_status(up));
    for (const auto& w : kFinalWindow) EXPECT_TRUE(seen(up).contains(w));
  }
}

TEST(DisableAtsAfterQuirk, SketchQuirkKeepsCapLeavesOnlyTheFinalWindow) {
  for (const char* f : {"e2000-hotplug-quirk-race.yaml", "e2000-hotplug-own-domain.yaml"}) {
    SCOPED_TRACE(f);
    auto b = result(f, Sketch::QuirkKeepsCap);
    EXPECT_FALSE(wrote_pci_status(b));
    EXPECT_EQ(seen(b), kFinalWindow);
  }
}

TEST(DisableAtsAfterQuirk, SketchDisableChecksCapRemovesTheWriteAndAddsOnlyItsWarn) {
  for (const char* f : {"e2000-hotplug-quirk-race.yaml", "e2000-hotplug-own-domain.yaml"}) {
    SCOPED_TRACE(f);
    auto up = result(f, Sketch::None);
    auto a = result(f, Sketch::DisableChecksCap);
    EXPECT_FALSE(wrote_pci_status(a));
    Seen added;
    for (const auto& v : seen(a))
      if (!seen(up).contains(v)) added.insert(v);
    ASSERT_EQ(added.size(), 1u);
    EXPECT_EQ(added.begin()->first, 4) << "the sketch's own WARN_ON(!dev->ats_cap)";
  }
  // It cannot turn ATS off: after the attach, the device is still outside every array.
  auto a = result("e2000-hotplug-own-domain.yaml", Sketch::DisableChecksCap);
  for (int inv : {9, 11, 12, 13, 14}) EXPECT_TRUE(seen(a).contains({inv, "ipu: iommu_attach_group(own paging domain)"})) << inv;
}

TEST(DisableAtsAfterQuirk, NoSmmuVariantChangesTheVerdictOfEitherSketch) {
  const std::string f = "e2000-hotplug-own-domain.yaml";
  for (auto k : {Sketch::None, Sketch::DisableChecksCap, Sketch::QuirkKeepsCap})
    for (auto v : policy::kAllVariants)
      EXPECT_EQ(verdict(f, k, v), verdict(f, k)) << policy::name(v) << " sketch " << static_cast<int>(k);
}

TEST(DisableAtsAfterQuirk, BothSketchesAreNoOpsWithoutTheQuirk) {
  // A healthy function released with ATS on: the same config writes with and without each switch.
  auto base = run_latching(scenario("release-with-ats-on.yaml", Sketch::None));
  for (auto k : {Sketch::DisableChecksCap, Sketch::QuirkKeepsCap}) {
    auto r = run_latching(scenario("release-with-ats-on.yaml", k));
    const uint16_t ctrl = ats_ctrl_offset(base, "nic");
    EXPECT_EQ(writes_to(r, "nic", ctrl), writes_to(base, "nic", ctrl));
    EXPECT_FALSE(writes_to(r, "nic", ctrl).empty());
    EXPECT_FALSE(ats_enable_bit(r, "nic"));
    EXPECT_TRUE(r.s.record.warnings.empty());
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
