// Fault injection: plan parsing, firing rules, determinism, and what each point does.
#include <gtest/gtest.h>

#include "io/input_error.h"
#include "linux/pci/ats.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"
#include "sim/seed_repro.h"
#include "../pci/machine_fixture.h"

namespace atslab {
namespace {

using faults::Point;

TEST(FaultPlan, ParsesEveryOptionAndDefaultsStepRulesToAlways) {
  auto rules = faults::parse_plan("pci_enable_ats:nth=3:err=-EBUSY, arm_smmu_invs_merge.alloc:p=0.25; quirk.other_phase:step=boot");
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].point, Point::PciEnableAts);
  EXPECT_EQ(rules[0].nth, 3u);
  EXPECT_EQ(rules[0].error, -EBUSY);
  EXPECT_EQ(rules[1].point, Point::InvsMergeAlloc);
  EXPECT_EQ(rules[1].per_million, 250000u);
  EXPECT_EQ(rules[2].step, "boot");
  EXPECT_TRUE(rules[2].always);
  EXPECT_TRUE(faults::parse_plan("").empty());
}

TEST(FaultPlan, RefusesBadItemsWithAMessageNamingThem) {
  for (const char* bad : {"nosuch", "pci_enable_ats", "pci_enable_ats:nth=0", "pci_enable_ats:p=2",
                          "pci_enable_ats:nth=1:err=-EWHAT", "pci_enable_ats:nth=1:err=5", "pci_enable_ats:frob",
                          ",,", "pci_enable_ats:always,", ",pci_enable_ats:always", "pci_enable_ats:always;;quirk.other_phase:always",
                          "pci_enable_ats:step=", "pci_enable_ats:nth=-1", "pci_enable_ats:p=nan"}) {
    try {
      faults::parse_plan(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("fault plan"), std::string::npos) << e.what();
    }
  }
}

TEST(FaultInjection, NthCallFiresOnceWithTheRulesError) {
  test::Machine m;
  m.s.faults.rules = faults::parse_plan("pci_enable_ats:nth=2:err=-EBUSY");
  EXPECT_EQ(pci::enable_ats(m.s, m.pf(), 12), 0);
  pci::disable_ats(m.s, m.pf());
  EXPECT_EQ(pci::enable_ats(m.s, m.pf(), 12), -EBUSY);
  EXPECT_FALSE(m.s.kernel.devs[m.pf()].ats_enabled) << "an injected failure changes nothing";
  EXPECT_EQ(pci::enable_ats(m.s, m.pf(), 12), 0);
  EXPECT_EQ(m.s.faults.fired[static_cast<size_t>(Point::PciEnableAts)], 1u);
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(FaultInjection, ProbabilitiesAreDeterministicPerSeed) {
  auto run = [](uint64_t seed) {
    test::Machine m;
    m.s.faults.rules = faults::parse_plan("pci_enable_ats:p=0.5");
    faults::seed(m.s.faults, seed);
    std::string out;
    for (int i = 0; i < 32; ++i) {
      int r = pci::enable_ats(m.s, m.pf(), 12);
      out += r ? 'x' : '.';
      if (!r) pci::disable_ats(m.s, m.pf());
    }
    return out;
  };
  EXPECT_EQ(run(7), run(7));
  EXPECT_NE(run(7), run(8));
  std::string a = run(7);
  EXPECT_NE(a.find('x'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST(FaultInjection, DroppedConfigWriteLeavesTheRegisterAndTheKernelBeliefApart) {
  test::Machine m;
  m.s.faults.rules = faults::parse_plan("config_write.drop:nth=1");
  EXPECT_EQ(pci::enable_ats(m.s, m.pf(), 12), 0);
  EXPECT_TRUE(m.s.kernel.devs[m.pf()].ats_enabled);
  EXPECT_EQ(m.ats_ctrl(m.pf()) & hw::pcie::ats::kCtrlEnable, 0) << "the device never saw the write";
}

TEST(FaultInjection, QuirkRunAtHeaderIsUndoneByPciAtsInitUpstream) {
  // A FINAL-declared quirk_no_ats moved to HEADER clears ats_cap before pci_ats_init sets it again:
  // why Matlack's fix needed the no_ats bit rather than an earlier phase alone.
  System s;
  hw::pcie::RootComplex rc;
  auto r = s.hw.pcie.add_root_complex(rc);
  auto port = s.hw.pcie.add_root_port(r, 1);
  auto fn = s.hw.pcie.add_function(r, port, 0, test::make_pf_config({.vendor = 0x8086, .device = 0x1452, .revision = 0x11}), "e2000");
  s.faults.rules = faults::parse_plan("quirk.other_phase:always");
  pci::boot(s);
  auto dev = pci::dev_for_fn(s, fn).value();
  EXPECT_NE(s.kernel.devs[dev].ats_cap, 0);
  EXPECT_TRUE(pci::ats_supported(s, dev));
}

TEST(EnableFailureScenario, OnlyRollbackStaysConsistentAndItCostsTheVf) {
  using policy::AtsVariant;
  for (auto v : {AtsVariant::Upstream, AtsVariant::SeriesV3, AtsVariant::FailEarly}) {
    auto r = sim::run_seed_repro(v, {.scenario = sim::ReproScenario::EnableFailure});
    EXPECT_FALSE(r.final.record.warnings.empty()) << policy::name(v);
    for (int n : {9, 13, 14, 23}) EXPECT_NE(std::find(r.violated.begin(), r.violated.end(), n), r.violated.end()) << policy::name(v) << " " << n;
  }
  auto fail_early = sim::run_seed_repro(AtsVariant::FailEarly, {.scenario = sim::ReproScenario::EnableFailure});
  bool commit_warn = false;
  for (const auto& w : fail_early.final.record.warnings) commit_warn |= w.function == kernel::KFn::arm_smmu_enable_ats;
  EXPECT_TRUE(commit_warn) << "fail-early calls a failed enable a kernel bug";
  auto rollback = sim::run_seed_repro(AtsVariant::Rollback, {.scenario = sim::ReproScenario::EnableFailure});
  EXPECT_EQ(rollback.violated, std::vector<int>{18}) << "consistent, but its commit fails";
  EXPECT_TRUE(rollback.probe_failed);
  EXPECT_FALSE(rollback.vf_usable);
}

}  // namespace
}  // namespace atslab
