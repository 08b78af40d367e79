// atslab acpi: the IOMMU topology a host's firmware gives (IORT, DMAR, IVRS), per table.
#include <iostream>
#include <memory>

#include "command.h"
#include "io/acpi/report.h"

namespace {

struct AcpiOptions {
  std::vector<std::string> files;
  std::vector<std::string> devices;
  bool json = false;
};

atslab::cli::Register reg{
    "acpi", "Read IORT, DMAR and IVRS tables (binary or iasl -d text): which IOMMU serves which PCI device",
    [](CLI::App& sub) {
      auto o = std::make_shared<AcpiOptions>();
      sub.add_option("FILE", o->files, "Table as /sys/firmware/acpi/tables holds it, acpixtract writes it, or iasl -d prints it")
          ->required();
      sub.add_option("--device", o->devices, "[SSSS:]BB:DD.F: which IOMMU (and StreamID) serves this function (repeatable)")
          ->allow_extra_args(false);
      sub.add_flag("--json", o->json, "Print one JSON document (a list with one object per table)");
      return [o]() -> int {
        namespace acpi = atslab::io::acpi;
        std::vector<acpi::DeviceAddress> devices;
        for (const auto& d : o->devices) devices.push_back(acpi::parse_device_address(d));
        // Every file is read before anything is printed: a bad one gives its error alone.
        std::vector<acpi::AnyTable> tables;
        for (const auto& f : o->files) tables.push_back(acpi::load_any(f));
        if (o->json) {
          nlohmann::json all = nlohmann::json::array();
          for (const auto& t : tables) all.push_back(acpi::acpi_json(t, devices));
          std::cout << all.dump(2) << "\n";
        } else {
          // Whole before printing: a table that fails in its report leaves no half-written output.
          std::string text;
          for (size_t i = 0; i < tables.size(); ++i) text += (i ? "\n" : "") + acpi::acpi_text(tables[i], devices);
          std::cout << text;
        }
        return 0;
      };
    }};

}  // namespace
