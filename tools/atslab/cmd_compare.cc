// atslab compare-drivers: the same seeded workloads under atslab's model (configured as the tree
// is) and under the kernel tree's own code, compared step by step (sim/compare_drivers.h).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "command.h"
#include "io/input_error.h"
#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/tree_info.h"
#include "sim/compare_drivers.h"
#include "sim/explore.h"
#include "sim/workloads.h"

namespace {

struct CompareCliOptions {
  std::string scenario;
  std::string variant = "upstream";
  std::string workload;
  unsigned seeds = 10;
  size_t ops = 50;
  bool json = false;
};

atslab::cli::Register reg{
    "compare-drivers",
    "Run seeded workloads under the model (configured as the kernel tree is) and the tree's own code; "
    "exit status 1 when they disagree",
    [](CLI::App& sub) {
      auto o = std::make_shared<CompareCliOptions>();
      sub.add_option("scenario", o->scenario, "Scenario file (YAML)")->required();
      sub.add_option("--seeds", o->seeds, "Runs, seeded 1..N (default 10)")
          ->check(atslab::cli::Unsigned)
          ->check(CLI::Range(1u, 1000000u));
      sub.add_option("--ops", o->ops, "Random operations per run after the workload's set-up (default 50)")
          ->check(atslab::cli::Unsigned)
          ->check(CLI::Range(size_t{0}, size_t{1000000}));
      sub.add_option("--variant", o->variant,
                     "The design the model runs on the tree's base, to compare with a tree edited to it "
                     "(scripts/kernel-tree/design-*.sh): upstream (default), series-v3, fail-early, rollback or vtd-style");
      sub.add_option("--workload", o->workload,
                     "The stress workload both runs draw from (as stress --workload); default: pasid for a scenario "
                     "whose workload attaches PASIDs, else mixed");
      sub.add_flag("--json", o->json, "Print one JSON document");
      return [o]() -> int {
        using namespace atslab;
        const auto variant = policy::parse_variant(o->variant);
        if (!variant)
          throw InputError("unknown variant '" + o->variant +
                           "' (expected upstream, series-v3, fail-early, rollback or vtd-style)");
        const auto sc = io::load_scenario(o->scenario);
        cli::check_source_runs(sc, policy::Driver::Source, /*compare=*/true);
        if (!kernel_src::smmuv3::built())
          throw InputError("compare-drivers: this build has no source SMMUv3 driver (configure with -DATSLAB_SOURCE_SMMUV3=ON)");
        // A PASID scenario's own operations are not what stress draws: its workload is pasid's mix.
        const std::string wname = !o->workload.empty() ? o->workload : sim::uses_pasid(sc.workload) ? "pasid" : "mixed";
        const auto workload = sim::parse_workload(wname);
        if (!workload) throw InputError("unknown workload '" + wname + "' (expected one of: " + sim::workload_names() + ")");
        if (auto why = sim::workload_unfit(*workload, sc); !why.empty()) throw InputError(sc.path + ": " + why);
        const auto r = sim::compare_drivers(sc, {.seeds = o->seeds, .ops = o->ops, .variant = *variant, .workload = *workload});
        const auto model_only = sim::model_only_switches(sc);
        if (o->json) {
          nlohmann::json d = nlohmann::json::array();
          for (const auto& x : r.disagreements)
            d.push_back({{"seed", x.seed}, {"step", x.step}, {"op", x.op}, {"what", x.what}, {"model", x.model}, {"source", x.source}});
          nlohmann::json out = {{"runs", r.runs}, {"agree", r.agree}, {"disagreements", d}, {"variant", o->variant},
                                {"workload", wname}, {"driver", cli::driver_json(policy::Driver::Source, io::uses_smmuv3(sc))},
                                {"model_only", model_only}};
          std::cout << out.dump(2) << "\n";
        } else {
          fmt::print("{}", cli::driver_banner(policy::Driver::Source, io::uses_smmuv3(sc)));
          for (const auto& m : model_only)
            fmt::print("note: the model runs {}, the tree does not: a difference it causes is no finding\n", m);
          fmt::print("{} (the model: {} as linux {} is{}): {} runs of {} operations, {} agree\n", sc.name, o->variant,
                     kernel_src::tree().version, wname == "mixed" ? "" : "; workload " + wname, r.runs, o->ops, r.agree);
          for (const auto& x : r.disagreements)
            fmt::print("seed {} step {} ({}): {}\n  model:  {}\n  source: {}\n", x.seed, x.step, x.op, x.what, x.model, x.source);
        }
        return r.agree == r.runs ? 0 : 1;
      };
    }};

}  // namespace
