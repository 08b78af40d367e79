// atslab report: one HTML page comparing scenarios under their variants.
#include <memory>

#include "command.h"
#include "io/html_report.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"

namespace {

atslab::cli::Register reg{
    "report", "Write one self-contained HTML page comparing scenarios under every variant",
    [](CLI::App& sub) {
      auto files = std::make_shared<std::vector<std::string>>();
      auto out = std::make_shared<std::string>();
      sub.add_option("scenario", *files, "Scenario files (YAML)")->required();
      sub.add_option("-o,--output", *out, "The HTML file to write")->required();
      return [files, out]() -> int {
        using namespace atslab;
        cli::check_output_path(*out);
        std::vector<io::Scenario> scenarios;
        for (const auto& f : *files) scenarios.push_back(io::load_scenario(f));
        std::vector<io::ReportRun> runs;
        for (const auto& sc : scenarios)
          for (auto v : sc.variants) runs.push_back({&sc, sim::run_scenario(sc, v)});
        cli::write_output(*out, io::html_report(runs));
        return 0;
      };
    }};

}  // namespace
