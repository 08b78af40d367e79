#include "io/scenario_machine.h"

#include <fmt/format.h>

#include <map>

#include "hw/pcie/capabilities.h"
#include "io/input_error.h"
#include "io/lspci_dump.h"

namespace atslab::io {

using namespace hw::pcie;

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
    } else {
      // A one-port switch below an earlier port: its downstream port is this one.
      ports[p.name] = t.add_switch(ports.at(p.below), 1).at(0);
    }
  }
  std::map<uint16_t, unsigned> next_rciep;  // per root complex (each has its own root bus)
  for (const auto& d : sc.devices) {
    ConfigSpace cfg;
    if (!d.lspci.empty()) {
      auto fns = load_lspci_dump(d.lspci);
      cfg = fns.at(0).cfg;
    } else {
      ConfigBuilder b(d.header);
      b.add_pcie(d.port.empty() ? exp::Type::RcEndpoint : exp::Type::Endpoint, true);
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
