#include "io/scenario_host.h"

#include <fmt/format.h>

#include "hw/pcie/capabilities.h"
#include "io/acpi/placement.h"
#include "io/input_error.h"
#include "io/lspci_dump.h"
#include "sim/builders.h"

namespace atslab::io {

using namespace hw::pcie;

HostMachine build_host(const std::vector<std::string>& lspci, const std::vector<std::string>& acpi, IommuKind iommu,
                       bool rc_ats) {
  HostMachine h;
  h.lspci = lspci;
  h.acpi = acpi;
  std::vector<ImportedFunction> fns;
  for (const auto& file : lspci) {
    auto mine = load_lspci_dump(file);
    fns.insert(fns.end(), mine.begin(), mine.end());
  }
  // One host's dumps: every function keeps its segment (a second file is not another machine).
  sim::MachineOptions opt{.iommu = iommu, .rc_ats = rc_ats, .one_host = true};
  Topology t = sim::dump_topology(fns, opt, h.notes);
  if (!acpi.empty()) {
    std::vector<acpi::AnyTable> tables;
    for (const auto& file : acpi) tables.push_back(acpi::load_any(file));
    acpi::Placement p = acpi::place_behind_iommus(t, tables);
    h.placed = std::move(p.placed);
    h.notes.insert(h.notes.end(), p.notes.begin(), p.notes.end());
    for (const auto& tb : tables)
      for (const auto& n : acpi::raw(tb).notes) h.notes.push_back(acpi::raw(tb).source + ": " + n);
  }
  h.topology = std::make_shared<const Topology>(std::move(t));
  return h;
}

std::string host_device_problem(const HostMachine& h, Bdf at) {
  const Topology& t = *h.topology;
  const FnId f = t.find(at.domain, at);
  if (f == kNoFn) return fmt::format("no function at {} in the dumps (or Linux's scan would not find it)", at.str());
  if (has_bus_numbers(t.fn(f).cfg)) return fmt::format("{} is a bridge, not a device a workload can bind", at.str());
  return "";
}

std::vector<DeviceSpec> host_devices(const HostMachine& h, const std::vector<HostName>& names) {
  const Topology& t = *h.topology;
  std::vector<DeviceSpec> out;
  for (FnId f = 0; f < t.functions().size(); ++f) {
    const Function& fn = t.fn(f);
    if (fn.is_vf() || has_bus_numbers(fn.cfg)) continue;
    DeviceSpec d;
    d.name = fn.bdf.str();
    d.at = fn.bdf;
    for (const auto& n : names)
      if (n.at == fn.bdf) {
        if (!n.name.empty()) d.name = n.name;
        d.driver = n.driver;
      }
    // What explore, stress and the workload checks read of a device: its SR-IOV capability.
    if (const uint16_t pos = find_ext_cap(fn.cfg, ext_cap::kSriov))
      d.sriov = SriovCapSpec{.total_vfs = fn.cfg.read16(pos + sriov::kTotalVf),
                             .vf_offset = fn.cfg.read16(pos + sriov::kVfOffset),
                             .vf_stride = fn.cfg.read16(pos + sriov::kVfStride),
                             .vf_device = fn.cfg.read16(pos + sriov::kVfDid)};
    if (find_ext_cap(fn.cfg, ext_cap::kAts)) d.ats = AtsCapSpec{};
    out.push_back(std::move(d));
  }
  return out;
}

std::string spread_smmu_specs(Scenario& sc) {
  size_t n = 0;
  for (const auto& rc : sc.host->topology->root_complexes()) n += rc.iommu == IommuKind::Smmuv3;
  if (sc.smmus.empty()) sc.smmus.push_back({});
  if (sc.smmus.size() != 1 && sc.smmus.size() != n)
    return fmt::format("{} entries for {} SMMUs (one per root complex behind an SMMUv3): give one for all, or one each",
                       sc.smmus.size(), n);
  if (sc.smmus.size() == 1) sc.smmus.resize(std::max<size_t>(n, 1), sc.smmus.front());
  return "";
}

Scenario host_scenario(HostMachine h, const std::string& name) {
  Scenario sc;
  sc.path = name;
  sc.name = name;
  sc.host = std::move(h);
  sc.devices = host_devices(*sc.host, {});
  if (sc.devices.empty()) throw InputError("the dumps hold no device (only bridges)");
  // A PF's VFs come from its own driver (sriov_numvfs needs one): bound at boot, as on the host.
  for (auto& d : sc.devices)
    if (d.sriov && d.sriov->total_vfs > 0) d.driver = "native";
  spread_smmu_specs(sc);
  sc.rcs.push_back({});  // unused: the root complexes are the dumps'
  // The variants other than upstream and fail-early change only the SMMUv3 driver.
  if (uses_smmuv3(sc))
    sc.variants.assign(policy::kAllVariants.begin(), policy::kAllVariants.end());
  else
    sc.variants = {policy::AtsVariant::Upstream, policy::AtsVariant::FailEarly};
  return sc;
}

}  // namespace atslab::io
