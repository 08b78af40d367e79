// atslab report: one HTML page comparing scenarios under their variants.
#include <algorithm>
#include <fmt/format.h>

#include <memory>

#include "command.h"
#include "io/html_report.h"
#include "io/input_error.h"
#include "io/scenario.h"
#include "kernel_src/tree_info.h"
#include "sim/audit.h"
#include "sim/scenario_run.h"

namespace {

atslab::cli::Register reg{
    "report", "Write one self-contained HTML page comparing scenarios under every variant",
    [](CLI::App& sub) {
      auto files = std::make_shared<std::vector<std::string>>();
      auto out = std::make_shared<std::string>();
      auto driver = std::make_shared<std::string>("model");
      sub.add_option("scenario", *files, "Scenario files (YAML)")->required();
      sub.add_option("-o,--output", *out, "The HTML file to write")->required();
      atslab::cli::add_driver_option(sub, *driver);
      return [files, out, driver]() -> int {
        using namespace atslab;
        const policy::Driver d = cli::driver_arg(*driver);
        std::vector<io::Scenario> scenarios;
        for (const auto& f : *files) scenarios.push_back(io::load_scenario(f));
        // Every file the report reads: the scenarios, and a host's dumps and tables.
        std::vector<std::string> inputs = *files;
        for (const auto& sc : scenarios)
          if (sc.host) {
            inputs.insert(inputs.end(), sc.host->lspci.begin(), sc.host->lspci.end());
            inputs.insert(inputs.end(), sc.host->acpi.begin(), sc.host->acpi.end());
          }
        cli::check_output_path(*out, inputs);
        // The page's table has a row per scenario name: two scenarios of one name would be one row.
        for (size_t i = 0; i < scenarios.size(); ++i)
          for (size_t j = 0; j < i; ++j)
            if (scenarios[i].name == scenarios[j].name)
              throw InputError(fmt::format("{} and {} are both named '{}': the report would show them as one; give one "
                                           "another name (its `name:` field)",
                                           scenarios[j].path, scenarios[i].path, scenarios[i].name));
        for (auto& sc : scenarios) cli::drive_with(sc, d), cli::check_source_runs(sc, d);
        std::vector<io::ReportRun> runs;
        for (const auto& sc : scenarios)
          for (auto v : sc.variants) runs.push_back({&sc, sim::run_scenario(sc, v)});
        std::vector<sim::Audit> audits;
        for (const auto& sc : scenarios) audits.push_back(sim::audit_scenario(sc, {.variants = sc.variants}));
        cli::write_output(*out, io::html_report(runs, kernel_src::driver_line(d, std::any_of(scenarios.begin(), scenarios.end(), [](const io::Scenario& sc) { return io::uses_smmuv3(sc); })), audits));
        return 0;
      };
    }};

}  // namespace
