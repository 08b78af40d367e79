// Every number the checker can report has a line saying what it is, and the legend under a
// table lists each number once, in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "check/invariant_catalogue.h"
#include "check/invariants.h"
#include "io/invariant_legend.h"

namespace atslab::check {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(InvariantCatalogue, EveryNumberTheCheckerReportsHasAStatement) {
  for (int n = 0; n <= kLastInvariant; ++n) {
    EXPECT_EQ(invariant_info(n).number, n);
    EXPECT_FALSE(invariant_info(n).area.empty()) << n;
    EXPECT_GT(invariant_statement(n).size(), 20u) << n;
  }
  EXPECT_EQ(invariant_statement(-1), "");
  EXPECT_EQ(invariant_statement(kLastInvariant + 1), "");
  EXPECT_THROW(invariant_info(kLastInvariant + 1), std::out_of_range);
}

TEST(InvariantCatalogue, TheSeedsInvariantIsTheDriversBeliefAgainstPciAts) {
  EXPECT_NE(invariant_statement(9).find("master->ats_enabled"), std::string_view::npos);
  EXPECT_NE(invariant_statement(23).find("ATS is enabled"), std::string_view::npos);
  EXPECT_EQ(invariant_info(4).area, "PCI core");
}

TEST(InvariantLegend, ListsEachNumberOnceInOrder) {
  EXPECT_EQ(io::invariant_legend({}), "");
  const std::string l = io::invariant_legend({23, 4, 23, 9});
  EXPECT_EQ(l.rfind("invariants (atslab invariants lists them all):\n", 0), 0u) << l;
  const auto p4 = l.find("\n   4  "), p9 = l.find("\n   9  "), p23 = l.find("\n  23  ");
  ASSERT_NE(p4, std::string::npos) << l;
  EXPECT_LT(p4, p9);
  EXPECT_LT(p9, p23);
  EXPECT_EQ(l.find("\n  23  ", p23 + 1), std::string::npos) << "once";
  EXPECT_EQ(std::count(l.begin(), l.end(), '\n'), 4);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::check
