// The breadth-first engine of explore --mpi (issue 19, item 4), on one rank: its verdicts are the
// depth-first engine's. The same engine over two MPI ranks is compared in cli.explore_mpi_*.
#include <gtest/gtest.h>

#include "io/input_error.h"
#include "io/scenario.h"
#include "sim/explore.h"
#include "sim/explore_bfs.h"
#include "../support/shipped_scenario.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

io::Scenario scenario(const std::string& name) { return ::atslab::test::shipped_scenario(name); }

std::vector<std::string> described(const std::vector<Op>& trace) {
  std::vector<std::string> out;
  for (const auto& op : trace) out.push_back(describe(op));
  return out;
}

struct Both {
  ExploreResult dfs, bfs;
};

// Both engines on one search; their verdicts compared: the same invariants with the same
// (minimised) traces and violations, the same WARN sites with the same traces, the same depth
// reached and exhaustion.
Both compare(const io::Scenario& sc, AtsVariant v, const ExploreOptions& opt) {
  LocalExchange one;
  Both b{explore(sc, v, opt), explore_distributed(sc, v, opt, one)};
  EXPECT_EQ(b.bfs.depth_reached, b.dfs.depth_reached);
  EXPECT_EQ(b.bfs.exhausted, b.dfs.exhausted);
  EXPECT_FALSE(b.bfs.interrupted);
  EXPECT_EQ(b.bfs.found.size(), b.dfs.found.size());
  for (const auto& [n, cx] : b.dfs.found) {
    EXPECT_TRUE(b.bfs.found.count(n)) << "invariant " << n;
    if (!b.bfs.found.count(n)) continue;
    EXPECT_EQ(described(b.bfs.found.at(n).trace), described(cx.trace)) << "invariant " << n;
    EXPECT_EQ(b.bfs.found.at(n).violation.objects, cx.violation.objects) << "invariant " << n;
    EXPECT_EQ(b.bfs.found.at(n).violation.detail, cx.violation.detail) << "invariant " << n;
    EXPECT_EQ(b.bfs.found.at(n).violation.step, cx.violation.step) << "invariant " << n;
  }
  EXPECT_EQ(b.bfs.warnings.size(), b.dfs.warnings.size());
  for (const auto& [site, trace] : b.dfs.warnings) {
    EXPECT_TRUE(b.bfs.warnings.count(site)) << site;
    if (!b.bfs.warnings.count(site)) continue;
    EXPECT_EQ(described(b.bfs.warnings.at(site)), described(trace)) << site;
  }
  EXPECT_EQ(b.bfs.alphabet, b.dfs.alphabet);
  EXPECT_EQ(b.bfs.non_compliance, b.dfs.non_compliance);
  return b;
}

// Unique states count the same thing: every state within the depth, a nesting costing two.
// The depth-first engine deepens iteratively, so it runs more transitions for them.
void expect_same_unique(const Both& b) {
  EXPECT_GT(b.dfs.unique, 1u);
  EXPECT_EQ(b.bfs.unique, b.dfs.unique);
  EXPECT_LE(b.bfs.transitions, b.dfs.transitions);
}

TEST(ExploreBfs, EveryInvariantOfTheSeedWithInterleavingsAsTheDepthFirstSearch) {
  auto b = compare(scenario("seed"), AtsVariant::Upstream, {.depth = 3, .all = true});
  EXPECT_TRUE(b.dfs.found.count(9));
  EXPECT_TRUE(b.dfs.found.count(4)) << "the WARN two operations in";
  expect_same_unique(b);
}

TEST(ExploreBfs, ACleanSearchCountsTheSameStates) {
  auto b = compare(scenario("seed"), AtsVariant::FailEarly, {.depth = 3});
  EXPECT_TRUE(b.dfs.found.empty());
  EXPECT_TRUE(b.dfs.exhausted);
  expect_same_unique(b);
  EXPECT_GT(b.bfs.refused_nestings + b.bfs.revisits, 0u);
}

TEST(ExploreBfs, StopsAtTheSameFirstViolation) {
  // Fail-early stops at the least violating trace of the first level that has one; the
  // depth-first engine's first, and only the WARN sites it had reached before it.
  auto seed = compare(scenario("seed"), AtsVariant::Upstream, {.depth = 4});
  ASSERT_FALSE(seed.bfs.found.empty());
  EXPECT_EQ(seed.bfs.depth_reached, 0u);
  EXPECT_FALSE(seed.bfs.exhausted);
  // A level with violations from many transitions (every forced fault): one of them is first.
  std::vector<faults::Point> every;
  for (size_t i = 0; i < faults::kPointCount; ++i) every.push_back(static_cast<faults::Point>(i));
  auto uaf = compare(scenario("vtd-rbtree-uaf"), AtsVariant::Upstream, {.depth = 3, .faults = every});
  ASSERT_FALSE(uaf.bfs.found.empty());
  EXPECT_EQ(uaf.bfs.depth_reached, 1u);
  EXPECT_FALSE(uaf.bfs.exhausted);
}

TEST(ExploreBfs, NestedCounterexamplesAsTheDepthFirstSearch) {
  // Rollback on explore-small at depth 3 with a second CPU: invariant 23 needs host DMA inside a
  // reset's attach window, a nesting (cost two) found from level 0 and reported at level 2.
  auto b = compare(scenario("explore-small"), AtsVariant::Rollback, {.depth = 3, .all = true});
  expect_same_unique(b);
  ASSERT_TRUE(b.bfs.found.count(23));
  ASSERT_EQ(b.bfs.found.at(23).trace.size(), 1u);
  EXPECT_EQ(b.bfs.found.at(23).trace[0].nested.size(), 1u);
  EXPECT_GT(b.bfs.refused_nestings, 0u) << "some nestings tried were refused by the locks";
}

TEST(ExploreBfs, ForcedFaultsOperationKindsAndAPrefixAsTheDepthFirstSearch) {
  const auto sc = scenario("explore-small");
  ExploreOptions opt{.depth = 2, .faults = {faults::Point::PciEnableAts}, .all = true};
  opt.interleave = false;
  auto b = compare(sc, AtsVariant::FailEarly, opt);
  EXPECT_TRUE(b.bfs.found.count(9)) << "fail-early keeps going after its WARN, believing ATS is on";
  expect_same_unique(b);
  ExploreOptions few{.depth = 4, .all = true, .kinds = {OpKind::VfioSetContainer, OpKind::VfioUnsetContainer, OpKind::Bind},
                     .prefix = 1};
  expect_same_unique(compare(sc, AtsVariant::Upstream, few));
}

TEST(ExploreBfs, RefusesWhatItDoesNotSupport) {
  const auto sc = scenario("seed");
  LocalExchange one;
  EXPECT_THROW(explore_distributed(sc, AtsVariant::Upstream, {.depth = 2, .por = true}, one), InputError);
  EXPECT_THROW(explore_distributed(sc, AtsVariant::Upstream, {.depth = 2, .shard = 0, .shards = 2}, one), InputError);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
