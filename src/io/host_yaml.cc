#include "io/host_yaml.h"

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "hw/pcie/capabilities.h"
#include "io/pci_ids.h"

namespace atslab::io {

namespace {

// A double-quoted YAML scalar (JSON's string syntax is YAML's).
std::string yaml_quoted(const std::string& s) { return nlohmann::json(s).dump(); }

// A comment line's text: one line, printable.
std::string comment(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  return s;
}

std::string path_from(const std::string& file, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path abs = fs::absolute(file, ec);
  if (ec) return file;
  const fs::path rel = fs::relative(abs, fs::absolute(dir.empty() ? "." : dir, ec), ec);
  // Relative only below the folder (a path up and across would break when the two move apart).
  if (ec || rel.empty() || *rel.begin() == "..") return abs.lexically_normal().string();
  return rel.string();
}

std::string file_list(const std::vector<std::string>& files, const std::string& dir) {
  std::string out;
  for (const auto& f : files) out += fmt::format("    - {}\n", yaml_quoted(path_from(f, dir)));
  return out;
}

}  // namespace

std::string host_scenario_yaml(const Scenario& sc, const std::string& out_dir) {
  const HostMachine& h = *sc.host;
  const auto& t = *h.topology;
  PciIds ids;
  std::string y = "# A host as its own files give it, written by `atslab import`.\n";
  y += "# Try: atslab audit FILE; atslab run FILE; atslab stress FILE --workload iova-stress; atslab explore FILE --depth 3\n";
  if (!h.placed.empty()) {
    y += "#\n# IOMMUs, as the firmware tables place them:\n";
    for (const auto& p : h.placed) y += "#   " + comment(p) + "\n";
  } else {
    y += "#\n# No ACPI tables: every root complex is behind an IOMMU of its own, with ATS (give --acpi for the host's own).\n";
  }
  if (!h.notes.empty()) {
    y += "#\n# Notes:\n";
    for (const auto& n : h.notes) y += "#   " + comment(n) + "\n";
  }
  y += fmt::format("\nname: {}\nmachine:\n  lspci:\n{}", yaml_quoted(sc.name), file_list(h.lspci, out_dir));
  if (!h.acpi.empty()) y += "  acpi:\n" + file_list(h.acpi, out_dir);
  y += "  # Every device the dumps hold, by address, with the driver it has at boot (a PF's own, for its VFs);\n";
  y += "  # add `name:` to name one.\n";
  y += "  devices:\n";
  // The seed's path for each device with ATS behind an IOMMU: to VFIO, the container's domain, and back out.
  std::string workload;
  unsigned containers = 0;
  for (const auto& d : sc.devices) {
    const auto& f = t.fn(t.find(d.at->domain, *d.at));
    const uint16_t vendor = f.cfg.read16(hw::pcie::hdr::kVendorId), device = f.cfg.read16(hw::pcie::hdr::kDeviceId);
    std::string what = ids.device(vendor, device);
    if (what.empty()) what = fmt::format("{:04x}:{:04x}", vendor, device);
    std::string caps = d.ats ? "ATS" : "no ATS";
    if (d.sriov) caps += fmt::format(", SR-IOV (TotalVFs {})", d.sriov->total_vfs);
    const auto& rc = t.rc(f.rc);
    const char* iommu = rc.iommu == hw::pcie::IommuKind::Smmuv3 ? "SMMUv3"
                        : rc.iommu == hw::pcie::IommuKind::Vtd ? "VT-d"
                        : rc.iommu == hw::pcie::IommuKind::Amd ? "AMD-Vi"
                                                               : "no IOMMU";
    const std::string driver = d.driver.empty() ? "" : fmt::format(", driver: {}", d.driver);
    const bool behind = rc.iommu != hw::pcie::IommuKind::None && f.iommu_mapped;
    y += fmt::format("    - {{at: {}{}}}  # {}; {}; {}\n", yaml_quoted(d.at->str()), driver, comment(what), caps,
                     !behind ? std::string("no IOMMU") : fmt::format("{} {}", iommu, rc.iommu_index));
    if (!d.ats || !behind) continue;
    std::string dev = d.name;
    if (d.sriov && d.sriov->total_vfs > 0) {
      if (d.driver.empty()) workload += fmt::format("  - {{op: bind, device: {}, driver: native}}\n", yaml_quoted(d.name));
      workload += fmt::format("  - {{op: sriov_enable, device: {}, vfs: 1}}\n", yaml_quoted(d.name));
      dev = d.name + ".vf0";
    }
    const std::string c = fmt::format("c{}", containers++);
    workload += fmt::format("  - {{op: bind, device: {}, driver: vfio-pci}}\n", yaml_quoted(dev));
    workload += fmt::format("  - {{op: vfio_set_container, device: {}, container: {}}}\n", yaml_quoted(dev), c);
    workload += fmt::format("  - {{op: vfio_set_iommu, container: {}}}\n", c);
    workload += fmt::format("  - {{op: vfio_unset_container, device: {}}}\n", yaml_quoted(dev));
  }
  std::string variants;
  for (auto v : sc.variants) variants += (variants.empty() ? "" : ", ") + std::string(policy::name(v));
  y += fmt::format("kernel:\n  variants: [{}]{}\n", variants,
                   sc.variants.size() < policy::kAllVariants.size() ? "  # the others change only the SMMUv3 driver" : "");
  y += "# The seed's path for each device with ATS behind an IOMMU: its VF (or itself) handed to VFIO and back.\n";
  y += "workload:\n" + (workload.empty() ? std::string("  []\n") : workload);
  return y;
}

}  // namespace atslab::io
