#include "io/scenario_machine.h"

#include <fmt/format.h>

#include <map>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "io/input_error.h"
#include "io/lspci_dump.h"

namespace atslab::io {

using namespace hw::pcie;

namespace {
// A port built without ACS: its ACS capability becomes a null one (ID 0, the next pointer kept),
// which pci_find_ext_capability walks past, so pci_acs_enabled finds no ACS on the port.
void drop_acs(ConfigSpace& cfg) {
  if (uint16_t at = find_ext_cap(cfg, ext_cap::kAcs)) cfg.poke32(at, cfg.read32(at) & 0xffff0000u);
}
}  // namespace

Topology build_topology(const Scenario& sc, std::map<std::string, FnId>& names) {
  // A host's machine was built at load, from its dumps and tables.
  if (sc.host) {
    Topology t = *sc.host->topology;
    for (const auto& d : sc.devices) names[d.name] = t.find(d.at->domain, *d.at);
    return t;
  }
  Topology t;
  // Each root complex is its own PCI segment, so root buses never collide.
  for (size_t i = 0; i < sc.rcs.size(); ++i) {
    const auto& r = sc.rcs[i];
    t.add_root_complex({static_cast<uint16_t>(i), 0, r.ats, r.iommu, r.smmu});
  }
  // Root ports take device numbers 1, 2, ... and integrated endpoints without a devfn 16, 17, ...,
  // counted across the machine; a root bus has device numbers up to 31.
  constexpr unsigned kLastDevice = 31;
  std::map<std::string, FnId> ports;
  unsigned next_port = 1;
  for (const auto& p : sc.ports) {
    if (p.below.empty()) {
      if (next_port > kLastDevice)
        throw InputError(fmt::format("{}: machine.ports: more than {} root ports (a root bus has device numbers 1 to {})",
                                     sc.path, kLastDevice, kLastDevice));
      ports[p.name] = t.add_root_port(p.rc, static_cast<uint8_t>(next_port++), p.external_facing);
    } else if (p.pci_bridge) {
      // A PCIe-to-PCI bridge at device 0 of the port's secondary bus (PCI Express to PCI/PCI-X
      // Bridge, device/port type 7).
      ConfigBuilder b(HeaderSpec{.vendor = 0x8086, .device = 0x244e, .class_code = 0x060400, .bridge = true});
      b.add_pcie(exp::Type::PcieBridge);
      ports[p.name] = t.add_function(t.fn(ports.at(p.below)).rc, ports.at(p.below), 0, b.build(), "PCIe-to-PCI bridge");
    } else if (!ports.contains(p.name)) {
      // A switch below an earlier port: the ports naming the same `below` are its downstream
      // ports, in the order given (device numbers 0, 1, ... on its internal bus).
      std::vector<std::string> downs;
      for (const auto& q : sc.ports)
        if (q.below == p.below && !q.pci_bridge) downs.push_back(q.name);
      const auto dsp = t.add_switch(ports.at(p.below), static_cast<unsigned>(downs.size()));
      for (size_t i = 0; i < downs.size(); ++i) ports[downs[i]] = dsp[i];
    }
    if (!p.acs) drop_acs(t.fn(ports[p.name]).cfg);
  }
  // Functions sharing a slot (port and device number) make a multi-function device.
  std::map<std::pair<std::string, unsigned>, unsigned> per_slot;
  for (const auto& d : sc.devices)
    if (!d.port.empty() && d.lspci.empty()) per_slot[{d.port, (d.devfn ? *d.devfn : 0) >> 3}]++;
  std::map<uint16_t, unsigned> next_rciep;  // per root complex (each has its own root bus)
  for (const auto& d : sc.devices) {
    ConfigSpace cfg;
    if (!d.lspci.empty()) {
      auto fns = load_lspci_dump(d.lspci);
      cfg = fns.at(0).cfg;
    } else {
      HeaderSpec header = d.header;
      const bool multifunction = !d.port.empty() && per_slot[{d.port, (d.devfn ? *d.devfn : 0) >> 3}] > 1;
      header.multifunction |= multifunction;
      // Below a PCIe-to-PCI bridge a function is conventional PCI: no PCIe capability, so no ATS,
      // SR-IOV, PRI or PASID either.
      const bool conventional = [&] {
        for (const auto& p : sc.ports)
          if (p.name == d.port) return p.pci_bridge;
        return false;
      }();
      if (conventional && (d.ats || d.sriov || d.pri || d.pasid))
        throw InputError(fmt::format("{}: machine.devices: {}: below a PCIe-to-PCI bridge a device is conventional PCI, "
                                     "which has no ATS, SR-IOV, PRI or PASID", sc.path, d.name));
      ConfigBuilder b(header);
      if (!conventional) b.add_pcie(d.port.empty() ? exp::Type::RcEndpoint : exp::Type::Endpoint, true);
      if (multifunction && d.acs && !conventional) b.add_acs({});
      if (d.ats) b.add_ats(*d.ats);
      if (d.sriov) b.add_sriov(*d.sriov);
      if (d.pri) b.add_pri({});
      if (d.pasid) b.add_pasid({});
      cfg = b.build();
    }
    FnId parent = d.port.empty() ? kNoFn : ports.at(d.port);
    uint16_t rc = d.port.empty() ? d.rc : t.fn(parent).rc;
    unsigned& next = next_rciep.try_emplace(rc, 0x10).first->second;
    if (d.port.empty() && !d.devfn && next > kLastDevice)
      throw InputError(fmt::format("{}: machine.devices: {}: more than {} root-complex integrated endpoints without a devfn "
                                   "(they take device numbers 16 to {}; give devfn)",
                                   sc.path, d.name, kLastDevice - 0x10 + 1, kLastDevice));
    uint8_t devfn = d.devfn ? *d.devfn : d.port.empty() ? static_cast<uint8_t>(next++ << 3) : 0;
    names[d.name] = t.add_function(rc, parent, devfn, std::move(cfg), d.name, d.hotplug);
  }
  t.finalize();
  if (!t.bus_overflow().empty()) throw InputError(fmt::format("{}: machine: {}", sc.path, t.bus_overflow()));
  if (auto clash = t.address_conflict())
    throw InputError(fmt::format("{}: no PCI hierarchy can hold this machine: {} (give devices their own port, devfn or "
                                 "SR-IOV routing)", sc.path, *clash));
  return t;
}

}  // namespace atslab::io
