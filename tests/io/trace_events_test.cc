// Chrome trace-event output: valid JSON with the run's steps, commands, WARNs and violations.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "io/scenario.h"
#include "io/trace_events.h"
#include "sim/scenario_run.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
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
  // CPU 0's track holds one slice per step, and the attach phases inside them.
  size_t step_slices = 0, prepare = 0, commit = 0;
  for (const auto& e : ev)
    if (e["ph"] == "X" && e["tid"] == 0) {
      const auto name = e["name"].get<std::string>();
      if (name == "arm_smmu_attach_prepare") ++prepare;
      else if (name == "STE/CD install, arm_smmu_attach_commit") ++commit;
      else ++step_slices;
    }
  EXPECT_EQ(step_slices, r.steps.size());
  EXPECT_GT(prepare, 0u);
  EXPECT_EQ(slices, step_slices + prepare + commit);
  EXPECT_EQ(warns, 2u);
  EXPECT_EQ(violations, r.violations.size());
  EXPECT_GT(atc_inv, 0u);
  // Step slices follow one another in time, and every attach phase lies inside one step.
  uint64_t last_end = 0;
  std::vector<std::pair<uint64_t, uint64_t>> steps;
  for (const auto& e : ev)
    if (e["ph"] == "X" && e["tid"] == 0 && e["name"].get<std::string>().find("arm_smmu_attach") == std::string::npos) {
      EXPECT_GE(e["ts"].get<uint64_t>(), last_end);
      last_end = e["ts"].get<uint64_t>() + e["dur"].get<uint64_t>();
      steps.emplace_back(e["ts"].get<uint64_t>(), last_end);
    }
  for (const auto& e : ev)
    if (e["ph"] == "X" && e["name"].get<std::string>().find("arm_smmu_attach") != std::string::npos) {
      uint64_t b = e["ts"].get<uint64_t>(), en = b + e["dur"].get<uint64_t>();
      bool inside = false;
      for (auto [sb, se] : steps) inside |= sb <= b && en <= se;
      EXPECT_TRUE(inside) << e.dump();
    }
}

// What CPU 1 runs at an interleaving point is a slice on its own track, inside CPU 0's step,
// named as the workload names the operation, with the point in its arguments.
TEST(ChromeTrace, InterleavedOperationIsASliceOnCpu1) {
  auto sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml");
  using sim::Op, sim::OpKind;
  Op outer{.kind = OpKind::VfioSetContainer, .device = "pf.vf0"};
  Op inner{.kind = OpKind::HostDma, .device = "pf.vf1"};
  outer.nested.push_back({.at = kernel::PreemptPoint::AttachAfterPrepare, .op = inner});
  std::vector<Op> ops = {{.kind = OpKind::SriovEnable, .device = "pf", .count = 2},
                         {.kind = OpKind::Bind, .device = "pf.vf1", .driver = "native"},
                         {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"},
                         outer};
  auto r = sim::run_ops(sc, policy::AtsVariant::FailEarly, ops, 1, "");
  ASSERT_EQ(r.steps.back().ret, 0);
  ASSERT_EQ(r.steps.back().cpu1, std::vector<std::string>{sim::describe(inner)});
  auto j = nlohmann::json::parse(chrome_trace(r.final, r.steps, r.violations, "interleave"));
  const nlohmann::json* cpu1 = nullptr;
  const nlohmann::json* step = nullptr;
  for (const auto& e : j.at("traceEvents")) {
    if (e["ph"] != "X") continue;
    if (e["tid"] == 1) cpu1 = &e;
    if (e["tid"] == 0 && e["name"] == r.steps.back().what) step = &e;
  }
  ASSERT_TRUE(cpu1 && step);
  EXPECT_EQ((*cpu1)["name"], sim::describe(inner));
  EXPECT_EQ((*cpu1)["args"]["at"], "attach_after_prepare");
  EXPECT_EQ((*cpu1)["args"]["ret"], 0);
  EXPECT_GE((*cpu1)["ts"].get<uint64_t>(), (*step)["ts"].get<uint64_t>());
  EXPECT_LE((*cpu1)["ts"].get<uint64_t>() + (*cpu1)["dur"].get<uint64_t>(),
            (*step)["ts"].get<uint64_t>() + (*step)["dur"].get<uint64_t>());
}

// A trace bounded at N events keeps the first N and counts the rest.
TEST(ChromeTrace, BoundedTraceCountsWhatItLeavesOut) {
  auto sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  auto r = sim::run_scenario(sc, policy::AtsVariant::Upstream);
  ChromeTrace t("bounded", 20);
  for (const auto& st : r.steps) t.add_step(st);
  t.add_events(r.final, 0, r.final.record.events.size());
  auto j = nlohmann::json::parse(t.str());
  EXPECT_EQ(j["traceEvents"].size(), 20u);
  EXPECT_GT(t.dropped(), 0u);
  EXPECT_EQ(j["otherData"]["dropped_events"], t.dropped());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
