// atslab report: the comparison table, the timeline of the first failing run, the splats, escaping.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "io/html_report.h"

namespace atslab::io {
namespace {

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

TEST(HtmlReport, ComparesScenariosByVariantAndShowsTheFirstFailingRun) {
  auto seed = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  auto clean = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/release-with-ats-on.yaml");
  std::vector<ReportRun> runs;
  for (const auto* sc : {&seed, &clean})
    for (auto v : sc->variants) runs.push_back({sc, sim::run_scenario(*sc, v)});
  std::string html = html_report(runs);
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_NE(html.find("<th>seed</th>"), std::string::npos);
  EXPECT_NE(html.find("<th>release-with-ats-on</th>"), std::string::npos);
  // release-with-ats-on is clean under all five variants; the seed under series-v3 and fail-early
  // (rollback's failing commit breaks 18).
  EXPECT_EQ(count(html, "<td class=\"ok\">"), 5u + 2u);
  EXPECT_NE(html.find("<h2>Timeline: seed under upstream</h2><svg"), std::string::npos);
  EXPECT_NE(html.find("WARNING: drivers/pci/ats.c:132 at pci_disable_ats"), std::string::npos);
  EXPECT_NE(html.find("WARN_ON(!dev-&gt;ats_enabled)"), std::string::npos) << "splats are escaped";
  EXPECT_EQ(html.find("<script"), std::string::npos) << "self-contained and static";
}

TEST(HtmlReport, ShowsKasanReportsInTheCellAndTheirTraceInOrderWithTheWarns) {
  auto sc = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/vtd-rbtree-uaf.yaml");
  std::vector<ReportRun> runs;
  for (auto v : sc.variants) runs.push_back({&sc, sim::run_scenario(sc, v)});
  const auto& rec = runs.at(0).result.final.record;  // upstream
  ASSERT_FALSE(rec.bugs.empty());
  std::string html = html_report(runs);
  EXPECT_NE(html.find(fmt::format("&#183; {} KASAN</td>", rec.bugs.size())), std::string::npos);
  EXPECT_NE(html.find("<h2>vtd-rbtree-uaf under upstream</h2>"), std::string::npos);
  size_t bug = html.find("BUG: KASAN: slab-use-after-free in device_rid_cmp");
  ASSERT_NE(bug, std::string::npos);
  EXPECT_NE(html.find("Freed by task bash:\n intel_iommu_release_device", bug), std::string::npos);
  EXPECT_NE(html.find("<title>BUG: KASAN: slab-use-after-free in device_rid_cmp</title>"), std::string::npos) << "on the timeline";
  // The first report precedes the WARN_ON(curr) it leads to, as the kernel printed them.
  size_t warn = html.find("WARN_ON(curr)");
  ASSERT_NE(warn, std::string::npos);
  EXPECT_LT(bug, warn);
  EXPECT_EQ(count(html, "<td class=\"ok\">"), 1u) << "fail-early is clean";
}

}  // namespace
}  // namespace atslab::io
