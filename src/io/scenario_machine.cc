#include "io/scenario_machine.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

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

// A slot: the port a device is below ("" with its root complex: the root bus) and its device number.
using Slot = std::tuple<std::string, uint16_t, unsigned>;
Slot slot_of(const DeviceSpec& d) { return {d.port, d.port.empty() ? d.rc : uint16_t{0}, (d.devfn ? *d.devfn : 0) >> 3}; }

// Refuses a device Linux's scan would never find, which a model would otherwise attach and run DMA
// on (drivers/pci/probe.c). The dumps' path has these rules and notes what it leaves out
// (sim/dump_scan.h); a hand-written machine states its devices, so one that cannot be found is an
// error. SR-IOV VFs are not scanned (pci_iov_add_virtfn) and are not concerned.
void check_linux_finds(const Scenario& sc) {
  auto where = [&](const DeviceSpec& d) { return d.where.empty() ? sc.path : d.where; };
  std::map<std::string, bool> pcie_port;  // the port's name: a root or downstream port, not a PCIe-to-PCI bridge
  for (const auto& p : sc.ports) pcie_port[p.name] = !p.pci_bridge;
  std::map<Slot, const DeviceSpec*> fn0;
  for (const auto& d : sc.devices)
    if ((d.port.empty() ? d.devfn.has_value() : true) && (d.devfn ? *d.devfn : 0) % 8 == 0) fn0[slot_of(d)] = &d;
  for (const auto& d : sc.devices) {
    if (!d.devfn) continue;  // function 0 of its slot (below a port), or a free slot of the root bus
    const unsigned dev = *d.devfn >> 3, fn = *d.devfn & 7;
    // only_one_child: below a PCIe root or downstream port only device 0 is scanned (its link has
    // no other), unless ARI's function chain reaches further, which a hand-written device lacks.
    if (!d.port.empty() && pcie_port[d.port] && dev != 0)
      throw InputError(fmt::format("{}: machine.devices[].devfn: {}: devfn {:#04x} is device {} below port {}, but Linux scans "
                                   "only device 0 below a PCIe root or downstream port (only_one_child in drivers/pci/probe.c): "
                                   "give devfn 0 to 7",
                                   where(d), d.name, *d.devfn, dev, d.port));
    if (fn == 0) continue;
    // pci_scan_slot stops at a slot whose function 0 does not answer (bare metal; only a hypervisor
    // that passes functions through one by one has such slots), and reads function 0's header for
    // the multi-function bit before it looks further; both at boot and at a hot-add's rescan.
    auto it = fn0.find(slot_of(d));
    if (it == fn0.end())
      throw InputError(fmt::format("{}: machine.devices[].devfn: {}: devfn {:#04x} is function {} of a slot without function 0, "
                                   "and Linux's pci_scan_slot finds no function of such a slot: add function 0 "
                                   "(devfn {:#04x}) or give {} devfn {:#04x}",
                                   where(d), d.name, *d.devfn, fn, *d.devfn & 0xf8, d.name, *d.devfn & 0xf8));
    if (it->second->hotplug && !d.hotplug)
      throw InputError(fmt::format("{}: machine.devices[].devfn: {}: present at boot beside its slot's function 0 {}, which "
                                   "is hot-plugged: the boot's scan stops at the missing function 0 (give {} hotplug: true too)",
                                   where(d), d.name, it->second->name, d.name));
  }
}
}  // namespace

Topology build_topology(const Scenario& sc, std::map<std::string, FnId>& names) {
  // A host's machine was built at load, from its dumps and tables.
  if (sc.host) {
    Topology t = *sc.host->topology;
    for (const auto& d : sc.devices) names[d.name] = t.find(d.at->domain, *d.at);
    return t;
  }
  check_linux_finds(sc);
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
  // Functions sharing a slot (port, or root bus, and device number) make a multi-function device.
  std::map<Slot, unsigned> per_slot;
  for (const auto& d : sc.devices)
    if ((!d.port.empty() || d.devfn) && d.lspci.empty()) per_slot[slot_of(d)]++;
  std::map<uint16_t, unsigned> next_rciep;  // per root complex (each has its own root bus)
  for (const auto& d : sc.devices) {
    ConfigSpace cfg;
    if (!d.lspci.empty()) {
      auto fns = load_lspci_dump(d.lspci);
      cfg = fns.at(0).cfg;
    } else {
      HeaderSpec header = d.header;
      const bool multifunction = (!d.port.empty() || d.devfn) && per_slot[slot_of(d)] > 1;
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
      // The PM capability first in the list, where real functions usually have it.
      if (d.pm) b.add_pm(*d.pm);
      if (!conventional) b.add_pcie(d.port.empty() ? exp::Type::RcEndpoint : exp::Type::Endpoint, true, d.flr);
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
  // A whole-machine refusal points at the device the user wrote that runs past the limit or
  // clashes (a VF at its PF; a port has no mark of its own, so the file alone).
  auto where = [&](FnId fn) {
    if (fn == kNoFn) return sc.path;
    const auto& f = t.fn(fn);
    const FnId named = f.is_vf() ? f.pf : fn;
    for (const auto& d : sc.devices)
      if (names.count(d.name) && names.at(d.name) == named && !d.where.empty()) return d.where;
    return sc.path;
  };
  if (!t.bus_overflow().empty()) throw InputError(fmt::format("{}: machine: {}", where(t.bus_overflow_at()), t.bus_overflow()));
  if (auto clash = t.address_conflict())
    throw InputError(fmt::format("{}: no PCI hierarchy can hold this machine: {} (give devices their own port, devfn or "
                                 "SR-IOV routing)", where(t.conflicting_functions()->second), *clash));
  return t;
}

}  // namespace atslab::io
