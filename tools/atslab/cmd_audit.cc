// atslab audit: per device of a machine and per variant, what the kernel decides about ATS at
// boot and why, and what handing the device to VFIO and releasing it then does (sim/audit.h).
#include <fmt/format.h>

#include <memory>

#include "command.h"
#include "io/input_error.h"
#include "io/scenario.h"
#include "io/scenario_host.h"
#include "sim/audit.h"

namespace {

struct AuditCliOptions {
  std::string scenario;
  std::vector<std::string> lspci, acpi;  // a host straight from its files, instead of a scenario
  std::string variant;  // "": the scenario's own variants
  int vfs = -1;
  bool json = false;
  std::string driver = "model";
};

std::string list(const std::vector<int>& v) {
  std::string o;
  for (int n : v) o += (o.empty() ? "" : ",") + std::to_string(n);
  return o;
}

std::string on_off(const std::optional<bool>& b) { return !b ? "-" : *b ? "on" : "off"; }

// "upstream    probe: supported  driver on   hardware off  enable -EINVAL  WARN pci_disable_ats on VFIO_GROUP_SET_CONTAINER ..."
std::string verdict_line(const atslab::sim::AuditVerdict& v) {
  using namespace atslab;
  std::string line = fmt::format("  {:<11} ", policy::name(v.variant));
  // pci_ats_supported() as the IOMMU's probe_device saw it (the IOMMU driver's own checks are in `why`).
  line += !v.probed ? "no IOMMU               " : fmt::format("pci_ats_supported: {:<4} ", v.supported_at_probe.value_or(false) ? "yes" : "no");
  line += fmt::format("driver {:<3}  hardware {:<3}", on_off(v.belief), v.hardware ? "on" : "off");
  if (v.belief && *v.belief != v.hardware) line += "  <- apart";
  if (!v.boot_violations.empty()) line += "  inv " + list(v.boot_violations) + " at boot";
  if (v.warns.empty() && v.handover_violations.empty() && v.handover_error.empty()) line += "  hand-over clean";
  for (const auto& w : v.warns)
    line += fmt::format("\n{:14}WARN in {}{} on `{}`", "", w.function, w.where.empty() ? "" : " (" + w.where + ")", w.step);
  if (!v.handover_violations.empty()) line += fmt::format("\n{:14}hand-over breaks invariants {}", "", list(v.handover_violations));
  if (!v.handover_error.empty()) line += fmt::format("\n{:14}hand-over stopped: {}", "", v.handover_error);
  for (const auto& why : v.why) line += fmt::format("\n{:14}why: {}", "", why);
  return line;
}

nlohmann::json audit_json(const atslab::sim::Audit& a) {
  using namespace atslab;
  nlohmann::json devices = nlohmann::json::array();
  for (const auto& d : a.devices) {
    nlohmann::json vs = nlohmann::json::array();
    for (const auto& v : d.verdicts) {
      nlohmann::json warns = nlohmann::json::array();
      for (const auto& w : v.warns) warns.push_back({{"step", w.step}, {"function", w.function}, {"where", w.where}});
      vs.push_back({{"variant", std::string(policy::name(v.variant))},
                    {"probed", v.probed},
                    {"ats_supported_at_probe", v.supported_at_probe ? nlohmann::json(*v.supported_at_probe) : nlohmann::json()},
                    {"driver_ats_enabled", v.belief ? nlohmann::json(*v.belief) : nlohmann::json()},
                    {"hardware_ats_enable", v.hardware},
                    {"enable_error", v.enable_error ? nlohmann::json(*v.enable_error) : nlohmann::json()},
                    {"why", v.why},
                    {"boot_violations", v.boot_violations},
                    {"handover_warnings", warns},
                    {"handover_violations", v.handover_violations},
                    {"handover_error", v.handover_error}});
    }
    devices.push_back({{"bdf", d.bdf},
                       {"name", d.name},
                       {"kind", d.kind},
                       {"vendor_id", fmt::format("{:04x}", d.vendor)},
                       {"device_id", fmt::format("{:04x}", d.device)},
                       {"variants", vs}});
  }
  return {{"scenario", a.scenario}, {"notes", a.notes}, {"devices", devices}};
}

atslab::cli::Register reg{
    "audit",
    "Per device and variant: will ATS be on, why not, and does handing the device to VFIO hit the seed's WARN",
    [](CLI::App& sub) {
      auto o = std::make_shared<AuditCliOptions>();
      sub.add_option("scenario", o->scenario, "The machine, as a scenario file (YAML); its workload is not run");
      sub.add_option("--lspci", o->lspci, "Instead of a scenario: the host's lspci -xxxx dumps (repeatable)")
          ->check(CLI::ExistingFile);
      sub.add_option("--acpi", o->acpi, "With --lspci: the host's IORT, DMAR or IVRS (repeatable)")->check(CLI::ExistingFile);
      sub.add_option("--variant", o->variant, "One variant, or all (default: the scenario's own list)");
      sub.add_option("--vfs", o->vfs, "VFs to enable on each SR-IOV PF with a driver (default: up to 2)")
          ->check(atslab::cli::Unsigned)
          ->check(CLI::Range(0, 65535));
      sub.add_flag("--json", o->json, "Print one JSON document");
      atslab::cli::add_driver_option(sub, o->driver);
      return [o]() -> int {
        using namespace atslab;
        if (!o->acpi.empty() && o->lspci.empty()) throw InputError("--acpi needs --lspci: the tables place the dumps' devices");
        if (o->scenario.empty() && o->lspci.empty())
          throw InputError("give a scenario file, or the host's --lspci dumps (with its --acpi tables)");
        if (!o->scenario.empty() && !o->lspci.empty())
          throw InputError("give a scenario file or the host's --lspci dumps, not both");
        io::Scenario sc = o->lspci.empty() ? io::load_scenario(o->scenario)
                                           : io::host_scenario(io::build_host(o->lspci, o->acpi, hw::pcie::IommuKind::Smmuv3, true), "host");
        cli::drive_with(sc, cli::driver_arg(o->driver));  // VFIO's close resets: the core as the tree's kernel has it
        sim::AuditOptions opt;
        opt.variants = o->variant.empty() ? sc.variants : cli::variants_arg(o->variant);
        opt.vfs = o->vfs;
        const sim::Audit a = sim::audit_scenario(sc, opt);
        if (o->json) {
          fmt::print("{}\n", audit_json(a).dump(2));
          return 0;
        }
        const std::string banner = cli::driver_banner(sc.driver, io::uses_smmuv3(sc));
        if (!banner.empty()) fmt::print("{}\n", banner);
        fmt::print("audit: {} ({}): each device handed to VFIO and released on its own copy of the booted machine\n",
                   sc.name, sc.path);
        // Which kernel the verdicts are for: a 6.12-stable host's differ (docs/fidelity.md, "Which kernel").
        if (sc.driver == policy::Driver::Model)
          fmt::print("kernel: atslab's model of the 2026 PCI core, IOMMU core and drivers, under each variant's switches "
                     "(--driver source runs a kernel tree's own code; docs/fidelity.md, \"Which kernel\")\n");
        for (const auto& n : a.notes) fmt::print("note: {}\n", n);
        if (a.devices.empty()) fmt::print("no function with an ATS capability\n");
        for (const auto& d : a.devices) {
          fmt::print("{} {} ({:04x}:{:04x}, {})\n", d.bdf, d.name, d.vendor, d.device, d.kind);
          for (const auto& v : d.verdicts) fmt::print("{}\n", verdict_line(v));
        }
        return 0;
      };
    }};

}  // namespace
