// The report's picture of the bug (io::bug_picture): per device, the hardware's truth and the
// driver's belief over the steps, shaded where they part, WARNs and violations on the same axis.
#include <gtest/gtest.h>

#include "../support/count.h"

#include <fmt/format.h>

#include <regex>

#include "io/report_picture.h"
#include "sim/scenario_run.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

using atslab::test::count;

sim::ScenarioResult seed_under(policy::AtsVariant v) {
  static const Scenario sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  return sim::run_scenario(sc, v);
}

// Each step keeps every device's state as it left it: the picture's lanes are those values.
TEST(BugPicture, EachStepCarriesEveryDevicesTruthAndBelief) {
  const auto r = seed_under(policy::AtsVariant::Upstream);
  ASSERT_GE(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].what, "boot");
  // The root port and the PF before sriov_numvfs; each VF from then on.
  ASSERT_EQ(r.steps[0].devices.size(), 2u);
  EXPECT_EQ(r.steps[0].devices[0].bdf, "0000:00:01.0");
  EXPECT_FALSE(r.steps[0].devices[0].ats_cap);
  EXPECT_EQ(r.steps[0].devices[1].bdf, "0000:01:00.0");
  // After `echo 2 > sriov_numvfs` the VF's enable has failed: off in the hardware, on in the driver.
  const auto& after = r.steps[1].devices;
  ASSERT_EQ(after.size(), 4u);
  EXPECT_EQ(after[2].bdf, "0000:01:00.1");
  EXPECT_FALSE(after[2].ats_enable);
  EXPECT_EQ(after[2].belief, true);
  EXPECT_EQ(after[2].ste_eats, 1u);
  EXPECT_EQ(after[2].nr_ats_masters, 1);
  EXPECT_EQ(after[2].invs_ats_entry, true) << "the array records the decision, not the result (14)";
  // The last step's states are the run's final ones.
  EXPECT_EQ(r.steps.back().devices, sim::final_device_states(r.final));
}

TEST(BugPicture, TheSeedsVfIsShadedFromItsSriovEnableWithTheWarnOnItsStep) {
  const auto r = seed_under(policy::AtsVariant::Upstream);
  const std::string svg = bug_picture(r, "p");
  ASSERT_FALSE(svg.empty());
  // The VF's group names the step where belief and hardware part.
  EXPECT_NE(svg.find("0000:01:00.1 \u2014 the driver's belief and the hardware part at step 1 (echo 2 &gt; pf/sriov_numvfs)"),
            std::string::npos);
  // Its lanes: both sides, named as the kernel names them.
  EXPECT_NE(svg.find(">ATS Enable (ATS Control)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">STE.EATS</text>"), std::string::npos);
  EXPECT_NE(svg.find(">master-&gt;ats_enabled</text>"), std::string::npos);
  EXPECT_NE(svg.find(">its domain's nr_ats_masters</text>"), std::string::npos);
  EXPECT_NE(svg.find("class=\"divergence\" data-step=\"1\""), std::string::npos);
  // Both WARNs are marked, on the steps whose record spans them.
  const size_t warns = r.final.record.warnings.size();
  ASSERT_EQ(warns, 2u);
  std::smatch m;
  size_t marked = 0;
  std::string rest = svg;
  while (std::regex_search(rest, m, std::regex("class=\"mark warn\" data-step=\"(\\d+)\"><title>([^<]*)</title>"))) {
    const size_t step = std::stoul(m[1]);
    marked += count(m[2], "WARNING in ");
    // The step's record span holds a WARN.
    bool inside = false;
    for (const auto& w : r.final.record.warnings) inside |= w.seq > r.steps[step].begin && w.seq <= r.steps[step].end;
    EXPECT_TRUE(inside) << "step " << step;
    rest = m.suffix();
  }
  EXPECT_EQ(marked, warns);
  EXPECT_NE(svg.find("WARNING in pci_disable_ats (drivers/pci/ats.c:"), std::string::npos);
  // Every step is named under its column, readable without hovering.
  for (size_t i = 0; i < r.steps.size(); ++i)
    EXPECT_NE(svg.find(fmt::format("data-step=\"{}\" transform=\"rotate(-55", i)), std::string::npos) << i;
  EXPECT_NE(svg.find(">1: echo 2 &gt; pf/sriov_numvfs</text>"), std::string::npos);
  // Invariant 9 names the VF: on its own marks lane, as a circle.
  EXPECT_NE(svg.find("<title>invariant 9: 0000:01:00.1"), std::string::npos);
}

TEST(BugPicture, FailEarlyHasNoShadingAndNoMarks) {
  const auto r = seed_under(policy::AtsVariant::FailEarly);
  const std::string svg = bug_picture(r, "p");
  EXPECT_EQ(count(svg, "class=\"divergence\""), 0u);
  EXPECT_EQ(count(svg, "class=\"mark"), 0u);
  EXPECT_EQ(svg.find("part at step"), std::string::npos);
  // The VF's lanes are still drawn: its ATS stays off on both sides.
  EXPECT_NE(svg.find("<text class=\"group-name\" x=\"8\" y="), std::string::npos);
  EXPECT_GE(count(svg, "class=\"cell off\""), 1u);
}

// vtd-style keeps pci_enable_ats()'s result, so its belief agrees with the Enable bit; the STE it
// wrote from its decision still has EATS, and that is shaded too.
TEST(BugPicture, AnSteWithEatsOverAnAtsOffDeviceIsShaded) {
  const auto r = seed_under(policy::AtsVariant::VtdStyle);
  const auto& vf = r.steps.at(1).devices.at(2);
  ASSERT_EQ(vf.bdf, "0000:01:00.1");
  EXPECT_EQ(vf.belief, false);
  EXPECT_FALSE(vf.ats_enable);
  EXPECT_EQ(vf.ste_eats, 1u);
  EXPECT_NE(bug_picture(r, "p").find("class=\"divergence\" data-step=\"1\""), std::string::npos);
}

TEST(BugPicture, VtdLanesNameTheVtdFlagAndHaveNoSte) {
  const Scenario sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/vtd-rbtree-uaf.yaml");
  const auto r = sim::run_scenario(sc, policy::AtsVariant::Upstream);
  const std::string svg = bug_picture(r, "p");
  EXPECT_NE(svg.find(">info-&gt;ats_enabled</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">STE.EATS</text>"), std::string::npos);
  // The KASAN report is on the WARN lane, first on its step as the kernel printed it first.
  EXPECT_NE(svg.find("<title>BUG: KASAN: slab-use-after-free in device_rid_cmp"), std::string::npos);
}

// A long run is scrolled sideways: every lane and device name sits in the one group the page's
// script moves with the scroll, over a white column the cells pass beneath.
TEST(BugPicture, LaneNamesStayInViewWhenScrolled) {
  const std::string svg = bug_picture(seed_under(policy::AtsVariant::Upstream), "p");
  const size_t g = svg.find("<g class=\"names\"><rect class=\"names-bg\" x=\"0\" y=\"0\" width=\"250.0\"");
  ASSERT_NE(g, std::string::npos);
  const size_t end = svg.find("</g>", g);
  const std::string inside = svg.substr(g, end - g);
  EXPECT_EQ(count(inside, "class=\"lane-name"), count(svg, "class=\"lane-name"));
  EXPECT_EQ(count(inside, "class=\"group-name\""), count(svg, "class=\"group-name\""));
  EXPECT_GE(count(inside, "class=\"lane-name"), 2u);
  EXPECT_NE(bug_picture_script().find("names.setAttribute('transform','translate('+wrap.scrollLeft+',0)')"), std::string::npos);
}

TEST(BugPicture, DevicesBeyondTheLimitAreCountedNotDrawn) {
  const auto r = seed_under(policy::AtsVariant::Upstream);
  const std::string svg = bug_picture(r, "p", 1);
  EXPECT_EQ(count(svg, "class=\"group-name\""), 1u);
  // The one drawn is a device whose belief and hardware part.
  EXPECT_NE(svg.find("part at step"), std::string::npos);
  EXPECT_NE(svg.find("2 more device(s) not drawn. 1 function(s) without an ATS capability not drawn."), std::string::npos);
}

// Of many devices whose belief and hardware part, the one the workload used is drawn first (the
// trial's 64 VFs, vf63 handed to VFIO, drew vf0..vf7 instead).
TEST(BugPicture, TheDeviceTheWorkloadUsedIsDrawnFirst) {
  const Scenario sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  const std::vector<sim::Op> ops{{.kind = sim::OpKind::SriovEnable, .device = "pf", .count = 4},
                                 {.kind = sim::OpKind::Bind, .device = "pf.vf3", .driver = "vfio-pci"},
                                 {.kind = sim::OpKind::VfioSetContainer, .device = "pf.vf3"}};
  const auto r = sim::run_ops(sc, policy::AtsVariant::Upstream, ops, 1, "");
  EXPECT_EQ(r.steps.at(2).device, "0000:01:00.4");
  EXPECT_EQ(r.steps.at(0).device, "") << "boot names no device";
  const std::string svg = bug_picture(r, "p", 1);
  EXPECT_NE(svg.find(">0000:01:00.4 \u2014 the driver's belief and the hardware part at step 1"), std::string::npos);
  EXPECT_NE(svg.find("4 more device(s) not drawn."), std::string::npos);
}

TEST(BugPicture, NamesAreEscaped) {
  auto r = seed_under(policy::AtsVariant::FailEarly);
  r.steps[0].what = "<script>alert(1)</script>";
  const std::string svg = bug_picture(r, "a\"b");
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("id=\"a&quot;b\""), std::string::npos);
}

TEST(BugPicture, NoStepsNoPicture) { EXPECT_EQ(bug_picture(sim::ScenarioResult{}, "p"), ""); }

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
