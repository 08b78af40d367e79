#pragma once
// A built-in `atslab repro --scenario X` path held to the shipped scenario file it mirrors: under
// every variant the file meets its expectations and both give the same WARN count, invariants and
// ATC invalidations to functions with ATS off.
#include <gtest/gtest.h>

#include "io/scenario.h"
#include "policy/ats_variant.h"
#include "sim/scenario_run.h"
#include "sim/seed_repro.h"

namespace atslab::test {

inline void expect_repro_matches_file(const io::Scenario& file, sim::ReproScenario which) {
  for (auto v : policy::kAllVariants) {
    const sim::ScenarioResult f = sim::run_scenario(file, v);
    const sim::ReproResult r = sim::run_seed_repro(v, {.scenario = which});
    EXPECT_TRUE(f.failed_expectations.empty()) << policy::name(v);
    EXPECT_EQ(r.final.record.warnings.size(), f.final.record.warnings.size()) << policy::name(v);
    EXPECT_EQ(r.violated, f.violated) << policy::name(v);
    EXPECT_EQ(r.atc_inv_to_ats_disabled, f.atc_inv_to_ats_disabled) << policy::name(v);
  }
}

}  // namespace atslab::test
