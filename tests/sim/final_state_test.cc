// run's closing table (sim::final_device_states): per device, the hardware's truth beside the
// driver's belief, read from the state a run leaves.
#include <gtest/gtest.h>

#include <stdexcept>

#include "io/scenario.h"
#include "sim/final_state.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

const DeviceFinalState& of(const std::vector<DeviceFinalState>& all, const std::string& bdf) {
  for (const auto& d : all)
    if (d.bdf == bdf) return d;
  throw std::runtime_error("no " + bdf);
}

// The seed's machine after `echo 2 > sriov_numvfs` under upstream: each VF's ATS is off in the
// hardware, while the driver believes it on, counts it in nr_ats_masters and its STE has EATS.
TEST(FinalState, TheSeedsVfShowsTheBeliefApartFromTheHardware) {
  const io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/seed.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::Upstream, ctx, 1, "");
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  const auto all = final_device_states(s);
  const auto& vf = of(all, "0000:01:00.1");
  EXPECT_FALSE(vf.removed);
  EXPECT_TRUE(vf.ats_cap);
  EXPECT_FALSE(vf.ats_enable);
  EXPECT_EQ(vf.belief_field, "master->ats_enabled");
  EXPECT_EQ(vf.belief, true);
  EXPECT_EQ(vf.ste_eats, 1u);
  EXPECT_EQ(vf.nr_ats_masters, 1);
  // The quirked PF: no ATS in the kernel's eyes and none in the hardware; its belief agrees.
  const auto& pf = of(all, "0000:01:00.0");
  EXPECT_FALSE(pf.ats_enable);
  EXPECT_EQ(pf.belief, false);
  // Under fail-early the VF's belief and the hardware agree (ATS off both ways).
  OpContext ctx2;
  System fe = boot_machine(sc, policy::AtsVariant::FailEarly, ctx2, 1, "");
  ASSERT_EQ(run_op(fe, ctx2, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  const auto fe_all = final_device_states(fe);
  const auto& vf2 = of(fe_all, "0000:01:00.1");
  EXPECT_EQ(vf2.belief, false);
  EXPECT_FALSE(vf2.ats_enable);
  EXPECT_EQ(vf2.ste_eats, 0u);
  EXPECT_EQ(vf2.nr_ats_masters, 0);
}

TEST(FinalState, ARemovedFunctionIsMarkedAndHasNoBelief) {
  const io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/seed.yaml");
  OpContext ctx;
  System s = boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "");
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 1}), 0);
  ASSERT_EQ(run_op(s, ctx, {.kind = OpKind::SriovDisable, .device = "pf"}), 0);
  const auto all = final_device_states(s);
  const auto& vf = of(all, "0000:01:00.1");
  EXPECT_TRUE(vf.removed);
  EXPECT_FALSE(vf.belief.has_value());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
