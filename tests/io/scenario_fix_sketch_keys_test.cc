// The scenario keys that select the fix sketches of docs/reports/ (kernel.pci's
// 7a and 7b, kernel.smmuv3's 13a and 13b) and a workload step's forced fault:
// they reach the System, and a bad value is one line naming the field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "io/input_error.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"
#include "sim/state_hash.h"
#include "../support/temp_dir.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

std::string write_temp(const std::string& text) {
  auto dir = atslab::test::process_temp_dir("sketch-keys");
  auto p = dir / "s.yaml";
  std::ofstream(p) << text;
  return p.string();
}

std::string error_of(const std::string& text) {
  try {
    load_scenario(write_temp(text));
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one line";
    return m;
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}

const std::string kMachine = "machine:\n  ports: [{name: rp0}]\n  devices:\n    - {name: pf, port: rp0, vendor: 0x8086, device: 0x1452}\n";

TEST(ScenarioFixSketchKeys, DefaultIsTheKernel) {
  auto sc = load_scenario(write_temp(kMachine));
  sim::DeviceNames names;
  System s = sim::build_machine(sc, policy::AtsVariant::Upstream, names);
  EXPECT_FALSE(s.kernel.pci_switches.disable_ats_checks_ats_cap);
  EXPECT_FALSE(s.kernel.pci_switches.no_ats_quirk_keeps_ats_cap);
  EXPECT_EQ(s.kernel.smmuv3.switches, policy::SmmuAttachSwitches{});
}

TEST(ScenarioFixSketchKeys, EachKeyReachesTheSystemUnderEveryVariant) {
  auto sc = load_scenario(write_temp(kMachine +
                                     "kernel:\n  pci: {disable_ats_checks_ats_cap: true, no_ats_quirk_keeps_ats_cap: true}\n"
                                     "  smmuv3: {attach_spares: true, abort_ste_on_prepare_failure: true, master_prepare_ats: true}\n"));
  for (auto v : policy::kAllVariants) {
    sim::DeviceNames names;
    System s = sim::build_machine(sc, v, names);
    EXPECT_TRUE(s.kernel.pci_switches.disable_ats_checks_ats_cap) << policy::name(v);
    EXPECT_TRUE(s.kernel.pci_switches.no_ats_quirk_keeps_ats_cap);
    EXPECT_TRUE(s.kernel.smmuv3.switches.attach_spares);
    EXPECT_TRUE(s.kernel.smmuv3.switches.abort_ste_on_prepare_failure);
    EXPECT_TRUE(s.kernel.smmuv3.switches.master_prepare_ats);
  }
}

TEST(ScenarioFixSketchKeys, ASwitchChangesTheStateHash) {
  // Two machines that differ only in a sketch are two states for the explorer.
  auto plain = load_scenario(write_temp(kMachine));
  sim::DeviceNames n1, n2;
  System a = sim::build_machine(plain, policy::AtsVariant::Upstream, n1);
  for (int which = 0; which < 5; ++which) {
    System b = sim::build_machine(plain, policy::AtsVariant::Upstream, n2);
    if (which == 0) b.kernel.pci_switches.disable_ats_checks_ats_cap = true;
    if (which == 1) b.kernel.pci_switches.no_ats_quirk_keeps_ats_cap = true;
    if (which == 2) b.kernel.smmuv3.switches.attach_spares = true;
    if (which == 3) b.kernel.smmuv3.switches.abort_ste_on_prepare_failure = true;
    if (which == 4) b.kernel.smmuv3.switches.master_prepare_ats = true;
    EXPECT_NE(atslab::state_hash(a), atslab::state_hash(b)) << which;
  }
}

TEST(ScenarioFixSketchKeys, AStepsForcedFaultIsRead) {
  auto sc = load_scenario(write_temp(kMachine + "workload:\n  - {op: detach_own_domain, device: pf, fault: arm_smmu_master_domain.alloc}\n"));
  ASSERT_EQ(sc.workload.size(), 1u);
  EXPECT_EQ(sc.workload[0].fault, "arm_smmu_master_domain.alloc");
}

TEST(ScenarioFixSketchKeys, BadValuesAreOneLineNamingTheField) {
  EXPECT_NE(error_of(kMachine + "kernel: {pci: {disable_ats_checks_ats_cap: maybe}}\n").find("kernel.pci.disable_ats_checks_ats_cap"),
            std::string::npos);
  EXPECT_NE(error_of(kMachine + "kernel: {smmuv3: {attach_spares: 2}}\n").find("kernel.smmuv3.attach_spares"), std::string::npos);
  EXPECT_NE(error_of(kMachine + "kernel: {smmuv3: {master_prepare_ats: yes please}}\n").find("kernel.smmuv3.master_prepare_ats"),
            std::string::npos);
  auto unknown = error_of(kMachine + "kernel: {smmuv3: {spare: true}}\n");
  EXPECT_NE(unknown.find("kernel.smmuv3.spare: unknown field"), std::string::npos) << unknown;
  auto fault = error_of(kMachine + "workload:\n  - {op: detach_own_domain, device: pf, fault: kzalloc}\n");
  EXPECT_NE(fault.find("workload[].fault: expected a fault point"), std::string::npos) << fault;
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
