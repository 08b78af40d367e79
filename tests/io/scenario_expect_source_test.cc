// expect_source: a scenario's rows for one kernel tree's own code (run --driver source), by the
// tree's version and then as expect. The loader holds it to what expect is held to, and to a
// version as the tree's Makefile spells it.
#include <gtest/gtest.h>

#include "scenario_text.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

using test::error_of;
using test::write_temp;

const std::string kMachine =
    "machine:\n  ports: [{name: rp0}]\n  devices:\n"
    "    - {name: pf, port: rp0, vendor: 0x15b3, device: 0x101d, driver: native}\n"
    "kernel: {variants: [upstream, fail-early]}\n";

TEST(ScenarioExpectSource, ATreesRowsLoadByVersionAndVariant) {
  const Scenario sc = load_scenario(write_temp(
      "s.yaml", kMachine + "expect:\n  all: {warnings: 2}\nexpect_source:\n"
                           "  6.12.118: {all: {warnings: 0, violations: [13, 4]}, fail-early: {kasan: 0}}\n"
                           "  7.3.0-rc2: {upstream: {atc_inv_to_ats_disabled: 3}}\n"));
  ASSERT_EQ(sc.expect_source.size(), 2u);
  const auto& t612 = sc.expect_source.at("6.12.118");
  EXPECT_EQ(t612.at("all").warnings, 0u);
  EXPECT_EQ(t612.at("all").violations, (std::vector<int>{4, 13})) << "sorted, as expect's are";
  EXPECT_EQ(t612.at("all").line, 9);
  EXPECT_EQ(t612.at("fail-early").kasan, 0u);
  EXPECT_EQ(sc.expect_source.at("7.3.0-rc2").at("upstream").atc_inv_to_ats_disabled, 3u);
  EXPECT_EQ(sc.expect.at("all").warnings, 2u) << "the model's rows stay where they were";
}

TEST(ScenarioExpectSource, AKeyThatIsNoVersionIsAnError) {
  const std::string expected = ": expected a kernel version as the tree's Makefile gives it, such as 6.12.118 or 7.3.0-rc2";
  EXPECT_EQ(error_of(kMachine + "expect_source:\n  linux-6.12: {all: {warnings: 0}}\n"),
            ":7:3: expect_source.linux-6.12" + expected);
  // No SUBLEVEL: a tree's version always has one (0 when its Makefile gives none), so this key
  // would never match.
  EXPECT_EQ(error_of(kMachine + "expect_source:\n  6.12: {all: {warnings: 0}}\n"), ":7:3: expect_source.6.12" + expected);
}

TEST(ScenarioExpectSource, AVariantTheScenarioDoesNotRunIsAnError) {
  EXPECT_EQ(error_of(kMachine + "expect_source:\n  6.12.118: {rollback: {warnings: 0}}\n"),
            ":7:14: expect_source.6.12.118.rollback: the scenario does not run this variant (kernel.variants)");
}

TEST(ScenarioExpectSource, AFieldExpectDoesNotHaveIsAnError) {
  const std::string e = error_of(kMachine + "expect_source:\n  6.12.118: {all: {warnigns: 0}}\n");
  EXPECT_NE(e.find("expect_source.6.12.118.all.warnigns: unknown field"), std::string::npos) << e;
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
