// atslab stress: random workloads over a scenario's machine, every invariant checked after every operation.
#include <fmt/format.h>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "command.h"
#include "io/invariant_legend.h"
#include "io/input_error.h"
#include "io/output_file.h"
#include "io/scenario.h"
#include "io/trace_events.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"
#include "sim/scenario_run.h"
#include "sim/stress.h"

namespace {

struct StressCli {
  std::string scenario;
  std::string variant = "all";
  std::string workload = "mixed";
  uint64_t seed = 1;
  size_t ops = 0;
  double seconds = 0;
  std::string faults;
  bool json = false;
  std::string replay_dir;
  unsigned interleave = 250;
  std::string trace;
  std::string driver = "model";
};

// Where a variant's trace goes: FILE itself for one variant, FILE's stem plus ".<variant>.json" for several.
std::string trace_path(const std::string& file, std::string_view variant, bool several) {
  return several ? atslab::cli::per_run_path(file, std::string(variant)) : file;
}

atslab::cli::Register reg{
    "stress", "Random workloads over a scenario's machine under fault injection, with every invariant checked",
    [](CLI::App& sub) {
      auto o = std::make_shared<StressCli>();
      sub.add_option("scenario", o->scenario, "Scenario file (its machine and kernel; its workload is not used)")->required();
      sub.add_option("--variant", o->variant, "A variant, or all (side by side)");
      sub.add_option("--workload", o->workload,
                     "One of " + atslab::sim::workload_names() + " (default mixed): its set-up, then its mix of operations");
      sub.add_option("--seed", o->seed, "RNG seed: the same seed gives the same run")->check(atslab::cli::Unsigned);
      auto* ops = sub.add_option("--ops", o->ops, "Random operations after the workload's set-up, 1 to 1000000000 (default 1000)")
                      ->check(atslab::cli::Unsigned)
                      ->check(CLI::Range(size_t{1}, size_t{1'000'000'000}));
      auto* seconds = sub.add_option("--seconds", o->seconds, "Run for this long instead (more than 0, at most 86400)")->excludes(ops);
      sub.add_option("--faults", o->faults, "Fault plan: POINT[:nth=N][:p=P][:step=NAME][:always][:err=-E...],...");
      sub.add_flag("--json", o->json, "Print one JSON document");
      sub.add_option("--trace", o->trace,
                     "Write a Chrome trace-event file (Perfetto): a track per CPU, SMMU and device; with several variants, "
                     "one file each: STEM.<variant>.json");
      sub.add_option("--replay-dir", o->replay_dir, "Write each first violation's replay file here");
      sub.add_option("--interleave", o->interleave,
                     "Per mille of operations given a second CPU's operation at an interleaving point (default 250, 0: one CPU)")
          ->check(atslab::cli::Unsigned)
          ->check(CLI::Range(0u, 1000u));
      atslab::cli::add_driver_option(sub, o->driver);
      return [o, seconds]() -> int {
        using namespace atslab;
        const policy::Driver driver = cli::driver_arg(o->driver);
        // 0 would mean "not given" (the default 1000 operations) while 1e-300 runs none; NaN passes
        // every range check (each comparison with it is false). The range is written out instead.
        if (seconds->count() && !(o->seconds > 0 && o->seconds <= 86400))
          throw InputError("--seconds: expected a number of seconds above 0, at most 86400");
        auto sc = io::load_scenario(o->scenario);
        cli::drive_with(sc, driver);  // the tree's reset core with its driver, as run has
        cli::check_source_runs(sc, driver);
        faults::parse_plan(o->faults);
        auto variants = cli::variants_arg(o->variant, sc);
        auto workload = sim::parse_workload(o->workload);
        if (!workload) throw InputError("unknown workload '" + o->workload + "' (expected one of: " + sim::workload_names() + ")");
        if (auto why = sim::workload_unfit(*workload, sc); !why.empty()) throw InputError(sc.path + ": " + why);
        if (*workload == sim::Workload::Pasid && driver == policy::Driver::Source && !io::only_smmuv3(sc))
          throw InputError("--workload pasid --driver source: PASIDs behind VT-d or AMD-Vi run on atslab's own drivers "
                           "only (the tree's intel and amd drivers are not built): run it without --driver source");
        if (!o->replay_dir.empty()) io::check_output_dir(o->replay_dir);
        if (!o->trace.empty())
          for (auto v : variants) cli::check_output_path(trace_path(o->trace, policy::name(v), variants.size() > 1));
        sim::StressOptions so{.seed = o->seed, .ops = o->ops ? o->ops : 1000, .seconds = o->seconds, .workload = *workload,
                              .faults = o->faults,
                              .progress = !o->json && isatty(2), .interleave_per_mille = o->interleave};
        std::vector<sim::StressResult> results;
        for (auto v : variants) {
          if (o->trace.empty()) {
            results.push_back(sim::run_stress(sc, v, so));
            continue;
          }
          // The trace is built as the run goes: a long run drops its record behind it.
          io::ChromeTrace trace(fmt::format("stress {} under {}, seed {}", sc.name, policy::name(v), o->seed), 1'000'000);
          size_t warnings_seen = 0;
          so.on_step = [&](const sim::StressStep& st) {
            trace.add_step(st.step);
            trace.add_events(st.s, st.events_from, st.events_to);
            trace.add_warnings(st.s, warnings_seen);
            warnings_seen = st.s.record.warnings.size();
            for (const auto& viol : st.violations) trace.add_violation(viol);
          };
          results.push_back(sim::run_stress(sc, v, so));
          std::string path = trace_path(o->trace, policy::name(v), variants.size() > 1);
          cli::write_output(path, trace.str());
          if (trace.dropped())
            std::cerr << fmt::format("atslab stress: {}: the trace keeps its first 1000000 events; {} more were left out\n", path,
                                     trace.dropped());
        }
        bool expectations_ok = true;
        std::vector<std::string> broken;  // one line each on stderr: why the exit status is 1
        // The plan in force: the scenario's rules, then --faults's.
        std::string plan = faults::combined_plan(sc.faults, o->faults);
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : results) {
          nlohmann::json firsts = nlohmann::json::array();
          for (const auto& [n, fv] : r.first) {
            std::string replay;
            if (!o->replay_dir.empty()) {
              replay = (std::filesystem::path(o->replay_dir) /
                        fmt::format("{}-{}-seed{}-inv{}.json", sc.name, policy::name(r.variant), r.seed, n)).string();
              cli::write_output(replay, sim::replay_json(sc, r.variant, r.seed, o->faults, fv.prefix));
            }
            firsts.push_back({{"invariant", n}, {"objects", fv.violation.objects}, {"detail", fv.violation.detail},
                              {"after_ops", fv.prefix.size()}, {"step", fv.violation.step}, {"replay", replay}});
          }
          // A scenario's expectations apply to stress runs too where they state "no violations"
          // (under --driver source, its rows for the tree: sim::expectations_for).
          std::string judged_by;
          const auto& expect = sim::expectations_for(sc, judged_by);
          for (const char* key : {"all", policy::name(r.variant).data()}) {
            auto it = expect.find(key);
            if (it != expect.end() && it->second.violations && it->second.violations->empty() && !r.first.empty()) {
              expectations_ok = false;
              const auto& [n, fv] = *r.first.begin();
              broken.push_back(fmt::format("{}:{}: {}.{} says {} has no violations; this run broke invariant {} after {} ops",
                                           sc.path, it->second.line, judged_by, key, policy::name(r.variant), n,
                                           fv.prefix.size()));
            }
          }
          out.push_back({{"variant", std::string(policy::name(r.variant))}, {"workload", std::string(sim::name(r.workload))},
                         {"seed", r.seed}, {"ops", r.ops},
                         {"ops_by_kind", r.ops_by_kind}, {"errors_by_kind", r.errors_by_kind},
                         {"commands_by_kind", r.commands_by_kind}, {"warnings", r.warnings}, {"warning_sites", r.warning_sites},
                         {"warnings_by_site", r.warnings_by_site},
                         {"first_violations", firsts}, {"atc_inv_to_ats_disabled", r.atc_inv_to_ats_disabled}, {"interleaved", r.interleaved},
                         {"non_compliance", r.non_compliance},
                         {"faults", plan}, {"fault_rules", faults::to_json(r.fault_rules)},
                         {"seconds", r.seconds}, {"ops_per_second", r.seconds > 0 ? r.ops / r.seconds : 0.0},
                         {"driver", cli::driver_json(driver, io::uses_smmuv3(sc))}});
        }
        if (o->json) {
          std::cout << out.dump(2) << "\n";
        } else {
          fmt::print("{}{}: workload {}, seed {}, faults {}\n", cli::driver_banner(driver, io::uses_smmuv3(sc)), sc.name, sim::name(*workload), o->seed,
                     plan.empty() ? "none" : "'" + plan + "'");
          fmt::print("{:<11} {:>8} {:>6} {:<24} {:>10} {:>12}\n", "VARIANT", "OPS", "WARNS", "INVARIANTS (first at op)", "ATC->OFF", "OPS/S");
          for (const auto& j : out) {
            std::string inv;
            for (const auto& f : j["first_violations"])
              inv += fmt::format("{}{}@{}", inv.empty() ? "" : ",", f["invariant"].get<int>(), f["after_ops"].get<size_t>());
            fmt::print("{:<11} {:>8} {:>6} {:<24} {:>10} {:>12.0f}\n", j["variant"].get<std::string>(), j["ops"].get<size_t>(),
                       j["warnings"].get<size_t>(), inv.empty() ? "-" : inv, j["atc_inv_to_ats_disabled"].get<size_t>(),
                       j["ops_per_second"].get<double>());
          }
          // Where each variant's WARNs fired: the column counts them, this says which they are.
          for (const auto& j : out)
            for (const auto& [site, n] : j["warnings_by_site"].items())
              fmt::print("  {}: {} x WARNING: {}\n", j["variant"].get<std::string>(), n.get<size_t>(), site);
          for (const auto& j : out)
            for (const auto& n : j["non_compliance"])
              fmt::print("  {}: non-compliant endpoint in force: {}\n", j["variant"].get<std::string>(), n.get<std::string>());
          for (const auto& j : out)
            for (const auto& f : j["first_violations"])
              fmt::print("  {} #{} after {} ops ({}): {} {}{}\n", j["variant"].get<std::string>(), f["invariant"].get<int>(),
                         f["after_ops"].get<size_t>(), f["step"].get<std::string>(), f["objects"].get<std::string>(),
                         f["detail"].get<std::string>(),
                         f["replay"].get<std::string>().empty() ? "" : "\n    replay: atslab replay " + f["replay"].get<std::string>());
          for (const auto& r : results)
            for (const auto& line : faults::describe(r.fault_rules)) fmt::print("  {}: {}\n", policy::name(r.variant), line);
          std::vector<int> seen;
          for (const auto& r : results)
            for (const auto& [n, fv] : r.first) seen.push_back(n);
          fmt::print("{}", io::invariant_legend(seen));
        }
        // After the results: the run is whole on stdout, and this says why the status is 1.
        for (const auto& b : broken) std::cerr << "atslab stress: " << b << "\n";
        return expectations_ok ? 0 : 1;
      };
    }};

}  // namespace
