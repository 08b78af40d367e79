#include "sim/dump_scan.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"

namespace atslab::sim {

using namespace hw::pcie;

namespace {

constexpr uint16_t kAriCap = 0x04;               // ARI Capability register, in the ARI capability
constexpr uint32_t kDevCap2AriForward = 0x20;    // DevCap2: ARI Forwarding Supported

bool is_root_bus_type(const ConfigSpace& cfg) {
  auto t = pcie_type(cfg);
  return t && (*t == exp::Type::RcEndpoint || *t == exp::Type::RcEventCollector || *t == exp::Type::RootPort);
}

// pci_configure_ari, as seen from the bus: function 0 has the ARI capability and the bridge above
// forwards ARI. No bridge is above a root bus (pci_ari_enabled needs bus->self).
bool ari_enabled(const std::vector<const io::ImportedFunction*>& bus_fns, const io::ImportedFunction* fn0,
                 const std::vector<io::ImportedFunction>& all) {
  if (!fn0 || !pcie_type(fn0->cfg) || !find_ext_cap(fn0->cfg, ext_cap::kAri)) return false;
  for (const auto* f : bus_fns)
    if (is_root_bus_type(f->cfg)) return false;
  for (const auto& b : all) {
    if ((b.cfg.read8(hdr::kHeaderType) & 0x7f) != hdr::kTypeBridge || b.original.domain != fn0->original.domain ||
        b.cfg.read8(hdr::kSecondaryBus) != fn0->original.bus)
      continue;
    uint16_t e = find_std_cap(b.cfg, cap::kExp);
    return e && (b.cfg.read32(e + exp::kDevCap2) & kDevCap2AriForward);
  }
  return true;  // atslab's own root port stands where the dump's was
}

}  // namespace

DumpScan scan_like_linux(const std::vector<io::ImportedFunction>& fns) {
  // The dump's functions by bus, then by devfn.
  std::map<std::pair<uint16_t, uint8_t>, std::map<uint8_t, const io::ImportedFunction*>> buses;
  for (const auto& f : fns) buses[{f.original.domain, f.original.bus}][f.original.devfn] = &f;

  std::map<const io::ImportedFunction*, bool> found;  // -> on a bus with ARI on
  std::map<const io::ImportedFunction*, std::string> why;   // left out, and why
  std::map<const io::ImportedFunction*, std::string> kept;  // found, with something to say
  for (const auto& bus : buses) {
    // Not a structured binding: clang 14 (the fuzz build's) lets no lambda capture one.
    const auto& key = bus.first;
    const auto& devfns = bus.second;
    std::vector<const io::ImportedFunction*> bus_fns;
    for (const auto& [devfn, f] : devfns) bus_fns.push_back(f);
    auto at = [&](unsigned devfn) -> const io::ImportedFunction* {
      auto it = devfns.find(static_cast<uint8_t>(devfn));
      return it == devfns.end() ? nullptr : it->second;
    };
    const io::ImportedFunction* fn0 = at(0);
    if (ari_enabled(bus_fns, fn0, fns)) {
      // next_ari_fn: from function 0 along each function's ARI Next Function Number, which must
      // grow (a malformed list ends the scan); a function missing from the chain ends it too.
      found[fn0] = true;
      for (unsigned fn = 0;;) {
        const io::ImportedFunction* d = at(fn);
        uint16_t pos = d ? find_ext_cap(d->cfg, ext_cap::kAri) : 0;
        if (!pos) break;
        unsigned next = d->cfg.read16(pos + kAriCap) >> 8;
        if (next <= fn || !at(next)) break;
        found[at(next)] = true;
        fn = next;
      }
      for (const auto* f : bus_fns)
        if (!found.count(f))
          why[f] = fmt::format("with ARI on its bus Linux scans from {} along the ARI Next Function Numbers "
                               "(next_ari_fn), and they do not lead to it",
                               fn0->original.str());
      continue;
    }
    // Without ARI: slot by slot, function 0 first; functions 1-7 only behind a multi-function one.
    for (unsigned slot = 0; slot < 32; ++slot) {
      const io::ImportedFunction* f0 = at(slot << 3);
      for (unsigned fn = 0; fn < 8; ++fn) {
        const io::ImportedFunction* f = at(slot << 3 | fn);
        if (!f) continue;
        if (!f0) {
          // Linux scans a slot only when its function 0 answers (pci_scan_slot), and lspci lists
          // only what Linux found: a slot without function 0 is a dump of chosen functions
          // (`lspci -s 6a:00.4 -xxxx`, as bug reports carry), not a machine without it.
          found[f] = false;
          kept[f] = fmt::format("kept without {}, which the dump does not hold: lspci lists only functions Linux "
                                "found, and Linux scans a slot only when its function 0 answers (pci_scan_slot), so "
                                "this is a dump of chosen functions (lspci -s); function 0 is not modelled",
                                Bdf{key.first, key.second, static_cast<uint8_t>(slot << 3)}.str());
        } else if (fn && !(f0->cfg.read8(hdr::kHeaderType) & hdr::kMultifunction)) {
          why[f] = fmt::format("{}'s header type {:#04x} has no multi-function bit (0x80), so Linux scans no other "
                               "function of its slot (next_fn)",
                               f0->original.str(), f0->cfg.read8(hdr::kHeaderType));
        } else {
          found[f] = false;
        }
      }
    }
  }
  // One file given twice holds each function twice: each copy goes where the first went, so that
  // the machine refuses the routing ID they would share (Topology::address_conflict).
  for (const auto& f : fns) {
    if (found.count(&f) || why.count(&f)) continue;
    const io::ImportedFunction* first = buses[{f.original.domain, f.original.bus}][f.original.devfn];
    if (auto it = found.find(first); it != found.end()) found[&f] = it->second;
    if (auto it = why.find(first); it != why.end()) why[&f] = it->second;
    if (auto it = kept.find(first); it != kept.end()) kept[&f] = it->second;
  }
  DumpScan out;
  for (const auto& f : fns) {
    if (auto it = found.find(&f); it != found.end()) {
      out.found.push_back(f);
      out.on_ari_bus.push_back(it->second);
      if (auto k = kept.find(&f); k != kept.end()) out.notes.push_back(fmt::format("{}: {} {}", f.file, f.original.str(), k->second));
    } else {
      out.notes.push_back(fmt::format("{}: {} left out: {}", f.file, f.original.str(), why.at(&f)));
    }
  }
  return out;
}

}  // namespace atslab::sim
