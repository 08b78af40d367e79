// atslab import: a host as its own files give it (lspci dumps, ACPI IORT/DMAR/IVRS) written as a
// scenario (io/host_yaml.h), which run, stress, explore and audit then take.
#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "command.h"
#include "io/host_yaml.h"
#include "io/input_error.h"
#include "io/scenario.h"
#include "io/scenario_host.h"

namespace {

struct ImportOptions {
  std::vector<std::string> lspci, acpi;
  std::string iommu = "smmuv3";
  std::string out = "-";
  std::string name = "host";
};

atslab::hw::pcie::IommuKind iommu_arg(const std::string& k) {
  using atslab::hw::pcie::IommuKind;
  if (k == "smmuv3") return IommuKind::Smmuv3;
  if (k == "vtd") return IommuKind::Vtd;
  if (k == "amd") return IommuKind::Amd;
  if (k == "none") return IommuKind::None;
  throw atslab::InputError("--iommu " + k + ": expected smmuv3, vtd, amd or none");
}

atslab::cli::Register reg{
    "import",
    "Write a host's lspci dumps and ACPI tables (IORT, DMAR, IVRS) as a scenario",
    [](CLI::App& sub) {
      auto o = std::make_shared<ImportOptions>();
      sub.add_option("--lspci", o->lspci, "lspci -xxxx (or -vvvxxxx) dump of the host (repeatable)")
          ->required()
          ->check(CLI::ExistingFile);
      sub.add_option("--acpi", o->acpi, "The host's IORT, DMAR or IVRS: binary (/sys/firmware/acpi/tables) or iasl -d text (repeatable)")
          ->check(CLI::ExistingFile);
      auto* iommu_given = sub.add_option("--iommu", o->iommu,
                                         "Without --acpi: the IOMMU every root complex is behind (smmuv3, vtd, amd, none; default smmuv3)");
      auto* name_given = sub.add_option("--name", o->name, "The scenario's name (default: the output file's, or host)");
      sub.add_option("-o,--output", o->out, "The scenario file to write (default: standard output)");
      return [o, iommu_given, name_given]() -> int {
        using namespace atslab;
        if (!o->acpi.empty() && iommu_given->count())
          throw InputError("--iommu: the --acpi tables say which IOMMU serves each root complex");
        std::vector<std::string> inputs = o->lspci;
        inputs.insert(inputs.end(), o->acpi.begin(), o->acpi.end());
        cli::check_output_path(o->out, inputs);
        // Named after the file it goes to, so that several hosts in one report stay apart.
        const std::string name = !name_given->count() && o->out != "-" ? std::filesystem::path(o->out).stem().string() : o->name;
        io::Scenario sc = io::host_scenario(io::build_host(o->lspci, o->acpi, iommu_arg(o->iommu), true), name);
        const std::string dir = o->out == "-" ? "." : std::filesystem::path(o->out).parent_path().string();
        const std::string text = io::host_scenario_yaml(sc, dir);
        cli::write_output(o->out, text);
        if (o->out != "-") {
          fmt::print("{}: {} devices; {} notes (in the file's comments)\n", o->out, sc.devices.size(), sc.host->notes.size());
          for (const auto& p : sc.host->placed) fmt::print("  {}\n", p);
        }
        return 0;
      };
    }};

}  // namespace
