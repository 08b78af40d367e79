// atslab explore: every operation sequence, forced fault and interleaving up to a depth, every invariant checked.
#include <fmt/format.h>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unistd.h>

#include "command.h"
#include "io/invariant_legend.h"
#include "mpi_launch.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "io/explore_json.h"
#include "io/input_error.h"
#include "io/output_file.h"
#include "io/scenario.h"
#include "sim/explore.h"
#include "sim/explore_bfs.h"
#include "sim/explore_mpi.h"
#include "sim/stress.h"

namespace {

struct ExploreCli {
  std::vector<std::string> inputs;
  std::string variant = "all";
  unsigned depth = 8;
  std::string faults;
  bool all = false;
  bool json = false;
  bool no_interleave = false;
  bool por = false;
  bool no_por = false;
  bool symmetry = false;
  bool no_symmetry = false;
  unsigned max_vfs = 2;
  std::string ops;
  size_t prefix = 0;
  std::string shard;
  std::string replay_dir;
  bool merge = false;
  std::string driver = "model";
  bool mpi = false;
};


std::vector<atslab::faults::Point> parse_fault_list(const std::string& text) {
  using namespace atslab;
  std::vector<faults::Point> out;
  if (text.empty() || text == "none") return out;
  if (text == "all") {
    for (size_t i = 0; i < faults::kPointCount; ++i) out.push_back(static_cast<faults::Point>(i));
    return out;
  }
  for (const auto& item : cli::split_commas(text)) {
    auto p = faults::parse_point(item);
    if (!p) {
      std::string known;
      for (size_t i = 0; i < faults::kPointCount; ++i) known += ", " + std::string(faults::name(static_cast<faults::Point>(i)));
      throw InputError(fmt::format("--faults: unknown fault point '{}' (expected all, none{})", item, known));
    }
    out.push_back(*p);
  }
  return out;
}

// The signal that interrupted the search (SIGINT, SIGTERM), 0 while none has: the search
// stops, what it found is printed, and the command exits with the signal's status.
volatile std::sig_atomic_t g_interrupt = 0;

void on_interrupt(int signo) { g_interrupt = signo; }

// Catches SIGINT and SIGTERM for as long as it lives.
class InterruptGuard {
 public:
  InterruptGuard() {
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

void print_table(const nlohmann::json& results) {
  // DEPTH is the deepest level searched completely, of the limit asked: a search that stops at its
  // first violation (without --all) has not completed the level that violation is on.
  fmt::print("{:<11} {:>7} {:>9} {:>10} {:>10} {:>10}  {}\n", "VARIANT", "DEPTH", "EXHAUSTED", "STATES", "UNIQUE",
             "STATES/S", "INVARIANTS (trace length)");
  for (const auto& r : results) {
    std::string inv;
    for (const auto& v : r["violations"])
      inv += fmt::format("{}{}({})", inv.empty() ? "" : ", ", v["invariant"].get<int>(), v["length"].get<size_t>());
    fmt::print("{:<11} {:>7} {:>9} {:>10} {:>10} {:>10.0f}  {}\n", r["variant"].get<std::string>(),
               fmt::format("{}/{}", r["depth_reached"].get<unsigned>(), r["depth"].get<unsigned>()),
               r["exhausted"].get<bool>() ? "yes" : "no", r["states"].get<uint64_t>(),
               r["unique"].get<uint64_t>(), r["states_per_second"].get<double>(), inv.empty() ? "-" : inv);
  }
  for (const auto& r : results)
    if (!r["exhausted"].get<bool>() && !r.value("interrupted", false) && !r["violations"].empty())
      fmt::print("{}: stopped at its first violation, on level {} (DEPTH is the levels searched completely); "
                 "--all searches on to the depth for every invariant\n",
                 r["variant"].get<std::string>(), r["depth_reached"].get<unsigned>() + 1);
  for (const auto& r : results)
    if (r.value("por", false))
      fmt::print("{}: partial-order reduction: {} transitions not run (each commutes with one explored before it), "
                 "{} states expanded again (reached with fewer asleep); --no-por runs them all\n",
                 r["variant"].get<std::string>(), r.value("por_skipped", uint64_t{0}), r.value("por_reexpanded", uint64_t{0}));
  for (const auto& r : results)
    if (r.value("one_cpu", false))
      fmt::print("{}: the tree's SMMUv3 driver keeps its heap outside the System: every state reached again from the "
                 "boot ({} re-executions), one CPU (no interleavings)\n",
                 r["variant"].get<std::string>(), r.value("reexecutions", uint64_t{0}));
  for (const auto& r : results)
    if (r.contains("non_compliance") && r["non_compliance"].is_array())
      for (const auto& n : r["non_compliance"])
        if (n.is_string()) fmt::print("{}: non-compliant endpoint in force: {}\n", r["variant"].get<std::string>(), n.get<std::string>());
  // The scenario's own plan fires in every state searched, whatever --faults says: a trace printed
  // below is not fault-free when it is set.
  if (!results.empty() && !results[0].value("scenario_faults", "").empty())
    fmt::print("the scenario's fault plan is in force in every state: '{}' (--faults forces faults on top of it; "
               "--faults none leaves it)\n",
               results[0]["scenario_faults"].get<std::string>());
  for (const auto& r : results)
    for (const auto& v : r["violations"]) {
      fmt::print("\n{}: invariant {} after {} operations: {} {}\n", r["variant"].get<std::string>(), v["invariant"].get<int>(),
                 v["length"].get<size_t>(), v.value("objects", ""), v.value("detail", ""));
      if (v.contains("steps"))
        for (size_t i = 0; i < v["steps"].size(); ++i) fmt::print("  {:>2}. {}\n", i + 1, v["steps"][i].get<std::string>());
      if (v.contains("replay") && !v["replay"].get<std::string>().empty())
        fmt::print("  replay: atslab replay {}\n", v["replay"].get<std::string>());
    }
  std::vector<int> seen;
  for (const auto& r : results)
    for (const auto& v : r["violations"]) seen.push_back(v["invariant"].get<int>());
  if (!seen.empty()) fmt::print("\n{}", atslab::io::invariant_legend(seen));
}

atslab::cli::Register reg{
    "explore", "Exhaustive search of operations, faults and interleavings from a scenario's machine",
    [](CLI::App& sub) {
      auto o = std::make_shared<ExploreCli>();
      sub.add_option("scenario", o->inputs, "Scenario file (with --merge: the JSON results of the shards)")->required();
      sub.add_option("--variant", o->variant, "A variant, or all");
      sub.add_option("--depth", o->depth, "Operations per trace (default 8)")->check(atslab::cli::Unsigned)->check(CLI::Range(1u, 40u));
      sub.add_option("--faults", o->faults, "Fault points each operation may be run with: all, none, or POINT,POINT...");
      sub.add_flag("--all", o->all, "Collect the first violation of every invariant instead of stopping at the first");
      sub.add_flag("--json", o->json, "Print one JSON document");
      sub.add_flag("--no-interleave", o->no_interleave, "Run operations one at a time (no other CPU at interleaving points)");
      sub.add_flag("--por", o->por,
                   "Partial-order reduction (sleep sets): do not run a transition again after one it commutes with");
      sub.add_flag("--no-por", o->no_por, "No partial-order reduction (the default)");
      sub.add_flag("--symmetry", o->symmetry,
                   "Symmetry reduction (the default): states that differ only by the numbering or the names (c0, c1) of VFIO "
                   "containers are one");
      sub.add_flag("--no-symmetry", o->no_symmetry, "No symmetry reduction: every state counted as it is");
      sub.add_option("--max-vfs", o->max_vfs, "VFs per PF in the operation alphabet (default 2)")->check(atslab::cli::Unsigned)->check(CLI::Range(0u, 8u));
      sub.add_option("--ops", o->ops, "Operation kinds to explore, e.g. vfio_set_container,vfio_unset_container (default: all)")
          ->check(CLI::Validator([](std::string& s) { return s.empty() ? std::string("names no operation (leave --ops out for all)") : std::string(); },
                                 "KINDS"));
      sub.add_option("--prefix", o->prefix, "Start after the scenario's first N workload operations")
          ->check(atslab::cli::Unsigned);
      sub.add_option("--shard", o->shard, "K/N: explore shard K of N (0 <= K < N); combine with --merge");
      sub.add_option("--replay-dir", o->replay_dir, "Write each violation's replay file here");
      sub.add_flag("--merge", o->merge, "Combine the --json results of the shards given as arguments");
      atslab::cli::add_driver_option(sub, o->driver);
      sub.add_flag("--mpi", o->mpi,
                   "Under mpirun: one breadth-first search over all the ranks, states dealt by hash (docs/exploration.md)");
      return [o]() -> int {
        using namespace atslab;
        // Under mpirun only rank 0 speaks (main() silenced the others), its refusals included.
        const cli::Launched job = cli::launched();
        if (o->mpi) {
          if (o->merge) throw InputError("--mpi and --merge: the distributed search has no shards to merge");
          if (!o->shard.empty()) throw InputError("--mpi and --shard: the ranks are the shards (--shard is for a search without MPI)");
          if (o->por) throw InputError("--mpi and --por: the reduction's sleep sets follow one depth-first path; not supported");
          if (cli::driver_arg(o->driver) != policy::Driver::Model)
            throw InputError("--mpi and --driver source: the tree's driver keeps its heap outside the System; not supported");
          if (!sim::mpi_built())
            throw InputError("--mpi: this atslab was built without MPI (install libopenmpi-dev, scripts/setup.sh does, and configure again)");
        } else if (job.size > 1) {
          throw InputError(fmt::format("explore: started by an MPI launcher as one of {} processes: add --mpi for one distributed "
                                       "search (without it every process would run the whole search alone)", job.size));
        }
        if (o->merge) {
          auto merged = io::merge_explore(o->inputs);
          if (o->json) std::cout << merged.dump(2) << "\n";
          else print_table(merged["results"]);
          return 0;
        }
        if (o->inputs.size() != 1) throw InputError("explore takes one scenario (several only with --merge)");
        auto sc = io::load_scenario(o->inputs[0]);
        cli::drive_with(sc, cli::driver_arg(o->driver));  // the tree's reset core with its driver, as run has
        cli::check_source_runs(sc, sc.driver);
        // Under --driver source the tree's SMMUv3 driver runs too (where built): its heap is outside
        // the System, so the search reaches each state by re-execution from the root, on one CPU.
        sim::ExploreOptions opt{.depth = o->depth, .faults = parse_fault_list(o->faults), .interleave = !o->no_interleave,
                                .all = o->all, .max_vfs = o->max_vfs, .progress = !o->json && isatty(2)};
        if (o->prefix > sc.workload.size())
          throw InputError(fmt::format("--prefix {}: the scenario has {} workload operations", o->prefix, sc.workload.size()));
        opt.prefix = o->prefix;
        if (o->por && o->no_por) throw InputError("--por and --no-por: choose one");
        opt.por = o->por;
        if (o->symmetry && o->no_symmetry) throw InputError("--symmetry and --no-symmetry: choose one");
        if (o->symmetry) opt.symmetry = true;
        if (o->no_symmetry) opt.symmetry = false;
        if (!o->ops.empty())
          for (const auto& item : cli::split_commas(o->ops)) {
            auto k = sim::parse_op_name(item);
            if (!k) throw InputError(fmt::format("--ops: unknown operation '{}'", item));
            opt.kinds.push_back(*k);
          }
        if (!o->shard.empty()) {
          auto kn = io::parse_shard(o->shard);
          if (!kn) throw InputError(fmt::format("--shard: expected K/N with 0 <= K < N, got '{}'", o->shard));
          std::tie(opt.shard, opt.shards) = *kn;
        }
        auto variants = cli::variants_arg(o->variant, sc);
        if (!o->replay_dir.empty()) io::check_output_dir(o->replay_dir);
        InterruptGuard guard;
        opt.interrupt = &g_interrupt;
        std::optional<sim::MpiSession> mpi;
        if (o->mpi) {
          mpi.emplace();
          opt.progress = opt.progress && mpi->exchange().rank() == 0;
        }
        nlohmann::json results = nlohmann::json::array();
        for (auto v : variants) {
          // The variants not yet started are left out (under MPI rank 0's word counts: all start the same ones).
          if (mpi ? mpi->exchange().sum({g_interrupt ? 1u : 0u})[0] > 0 : g_interrupt != 0) break;
          sim::ExploreResult r;
          if (mpi) {
            try {
              r = sim::explore_distributed(sc, v, opt, mpi->exchange());
            } catch (const std::exception& e) {
              std::cerr << "atslab: error: " << e.what() << std::endl;
              mpi->abort(2);
            }
            if (mpi->exchange().rank() != 0) continue;  // its results are in rank 0's
          } else {
            r = sim::explore(sc, v, opt);
          }
          auto j = io::explore_to_json(sc, r);
          for (auto& vj : j["violations"]) {
            std::string replay;
            if (!o->replay_dir.empty()) {
              int n = vj["invariant"].get<int>();
              replay = (std::filesystem::path(o->replay_dir) /
                        fmt::format("{}-{}-explore-inv{}.json", sc.name, policy::name(v), n)).string();
              auto ops = r.prefix;
              ops.insert(ops.end(), r.found.at(n).trace.begin(), r.found.at(n).trace.end());
              cli::write_output(replay, sim::replay_json(sc, v, sc.seed, "", ops));
            }
            vj["replay"] = replay;
          }
          j["driver"] = cli::driver_json(sc.driver, io::uses_smmuv3(sc));
          results.push_back(j);
        }
        const int signo = g_interrupt;
        if (mpi && mpi->exchange().rank() != 0) {
          if (signo) mpi->exit_interrupted(128 + signo);
          return 0;
        }
        if (o->json) {
          nlohmann::json out = {{"results", results}};
          if (signo) out["interrupted"] = true;
          std::cout << out.dump(2) << "\n";
        } else {
          fmt::print("{}", cli::driver_banner(sc.driver, io::uses_smmuv3(sc)));
          print_table(results);
          if (mpi)
            for (const auto& r : results)
              fmt::print("{}: breadth-first over {} MPI rank(s), {} states re-created from the start state by their "
                         "operations; STATES counts each level once\n",
                         r["variant"].get<std::string>(), mpi->exchange().ranks(), r["reexecutions"].get<uint64_t>());
          if (signo)
            fmt::print("\ninterrupted by {}: the search stopped early; the results above are what it had found (traces not "
                       "minimised)\n",
                       signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : fmt::format("signal {}", signo));
        }
        // As a process killed by the signal would report itself to the shell, but with the output complete.
        if (mpi && signo) mpi->exit_interrupted(128 + signo);
        return signo ? 128 + signo : 0;
      };
    }};

}  // namespace
