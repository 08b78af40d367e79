// YAML scenarios: every error names file, line, column and field; a good file loads whole.
#include <gtest/gtest.h>

#include "io/input_error.h"
#include "io/scenario.h"
#include "scenario_text.h"
#include "sim/scenario_run.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

using test::error_of;
using test::write_temp;

const std::string kMachine = "machine:\n  ports: [{name: rp0}]\n  devices:\n    - {name: pf, port: rp0, vendor: 0x8086, device: 0x1452}\n";

TEST(ScenarioLoader, LoadsTheShippedSeedScenario) {
  auto sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  EXPECT_EQ(sc.name, "seed");
  ASSERT_EQ(sc.devices.size(), 1u);
  EXPECT_EQ(sc.devices[0].header.vendor, 0x8086);
  ASSERT_TRUE(sc.devices[0].sriov);
  EXPECT_EQ(sc.devices[0].sriov->vf_device, 0x1457);
  EXPECT_EQ(sc.variants.size(), 5u);
  EXPECT_EQ(sc.workload.size(), 14u);
  EXPECT_EQ(sc.expect.at("upstream").violations, (std::vector<int>{4, 6, 9, 13, 14, 23}));
}

TEST(ScenarioLoader, NotYamlNamesLineAndColumn) {
  EXPECT_EQ(error_of("machine: [\n  oops: {\n").substr(0, 3), ":3:") << "parser position";
}

TEST(ScenarioLoader, UnknownFieldListsTheExpectedOnes) {
  auto m = error_of(kMachine + "colour: blue\n");
  EXPECT_NE(m.find(":5:1: (top level).colour: unknown field"), std::string::npos) << m;
  EXPECT_NE(m.find("machine"), std::string::npos);
}

// Found by fuzz_scenario in CI: a sequence used as a mapping key escaped as a yaml-cpp exception.
TEST(ScenarioLoader, ANonScalarKeyIsAnErrorNotACrash) {
  auto m = error_of("name: x\nmachine:\n  {[1]: 2}\n");
  EXPECT_NE(m.find(":3:4: machine: expected a field name, got a sequence or mapping as a key"), std::string::npos) << m;
  auto e = error_of(kMachine + "expect:\n  {[a]: 1}\n");
  EXPECT_NE(e.find("expect: expected a field name"), std::string::npos) << e;
}

TEST(ScenarioLoader, BadNumberNamesTheField) {
  auto m = error_of("machine:\n  devices:\n    - {name: pf, vendor: 0xzz, device: 1}\n");
  EXPECT_NE(m.find(":3:"), std::string::npos) << m;
  EXPECT_NE(m.find("machine.devices[].vendor: expected a number"), std::string::npos) << m;
}

TEST(ScenarioLoader, OutOfRangeNumberSaysTheLimit) {
  auto m = error_of("machine:\n  devices:\n    - {name: pf, vendor: 0x18086, device: 1}\n");
  EXPECT_NE(m.find("out of range (at most 0xffff)"), std::string::npos) << m;
}

// The limit is given in the base the value was written in (a trial user read "count: 99999999 is out
// of range (at most 0xf4240)").
TEST(ScenarioLoader, OutOfRangeLimitInTheValuesBase) {
  auto dec = error_of("machine:\n  devices:\n    - {name: pf, vendor: 70000, device: 1}\n");
  EXPECT_NE(dec.find("70000 is out of range (at most 65535)"), std::string::npos) << dec;
  auto hex = error_of("machine:\n  devices:\n    - {name: pf, vendor: 0X18086, device: 1}\n");
  EXPECT_NE(hex.find("0X18086 is out of range (at most 0xffff)"), std::string::npos) << hex;
  // Past 64 bits is out of range too, not "not a number" (a trial user's vsid of 23 digits).
  auto huge = error_of("machine:\n  devices:\n    - {name: pf, vendor: 99999999999999999999999, device: 1}\n");
  EXPECT_NE(huge.find("99999999999999999999999 is out of range (at most 65535)"), std::string::npos) << huge;
  auto huge_hex = error_of("machine:\n  devices:\n    - {name: pf, vendor: 0x10000000000000000, device: 1}\n");
  EXPECT_NE(huge_hex.find("is out of range (at most 0xffff)"), std::string::npos) << huge_hex;
}

TEST(ScenarioLoader, APageSizeIsDigitsAndAUnit) {
  for (const char* bad : {"4x", "4KK", "K", "99999999999999999999G", "17179869184G"})
    EXPECT_NE(error_of(std::string("machine:\n  smmus: [{page_sizes: [") + bad + "]}]\n").find("expected a page size"),
              std::string::npos)
        << bad;
}

// Decimal or 0x hex, as the docs say: a leading 0 is not octal (010 was read as 8, and 09 refused).
TEST(ScenarioLoader, ALeadingZeroIsDecimal) {
  io::Scenario sc = io::load_scenario(write_temp("s.yaml", "machine:\n  devices:\n    - {name: pf, vendor: 010, device: 09}\n"));
  ASSERT_EQ(sc.devices.size(), 1u);
  EXPECT_EQ(sc.devices[0].header.vendor, 10);
  EXPECT_EQ(sc.devices[0].header.device, 9);
  for (const char* bad : {"0x", "-1", "+1", "1e3", "0b101", "0o7"})
    EXPECT_NE(error_of(std::string("machine:\n  devices:\n    - {name: pf, vendor: ") + bad + ", device: 1}\n")
                  .find("expected a number (decimal or 0x hex)"),
              std::string::npos)
        << bad;
}

// A flag is true or false, as YAML 1.2's core schema has it: `yes` was read as true while `1` was
// refused, so a trial user took one of them for a silent default.
TEST(ScenarioLoader, AFlagIsTrueOrFalse) {
  io::Scenario sc = io::load_scenario(write_temp("f.yaml", "machine:\n  devices:\n    - {name: pf, vendor: 1, device: 2, acs: false}\n"));
  ASSERT_EQ(sc.devices.size(), 1u);
  EXPECT_FALSE(sc.devices[0].acs);
  for (const char* bad : {"yes", "no", "on", "1", "0", "True"})
    EXPECT_NE(error_of(std::string("machine:\n  devices:\n    - {name: pf, vendor: 1, device: 2, acs: ") + bad + "}\n")
                  .find(std::string("machine.devices[].acs: expected true or false, got '") + bad + "'"),
              std::string::npos)
        << bad;
}

TEST(ScenarioLoader, UnknownPortDeviceOperationAndVariant) {
  EXPECT_NE(error_of("machine:\n  devices:\n    - {name: pf, port: nowhere, vendor: 1, device: 2}\n").find("no port named 'nowhere'"), std::string::npos);
  EXPECT_NE(error_of(kMachine + "workload:\n  - {op: sriov_enable, device: ghost, vfs: 1}\n").find("no device named 'ghost'"), std::string::npos);
  EXPECT_NE(error_of(kMachine + "workload:\n  - {op: dance, device: pf}\n").find("unknown operation 'dance'"), std::string::npos);
  EXPECT_NE(error_of(kMachine + "kernel: {variants: [upstream, v9]}\n").find("kernel.variants[]: expected upstream"), std::string::npos);
  EXPECT_NE(error_of(kMachine + "expect:\n  v9: {warnings: 0}\n").find("expect.v9"), std::string::npos);
}

TEST(ScenarioLoader, BadFaultPlanAndMissingPieces) {
  EXPECT_NE(error_of(kMachine + "faults: \"nosuch:always\"\n").find("unknown injection point 'nosuch'"), std::string::npos);
  EXPECT_NE(error_of("name: x\n").find("machine: required"), std::string::npos);
  EXPECT_NE(error_of("machine:\n  devices: []\n").find("machine.devices: expected a list of at least one device"), std::string::npos);
  EXPECT_NE(error_of("machine:\n  devices:\n    - {name: pf}\n").find("needs vendor and device"), std::string::npos);
  EXPECT_NE(error_of(kMachine + "workload:\n  - {op: bind}\n").find("needs a device"), std::string::npos);
}

// yaml-cpp keeps both and map["name"] finds the first: the second would be ignored silently.
TEST(ScenarioLoader, ADuplicateKeyIsAnErrorAtItsLine) {
  EXPECT_EQ(error_of("name: x\nname: y\n" + kMachine), ":2:1: (top level).name: given twice in one mapping");
  EXPECT_EQ(error_of("machine:\n  devices:\n    - {name: pf, vendor: 1, device: 2, vendor: 3}\n"),
            ":3:40: machine.devices[].vendor: given twice in one mapping");
  EXPECT_EQ(error_of(kMachine + "expect:\n  all: {warnings: 0}\n  all: {warnings: 1}\n"), ":7:3: expect.all: given twice in one mapping");
}

TEST(ScenarioLoader, AnEmptyVariantListIsAnError) {
  EXPECT_EQ(error_of(kMachine + "kernel:\n  variants: []\n"),
            ":6:13: kernel.variants: an empty list runs nothing (omit the field or say 'all')");
}

// No scenario makes a run that never ends: a million map/unmap pairs is the most a whole workload asks.
TEST(ScenarioLoader, AWorkloadBeyondAMillionOperationsIsRefused) {
  const std::string w = "workload:\n  - {op: vfio_map_unmap, container: c0, count: 1000000}\n";
  EXPECT_EQ(error_of(kMachine + w + "  - {op: bind, device: pf, driver: native}\n"),
            ":7:5: workload[]: the workload asks for more than 1000000 operations in all");
  EXPECT_EQ(error_of(kMachine + "workload:\n  - {op: host_dma, device: pf, count: 1000, repeat: 1001}\n"),
            ":6:5: workload[]: the workload asks for more than 1000000 operations in all");
  auto ok = load_scenario(write_temp("ok.yaml", kMachine + w));
  EXPECT_EQ(ok.workload.size(), 1u);
}

TEST(ScenarioLoader, MissingFileIsOneLine) {
  try {
    load_scenario("/nonexistent/x.yaml");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/x.yaml: cannot open scenario");
  }
}

TEST(ScenarioRun, AFailedExpectationIsReportedWithItsLine) {
  std::string path = write_temp("wrong.yaml", kMachine + "kernel: {variants: [upstream]}\nexpect:\n  upstream: {warnings: 3}\n");
  auto sc = load_scenario(path);
  auto r = sim::run_scenario(sc, policy::AtsVariant::Upstream);
  ASSERT_EQ(r.failed_expectations.size(), 1u);
  EXPECT_NE(r.failed_expectations[0].find(":7: expect.upstream: 3 warnings expected, 0 seen"), std::string::npos)
      << r.failed_expectations[0];
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
