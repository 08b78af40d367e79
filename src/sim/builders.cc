#include "sim/builders.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>

#include "hw/pcie/capabilities.h"
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
// Root-bus slots: a slot is taken by a function, or by a VF RID of an SR-IOV
// RCiEP that lands on the root bus. Placement never lets two collide.
class RootBusSlots {
 public:
  bool fits(uint8_t devfn, const ConfigSpace& cfg) const {
    for (uint8_t d : footprint(devfn, cfg))
      if (taken_[d]) return false;
    return true;
  }
  void take(uint8_t devfn, const ConfigSpace& cfg) {
    for (uint8_t d : footprint(devfn, cfg)) taken_[d] = true;
  }
  // `devfn` itself, if it (and the VFs it implies) is free: a slot's other functions join function 0.
  uint8_t place_at(uint8_t devfn, const ConfigSpace& cfg) {
    if (!fits(devfn, cfg))
      throw InputError(fmt::format("no root bus can hold these dumps: devfn {:#04x} or a VF routing ID of it is taken "
                                   "(two PFs whose VF routing IDs overlap?)",
                                   devfn));
    take(devfn, cfg);
    return devfn;
  }
  // The lowest slot >= 1 whose function `func` (and the VFs it implies) is free.
  uint8_t place(uint8_t func, const ConfigSpace& cfg) {
    for (unsigned dev = 1; dev < 32; ++dev) {
      auto devfn = static_cast<uint8_t>((dev << 3) | func);
      if (fits(devfn, cfg)) {
        take(devfn, cfg);
        return devfn;
      }
    }
    throw InputError("the imported devices do not fit on one root bus (32 slots, VF routing IDs included)");
  }

 private:
  static std::vector<uint8_t> footprint(uint8_t devfn, const ConfigSpace& cfg) {
    std::vector<uint8_t> out{devfn};
    if (uint16_t pos = find_ext_cap(cfg, ext_cap::kSriov)) {
      unsigned total = cfg.read16(pos + sriov::kTotalVf), off = cfg.read16(pos + sriov::kVfOffset),
               stride = cfg.read16(pos + sriov::kVfStride);
      for (unsigned n = 0; n < total; ++n)
        if (unsigned rid = devfn + off + stride * n; rid < 256) out.push_back(static_cast<uint8_t>(rid));
    }
    return out;
  }
  std::array<bool, 256> taken_{};
};
}  // namespace

System from_dumps(const std::vector<io::ImportedFunction>& fns, const MachineOptions& opt,
                  std::vector<std::string>* notes) {
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
  std::vector<bool> ari;
  std::vector<std::string> said;
  for (const auto& file : files) {
    std::vector<io::ImportedFunction> mine;
    for (const auto& f : fns)
      if (f.file == file) mine.push_back(f);
    DumpScan scan = scan_like_linux(mine);
    kept.insert(kept.end(), scan.found.begin(), scan.found.end());
    ari.insert(ari.end(), scan.on_ari_bus.begin(), scan.on_ari_bus.end());
    said.insert(said.end(), scan.notes.begin(), scan.notes.end());
  }
  if (kept.empty())
    throw InputError(said.empty() ? std::string("no function to import")
                                  : fmt::format("no function that Linux would find: {}", said.front()));
  for (const auto& f : kept)
    if (f.config_size < hdr::kConfigSize)
      said.push_back(fmt::format("{}: {}: the dump has {} bytes of its config space (lspci -{}): {}its extended "
                                 "capabilities (ATS, SR-IOV, PASID) cannot be seen, and atslab sees none",
                                 f.file, f.original.str(), f.config_size, f.config_size == 64 ? "x" : "xxx",
                                 f.config_size == 64 ? "its capability list (PCI Express included) and so " : ""));

  System s;
  RcId rc = add_rc(s, opt);
  RootBusSlots slots;
  static const ConfigSpace kPortFootprint{};
  // Functions that shared a device number on their machine share a root port here, and so do all
  // the functions of a bus with ARI on (their device numbers are function numbers there).
  std::map<std::tuple<std::string, uint16_t, uint8_t, int>, FnId> ports;
  // Root-complex integrated functions of one slot share a device number on the root bus.
  std::map<std::tuple<std::string, uint16_t, uint8_t, uint8_t>, uint8_t> rciep_slots;
  for (size_t i = 0; i < kept.size(); ++i) {
    const auto& f = kept[i];
    auto type = pcie_type(f.cfg);
    std::string label = f.file + " (" + f.original.str() + ")";
    if (type == exp::Type::RcEndpoint || type == exp::Type::RcEventCollector) {
      auto key = std::make_tuple(f.file, f.original.domain, f.original.bus, f.original.slot());
      auto it = rciep_slots.find(key);
      uint8_t devfn = it == rciep_slots.end()
                          ? slots.place(f.original.func(), f.cfg)
                          : slots.place_at(static_cast<uint8_t>(it->second << 3 | f.original.func()), f.cfg);
      rciep_slots.emplace(key, static_cast<uint8_t>(devfn >> 3));
      s.hw.pcie.add_function(rc, kNoFn, devfn, f.cfg, label);
      continue;
    }
    auto key = std::make_tuple(f.file, f.original.domain, f.original.bus, ari[i] ? -1 : int{f.original.slot()});
    auto it = ports.find(key);
    if (it == ports.end()) {
      uint8_t devfn = slots.place(0, kPortFootprint);
      it = ports.emplace(key, s.hw.pcie.add_root_port(rc, devfn >> 3)).first;
    }
    s.hw.pcie.add_function(rc, it->second, ari[i] ? f.original.devfn : f.original.func(), f.cfg, label);
  }
  // The same dump given twice, or two dumps of one slot, would put two functions at one routing ID.
  s.hw.pcie.finalize();
  if (auto clash = s.hw.pcie.address_conflict())
    throw InputError(fmt::format("no PCI hierarchy can hold these dumps: {} (is a dump given twice?)", *clash));
  boot_and_enable_vfs(s, opt);
  if (notes) *notes = std::move(said);
  return s;
}

}  // namespace atslab::sim
