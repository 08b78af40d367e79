// Model against source, function by function: for every ats.c entry point over a
// table of cases (PF and VF, untrusted, no ATS capability, page shift below 12,
// a VF whose PF has another STU, ATS already on, pci=noats), src/linux/pci/ats.cc
// configured as 6.12.118's ats.c is (PF-aware pci_ats_supported, no VF STU check
// in prepare) and the tree's own ats.c give the same return code, the same config
// writes, the same pci_dev fields, the same hardware registers and the same WARNs.
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "../pci/machine_fixture.h"
#include "linux/kernel/errno.h"
#include "linux/pci/ats.h"
#include "tree_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using pci::DevId;

struct Machine2 {  // a PF with ATS and two VFs, under the PCI switches 6.12.118's ats.c implies
  System s;
  DevId pf = pci::kNoDev, vf = pci::kNoDev;
};

Machine2 base() {
  Machine m({.switches = {.pf_aware_ats_supported = true, .vf_stu_validation = false}});
  Machine2 out;
  out.vf = m.enable_vfs(2).at(0);
  out.pf = m.pf();
  out.s = m.s;
  return out;
}

struct Case {
  std::string name;
  bool on_vf = false;
  int ps = 12;
  std::function<void(Machine2&)> setup = [](Machine2&) {};
};

std::vector<Case> cases() {
  auto pf_prepared = [](Machine2& m) { ASSERT_EQ(pci::prepare_ats(m.s, m.pf, 12), 0); };
  return {
      {"pf", false},
      {"vf", true},
      {"pf-ps-16", false, 16},
      {"pf-untrusted", false, 12, [](Machine2& m) { m.s.kernel.devs[m.pf].untrusted = true; }},
      {"vf-untrusted", true, 12, [](Machine2& m) { m.s.kernel.devs[m.vf].untrusted = true; }},
      {"vf-of-untrusted-pf", true, 12, [](Machine2& m) { m.s.kernel.devs[m.pf].untrusted = true; }},
      {"pf-ats-cap-0", false, 12, [](Machine2& m) { m.s.kernel.devs[m.pf].ats_cap = 0; }},
      {"vf-ats-cap-0", true, 12, [](Machine2& m) { m.s.kernel.devs[m.vf].ats_cap = 0; }},
      {"vf-of-quirked-pf", true, 12, [](Machine2& m) { m.s.kernel.devs[m.pf].ats_cap = 0; }},
      {"pf-ps-11", false, 11},
      {"vf-ps-11", true, 11, pf_prepared},
      {"vf-pf-prepared", true, 12, pf_prepared},
      {"vf-pf-stu-mismatch", true, 13, pf_prepared},
      {"pf-already-enabled", false, 12, [](Machine2& m) { ASSERT_EQ(pci::enable_ats(m.s, m.pf, 12), 0); }},
      {"vf-already-enabled", true, 12,
       [pf_prepared](Machine2& m) {
         pf_prepared(m);
         ASSERT_EQ(pci::enable_ats(m.s, m.vf, 12), 0);
       }},
      {"pf-noats", false, 12,
       [](Machine2& m) {
         m.s.kernel.pci_switches.noats = true;
         m.s.kernel.devs[m.pf].ats_cap = 0;  // as boot would have left it
       }},
  };
}

struct Op {
  std::string name;
  std::function<int(System&, DevId, int)> run;
};

std::vector<Op> ops() {
  return {
      {"pci_ats_init", [](System& s, DevId d, int) { pci::ats_init(s, d); return 0; }},
      {"pci_ats_supported", [](System& s, DevId d, int) { return int{pci::ats_supported(s, d)}; }},
      {"ats_supported_value", [](System& s, DevId d, int) { return int{pci::ats_supported_value(s, d)}; }},
      {"pci_prepare_ats", [](System& s, DevId d, int ps) { return pci::prepare_ats(s, d, ps); }},
      {"pci_enable_ats", [](System& s, DevId d, int ps) { return pci::enable_ats(s, d, ps); }},
      {"pci_disable_ats", [](System& s, DevId d, int) { pci::disable_ats(s, d); return 0; }},
      {"pci_restore_ats_state", [](System& s, DevId d, int) { pci::restore_ats_state(s, d); return 0; }},
      {"pci_ats_queue_depth", [](System& s, DevId d, int) { return pci::ats_queue_depth(s, d); }},
      {"pci_ats_page_aligned", [](System& s, DevId d, int) { return pci::ats_page_aligned(s, d); }},
  };
}

// What one call did, as far as it is observable.
struct Outcome {
  int ret = 0;
  std::vector<std::tuple<uint32_t, int64_t, int64_t>> config_writes;  // dev, offset, width << 32 | value
  std::vector<std::tuple<uint16_t, uint8_t, bool>> fields;            // every device: ats_cap, ats_stu, ats_enabled
  std::vector<uint16_t> ats_ctrl;                                     // every function's ATS Control, as the hardware holds it
  // Every WARN: function, file, condition, call trace (not the line: the model pins the seed
  // kernel's 132 for pci_disable_ats, 6.12.118 has it at 135; SourceAts612118 pins that).
  std::vector<std::tuple<kernel::KFn, std::string, std::string, std::vector<kernel::KFn>>> warnings;
  bool operator==(const Outcome&) const = default;
};

Outcome run(System s, policy::Driver driver, const Op& op, DevId dev, int ps) {
  s.kernel.pci_switches.ats = driver;
  const size_t events = s.record.events.size(), warnings = s.record.warnings.size();
  Outcome o;
  o.ret = op.run(s, dev, ps);
  for (size_t i = events; i < s.record.events.size(); ++i) {
    const auto& e = s.record.events[i];
    if (e.kind == kernel::EventKind::ConfigWrite) o.config_writes.emplace_back(e.dev, e.a, e.b);
  }
  for (const auto& d : s.kernel.devs) o.fields.emplace_back(d.ats_cap, d.ats_stu, d.ats_enabled);
  for (const auto& fn : s.hw.pcie.functions()) {
    uint16_t cap = hw::pcie::find_ext_cap(fn.cfg, hw::pcie::ext_cap::kAts);
    o.ats_ctrl.push_back(cap ? fn.cfg.read16(cap + hw::pcie::ats::kCtrl) : 0);
  }
  for (size_t i = warnings; i < s.record.warnings.size(); ++i) {
    const auto& w = s.record.warnings[i];
    o.warnings.emplace_back(w.function, w.file, w.condition, w.call_trace);
  }
  return o;
}

TEST(SourceAtsDifferential, ModelAndTreeAgreeOnEveryFunctionOverTheCaseTable) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  const Machine2 b = base();
  std::set<int> rets;
  size_t with_writes = 0, with_warnings = 0, compared = 0;
  for (const auto& c : cases()) {
    Machine2 m = b;
    c.setup(m);
    const DevId dev = c.on_vf ? m.vf : m.pf;
    for (const auto& op : ops()) {
      SCOPED_TRACE(c.name + ": " + op.name);
      Outcome model = run(m.s, policy::Driver::Model, op, dev, c.ps);
      Outcome tree = run(m.s, policy::Driver::Source, op, dev, c.ps);
      EXPECT_EQ(model.ret, tree.ret);
      EXPECT_EQ(model.config_writes, tree.config_writes);
      EXPECT_EQ(model.fields, tree.fields);
      EXPECT_EQ(model.ats_ctrl, tree.ats_ctrl);
      EXPECT_EQ(model.warnings, tree.warnings);
      rets.insert(tree.ret);
      with_writes += !tree.config_writes.empty();
      with_warnings += !tree.warnings.empty();
      ++compared;
    }
  }
  // The table reaches every outcome ats.c has: success, -EINVAL, -EBUSY, a queue depth, writes and WARNs.
  EXPECT_EQ(compared, cases().size() * ops().size());
  for (int r : {0, 1, -EINVAL, -EBUSY, int{hw::pcie::ats::kMaxQdep}}) EXPECT_TRUE(rets.count(r)) << "no case returned " << r;
  EXPECT_GE(with_writes, 5u);
  EXPECT_GE(with_warnings, 3u);
}

// The fault points act at the glue, before the tree's function runs, as in the model.
TEST(SourceAtsDifferential, PciEnableAtsFaultPointFailsTheTreeCallBeforeItRuns) {
  Machine2 m = base();
  use_tree_ats(m.s);
  m.s.faults.rules.push_back({.point = faults::Point::PciEnableAts, .always = true, .error = -EIO});
  const size_t events = m.s.record.events.size();
  EXPECT_EQ(pci::enable_ats(m.s, m.pf, 12), -EIO);
  EXPECT_FALSE(m.s.kernel.devs[m.pf].ats_enabled);
  EXPECT_EQ(m.s.kernel.devs[m.pf].ats_stu, 0);  // the tree's pci_enable_ats never ran
  for (size_t i = events; i < m.s.record.events.size(); ++i)
    EXPECT_NE(m.s.record.events[i].kind, kernel::EventKind::ConfigWrite);
  EXPECT_EQ(m.s.faults.fired[static_cast<size_t>(faults::Point::PciEnableAts)], 1u);
}

TEST(SourceAtsDifferential, PciPrepareAtsFaultPointFailsTheTreeCall) {
  Machine2 m = base();
  use_tree_ats(m.s);
  m.s.faults.rules.push_back({.point = faults::Point::PciPrepareAts, .always = true});
  EXPECT_LT(pci::prepare_ats(m.s, m.pf, 12), 0);
  EXPECT_EQ(m.s.kernel.devs[m.pf].ats_stu, 0);
}

// A dropped config write reaches the tree's write too: the tree believes ATS is on, the device disagrees.
TEST(SourceAtsDifferential, ConfigWriteDropAppliesToTheTreesWrites) {
  Machine2 m = base();
  use_tree_ats(m.s);
  m.s.faults.rules.push_back({.point = faults::Point::ConfigWriteDropped, .always = true});
  ASSERT_EQ(pci::enable_ats(m.s, m.pf, 12), 0);
  EXPECT_TRUE(m.s.kernel.devs[m.pf].ats_enabled);
  const auto& fn = m.s.hw.pcie.fn(m.s.kernel.devs[m.pf].fn);
  EXPECT_EQ(fn.cfg.read16(m.s.kernel.devs[m.pf].ats_cap + hw::pcie::ats::kCtrl) & hw::pcie::ats::kCtrlEnable, 0);
}

// No state of the tree's code outlives a call: the System after a call is all there is.
TEST(SourceAtsDifferential, TheSystemStaysOneValue) {
  Machine2 m = base();
  use_tree_ats(m.s);
  System a = m.s, b = m.s;
  ASSERT_EQ(pci::prepare_ats(a, m.pf, 12), 0);
  ASSERT_EQ(pci::enable_ats(a, m.vf, 12), 0);
  ASSERT_EQ(pci::prepare_ats(b, m.pf, 12), 0);
  ASSERT_EQ(pci::enable_ats(b, m.vf, 12), 0);
  EXPECT_TRUE(a == b);
  EXPECT_TRUE(a.kernel.ctx.stack.empty());
  EXPECT_FALSE(a == m.s);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
