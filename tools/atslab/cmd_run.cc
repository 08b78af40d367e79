// atslab run: run YAML scenarios under their variants and check their expectations.
#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/tree_info.h"
#include "io/fault_plan.h"
#include "io/input_error.h"
#include "io/repro_report.h"
#include "io/scenario.h"
#include "io/trace_events.h"
#include "linux/kernel/record.h"
#include "sim/compare_drivers.h"
#include "sim/final_state.h"
#include "sim/non_compliance.h"
#include "sim/scenario_run.h"

namespace {

// The first violation of each invariant, in invariant order (the run's record keeps them all).
std::vector<const atslab::check::Violation*> first_violations(const std::vector<atslab::check::Violation>& all) {
  std::map<int, const atslab::check::Violation*> first;
  for (const auto& v : all) first.emplace(v.invariant, &v);
  std::vector<const atslab::check::Violation*> out;
  for (const auto& [n, v] : first) out.push_back(v);
  return out;
}

nlohmann::json first_violations_json(const std::vector<atslab::check::Violation>& all) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto* v : first_violations(all))
    out.push_back({{"invariant", v->invariant}, {"step", v->step}, {"objects", v->objects}, {"detail", v->detail}});
  return out;
}

// "0000:01:00.1  ATS Enable=0 STU=12  master->ats_enabled=true  STE.EATS=0  nr_ats_masters=1"
std::string device_line(const atslab::sim::DeviceFinalState& d) {
  std::string line = fmt::format("{:<13}", d.bdf);
  if (d.removed) return line + " removed";
  line += d.ats_cap ? fmt::format(" ATS Enable={} STU={}", d.ats_enable ? 1 : 0, d.stu) : std::string(" no ATS");
  if (d.belief) line += fmt::format("  {}={}", d.belief_field, *d.belief);
  if (d.ste_eats) line += fmt::format("  STE.EATS={}", *d.ste_eats);
  if (d.nr_ats_masters) line += fmt::format("  nr_ats_masters={}", *d.nr_ats_masters);
  if (d.invs_ats_entry && d.ats_cap) line += fmt::format("  invs ATS entry={}", *d.invs_ats_entry ? "yes" : "no");
  if (atslab::sim::belief_apart(d)) line += "  <- belief differs from the hardware";
  else if (atslab::sim::ste_apart(d)) line += "  <- STE.EATS differs from the hardware";
  return line;
}

nlohmann::json devices_json(const std::vector<atslab::sim::DeviceFinalState>& all) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : all) {
    nlohmann::json j = {{"bdf", d.bdf}, {"removed", d.removed}, {"ats_cap", d.ats_cap}};
    if (d.ats_cap && !d.removed) j["ats_enable"] = d.ats_enable, j["stu"] = d.stu;
    if (d.belief) j[d.belief_field] = *d.belief;
    if (d.ste_eats) j["ste_eats"] = *d.ste_eats;
    if (d.nr_ats_masters) j["nr_ats_masters"] = *d.nr_ats_masters;
    if (d.invs_ats_entry && d.ats_cap) j["invs_ats_entry"] = *d.invs_ats_entry;
    out.push_back(j);
  }
  return out;
}

struct RunOptions {
  std::vector<std::string> scenarios;
  std::string variant;
  bool json = false;
  bool log = false;
  std::string trace;
  std::string driver = "model";
};

std::string list(const std::vector<int>& v) {
  std::string o;
  for (int n : v) o += (o.empty() ? "" : ",") + std::to_string(n);
  return o.empty() ? "-" : o;
}

// Several runs (scenarios or variants) write one trace each: NAME.<scenario>.<variant>.json.
bool several_runs(size_t scenarios, size_t variants) { return scenarios > 1 || variants > 1; }

std::string trace_path(const std::string& trace, const atslab::io::Scenario& sc, atslab::policy::AtsVariant v, bool several) {
  return several ? atslab::cli::per_run_path(trace, fmt::format("{}.{}", sc.name, atslab::policy::name(v))) : trace;
}

atslab::cli::Register reg{
    "run", "Run YAML scenarios under their variants; exit status 1 when an expectation fails",
    [](CLI::App& sub) {
      auto o = std::make_shared<RunOptions>();
      sub.add_option("scenario", o->scenarios, "Scenario files (YAML)")->required();
      sub.add_option("--variant", o->variant, "Run under this variant only (default: the scenario's own list)");
      sub.add_flag("--json", o->json, "Print one JSON document");
      sub.add_flag("--log", o->log, "Print each run's simulated dmesg");
      sub.add_option("--trace", o->trace,
                     "Write a Chrome trace-event file (Perfetto); with several runs, one file each: NAME.<scenario>.<variant>.json");
      atslab::cli::add_driver_option(sub, o->driver);
      return [o]() -> int {
        using namespace atslab;
        const policy::Driver driver = cli::driver_arg(o->driver);
        if (!o->trace.empty()) cli::check_output_path(o->trace, o->scenarios);
        std::vector<io::Scenario> scenarios;
        for (const auto& p : o->scenarios) scenarios.push_back(io::load_scenario(p));
        // A file the tree cannot run is refused when named alone; among several (scenarios/*.yaml,
        // as docs/kernel-source.md has a reviewer run their patch) it is skipped, saying why.
        std::vector<std::string> skipped;
        for (auto it = scenarios.begin(); it != scenarios.end();) {
          cli::drive_with(*it, driver);
          try {
            cli::check_source_runs(*it, driver);
            ++it;
          } catch (const InputError& e) {
            if (scenarios.size() + skipped.size() == 1) throw;
            skipped.push_back(e.what());
            it = scenarios.erase(it);
          }
        }
        if (scenarios.empty())
          throw InputError(fmt::format("none of the {} scenarios runs under --driver source (the first: {})", skipped.size(), skipped.front()));
        const bool smmuv3 = std::any_of(scenarios.begin(), scenarios.end(), [](const io::Scenario& sc) { return io::uses_smmuv3(sc); });
        if (!o->json) fmt::print("{}", cli::driver_banner(driver, smmuv3));
        if (!o->json)
          for (const auto& why : skipped) fmt::print("skipped: {}\n", why);

        std::optional<policy::AtsVariant> only;
        if (!o->variant.empty() && o->variant != "all") {
          only = policy::parse_variant(o->variant);
          if (!only) throw InputError("unknown variant '" + o->variant + "'");
        }
        // Every trace file is checked before the first run, so that a bad one leaves none written.
        // Two runs must not share a file (two scenario files with one name: the second would
        // overwrite the first's trace).
        if (!o->trace.empty()) {
          std::map<std::string, std::string> written;  // trace file -> the scenario file writing it
          for (const auto& sc : scenarios) {
            auto variants = only ? std::vector{*only} : sc.variants;
            for (auto v : variants) {
              const std::string path = trace_path(o->trace, sc, v, several_runs(scenarios.size(), variants.size()));
              cli::check_output_path(path, o->scenarios);
              if (auto [it, fresh] = written.try_emplace(path, sc.path); !fresh)
                throw InputError(fmt::format("--trace: {} and {} are both named '{}': their traces would be one file ({})",
                                             it->second, sc.path, sc.name, path));
            }
          }
        }
        bool ok = true;
        bool model_rows_failed = false;  // a --driver source run judged by `expect`, the model's rows, failed
        nlohmann::json out = nlohmann::json::array();
        for (const auto& sc : scenarios) {
          std::vector<policy::AtsVariant> variants = sc.variants;
          if (only) variants = {*only};
          if (!o->json) fmt::print("{} ({})\n", sc.name, sc.path);
          // A switch only the model has: the tree's rows are then of no kernel that exists.
          if (!o->json && driver == policy::Driver::Source)
            for (const auto& m : sim::model_only_switches(sc, kernel_src::smmuv3::built()))
              fmt::print("  note: the file sets {}, which the tree does not have: its rows are no kernel's, and not judged\n", m);
          nlohmann::json js = {{"scenario", sc.name}, {"path", sc.path}, {"driver", cli::driver_json(driver, io::uses_smmuv3(sc))},
                               {"variants", nlohmann::json::array()}};
          for (auto v : variants) {
            auto r = sim::run_scenario(sc, v);
            ok &= r.failed_expectations.empty();
            model_rows_failed |= !r.failed_expectations.empty() && r.judged_by == "expect";
            if (!o->trace.empty()) {
              std::string path = trace_path(o->trace, sc, v, several_runs(scenarios.size(), variants.size()));
              cli::write_output(path, io::chrome_trace(r.final, r.steps, r.violations,
                                                       fmt::format("{} under {}", sc.name, policy::name(v))));
            }
            if (o->json) {
              nlohmann::json warns = nlohmann::json::array();
              for (const auto& w : r.final.record.warnings) warns.push_back(kernel::format_warning(w));
              nlohmann::json steps = nlohmann::json::array();
              for (const auto& st : r.steps) steps.push_back({{"step", st.what}, {"ret", st.ret}});
              js["variants"].push_back({{"variant", std::string(policy::name(v))},
                                        {"passed", r.failed_expectations.empty()},
                                        {"judged_by", r.judged_by},
                                        {"failed_expectations", r.failed_expectations},
                                        {"warnings", warns},
                                        {"bugs", io::bugs_json(r.final.record)},
                                        {"violated_invariants", r.violated},
                                        {"atc_inv_to_ats_disabled", r.atc_inv_to_ats_disabled},
                                        {"non_compliance", sim::endpoint_non_compliance(r.final)},
                                        {"fault_rules", faults::to_json(faults::rule_counts(r.final))},
                                        {"steps", steps},
                                        {"first_violations", first_violations_json(r.violations)},
                                        {"devices", devices_json(sim::final_device_states(r.final))}});
              if (o->log) {
                nlohmann::json dmesg = nlohmann::json::array();
                for (const auto& l : r.final.record.log) dmesg.push_back(kernel::format_dmesg(l));
                js["variants"].back()["dmesg"] = dmesg;
              }
              continue;
            }
            fmt::print("  {:<11} {:<4} warnings {:<2} invariants {:<16} atc_inv->off {}{}\n", policy::name(v),
                       r.judged_by == "none" ? "-" : r.failed_expectations.empty() ? "ok" : "FAIL", r.final.record.warnings.size(), list(r.violated),
                       r.atc_inv_to_ats_disabled,
                       r.final.record.bugs.empty() ? "" : fmt::format(" kasan {}", r.final.record.bugs.size()));
            for (const auto& f : r.failed_expectations) fmt::print("    {}\n", f);
            for (const auto& n : sim::endpoint_non_compliance(r.final)) fmt::print("    non-compliant endpoint in force: {}\n", n);
            for (const auto& line : faults::describe(faults::rule_counts(r.final))) fmt::print("    {}\n", line);
            // A forced fault that failed nothing, said without --log too (which prints every step).
            if (!o->log)
              for (const auto& st : r.steps)
                if (st.fault_unfired) fmt::print("    step: {} -> {}\n", st.what, st.ret);
            // Where each invariant first broke, then what the run left per device: truth beside belief.
            if (!o->log)
              for (const auto* bad : first_violations(r.violations))
                fmt::print("    first #{} after {}: {}: {}\n", bad->invariant, bad->step, bad->objects, bad->detail);
            if (o->log) {
              for (const auto& st : r.steps) fmt::print("    step: {} -> {}\n", st.what, st.ret);
              // What each violated invariant saw, as replay prints it: a verdict a reader can check.
              for (const auto& bad : r.violations)
                fmt::print("    violation: #{} {}: {}  [after: {}]\n", bad.invariant, bad.objects, bad.detail, bad.step);
              for (const auto& l : r.final.record.log) fmt::print("    {}\n", kernel::format_dmesg(l));
              // WARN splats and KASAN reports interleaved as the kernel printed them (as repro shows them).
              fmt::print("{}", kernel::format_splats(r.final.record));
            }
            for (const auto& d : sim::final_device_states(r.final)) fmt::print("    {}\n", device_line(d));
          }
          out.push_back(js);
        }
        if (o->json) {
          for (const auto& why : skipped) out.push_back({{"skipped", why}});
          std::cout << out.dump(2) << "\n";
        }
        // A file's expect: block is atslab's rows for each design; a trial user took the tree's
        // unmet ones for a run that broke. expect_source: pins a tree's own rows.
        if (!o->json && model_rows_failed && driver == policy::Driver::Source)
          fmt::print("note: expect: blocks state atslab's model of each design; under --driver source an unmet one "
                     "shows where the tree's code differs from it; a file's expect_source: block for linux {} would "
                     "pin that tree's own rows (docs/kernel-source.md)\n",
                     kernel_src::tree().version);
        return ok ? 0 : 1;
      };
    }};

}  // namespace
