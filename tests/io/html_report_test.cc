// atslab report: the comparison table, each failing run's picture, the splats, escaping.
#include <gtest/gtest.h>

#include "../support/count.h"

#include <fmt/format.h>

#include "io/html_report.h"
#include "sim/audit.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

using test::count;

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
  // Each run that broke something has its section with its picture; the first is the seed under upstream.
  const size_t section = html.find("<h2>seed under upstream</h2>");
  ASSERT_NE(section, std::string::npos);
  EXPECT_EQ(html.find("<div class=\"picwrap\"><svg id=\"pic0\" class=\"bugpic\"", section), html.find("<div class=\"picwrap\">"));
  EXPECT_GT(html.find("<div class=\"picwrap\">"), section);
  EXPECT_NE(html.find("WARNING: drivers/pci/ats.c:132 at pci_disable_ats"), std::string::npos);
  EXPECT_NE(html.find("WARN_ON(!dev-&gt;ats_enabled)"), std::string::npos) << "splats are escaped";
  // Self-contained: nothing is loaded from elsewhere. Its one script names a hovered column's step
  // (the browser test, report.in_chromium, runs it); the error trap comes first, in <head>.
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(count(html, "<script>"), 2u);
  EXPECT_LT(html.find("<script>"), html.find("</head>"));
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
  // On the picture's WARN lane, first of its step's marks as the kernel printed it first.
  EXPECT_NE(html.find("<title>BUG: KASAN: slab-use-after-free in device_rid_cmp"), std::string::npos) << "on the picture";
  // The first report precedes the WARN_ON(curr) it leads to, as the kernel printed them.
  size_t warn = html.find("WARN_ON(curr)");
  ASSERT_NE(warn, std::string::npos);
  EXPECT_LT(bug, warn);
  EXPECT_EQ(count(html, "<td class=\"ok\">"), 1u) << "fail-early is clean";
}

// The steps leading to a violation end at the step whose record span holds its check, not at the
// last step of the same name (the seed's VFIO_GROUP_SET_CONTAINER runs twice).
TEST(HtmlReport, StepsLeadingToAViolationEndWhereItWasFound) {
  auto seed = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  std::vector<ReportRun> runs{{&seed, sim::run_scenario(seed, policy::AtsVariant::Upstream)}};
  const std::string html = html_report(runs);
  const size_t row = html.find("<tr><td>4</td><td>pci_disable_ats</td>");
  ASSERT_NE(row, std::string::npos);
  const std::string cells = html.substr(row, html.find("</tr>", row) - row);
  EXPECT_NE(cells.find("bind vfio-pci to pf.vf0 &#8594; 0<br>VFIO_GROUP_SET_CONTAINER pf.vf0 -&gt; c0 &#8594; 0</td>"), std::string::npos)
      << cells;
  EXPECT_EQ(cells.find("VFIO_SET_IOMMU"), std::string::npos) << "no later step";
}

// With the scenarios' audits: a table per scenario, a cell per device and variant, the seed's
// WARN on the VF's hand-over named with its operation, and the reasons in text.
TEST(HtmlReport, ShowsEachScenariosAuditAsATable) {
  auto seed = load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml");
  std::vector<ReportRun> runs;
  for (auto v : seed.variants) runs.push_back({&seed, sim::run_scenario(seed, v)});
  const std::vector<sim::Audit> audits{sim::audit_scenario(seed, {.variants = seed.variants})};
  std::string html = html_report(runs, "", audits);
  const size_t table = html.find("<h3>seed</h3><table class=\"audit\">");
  ASSERT_NE(table, std::string::npos);
  EXPECT_LT(table, html.find("<h2>seed under upstream</h2>")) << "the audit comes before the runs' sections";
  const size_t vf = html.find("<tr><th>0000:01:00.1<br><small>pf.vf0 &#183; 8086:1457 &#183; VF of 0000:01:00.0</small></th>", table);
  ASSERT_NE(vf, std::string::npos);
  // upstream's cell is the row's first: apart, and the WARN on the hand-over.
  const size_t cell = html.find("<td class=\"bad\">supported at probe: yes<br>driver on &#183; hardware off", vf);
  ASSERT_NE(cell, std::string::npos);
  EXPECT_EQ(cell, html.find("<td", vf));
  EXPECT_NE(html.find("<b>WARN in pci_disable_ats</b> on <code>VFIO_GROUP_SET_CONTAINER pf.vf0 -&gt; audit</code>", cell),
            std::string::npos);
  EXPECT_NE(html.find("<li>pci_enable_ats() failed with -EINVAL: a VF has no STU of its own", cell), std::string::npos);
  EXPECT_EQ(count(html.substr(vf, html.find("</tr>", vf) - vf), "<td class=\"ok\">"), 2u) << "series-v3 and fail-early";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
