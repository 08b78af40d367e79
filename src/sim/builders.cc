#include "sim/builders.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/sriov_routing.h"
#include "linux/pci/iov.h"
#include "io/input_error.h"
#include "linux/pci/probe.h"
#include "sim/dump_scan.h"

namespace atslab::sim {

using namespace hw::pcie;

namespace {
RcId add_rc(System& s, const MachineOptions& opt) {
  RootComplex rc;
  rc.ats_supported = opt.rc_ats;
  rc.iommu = opt.iommu;
  return s.hw.pcie.add_root_complex(rc);
}
}  // namespace

void boot_and_enable_vfs(System& s, const MachineOptions& opt) {
  s.kernel.pci_switches = opt.switches;
  pci::boot(s);
  if (!opt.vfs) return;
  for (pci::DevId d : pci::live_devices(s)) {
    const auto& p = s.kernel.devs[d];
    if (!p.is_physfn) continue;
    // As a write to sriov_numvfs: above TotalVFs, sriov_numvfs_store fails (no silent cap).
    if (opt.vfs > p.sriov.total_vfs)
      throw InputError(fmt::format("--vfs {}: {} has TotalVFs {}, so writing {} to its sriov_numvfs fails with -ERANGE "
                                   "(sriov_numvfs_store); it is {}",
                                   opt.vfs, p.bdf.str(), p.sriov.total_vfs, opt.vfs, s.hw.pcie.fn(p.fn).label));
    // sriov_enable: the last VF's bus must lie in the PF's bus range (the bridge's subordinate bus,
    // as firmware set it in a dump), or the write fails with -ENOMEM.
    const auto& pf = s.hw.pcie.fn(p.fn);
    const uint16_t pos = find_ext_cap(pf.cfg, ext_cap::kSriov);
    const Bdf last = virtfn_bdf(pf.bdf, pf.cfg.read16(pos + sriov::kVfOffset), pf.cfg.read16(pos + sriov::kVfStride),
                                opt.vfs - 1u);
    if (last.bus < pf.bdf.bus || last.bus > s.hw.pcie.bus_end(p.fn))
      throw InputError(fmt::format("--vfs {}: {}'s VF {} would be at {}, past bus {:02x}, the last bus of the range "
                                   "the bridge above gives it, so writing {} to its sriov_numvfs fails with -ENOMEM "
                                   "(sriov_enable: \"can't enable {} VFs (bus {:02x} out of range ...)\"); it is {}",
                                   opt.vfs, p.bdf.str(), opt.vfs - 1u, last.str(), s.hw.pcie.bus_end(p.fn), opt.vfs,
                                   opt.vfs, last.bus, pf.label));
    pci::enable_sriov(s, d, opt.vfs);
  }
}

System builtin_example(MachineOptions opt) {
  System s;
  RcId rc = add_rc(s, opt);
  FnId port = s.hw.pcie.add_root_port(rc, 1);
  HeaderSpec h{.vendor = 0x15b3, .device = 0x101d, .class_code = 0x020000, .revision = 0,
               .subsystem_vendor = 0x15b3, .subsystem_device = 0x0016};
  ConfigBuilder b(h);
  b.add_pcie(exp::Type::Endpoint, /*ee_tlp_prefix=*/true);
  b.add_ats({.qdep = 0, .page_aligned = true});
  b.add_sriov({.total_vfs = 8, .vf_offset = 2, .vf_stride = 1, .vf_device = 0x101e});
  b.add_pasid({.max_width = 20});
  s.hw.pcie.add_function(rc, port, 0, b.build(), "built-in ConnectX-6 Dx PF");
  boot_and_enable_vfs(s, opt);
  return s;
}

namespace {
// A function PCI Express puts below a port, never on a root bus: a bus holding only such functions
// and no bridge above it in the dump is a dump of bare endpoints (`lspci -s 01:00.0 -xxxx`).
bool needs_a_port_above(const ConfigSpace& cfg) {
  auto t = pcie_type(cfg);
  return t && *t != exp::Type::RootPort && *t != exp::Type::RcEndpoint && *t != exp::Type::RcEventCollector;
}

// The VF routing IDs a PF's TotalVFs would take (SR-IOV 2.1.2), in VF order.
std::vector<Bdf> vf_addresses(Bdf pf, const ConfigSpace& cfg) {
  std::vector<Bdf> out;
  if (uint16_t pos = find_ext_cap(cfg, ext_cap::kSriov))
    for (unsigned n = 0; n < cfg.read16(pos + sriov::kTotalVf); ++n)
      out.push_back(virtfn_bdf(pf, cfg.read16(pos + sriov::kVfOffset), cfg.read16(pos + sriov::kVfStride), n));
  return out;
}

std::string bus_str(uint16_t domain, unsigned bus) { return fmt::format("{:04x}:{:02x}", domain, bus); }
}  // namespace

Topology dump_topology(const std::vector<io::ImportedFunction>& fns, const MachineOptions& opt,
                       std::vector<std::string>& said) {
  // One file named twice (even as ./x and x) would be each of its functions twice.
  std::vector<std::string> files;
  for (const auto& f : fns)
    if (std::find(files.begin(), files.end(), f.file) == files.end()) files.push_back(f.file);
  for (size_t i = 0; i < files.size(); ++i)
    for (size_t j = i + 1; j < files.size(); ++j) {
      std::error_code ec;
      if (std::filesystem::equivalent(files[i], files[j], ec))
        throw InputError(fmt::format("{} and {} are one file: each of its functions would be there twice", files[i],
                                     files[j]));
    }
  // What Linux would enumerate of each dump; and what a short dump cannot show.
  std::vector<io::ImportedFunction> kept;
  for (const auto& file : files) {
    std::vector<io::ImportedFunction> mine;
    for (const auto& f : fns)
      if (f.file == file) mine.push_back(f);
    DumpScan scan = scan_like_linux(mine);
    kept.insert(kept.end(), scan.found.begin(), scan.found.end());
    said.insert(said.end(), scan.notes.begin(), scan.notes.end());
  }
  if (kept.empty())
    throw InputError(said.empty() ? std::string("no function to import")
                                  : fmt::format("no function that Linux would find: {}", said.front()));
  // One note per file and dump size: a chipset's sixteen short functions would drown the rest.
  std::vector<std::pair<std::string, unsigned>> short_groups;
  for (const auto& f : kept)
    if (f.config_size < hdr::kConfigSize &&
        std::find(short_groups.begin(), short_groups.end(), std::make_pair(f.file, f.config_size)) == short_groups.end())
      short_groups.emplace_back(f.file, f.config_size);
  for (const auto& [file, size] : short_groups) {
    std::vector<std::string> who;
    for (const auto& f : kept)
      if (f.file == file && f.config_size == size) who.push_back(f.original.str());
    std::string list = who.front();
    for (size_t i = 1; i < who.size() && i < 3; ++i) list += ", " + who[i];
    if (who.size() > 3) list += fmt::format(" and {} more", who.size() - 3);
    const bool one = who.size() == 1;
    said.push_back(fmt::format("{}: {}: the dump has {} bytes of {} config space (lspci -{}): {}{} extended "
                               "capabilities (ATS, SR-IOV, PASID) cannot be seen, and atslab sees none",
                               file, list, size, one ? "its" : "their", size == 64 ? "x" : "xxx",
                               size == 64 ? (one ? "its capability list (PCI Express included) and so "
                                                 : "their capability lists (PCI Express included) and so ")
                                          : "",
                               one ? "its" : "their"));
  }

  // Each file is its own machine: a segment one file uses is not given to another. A later file's
  // segment already taken moves to the lowest free one, said in a note.
  std::map<std::pair<std::string, uint16_t>, uint16_t> segment;
  std::set<uint16_t> used_segments;
  for (const auto& file : files) {
    std::set<uint16_t> mine;
    for (const auto& f : kept)
      if (f.file == file) mine.insert(f.original.domain);
    for (uint16_t d : mine) {
      uint16_t to = d;
      while (!opt.one_host && used_segments.count(to)) ++to;
      if (to != d)
        said.push_back(fmt::format("{}: its segment {:04x} is segment {:04x} here: each file is its own machine's "
                                   "hierarchy, and {:04x} is another file's",
                                   file, d, to, d));
      segment[{file, d}] = to;
    }
    for (uint16_t d : mine) used_segments.insert(segment[{file, d}]);
  }
  // Where each function sits on this machine: the dump's bus and devfn, in its file's segment.
  std::vector<Bdf> at(kept.size());
  for (size_t i = 0; i < kept.size(); ++i)
    at[i] = Bdf{segment[{kept[i].file, kept[i].original.domain}], kept[i].original.bus, kept[i].original.devfn};

  // The tree as lspci -t derives it: a function on bus B hangs below the bridge whose secondary
  // bus is B; a bus no bridge leads to is a root bus.
  constexpr size_t kNone = ~size_t{0};
  std::map<std::pair<uint16_t, uint8_t>, size_t> bridge_to;  // (segment, secondary bus) -> bridge
  for (size_t i = 0; i < kept.size(); ++i) {
    if (!has_bus_numbers(kept[i].cfg)) continue;
    auto key = std::make_pair(at[i].domain, kept[i].cfg.read8(hdr::kSecondaryBus));
    if (auto [it, fresh] = bridge_to.emplace(key, i); !fresh)
      throw InputError(fmt::format("{}: bridges {} and {} both have secondary bus {:02x}: the dump describes no "
                                   "tree (which of them do that bus's functions sit below?)",
                                   kept[i].file, kept[it->second].original.str(), kept[i].original.str(), key.second));
  }
  std::vector<size_t> parent(kept.size(), kNone);
  for (size_t i = 0; i < kept.size(); ++i)
    if (auto it = bridge_to.find({at[i].domain, at[i].bus}); it != bridge_to.end()) parent[i] = it->second;
  for (size_t i = 0; i < kept.size(); ++i) {
    size_t steps = 0;
    for (size_t p = parent[i]; p != kNone; p = parent[p])
      if (++steps > kept.size())
        throw InputError(fmt::format("{}: {} sits below a loop of bridges (a secondary bus that is the bridge's own "
                                     "bus or one above it): the dump describes no tree",
                                     kept[i].file, kept[i].original.str()));
  }

  // Root buses. One whose functions all belong below a port (endpoints, switch ports, PCIe-to-PCI
  // bridges) is a dump of bare endpoints: atslab's root port stands above it, on a root bus below
  // its number, as the real port did (lspci lists nothing above it: `lspci -s`).
  std::map<std::tuple<std::string, uint16_t, uint8_t>, std::vector<size_t>> root_buses;  // (file, segment, bus)
  for (size_t i = 0; i < kept.size(); ++i)
    if (parent[i] == kNone) root_buses[{kept[i].file, at[i].domain, at[i].bus}].push_back(i);
  std::set<std::pair<uint16_t, uint8_t>> direct_roots;  // (segment, root bus) holding dump functions
  std::vector<std::tuple<std::string, uint16_t, uint8_t>> bare;
  for (const auto& [key, members] : root_buses) {
    bool all_below_ports = std::all_of(members.begin(), members.end(),
                                       [&](size_t i) { return needs_a_port_above(kept[i].cfg); });
    if (all_below_ports && std::get<2>(key) > 0)
      bare.push_back(key);
    else
      direct_roots.insert({std::get<1>(key), std::get<2>(key)});
    if (all_below_ports && std::get<2>(key) == 0)
      said.push_back(fmt::format("{}: bus {} holds {} with no bridge above it in the dump, so it stays on root bus "
                                 "{:02x} as lspci -t shows it: no bus number below 00 is left for a root port of "
                                 "atslab's",
                                 std::get<0>(key), bus_str(std::get<1>(key), 0), kept[members.front()].original.str(),
                                 0));
  }
  // Every bus number a segment's dump functions and bridges use, to find a free one for a root bus.
  auto bus_used = [&](uint16_t seg, unsigned bus) {
    for (size_t i = 0; i < kept.size(); ++i) {
      if (at[i].domain != seg) continue;
      if (at[i].bus == bus) return true;
      if (has_bus_numbers(kept[i].cfg) && bus >= kept[i].cfg.read8(hdr::kSecondaryBus) &&
          bus <= kept[i].cfg.read8(hdr::kSubordinateBus))
        return true;
    }
    return false;
  };
  struct SyntheticPort {
    uint16_t segment;
    uint8_t root_bus, devfn, secondary, subordinate;
    std::string file;
  };
  std::vector<SyntheticPort> ports;
  std::set<std::pair<uint16_t, uint8_t>> synthetic_roots;
  for (const auto& key : bare) {
    const auto& [file, seg, bus] = key;
    // The lowest root bus the file already has below this bus; else the lowest free bus number below it.
    std::optional<uint8_t> root;
    for (const auto& [s2, r] : direct_roots)
      if (s2 == seg && r < bus && !root) root = r;
    for (const auto& p : ports)
      if (!root && p.segment == seg && p.root_bus < bus) root = p.root_bus;
    for (unsigned b = 0; !root && b < bus; ++b)
      if (!bus_used(seg, b)) root = static_cast<uint8_t>(b);
    if (!root) {
      direct_roots.insert({seg, bus});
      said.push_back(fmt::format("{}: bus {} has no bridge above it in the dump and every bus number below it is "
                                 "taken, so its functions stay on it as a root bus, as lspci -t shows them",
                                 file, bus_str(seg, bus)));
      continue;
    }
    // A slot free on that root bus, its RCiEPs' VF routing IDs included.
    std::set<uint8_t> slots_taken;
    for (size_t i = 0; i < kept.size(); ++i) {
      if (at[i].domain == seg && at[i].bus == *root) slots_taken.insert(at[i].slot());
      for (Bdf vf : vf_addresses(at[i], kept[i].cfg))
        if (vf.bus == *root && at[i].domain == seg) slots_taken.insert(vf.slot());
    }
    for (const auto& p : ports)
      if (p.segment == seg && p.root_bus == *root) slots_taken.insert(p.devfn >> 3);
    unsigned dev = 1;
    while (dev < 32 && slots_taken.count(static_cast<uint8_t>(dev))) ++dev;
    if (dev == 32)
      throw InputError(fmt::format("{}: root bus {} has no free slot for a root port above bus {:02x}", file,
                                   bus_str(seg, *root), bus));
    // Its range: the bus, the buses the bridges on it lead to, and those its PFs' VFs cross into.
    unsigned last = bus;
    std::vector<std::string> names;
    for (size_t i : root_buses.at(key)) {
      names.push_back(kept[i].original.str());
      if (has_bus_numbers(kept[i].cfg)) last = std::max<unsigned>(last, kept[i].cfg.read8(hdr::kSubordinateBus));
      for (Bdf vf : vf_addresses(at[i], kept[i].cfg))
        if (vf.bus > bus) last = std::max<unsigned>(last, vf.bus);
    }
    ports.push_back({seg, *root, static_cast<uint8_t>(dev << 3), bus, static_cast<uint8_t>(std::min(last, 0xffu)), file});
    synthetic_roots.insert({seg, *root});
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    said.push_back(fmt::format("{}: bus {} ({}) has no bridge above it in the dump: it stands below a root port of "
                               "atslab's, {} [bus {:02x}-{:02x}], which forwards ARI as the real port did",
                               file, bus_str(seg, bus), list, Bdf{seg, *root, static_cast<uint8_t>(dev << 3)}.str(),
                               bus, ports.back().subordinate));
  }

  Topology t;
  // One root complex per root bus (a host bridge each, as ACPI's PNP0A08 objects give Linux), in
  // address order, each behind an IOMMU of its own: a StreamID (SMMUv3) or source-id (VT-d, AMD-Vi)
  // is a routing ID, which two segments may share.
  std::set<std::pair<uint16_t, uint8_t>> roots = direct_roots;
  roots.insert(synthetic_roots.begin(), synthetic_roots.end());
  std::map<std::pair<uint16_t, uint8_t>, RcId> rc_of;
  for (const auto& [seg, bus] : roots) {
    RootComplex rc;
    rc.domain = seg;
    rc.root_bus = bus;
    rc.ats_supported = opt.rc_ats;
    rc.iommu = opt.iommu;
    rc.iommu_index = static_cast<uint16_t>(rc_of.size());
    rc_of[{seg, bus}] = t.add_root_complex(rc);
  }
  std::map<std::pair<uint16_t, uint8_t>, FnId> port_above;  // (segment, bare bus) -> atslab's port
  for (const auto& p : ports) {
    RcId rc = rc_of.at({p.segment, p.root_bus});
    FnId id = t.add_root_port(rc, p.devfn >> 3);
    t.fn(id).bdf.bus = p.root_bus;
    t.fn(id).label = fmt::format("atslab's root port above {}'s bus {:02x}", p.file, p.secondary);
    auto& cfg = t.fn(id).cfg;
    cfg.poke8(hdr::kPrimaryBus, p.root_bus);
    cfg.poke8(hdr::kSecondaryBus, p.secondary);
    cfg.poke8(hdr::kSubordinateBus, p.subordinate);
    port_above[{p.segment, p.secondary}] = id;
  }
  // Parents before children: by depth.
  std::vector<unsigned> depth(kept.size(), 0);
  for (size_t i = 0; i < kept.size(); ++i)
    for (size_t p = parent[i]; p != kNone; p = parent[p]) ++depth[i];
  std::vector<size_t> order(kept.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return depth[a] < depth[b]; });
  std::vector<FnId> id(kept.size(), kNoFn);
  for (size_t i : order) {
    const auto& f = kept[i];
    std::string label = f.file + " (" + f.original.str() + ")";
    size_t top = i;
    while (parent[top] != kNone) top = parent[top];
    RcId rc;
    FnId above;
    if (parent[i] != kNone) {
      above = id[parent[i]];
      rc = t.fn(above).rc;
    } else if (auto it = port_above.find({at[i].domain, at[i].bus}); it != port_above.end()) {
      above = it->second;
      rc = t.fn(above).rc;
    } else {
      above = kNoFn;
      rc = rc_of.at({at[i].domain, at[i].bus});
    }
    id[i] = t.add_function_on_bus(rc, above, at[i].bus, at[i].devfn, f.cfg, label);
  }
  t.finalize(BusNumbers::Firmware);
  for (const auto& p : t.bus_problems()) said.push_back("bus numbers: " + p);
  // The same dump given twice, or two dumps of one slot, would put two functions at one routing ID.
  if (auto clash = t.address_conflict())
    throw InputError(fmt::format("no PCI hierarchy can hold these dumps: {} (is a dump given twice?)", *clash));
  // A PF whose VFs the bridge above cannot hold: Linux enables only as many as fit.
  for (size_t i = 0; i < kept.size(); ++i) {
    auto vfs = vf_addresses(at[i], kept[i].cfg);
    uint8_t end = t.bus_end(id[i]);
    size_t fit = 0;
    while (fit < vfs.size() && vfs[fit].bus >= at[i].bus && vfs[fit].bus <= end) ++fit;
    if (fit < vfs.size())
      said.push_back(fmt::format("{}: {}: VF {} of its TotalVFs {} would be at {}, past bus {:02x}, the last its bus "
                                 "range gives: at most {} VF(s) can be enabled (sriov_enable refuses more with "
                                 "-ENOMEM, \"can't enable N VFs (bus XX out of range ...)\")",
                                 kept[i].file, kept[i].original.str(), fit, vfs.size(), vfs[fit].str(), end, fit));
  }
  return t;
}

System from_dumps(const std::vector<io::ImportedFunction>& fns, const MachineOptions& opt,
                  std::vector<std::string>* notes) {
  std::vector<std::string> said;
  System s;
  s.hw.pcie = dump_topology(fns, opt, said);
  boot_and_enable_vfs(s, opt);
  if (notes) *notes = std::move(said);
  return s;
}

}  // namespace atslab::sim
