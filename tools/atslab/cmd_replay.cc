// atslab replay: run a replay file (from atslab stress) again, step by step.
#include <fmt/format.h>
#include <memory>

#include "command.h"
#include "io/replay_file.h"
#include "io/scenario.h"
#include "linux/kernel/record.h"
#include "sim/scenario_run.h"

namespace {

atslab::cli::Register reg{
    "replay", "Run a replay file written by atslab stress: the steps, the WARNs and the invariant violations",
    [](CLI::App& sub) {
      auto path = std::make_shared<std::string>();
      auto log = std::make_shared<bool>(false);
      sub.add_option("file", *path, "Replay file (JSON)")->required();
      sub.add_flag("--log", *log, "Print the simulated dmesg");
      return [path, log]() -> int {
        using namespace atslab;
        auto rf = io::load_replay(*path);
        auto sc = io::load_scenario(rf.scenario);
        auto r = sim::run_ops(sc, rf.variant, rf.ops, rf.seed, rf.faults);
        fmt::print("{} under {} (seed {}, faults '{}'): {} steps\n", sc.name, policy::name(rf.variant), rf.seed, rf.faults, r.steps.size());
        for (size_t i = 0; i < r.steps.size(); ++i) fmt::print("  {:>4}  {} -> {}\n", i, r.steps[i].what, r.steps[i].ret);
        if (*log)
          for (const auto& l : r.final.record.log) fmt::print("{}\n", kernel::format_dmesg(l));
        for (const auto& w : r.final.record.warnings) fmt::print("{}", kernel::format_warning(w));
        for (const auto& v : r.violations) fmt::print("  #{} {}: {}  [after: {}]\n", v.invariant, v.objects, v.detail, v.step);
        return 0;
      };
    }};

}  // namespace
