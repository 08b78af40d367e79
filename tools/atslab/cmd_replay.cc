// atslab replay: run a replay file (from atslab stress) again, step by step.
#include <fmt/format.h>
#include <filesystem>
#include <memory>

#include "command.h"
#include "io/fault_plan.h"
#include "io/input_error.h"
#include "io/replay_file.h"
#include "io/scenario.h"
#include "linux/kernel/record.h"
#include "sim/non_compliance.h"
#include "sim/scenario_run.h"

namespace {

using atslab::InputError;

// The scenario a replay file names. A relative path is tried from the working directory
// first (stress writes the path it was given), then from the replay file's directory
// (a replay file kept next to its scenario); errors say the name came from the replay file.
atslab::io::Scenario load_named_scenario(const std::string& replay, const std::string& name) {
  namespace fs = std::filesystem;
  std::string path = name;
  std::error_code ec;
  if (fs::path(name).is_relative() && !fs::exists(name, ec)) {
    fs::path beside = fs::path(replay).parent_path() / name;
    if (fs::exists(beside, ec)) path = beside.string();
  }
  try {
    return atslab::io::load_scenario(path);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: field 'scenario' (relative names are tried from the working directory, then from "
                                 "the replay file's directory): {}",
                                 replay, e.what()));
  }
}

// Every device an operation names must be in the scenario's machine (a VF by its PF's name,
// within its TotalVFs), checked before the run so that the error names the operation.
void check_devices(const std::string& replay, const atslab::io::Scenario& sc, const std::vector<atslab::sim::Op>& ops) {
  for (size_t i = 0; i < ops.size(); ++i) {
    std::string where = fmt::format("{}: ops[{}]", replay, i);
    if (auto why = atslab::io::device_problem(sc, ops[i]); !why.empty())
      throw InputError(fmt::format("{}.device: {} in {}", where, why, sc.path));
    for (const auto& n : ops[i].nested)
      if (auto why = atslab::io::device_problem(sc, n.op); !why.empty())
        throw InputError(fmt::format("{}.interleave.op.device: {} in {}", where, why, sc.path));
  }
}

atslab::cli::Register reg{
    "replay", "Run a replay file written by atslab stress: the steps, the WARNs and the invariant violations",
    [](CLI::App& sub) {
      auto path = std::make_shared<std::string>();
      auto log = std::make_shared<bool>(false);
      auto driver = std::make_shared<std::string>("model");
      sub.add_option("file", *path, "Replay file (JSON)")->required();
      sub.add_flag("--log", *log, "Print the simulated dmesg");
      CLI::Option* driver_opt = atslab::cli::add_driver_option(sub, *driver);
      driver_opt->description(driver_opt->get_description() + " (default: the replay file's)");
      return [path, log, driver, driver_opt]() -> int {
        using namespace atslab;
        policy::Driver d = cli::driver_arg(*driver);
        auto rf = io::load_replay(*path);
        if (!driver_opt->count() && rf.driver) d = *rf.driver;
        auto sc = load_named_scenario(*path, rf.scenario);
        cli::drive_with(sc, d);  // the core as the tree's kernel has it, as explore found the trace
        check_devices(*path, sc, rf.ops);
        sim::ScenarioResult r;
        try {
          r = sim::run_ops(sc, rf.variant, rf.ops, rf.seed, rf.faults);
        } catch (const InputError& e) {
          throw InputError(fmt::format("{}: {}", *path, e.what()));
        }
        fmt::print("{}", cli::driver_banner(d, io::uses_smmuv3(sc)));
        const std::string plan = faults::combined_plan(sc.faults, rf.faults);  // the file's rules, then the replay's
        fmt::print("{} under {} (seed {}, faults '{}'): {} steps\n", sc.name, policy::name(rf.variant), rf.seed, plan, r.steps.size());
        for (size_t i = 0; i < r.steps.size(); ++i) fmt::print("  {:>4}  {} -> {}\n", i, r.steps[i].what, r.steps[i].ret);
        if (*log)
          for (const auto& l : r.final.record.log) fmt::print("{}\n", kernel::format_dmesg(l));
        for (const auto& w : r.final.record.warnings) fmt::print("{}", kernel::format_warning(w));
        for (const auto& v : r.violations) fmt::print("  #{} {}: {}  [after: {}]\n", v.invariant, v.objects, v.detail, v.step);
        for (const auto& n : sim::endpoint_non_compliance(r.final)) fmt::print("  non-compliant endpoint in force: {}\n", n);
        for (const auto& line : faults::describe(faults::rule_counts(r.final))) fmt::print("  {}\n", line);
        return 0;
      };
    }};

}  // namespace
