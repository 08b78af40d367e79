// Symmetry reduction (issue 19, part 2): the renamings sim::symmetric_hash identifies states by
// are automorphisms of the search (renaming a state, then running an operation, is running the
// renamed operation, then renaming), and the explorer's results under it are real traces.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "check/invariants.h"
#include "io/scenario.h"
#include "linux/smmuv3/rcu.h"
#include "sim/canonical.h"
#include "sim/explore.h"
#include "sim/explore_bfs.h"
#include "sim/explore_node.h"
#include "sim/scenario_run.h"
#include "sim/state_hash.h"
#include "sim/symmetry.h"
#include "../support/shipped_scenario.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using policy::AtsVariant;

io::Scenario scenario(const std::string& name) { return ::atslab::test::shipped_scenario(name); }

const Symmetry kNames{"c0", "c1"};

// The WARNs a transition hit (where, and the condition) and its history invariants.
struct Seen {
  std::vector<std::string> warns;
  std::set<int> history;
  bool operator==(const Seen&) const = default;
};

// The explorer's transition: the operation, a grace period, the canonical form; what the history
// checks and the WARNs saw of it into `seen`.
Node run(const Node& from, const Op& op, Seen* seen = nullptr) {
  Node to = from;
  run_observed(to, op, nullptr);
  canonicalize(to.s);
  if (seen) {
    for (const auto& w : to.s.record.warnings) seen->warns.push_back(std::string(kernel::name(w.function)) + ": " + w.condition);
    for (const auto& v : check::check_history(to.s, to.seen, 0)) seen->history.insert(v.invariant);
  }
  forget_read_history(to);
  return to;
}

Node reach(const io::Scenario& sc, AtsVariant v, const std::vector<Op>& trace) {
  Node n = start_state(sc, v, {});
  canonicalize(n.s);
  forget_read_history(n);
  for (const Op& op : trace) n = run(n, op);
  return n;
}

// What the explorer's hash covers: the whole System (hardware, kernel, fault injector) and the
// runner's context.
bool same(const Node& a, const Node& b) {
  return a.s == b.s && a.ctx.containers == b.ctx.containers && a.ctx.vfio_groups == b.ctx.vfio_groups &&
         a.ctx.own_domains == b.ctx.own_domains && a.ctx.iommufd == b.ctx.iommufd && a.ctx.hwpts == b.ctx.hwpts &&
         a.ctx.next_iova == b.ctx.next_iova && a.ctx.devices == b.ctx.devices;
}

// A fixed renaming: the names c0 and c1 exchanged, and the containers' slots 0 and 1 when both
// are taken (only taken slots are permuted: a new container takes the next one). Both are their
// own inverse; a state reached later keeps the permutation its ancestor fixed (`slots_taken`),
// new slots mapping to themselves.
struct Renaming {
  bool names = true;
  bool slots = true;
  size_t slots_taken = 0;
};
Node renamed(const Node& n, const Renaming& r) {
  Node m = n;
  if (r.names) swap_names(m.ctx, kNames);
  if (r.slots && r.slots_taken >= 2) {
    std::vector<vfio::ContainerId> to(r.slots_taken);
    for (size_t i = 0; i < to.size(); ++i) to[i] = static_cast<vfio::ContainerId>(i);
    std::swap(to[0], to[1]);
    permute_containers(m.s, m.ctx, to);
  }
  return m;
}
Op renamed(const Op& op, const Renaming& r) { return r.names ? swap_names(op, kNames) : op; }

std::set<int> verdicts(const Node& n) {
  std::set<int> out;
  for (const auto& v : check::check_state(n.s, true)) out.insert(v.invariant);
  return out;
}

const Op kEnable{.kind = OpKind::SriovEnable, .device = "pf", .count = 2};
Op bind(const std::string& dev) { return {.kind = OpKind::Bind, .device = dev, .driver = "vfio-pci"}; }
Op set_container(const std::string& dev, const std::string& c) {
  return {.kind = OpKind::VfioSetContainer, .device = dev, .container = c};
}
Op on(OpKind k, const std::string& c) { return {.kind = k, .container = c}; }

// States a few operations deep with no container, one, and two opened in either order, with
// devices in them, type1 set and mappings left.
std::vector<std::vector<Op>> traces() {
  return {
      {kEnable},
      {kEnable, bind("pf.vf0"), set_container("pf.vf0", "c1")},
      {kEnable, bind("pf.vf0"), bind("pf.vf1"), set_container("pf.vf1", "c1"), set_container("pf.vf0", "c0"),
       on(OpKind::VfioSetIommu, "c0")},
      {kEnable, bind("pf.vf0"), bind("pf.vf1"), set_container("pf.vf1", "c1"), on(OpKind::VfioSetIommu, "c1"),
       on(OpKind::VfioMap, "c1"), on(OpKind::VfioSetIommu, "c0")},
  };
}

// Renaming commutes with every transition: `op` (and the same with each fault point forced, and
// with another CPU's operation at each point it passes) from the state and from its image.
void expect_automorphism(const std::string& name, Renaming r, bool nested) {
  SCOPED_TRACE(name);
  auto sc = scenario(name);
  ExploreOptions opt;
  opt.faults.assign({faults::Point::PciEnableAts, faults::Point::InvsMergeAlloc, faults::Point::MasterDomainAlloc});
  const auto alphabet = explore_alphabet(sc, opt);
  size_t total = 0, warned = 0;
  for (const auto& trace : traces()) {
    const Node s = reach(sc, AtsVariant::FailEarly, trace);
    r.slots_taken = s.s.kernel.vfio.containers.size();
    const Node image = renamed(s, r);
    SCOPED_TRACE(describe(trace.back()));
    ASSERT_TRUE(same(renamed(image, r), s)) << "a renaming twice is the identity";
    EXPECT_EQ(verdicts(image), verdicts(s));
    size_t compared = 0;
    for (const Op& op : alphabet) {
      Seen here, there;
      Node after = run(s, op, &here);
      EXPECT_TRUE(same(renamed(after, r), run(image, renamed(op, r), &there))) << describe(op);
      EXPECT_EQ(here, there) << describe(op) << ": the same WARNs and history verdicts";
      warned += here.warns.size();
      EXPECT_EQ(verdicts(renamed(after, r)), verdicts(after)) << describe(op);
      ++compared;
      if (!nested || !op.fault.empty() || (op.kind != OpKind::VfioSetContainer && op.kind != OpKind::VfioMapUnmap)) continue;
      Observed seen;
      Node probe = s;
      run_observed(probe, op, &seen);
      for (const PointVisit& pv : seen.points)
        for (const Op& inner : alphabet) {
          // Enough of them: the containers' own operations and the devices' traffic.
          if (!inner.fault.empty() || (inner.kind != OpKind::VfioSetIommu && inner.kind != OpKind::VfioMap &&
                                       inner.kind != OpKind::VfioUnmap && inner.kind != OpKind::DeviceDma))
            continue;
          Op both = op;
          both.nested.push_back({.at = pv.at, .nth = pv.nth, .op = inner});
          bool refused = false, refused_image = false;
          Node a, b;
          try {
            a = run(s, both);
          } catch (const NestingRefused&) {
            refused = true;
          }
          try {
            b = run(image, renamed(both, r));
          } catch (const NestingRefused&) {
            refused_image = true;
          }
          ASSERT_EQ(refused, refused_image) << describe(both);
          if (!refused) {
            EXPECT_TRUE(same(renamed(a, r), b)) << describe(both);
          }
          ++compared;
        }
    }
    EXPECT_GE(compared, alphabet.size());
    total += compared;
  }
  if (nested) {
    EXPECT_GT(total, traces().size() * alphabet.size()) << "nestings compared too";
  }
  EXPECT_GT(warned, 0u) << "some transitions WARN (a forced failure of pci_enable_ats under fail-early)";
}

TEST(Symmetry, ExchangingContainerNamesAndSlotsCommutesWithEveryTransitionOnSeed) {
  expect_automorphism("seed", {}, true);
}

TEST(Symmetry, ContainerSlotsAloneAndNamesAloneAreAutomorphismsOnExploreSmall) {
  expect_automorphism("explore-small", {.names = false, .slots = true}, false);
  expect_automorphism("explore-small", {.names = true, .slots = false}, false);
}

TEST(Symmetry, RenamingsCommuteWithTransitionsOnSixtyFourVfs) {
  expect_automorphism("64-vfs-one-domain", {}, false);
}

TEST(Symmetry, MirroredTracesReachOneCanonicalState) {
  auto sc = scenario("seed");
  auto h = [&](const std::vector<Op>& t) { return symmetric_hash(reach(sc, AtsVariant::FailEarly, t), kNames).hash; };
  // One container, under either name.
  const std::vector<Op> one{kEnable, bind("pf.vf0"), set_container("pf.vf0", "c0"), on(OpKind::VfioSetIommu, "c0")};
  std::vector<Op> mirror;
  for (const Op& op : one) mirror.push_back(swap_names(op, kNames));
  EXPECT_NE(node_hash(reach(sc, AtsVariant::FailEarly, one)), node_hash(reach(sc, AtsVariant::FailEarly, mirror)));
  EXPECT_EQ(h(one), h(mirror));
  // Two containers opened in either order: slots 0 and 1 hold them the other way round.
  const std::vector<Op> ab{kEnable, bind("pf.vf0"), set_container("pf.vf0", "c0"), on(OpKind::VfioSetIommu, "c1")};
  const std::vector<Op> ba{kEnable, bind("pf.vf0"), on(OpKind::VfioSetIommu, "c1"), set_container("pf.vf0", "c0")};
  EXPECT_NE(node_hash(reach(sc, AtsVariant::FailEarly, ab)), node_hash(reach(sc, AtsVariant::FailEarly, ba)));
  EXPECT_EQ(h(ab), h(ba));
  // And a state that differs otherwise stays apart.
  EXPECT_NE(h(one), h(ab));
}

// The canonical hash is computed without making the images: it must be the least of the images'
// own hashes, made as copies.
TEST(Symmetry, TheCanonicalHashIsTheLeastOfTheImagesHashes) {
  auto sc = scenario("seed");
  for (const auto& trace : traces()) {
    const Node s = reach(sc, AtsVariant::FailEarly, trace);
    Node id = s, swapped = s;
    permute_containers(id.s, id.ctx, containers_by_name(id.s, id.ctx));
    swap_names(swapped.ctx, kNames);
    permute_containers(swapped.s, swapped.ctx, containers_by_name(swapped.s, swapped.ctx));
    const uint64_t a = node_hash(id), b = node_hash(swapped);
    const SymmetricHash h = symmetric_hash(s, kNames);
    EXPECT_EQ(h.hash, std::min(a, b)) << describe(trace.back());
    EXPECT_EQ(h.swapped, b < a) << describe(trace.back());
    EXPECT_EQ(symmetric_hash(s, {}).hash, a) << "without the names' exchange: the containers numbered by name";
    // And state_hash is its two parts combined.
    EXPECT_EQ(state_hash(s.s), combine_state_hash(state_hash_rest(s.s), containers_hash(s.s, {})));
  }
}

TEST(Symmetry, NoExchangeOfNamesWhenAFaultRuleNamesAStep) {
  auto sc = scenario("seed");
  const auto alphabet = explore_alphabet(sc, {});
  faults::Injector plan;
  EXPECT_TRUE(symmetry_of(alphabet, plan).any());
  plan.rules.push_back({.point = faults::Point::PciEnableAts, .step = "VFIO_GROUP_SET_CONTAINER pf.vf0 -> c1"});
  EXPECT_FALSE(symmetry_of(alphabet, plan).any());
  // Nor when the alphabet names only one of them.
  std::vector<Op> lopsided = explore_alphabet(sc, {});
  std::erase_if(lopsided, [](const Op& op) { return op.container == "c1"; });
  EXPECT_FALSE(symmetry_of(lopsided, {}).any());
}

// The verdicts of two searches agree: the same invariants, each with a shortest trace as long.
void expect_same_verdicts(const ExploreResult& a, const ExploreResult& b) {
  ASSERT_EQ(a.found.size(), b.found.size());
  for (const auto& [inv, cx] : b.found) {
    ASSERT_TRUE(a.found.count(inv)) << inv;
    EXPECT_EQ(a.found.at(inv).trace.size(), cx.trace.size()) << inv;
  }
}

// Every trace the reduced search reports is one it ran: replayed from the booted state, it breaks
// its invariant, and it is as long as the unreduced search's.
TEST(Symmetry, ReportedTracesReplayAndAreAsShortAsWithout) {
  auto sc = scenario("seed");
  ExploreOptions opt{.depth = 3, .all = true};
  opt.symmetry = true;
  const ExploreResult with = explore(sc, AtsVariant::Upstream, opt);
  opt.symmetry = false;
  const ExploreResult without = explore(sc, AtsVariant::Upstream, opt);
  EXPECT_TRUE(with.symmetry);
  EXPECT_LT(with.unique, without.unique);
  ASSERT_FALSE(with.found.empty());
  expect_same_verdicts(with, without);
  for (const auto& [inv, cx] : with.found) {
    Node n = start_state(sc, AtsVariant::Upstream, with.prefix);
    bool hit = false;
    for (const Op& op : cx.trace) {
      const size_t ev = n.s.record.events.size(), w = n.s.record.warnings.size();
      run_op(n.s, n.ctx, op);
      smmuv3::synchronize_rcu(n.s);
      for (const auto& v : check::check_history(n.s, ev, w)) hit |= v.invariant == inv;
      for (const auto& v : check::check_state(n.s, true)) hit |= v.invariant == inv;
    }
    EXPECT_TRUE(hit) << "invariant " << inv << " does not replay";
  }
  EXPECT_EQ(with.warnings.size(), without.warnings.size());
}

// The breadth-first engine deduplicates by the same canonical hash: same unique states, same
// verdicts and traces as the depth-first one.
TEST(Symmetry, BothEnginesAgreeUnderSymmetry) {
  auto sc = scenario("seed");
  ExploreOptions opt{.depth = 3, .all = true};
  opt.symmetry = true;
  LocalExchange one;
  const ExploreResult dfs = explore(sc, AtsVariant::Upstream, opt), bfs = explore_distributed(sc, AtsVariant::Upstream, opt, one);
  EXPECT_EQ(bfs.unique, dfs.unique);
  EXPECT_EQ(bfs.exhausted, dfs.exhausted);
  expect_same_verdicts(bfs, dfs);
}

// With partial-order reduction on top, sleep sets are read through the names' exchange: the
// verdicts and exhaustion stay those of the plain search.
// Depth 3 here (depth 4 took 164 s under a Debug ASan build); explore.symmetry_por_verdicts runs
// depth 4 in the optimised build.
TEST(Symmetry, WithPartialOrderReductionTheVerdictsStay) {
  auto sc = scenario("explore-small");
  ExploreOptions opt{.depth = 3, .all = true};
  opt.symmetry = false;
  const ExploreResult plain = explore(sc, AtsVariant::FailEarly, opt);
  opt.symmetry = true;
  opt.por = true;
  const ExploreResult both = explore(sc, AtsVariant::FailEarly, opt);
  EXPECT_EQ(both.exhausted, plain.exhausted);
  EXPECT_EQ(both.depth_reached, plain.depth_reached);
  expect_same_verdicts(both, plain);
  EXPECT_LT(both.unique, plain.unique);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
