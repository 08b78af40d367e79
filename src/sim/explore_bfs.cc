#include "sim/explore_bfs.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <unordered_map>

#include "io/input_error.h"
#include "linux/iommu/driver_ops.h"
#include "linux/kernel/kfunc.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/preempt.h"
#include "linux/smmuv3/rcu.h"
#include "sim/canonical.h"
#include "sim/explore_node.h"
#include "sim/non_compliance.h"
#include "sim/symmetry.h"

namespace atslab::sim {

namespace {

using Clock = std::chrono::steady_clock;

// Why the verdicts are the depth-first engine's. That engine deepens iteratively: at limit L it
// tries the transitions of each state in one order (every plain operation by alphabet index, then
// every nesting by outer operation, the interleaving point's place in that operation's run, and
// inner operation), skipping a state already explored with as much budget left. What it reports
// first at the first limit L that has a violation is therefore the violating trace of cost L that
// is least in that order, lexicographically (a nested operation costs two). Here every transition
// is coded so that integer order is that order (step codes below); every state keeps, of the
// traces of its least cost, the least one; and every violation, WARN site and stop decision takes
// the least (cost, trace) over all ranks. Among traces of one cost none is a prefix of another
// (each transition costs at least one), so extending two of them by the same step keeps their
// order: the least trace to a state is the least trace to its parent, extended.
using Path = std::vector<uint64_t>;  // step codes from the start state

// A step code: bit 63 a nesting; bits 40-55 the (outer) operation's alphabet index; 32-39 the
// interleaving point's place among those the outer operation passed; 16-31 the inner operation;
// 0-15 the point's kind and pass (which the order does not need: the place decides first).
constexpr uint64_t kNested = 1ull << 63;
constexpr size_t kMaxAlphabet = 1u << 16;
static_assert(2 * kernel::kPreemptPointCount < 256, "a point's place must fit its 8 bits");
uint64_t plain_step(size_t i) { return static_cast<uint64_t>(i) << 40; }
uint64_t nested_step(size_t i, size_t place, size_t j, kernel::PreemptPoint at, uint32_t nth) {
  return kNested | static_cast<uint64_t>(i) << 40 | static_cast<uint64_t>(place) << 32 | static_cast<uint64_t>(j) << 16 |
         (static_cast<uint64_t>(at) * 2 + (nth - 1));
}

// How a state or a transition was first reached: its cost (operations, a nesting two) and trace.
struct Reached {
  uint8_t cost = 0;
  Path path;
};
bool before(const Reached& a, const Reached& b) { return a.cost != b.cost ? a.cost < b.cost : a.path < b.path; }
void keep_least(std::optional<Reached>& best, const Reached& r) {
  if (!best || before(r, *best)) best = r;
}

// Length-prefixed little buffers: what the ranks send each other.
class Writer {
 public:
  template <class T>
  void put(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(const std::string& s) {
    put(static_cast<uint32_t>(s.size()));
    out_ += s;
  }
  void put(const Reached& r) {
    put(r.cost);
    put(static_cast<uint8_t>(r.path.size()));
    for (uint64_t step : r.path) put(step);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(const std::string& in) : in_(in) {}
  bool done() const { return at_ == in_.size(); }
  template <class T>
  T get() {
    T v{};
    if (in_.size() - at_ < sizeof v) throw std::logic_error("explore --mpi: a message from another rank is cut short");
    std::memcpy(&v, in_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string text() {
    const auto n = get<uint32_t>();
    if (in_.size() - at_ < n) throw std::logic_error("explore --mpi: a message from another rank is cut short");
    std::string s = in_.substr(at_, n);
    at_ += n;
    return s;
  }
  Reached reached() {
    Reached r;
    r.cost = get<uint8_t>();
    r.path.resize(get<uint8_t>());
    for (auto& step : r.path) step = get<uint64_t>();
    return r;
  }

 private:
  const std::string& in_;
  size_t at_ = 0;
};

// How long a rank expands states before the ranks exchange what they generated (at least one
// state). By the clock, not by a count of states: the ranks then reach each exchange together, where
// a count left the rank with the cheaper states waiting in the collective for the other (and MPI
// waits by polling, on a CPU the other could use). Long enough that a batch costs far more than its
// collectives, short enough that its messages stay small (a few MB).
constexpr auto kBatch = std::chrono::milliseconds(50);

class BfsExplorer {
 public:
  BfsExplorer(const io::Scenario& sc, policy::AtsVariant v, const ExploreOptions& opt, Exchange& ex)
      : opt_(opt), ex_(ex), alphabet_(explore_alphabet(sc, opt)) {
    if (opt.por) throw InputError("explore --mpi: --por is not supported (sleep sets follow one path of a depth-first search)");
    if (opt.shards > 1) throw InputError("explore --mpi: --shard is not supported (the ranks are the shards)");
    if (alphabet_.size() >= kMaxAlphabet)
      throw InputError(fmt::format("explore --mpi: {} operations in the alphabet, at most {}", alphabet_.size(), kMaxAlphabet - 1));
    res_.variant = v;
    res_.depth = opt.depth;
    res_.mpi_ranks = ex.ranks();
    for (const auto& op : alphabet_) res_.alphabet.push_back(describe(op));
    res_.prefix.assign(sc.workload.begin(), sc.workload.begin() + static_cast<long>(std::min(opt.prefix, sc.workload.size())));
    root_ = start_state(sc, v, res_.prefix);
    if (iommu::smmuv3_from_tree(root_.s))
      throw InputError("explore --mpi: --driver source is not supported (the tree's driver keeps its heap outside the System)");
    res_.non_compliance = endpoint_non_compliance(root_.s);
    canonicalize(root_.s);
    for (const auto& r : root_.s.faults.rules) steps_named_ |= !r.step.empty();
    res_.symmetry = opt.symmetry;
    if (opt.symmetry) {
      sym_ = symmetry_of(alphabet_, root_.s.faults);
      res_.symmetry_group = sym_.any() ? "containers " + sym_.a + "/" + sym_.b : "containers";
    }
    level_count_.assign(opt.depth + 1, 0);
    pending_.resize(opt.depth + 1);
    outgoing_.resize(ex.ranks());
    checked_.assign(kCheckedSlots, 0);
  }

  ExploreResult run() {
    start_ = Clock::now();
    start_cpu_ = thread_cpu_seconds();
    // The booted state: every rank checks it (they all hold it, to replay paths from), its owner keeps it.
    root_violations_ = violations_of(root_);
    for (const auto& v : root_violations_) note_violation(v.invariant, {});
    note_warnings(root_, {});
    forget_read_history(root_);
    const uint64_t root_hash = hash(root_);
    if (owner(root_hash) == ex_.rank()) receive(root_hash, {});

    std::optional<Reached> stop_at;  // the least violating transition, once a level holds one (fail-early)
    bool interrupted = false;
    if (!opt_.all && best_any_) {
      stop_at = best_any_;  // the booted state itself
    } else {
      for (unsigned k = 0; k < opt_.depth; ++k) {
        if (!round(k)) {
          interrupted = true;
          break;
        }
        const unsigned level = k + 1;
        // Every transition of cost `level` has run now (plain ones from level k, nestings from k-1).
        if (!opt_.all) {
          stop_at = least_over_ranks(best_any_, level);
          if (stop_at) break;
        }
        const uint64_t new_states = ex_.sum({level_count_[level]})[0];
        res_.depth_reached = level;
        if (opt_.progress && ex_.rank() == 0)
          std::fprintf(stderr, "%s: level %u/%u done, %llu new states\n", std::string(policy::name(res_.variant)).c_str(),
                       level, opt_.depth, static_cast<unsigned long long>(new_states));
        // As the depth-first engine decides it: no state first reached at this cost closes the space.
        if (new_states == 0) break;
      }
      res_.exhausted = !interrupted && !stop_at;
    }
    return finish(stop_at, interrupted);
  }

 private:
  unsigned owner(uint64_t h) const { return static_cast<unsigned>(h % ex_.ranks()); }

  // A state's identity, as the depth-first engine's (its canonical representative's under
  // symmetry reduction): the state a class is expanded from is the one its least path reaches.
  uint64_t hash(const Node& n) { return opt_.symmetry ? symmetric_hash(n, sym_).hash : node_hash(n); }

  Op op_of(uint64_t step) const {
    const size_t i = step >> 40 & 0xffff;
    Op op = alphabet_.at(i);
    if (step & kNested) {
      const uint64_t slot = step & 0xffff;
      op.nested.push_back({.at = static_cast<kernel::PreemptPoint>(slot / 2),
                           .nth = static_cast<uint32_t>(slot % 2 + 1),
                           .op = alphabet_.at(step >> 16 & 0xffff)});
    }
    return op;
  }
  std::vector<Op> ops_of(const Path& path) const {
    std::vector<Op> ops;
    for (uint64_t step : path) ops.push_back(op_of(step));
    return ops;
  }


  // Runs `op` on a copy of `parent`, as the depth-first engine's step() does.
  Node& step(const Node& parent, const Op& op, Observed* seen) {
    child_ = parent;
    if (steps_named_) child_.s.faults.step = describe(op);
    run_observed(child_, op, seen);
    canonicalize(child_.s);
    return child_;
  }

  // The state `path` reaches, into `into`: re-run from the start state, its history read after
  // each step as the search read it (the cursor carries context from one window to the next).
  void replay(const Path& path, Node& into) {
    into = root_;
    for (uint64_t code : path) {
      Node& next = step(into, op_of(code), nullptr);
      check::check_history(next.s, next.seen, 0);
      forget_read_history(next);
      std::swap(into, next);
    }
    if (!path.empty()) ++res_.reexecutions;
  }

  // The violations the transition into `n` shows, as the depth-first engine's check() reports
  // them: history first, then state; the first of each invariant.
  static std::vector<check::Violation> violations_of(Node& n) {
    std::vector<check::Violation> out;
    auto add = [&](const check::Violation& v) {
      if (std::none_of(out.begin(), out.end(), [&](const check::Violation& o) { return o.invariant == v.invariant; }))
        out.push_back(v);
    };
    for (const auto& v : check::check_history(n.s, n.seen, 0)) add(v);
    for (const auto& v : check::check_state(n.s, true)) add(v);
    return out;
  }

  // A direct-mapped cache of states this rank found no state violation in: check_state reads only
  // what the hash covers, so its verdict holds for every path to the state. Lossy (a collision
  // only checks again), and bounded, where a set of every state seen would grow with the search.
  static constexpr size_t kCheckedSlots = size_t{1} << 20;
  static size_t slot(uint64_t h) { return static_cast<size_t>(h >> 3) & (kCheckedSlots - 1); }

  void note_violation(int invariant, const Reached& r) {
    keep_least(best_any_, r);
    auto [it, fresh] = best_inv_.try_emplace(invariant, r);
    if (!fresh && before(r, it->second)) it->second = r;
  }
  void note_warnings(const Node& n, const Reached& r) {
    for (const auto& w : n.s.record.warnings) {
      auto [it, fresh] = warnings_.try_emplace(std::string(kernel::name(w.function)) + ": " + w.condition, r);
      if (!fresh && before(r, it->second)) it->second = r;
    }
  }

  // A transition ran from a state reached by `path`, into `child` at `cost`: check it, and send the
  // state to its owner.
  void generated(Node& child, const Path& path, uint64_t code, unsigned cost) {
    ++res_.transitions;
    Reached r{static_cast<uint8_t>(cost), path};
    r.path.push_back(code);
    const uint64_t h = hash(child);
    for (const auto& v : check::check_history(child.s, child.seen, 0)) note_violation(v.invariant, r);
    note_warnings(child, r);
    if (h == 0 || checked_[slot(h)] != h) {
      const auto found = check::check_state(child.s, true);
      for (const auto& v : found) note_violation(v.invariant, r);
      if (found.empty()) checked_[slot(h)] = h;
    }
    // A state at the last level is not expanded: its owner needs only to count it.
    if (cost == opt_.depth) r.path.clear();
    auto [it, fresh] = outgoing_[owner(h)].try_emplace(h, r);
    if (!fresh && before(r, it->second)) it->second = std::move(r);
  }

  // Every transition from `n` (reached by `path`, at `level`), in the depth-first engine's order.
  void expand(const Node& n, const Path& path, unsigned level) {
    const bool nesting = opt_.interleave && level + 2 <= opt_.depth;
    std::vector<std::optional<Observed>> seen(alphabet_.size());
    for (size_t i = 0; i < alphabet_.size(); ++i) {
      const Op& op = alphabet_[i];
      const bool observe = opt_.interleave && op.fault.empty() && nesting;
      Node& child = step(n, op, observe ? &seen[i].emplace() : nullptr);
      generated(child, path, plain_step(i), level + 1);
    }
    if (!nesting) return;
    // Another CPU's operation inside each, at each point it passed, where the locks allow it
    // (as the depth-first engine builds them; refused when the inner operation would block).
    for (size_t i = 0; i < alphabet_.size(); ++i) {
      if (!seen[i]) continue;
      for (size_t place = 0; place < seen[i]->points.size(); ++place) {
        const PointVisit& pv = seen[i]->points[place];
        for (size_t j = 0; j < alphabet_.size(); ++j) {
          if (!alphabet_[j].fault.empty() || !seen[j] || blocked(pv.held, seen[j]->taken)) continue;
          const uint64_t code = nested_step(i, place, j, pv.at, pv.nth);
          Node* child = nullptr;
          try {
            child = &step(n, op_of(code), nullptr);
          } catch (const NestingRefused&) {
            ++res_.refused_nestings;
            continue;
          }
          generated(*child, path, code, level + 2);
        }
      }
    }
  }

  static bool blocked(const std::vector<kernel::HeldLock>& held, const std::vector<kernel::HeldLock>& taken) {
    for (const auto& h : held)
      for (const auto& t : taken)
        if (kernel::conflicts(h, t)) return true;
    return false;
  }

  // A state reached at `r.cost` arrives at its owner: new, or reached before at a lower cost, or at
  // the same cost (then the lesser trace stays, for the expansion to come).
  void receive(uint64_t h, Reached r) {
    auto [it, fresh] = visited_.try_emplace(h, r.cost);
    if (!fresh) {
      ++res_.revisits;
      if (it->second < r.cost) return;
      if (it->second == r.cost) {
        if (r.cost < opt_.depth) {
          Path& kept = pending_[r.cost].at(h);
          if (r.path < kept) kept = std::move(r.path);
        }
        return;
      }
      // Known one level deeper (a nesting from the previous level reached it): it moves up.
      --level_count_[it->second];
      pending_[it->second].erase(h);
      it->second = r.cost;
    }
    ++level_count_[r.cost];
    if (r.cost < opt_.depth) pending_[r.cost][h] = std::move(r.path);
  }

  // Sends what this rank generated to the owners, takes in what it owns.
  void exchange() {
    std::vector<std::string> to(ex_.ranks());
    for (unsigned d = 0; d < ex_.ranks(); ++d) {
      Writer w;
      for (const auto& [h, r] : outgoing_[d]) {
        w.put(h);
        w.put(r);
      }
      outgoing_[d].clear();
      to[d] = w.take();
    }
    for (const std::string& in : ex_.all_to_all(to))
      for (Reader rd(in); !rd.done();) {
        const auto h = rd.get<uint64_t>();
        receive(h, rd.reached());
      }
  }

  // Expands level k on every rank, in batches; false when interrupted.
  bool round(unsigned k) {
    std::vector<std::pair<uint64_t, Path>> frontier;
    frontier.reserve(pending_[k].size());
    for (auto& [h, path] : pending_[k]) frontier.emplace_back(h, std::move(path));
    pending_[k].clear();
    size_t next = 0;
    for (;;) {
      const bool stop = opt_.interrupt && *opt_.interrupt;
      for (const auto until = Clock::now() + kBatch; !stop && next < frontier.size();) {
        replay(frontier[next].second, node_);
        expand(node_, frontier[next].second, k);
        if (++next < frontier.size() && Clock::now() >= until) break;
      }
      exchange();
      const auto totals = ex_.sum({frontier.size() - next, stop ? 1u : 0u});
      if (totals[1] > 0) return false;
      if (totals[0] == 0) return true;
    }
  }

  // The least of every rank's `mine` of cost at most `cost`, on every rank.
  std::optional<Reached> least_over_ranks(const std::optional<Reached>& mine, unsigned cost) {
    Writer w;
    if (mine && mine->cost <= cost) w.put(*mine);
    std::optional<Reached> least;
    for (const std::string& in : ex_.all_gather(w.take()))
      for (Reader rd(in); !rd.done();) keep_least(least, rd.reached());
    return least;
  }

  // The least over ranks of each key's Reached.
  template <class Key>
  std::map<Key, Reached> merged(const std::map<Key, Reached>& mine) {
    Writer w;
    for (const auto& [key, r] : mine) {
      if constexpr (std::is_same_v<Key, std::string>) w.put(key);
      else w.put(static_cast<int64_t>(key));
      w.put(r);
    }
    std::map<Key, Reached> all;
    for (const std::string& in : ex_.all_gather(w.take()))
      for (Reader rd(in); !rd.done();) {
        Key key;
        if constexpr (std::is_same_v<Key, std::string>) key = rd.text();
        else key = static_cast<Key>(rd.get<int64_t>());
        Reached r = rd.reached();
        auto [it, fresh] = all.try_emplace(key, r);
        if (!fresh && before(r, it->second)) it->second = std::move(r);
      }
    return all;
  }

  // The violations of the transition `r` reached, found again by replaying it (rank 0 only).
  std::vector<check::Violation> violations_at(const Reached& r) {
    if (r.path.empty()) return root_violations_;
    Node parent;
    replay(Path(r.path.begin(), r.path.end() - 1), parent);
    Node& n = step(parent, op_of(r.path.back()), nullptr);
    auto found = violations_of(n);
    for (auto& v : found) v.step = describe(op_of(r.path.back()));
    return found;
  }

  ExploreResult finish(const std::optional<Reached>& stop_at, bool interrupted) {
    res_.interrupted = interrupted;
    // Only the levels the search finished count: a nesting from the last one reached further.
    uint64_t unique = 0;
    for (unsigned l = 0; l <= res_.depth_reached && l < level_count_.size(); ++l) unique += level_count_[l];
    const double cpu = thread_cpu_seconds() - start_cpu_;
    const auto totals = ex_.sum({unique, res_.transitions, res_.revisits, res_.refused_nestings, res_.reexecutions,
                                 static_cast<uint64_t>(cpu * 1e9)});
    res_.unique = totals[0];
    res_.transitions = totals[1];
    res_.revisits = totals[2];
    res_.refused_nestings = totals[3];
    res_.reexecutions = totals[4];
    res_.cpu_seconds = static_cast<double>(totals[5]) * 1e-9;  // every rank's: the rate per CPU second compares
    const auto warnings = merged(warnings_);
    // Fail-early: the least violating transition (at the level the search stopped at; or, interrupted,
    // the least found so far), whose violations are all reported, as the depth-first engine's first.
    const std::optional<Reached> first = opt_.all ? std::nullopt : stop_at ? stop_at : least_over_ranks(best_any_, 255);
    const auto per_invariant = opt_.all ? merged(best_inv_) : std::map<int, Reached>{};
    if (ex_.rank() == 0) {
      for (const auto& [inv, r] : per_invariant)
        for (const auto& v : violations_at(r))
          if (v.invariant == inv) res_.found[inv] = {v, ops_of(r.path)};
      if (first)
        for (const auto& v : violations_at(*first)) res_.found.try_emplace(v.invariant, Counterexample{v, ops_of(first->path)});
      for (const auto& [site, r] : warnings)
        // Stopped at a violation, the depth-first engine had reached only the sites before it.
        if (!stop_at || !before(*stop_at, r)) res_.warnings.emplace(site, ops_of(r.path));
    }
    res_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return std::move(res_);
  }

  ExploreOptions opt_;
  Exchange& ex_;
  std::vector<Op> alphabet_;
  Node root_;
  std::vector<check::Violation> root_violations_;
  Node node_, child_;  // the state being expanded, and the child being built (reused: no allocation per state)
  ExploreResult res_;
  Symmetry sym_;   // the renamings symmetry reduction uses (ExploreOptions::symmetry)
  bool steps_named_ = false;  // some fault rule is limited to a named step
  // Owned states: hash -> the least cost it was reached at; per level, those not yet expanded
  // (with their least trace) and how many there are.
  std::unordered_map<uint64_t, uint8_t> visited_;
  std::vector<std::unordered_map<uint64_t, Path>> pending_;
  std::vector<uint64_t> level_count_;
  // Generated this batch, by owner: hash -> least (cost, trace), sent at the batch's end.
  std::vector<std::unordered_map<uint64_t, Reached>> outgoing_;
  std::vector<uint64_t> checked_;
  // The least violating transition, per invariant and of all; each WARN site's least transition.
  std::optional<Reached> best_any_;
  std::map<int, Reached> best_inv_;
  std::map<std::string, Reached> warnings_;
  Clock::time_point start_;
  double start_cpu_ = 0;
};

}  // namespace

ExploreResult explore_distributed(const io::Scenario& sc, policy::AtsVariant v, const ExploreOptions& opt, Exchange& ex) {
  ExploreResult r = BfsExplorer(sc, v, opt, ex).run();
  // As explore() does; on rank 0, which alone holds the counterexamples.
  if (!r.interrupted)
    for (auto& [inv, cx] : r.found) cx.trace = minimise(sc, v, r.prefix, std::move(cx.trace), inv);
  return r;
}

}  // namespace atslab::sim
