// Chrome trace-event output: valid JSON with the run's steps, commands, WARNs and violations.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/scenario.h"
#include "io/trace_events.h"
#include "sim/scenario_run.h"

namespace atslab::io {
namespace {

TEST(ChromeTrace, SeedRunHasStepSlicesCommandsWarnsAndViolations) {
  auto sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  auto r = sim::run_scenario(sc, policy::AtsVariant::Upstream);
  auto j = nlohmann::json::parse(chrome_trace(r.final, r.steps, r.violations, "seed"));
  const auto& ev = j.at("traceEvents");
  size_t slices = 0, warns = 0, violations = 0, atc_inv = 0;
  for (const auto& e : ev) {
    ASSERT_TRUE(e.contains("ph") && e.contains("pid") && e.contains("name"));
    if (e["ph"] == "X") {
      ++slices;
      EXPECT_GE(e["dur"].get<uint64_t>(), 1u);
    }
    if (e["ph"] == "i" && e["name"].get<std::string>().rfind("WARNING at pci_disable_ats", 0) == 0) ++warns;
    if (e["ph"] == "i" && e["name"].get<std::string>().rfind("invariant ", 0) == 0) ++violations;
    if (e["ph"] == "i" && e["name"] == "ATC_INV") ++atc_inv;
  }
  EXPECT_EQ(slices, r.steps.size());
  EXPECT_EQ(warns, 2u);
  EXPECT_EQ(violations, r.violations.size());
  EXPECT_GT(atc_inv, 0u);
  // Slices follow one another in time.
  uint64_t last_end = 0;
  for (const auto& e : ev)
    if (e["ph"] == "X") {
      EXPECT_GE(e["ts"].get<uint64_t>(), last_end);
      last_end = e["ts"].get<uint64_t>() + e["dur"].get<uint64_t>();
    }
}

}  // namespace
}  // namespace atslab::io
