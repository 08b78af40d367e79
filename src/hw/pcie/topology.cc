#include "hw/pcie/topology.h"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/sriov_routing.h"

namespace atslab::hw::pcie {

namespace {
// Bridges are modelled on QEMU's generic parts, so pci.ids can name them.
constexpr uint16_t kRootPortVendor = 0x1b36, kRootPortDevice = 0x000c;  // QEMU PCIe Root port
constexpr uint16_t kSwitchVendor = 0x104c, kSwitchUp = 0x8232, kSwitchDown = 0x8233;  // TI XIO3130
constexpr uint32_t kClassPciBridge = 0x060400;
constexpr unsigned kMaxVfSlots = 256;

ConfigSpace make_bridge(uint16_t vendor, uint16_t device, exp::Type type) {
  ConfigBuilder b(HeaderSpec{vendor, device, kClassPciBridge, 0, 0, 0, true, false});
  b.add_pcie(type);
  if (type == exp::Type::RootPort || type == exp::Type::Downstream) b.add_acs({});
  return b.build();
}
}  // namespace

RcId Topology::add_root_complex(const RootComplex& rc) {
  rcs_.push_back(rc);
  return static_cast<RcId>(rcs_.size() - 1);
}

FnId Topology::add_root_port(RcId rc, uint8_t dev, bool external_facing) {
  FnId id = add_function(rc, kNoFn, static_cast<uint8_t>(dev << 3),
                         make_bridge(kRootPortVendor, kRootPortDevice, exp::Type::RootPort), "root port");
  fns_[id].external_facing = external_facing;
  return id;
}

std::vector<FnId> Topology::add_switch(FnId port, unsigned downstream) {
  RcId rc = fns_.at(port).rc;
  FnId up = add_function(rc, port, 0, make_bridge(kSwitchVendor, kSwitchUp, exp::Type::Upstream), "switch upstream port");
  std::vector<FnId> downs;
  for (unsigned i = 0; i < downstream; ++i)
    downs.push_back(add_function(rc, up, static_cast<uint8_t>(i << 3),
                                 make_bridge(kSwitchVendor, kSwitchDown, exp::Type::Downstream),
                                 "switch downstream port"));
  return downs;
}

FnId Topology::add_function(RcId rc, FnId parent, uint8_t devfn, ConfigSpace cfg, std::string label, bool hotplug) {
  if (finalized_) throw std::logic_error("Topology::add_function after finalize()");
  Function f;
  f.rc = rc;
  f.parent = parent;
  f.bdf.domain = rcs_.at(rc).domain;
  f.bdf.devfn = devfn;
  f.cfg = std::move(cfg);
  f.label = std::move(label);
  f.hotplug = hotplug;
  f.present = !hotplug;
  fns_.push_back(std::move(f));
  return static_cast<FnId>(fns_.size() - 1);
}

FnId Topology::add_function_on_bus(RcId rc, FnId parent, uint8_t bus, uint8_t devfn, ConfigSpace cfg,
                                   std::string label) {
  FnId id = add_function(rc, parent, devfn, std::move(cfg), std::move(label));
  fns_[id].bdf.bus = bus;
  return id;
}

uint8_t Topology::bus_end(FnId id) const {
  const Function& f = fns_.at(id);
  FnId parent = f.is_vf() ? fns_.at(f.pf).parent : f.parent;
  return parent == kNoFn ? uint8_t{0xff} : fns_.at(parent).cfg.read8(hdr::kSubordinateBus);
}

// The checks firmware's numbers must pass for the tree they describe to be the one the functions'
// parents give: each function on its parent's secondary bus, each bridge's range inside the range
// of the bridge above it and apart from every range not above or below it.
void Topology::check_firmware_buses() {
  auto range = [&](FnId b) {
    return std::pair<unsigned, unsigned>{fns_[b].cfg.read8(hdr::kSecondaryBus), fns_[b].cfg.read8(hdr::kSubordinateBus)};
  };
  auto above = [&](FnId upper, FnId lower) {  // `upper` is an ancestor of `lower`
    for (FnId p = fns_[lower].parent; p != kNoFn; p = fns_[p].parent)
      if (p == upper) return true;
    return false;
  };
  std::vector<FnId> bridges;
  for (FnId i = 0; i < fns_.size(); ++i) {
    const Function& f = fns_[i];
    if (f.is_vf()) continue;
    unsigned want = f.parent == kNoFn ? rcs_[f.rc].root_bus : fns_[f.parent].cfg.read8(hdr::kSecondaryBus);
    if (f.bdf.bus != want)
      bus_problems_.push_back(fmt::format("{} is on bus {:02x}, but {} leads to bus {:02x}", f.bdf.str(), f.bdf.bus,
                                          f.parent == kNoFn ? "its root complex" : fns_[f.parent].bdf.str(), want));
    if (!has_bus_numbers(f.cfg)) continue;
    bridges.push_back(i);
    auto [sec, sub] = range(i);
    unsigned pri = f.cfg.read8(hdr::kPrimaryBus);
    // pci_scan_bridge_extend's sanity check: Linux would renumber such a bridge.
    if (pri != f.bdf.bus || sec <= f.bdf.bus || sec > sub)
      bus_problems_.push_back(fmt::format("bridge {} has primary bus {:02x}, [bus {:02x}-{:02x}] below it: Linux finds "
                                          "that invalid (\"bridge configuration invalid ([bus {:02x}-{:02x}]), "
                                          "reconfiguring\", pci_scan_bridge_extend)",
                                          f.bdf.str(), pri, sec, sub, sec, sub));
    if (f.parent != kNoFn && sub > range(f.parent).second)
      bus_problems_.push_back(fmt::format("bridge {}'s [bus {:02x}-{:02x}] runs past [bus {:02x}-{:02x}], the range of "
                                          "bridge {} above it",
                                          f.bdf.str(), sec, sub, range(f.parent).first, range(f.parent).second,
                                          fns_[f.parent].bdf.str()));
  }
  for (size_t a = 0; a < bridges.size(); ++a)
    for (size_t b = a + 1; b < bridges.size(); ++b) {
      FnId x = bridges[a], y = bridges[b];
      if (fns_[x].bdf.domain != fns_[y].bdf.domain || above(x, y) || above(y, x)) continue;
      auto [xs, xe] = range(x);
      auto [ys, ye] = range(y);
      if (xs <= ye && ys <= xe)
        bus_problems_.push_back(fmt::format("bridges {} [bus {:02x}-{:02x}] and {} [bus {:02x}-{:02x}] claim the same "
                                            "bus numbers",
                                            fns_[x].bdf.str(), xs, xe, fns_[y].bdf.str(), ys, ye));
    }
  for (const RootComplex& rc : rcs_)
    for (FnId b : bridges) {
      auto [sec, sub] = range(b);
      if (fns_[b].bdf.domain == rc.domain && rc.root_bus >= sec && rc.root_bus <= sub)
        bus_problems_.push_back(fmt::format("root bus {:04x}:{:02x} lies in [bus {:02x}-{:02x}], the range of bridge {}",
                                            rc.domain, rc.root_bus, sec, sub, fns_[b].bdf.str()));
    }
}

unsigned Topology::number_bus(RcId rc, FnId bridge, unsigned bus, unsigned next) {
  std::vector<FnId> children;
  for (FnId i = 0; i < fns_.size(); ++i)
    if (fns_[i].rc == rc && fns_[i].parent == bridge && !fns_[i].is_vf()) children.push_back(i);
  std::sort(children.begin(), children.end(), [&](FnId a, FnId b) { return fns_[a].bdf.devfn < fns_[b].bdf.devfn; });
  // Numbers past 255 do not exist: the machine is reported (bus_overflow()), its buses stop at 255.
  auto overflow = [&](unsigned b, FnId at) {
    if (b > 0xff && bus_overflow_.empty()) {
      bus_overflow_ = fmt::format("segment {} needs more than 256 bus numbers (bridges and the buses SR-IOV VFs cross into)",
                                  rcs_[rc].domain);
      bus_overflow_at_ = at;
    }
  };
  // Endpoints first: a PF's VFs may spill onto the following bus numbers.
  for (FnId c : children) {
    fns_[c].bdf.bus = static_cast<uint8_t>(std::min(bus, 0xffu));
    if (uint16_t pos = find_ext_cap(fns_[c].cfg, ext_cap::kSriov)) {
      const auto& cfg = fns_[c].cfg;
      unsigned total = std::min<unsigned>(cfg.read16(pos + sriov::kTotalVf), kMaxVfSlots);
      unsigned extra = virtfn_extra_buses(fns_[c].bdf, cfg.read16(pos + sriov::kVfOffset),
                                          cfg.read16(pos + sriov::kVfStride), total);
      overflow(bus + extra, c);
      next = std::max(next, std::min(0xffu, bus + extra));
    }
  }
  for (FnId c : children) {
    if ((fns_[c].cfg.read8(hdr::kHeaderType) & 0x7f) != hdr::kTypeBridge) continue;
    unsigned secondary = next + 1;
    overflow(secondary, c);
    secondary = std::min(secondary, 0xffu);
    next = number_bus(rc, c, secondary, secondary);
    auto& cfg = fns_[c].cfg;
    cfg.write8(hdr::kPrimaryBus, static_cast<uint8_t>(bus));
    cfg.write8(hdr::kSecondaryBus, static_cast<uint8_t>(secondary));
    cfg.write8(hdr::kSubordinateBus, static_cast<uint8_t>(next));
  }
  return next;
}

void Topology::finalize(BusNumbers numbering) {
  if (finalized_) return;
  numbering_ = numbering;
  if (numbering == BusNumbers::Firmware)
    check_firmware_buses();
  else
    for (RcId rc = 0; rc < rcs_.size(); ++rc) number_bus(rc, kNoFn, rcs_[rc].root_bus, rcs_[rc].root_bus);
  FnId n = static_cast<FnId>(fns_.size());
  for (FnId pf = 0; pf < n; ++pf) {
    uint16_t pos = find_ext_cap(fns_[pf].cfg, ext_cap::kSriov);
    if (!pos) continue;
    unsigned total = std::min<unsigned>(fns_[pf].cfg.read16(pos + sriov::kTotalVf), kMaxVfSlots);
    ConfigSpace vf_cfg = make_vf_config(fns_[pf].cfg);
    for (unsigned i = 0; i < total; ++i) {
      Function vf;
      vf.rc = fns_[pf].rc;
      vf.parent = fns_[pf].parent;
      vf.bdf.domain = fns_[pf].bdf.domain;
      vf.present = false;
      vf.pf = pf;
      vf.vf_index = static_cast<uint16_t>(i);
      vf.cfg = vf_cfg;
      vf.label = fns_[pf].label + " VF";
      fns_.push_back(std::move(vf));
    }
  }
  // Real endpoints complete invalidations that arrive while their ATS is off (the
  // kernel flushes before every enable); a machine may choose otherwise afterwards.
  for (auto& f : fns_) f.atc.inv_while_disabled = AtcInvWhileDisabled::Complete;
  finalized_ = true;
  reindex();
}

std::optional<std::string> Topology::address_conflict() const {
  const auto pair = conflicting_functions();
  if (!pair) return std::nullopt;
  auto name = [&](FnId id) {
    const Function& f = fns_[id];
    return f.is_vf() ? fns_[f.pf].label + " VF " + std::to_string(f.vf_index) : f.label;
  };
  return routing_bdf(pair->second).str() + " would be both '" + name(pair->first) + "' and '" + name(pair->second) + "'";
}

Bdf Topology::routing_bdf(FnId id) const {
  const Function& f = fns_[id];
  if (!f.is_vf()) return f.bdf;
  // Where VF Enable will place it (First VF Offset and VF Stride do not depend on NumVFs here).
  const Function& pf = fns_[f.pf];
  const uint16_t pos = find_ext_cap(pf.cfg, ext_cap::kSriov);
  return virtfn_bdf(pf.bdf, pf.cfg.read16(pos + sriov::kVfOffset), pf.cfg.read16(pos + sriov::kVfStride), f.vf_index);
}

std::optional<std::pair<FnId, FnId>> Topology::conflicting_functions() const {
  std::map<uint32_t, FnId> seen;  // segment << 16 | routing ID
  for (FnId id = 0; id < fns_.size(); ++id) {
    const Function& f = fns_[id];
    const Bdf at = routing_bdf(id);
    if (f.is_vf()) {
      // Under firmware's bus numbers a VF past the end of its PF's bus range is never enabled
      // (sriov_enable: "can't enable %d VFs (bus %02x out of range of %pR)"), so it takes no
      // routing ID. Numbered depth-first, every VF's bus is reserved.
      if (numbering_ == BusNumbers::Firmware && (at.bus < fns_[f.pf].bdf.bus || at.bus > bus_end(f.pf))) continue;
    }
    auto [it, fresh] = seen.try_emplace(uint32_t{at.domain} << 16 | at.rid(), id);
    if (!fresh) return std::pair{it->second, id};
  }
  return std::nullopt;
}

uint32_t Topology::config_read(FnId id, uint16_t off, unsigned width) const {
  const Function& f = fns_.at(id);
  uint32_t ones = width >= 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
  if (!f.present) return ones;
  return f.cfg.read32(off) & ones;
}

void Topology::config_write(FnId id, uint16_t off, unsigned width, uint32_t v) {
  Function& f = fns_.at(id);
  if (!f.present) return;
  uint16_t sriov_pos = f.is_vf() ? 0 : find_ext_cap(f.cfg, ext_cap::kSriov);
  uint16_t old_ctrl = sriov_pos ? f.cfg.read16(sriov_pos + sriov::kCtrl) : 0;
  const bool ats_was_enabled = ats_control(f.cfg).enabled;
  // The PM capability and Bridge Control live in the first 256 bytes: no walk for other writes.
  const uint16_t pm_pos = off < hdr::kExtCapStart ? find_std_cap(f.cfg, cap::kPm) : 0;
  const uint16_t old_pmcsr = pm_pos ? f.cfg.read16(pm_pos + pm::kCtrl) : 0;
  const bool bridge = (f.cfg.read8(hdr::kHeaderType) & 0x7f) == hdr::kTypeBridge;
  const uint16_t old_bctl = bridge ? f.cfg.read16(hdr::kBridgeControl) : 0;
  f.cfg.write(off, width, v);
  auto hits = [&](uint16_t reg) { return reg && off < reg + 2 && off + width > reg; };
  // Initiate FLR: a function that advertises FLR resets; the bit itself always reads 0.
  auto written = [&](uint16_t reg) {  // the bits of this write that land in the 16-bit register at `reg`
    uint16_t bits = 0;
    for (unsigned b = 0; b < width; ++b)
      if (off + b >= reg && off + b < reg + 2u) bits |= static_cast<uint16_t>(((v >> (8 * b)) & 0xff) << (8 * (off + b - reg)));
    return bits;
  };
  const uint16_t exp_pos = find_std_cap(f.cfg, cap::kExp);
  if (exp_pos && (f.cfg.read32(exp_pos + exp::kDevCap) & exp::kDevCapFlr) &&
      (written(static_cast<uint16_t>(exp_pos + exp::kDevCtl)) & exp::kDevCtlBcrFlr)) {
    const uint16_t devctl = f.cfg.read16(exp_pos + exp::kDevCtl);
    f.cfg.poke16(exp_pos + exp::kDevCtl, static_cast<uint16_t>(devctl & ~exp::kDevCtlBcrFlr));
    function_level_reset(id);
    return;
  }
  // PowerState D3hot -> D0 with NoSoftRst clear: the function is reset (pci_pm_reset's premise).
  if (hits(pm_pos ? pm_pos + pm::kCtrl : 0) && (old_pmcsr & pm::kCtrlStateMask) == pm::kD3hot &&
      (f.cfg.read16(pm_pos + pm::kCtrl) & pm::kCtrlStateMask) == pm::kD0 && !(old_pmcsr & pm::kCtrlNoSoftReset)) {
    power_state_reset(id);
    return;
  }
  // Secondary Bus Reset going 0 -> 1: a hot reset of everything below the bridge.
  if (bridge && hits(hdr::kBridgeControl) && !(old_bctl & hdr::kBridgeCtlBusReset) &&
      (f.cfg.read16(hdr::kBridgeControl) & hdr::kBridgeCtlBusReset)) {
    secondary_bus_reset(id);
    return;
  }
  if (hits(sriov_pos ? sriov_pos + sriov::kCtrl : 0)) sriov_control_written(id, sriov_pos, old_ctrl);
  // ATS Enable Clear -> Set: an implicit invalidation of the whole ATC (PCIe ATS chapter).
  if (!ats_was_enabled && ats_control(f.cfg).enabled) f.atc.enabled();
  // PRI: a function with PRI disabled and nothing outstanding reports Stopped.
  uint16_t pri_pos = find_ext_cap(f.cfg, ext_cap::kPri);
  if (hits(pri_pos ? pri_pos + pri::kCtrl : 0)) {
    uint16_t status = f.cfg.read16(pri_pos + pri::kStatus);
    bool enabled = f.cfg.read16(pri_pos + pri::kCtrl) & pri::kCtrlEnable;
    f.cfg.poke16(pri_pos + pri::kStatus,
                 static_cast<uint16_t>(enabled ? status & ~pri::kStatusStopped : status | pri::kStatusStopped));
  }
}

void Topology::sriov_control_written(FnId pf, uint16_t pos, uint16_t old_ctrl) {
  const ConfigSpace& cfg = fns_[pf].cfg;
  uint16_t ctrl = cfg.read16(pos + sriov::kCtrl);
  bool was = old_ctrl & sriov::kCtrlVfe, now = ctrl & sriov::kCtrlVfe;
  if (was == now) return;
  uint16_t num = cfg.read16(pos + sriov::kNumVf);
  uint16_t offset = cfg.read16(pos + sriov::kVfOffset), stride = cfg.read16(pos + sriov::kVfStride);
  ConfigSpace fresh = make_vf_config(cfg);
  for (FnId vf : vfs_of(pf)) {
    Function& f = fns_[vf];
    f.present = now && f.vf_index < num;
    if (f.present) {
      // VFs come out of VF Enable in their reset state, at the RIDs offset and stride give.
      f.bdf = virtfn_bdf(fns_[pf].bdf, offset, stride, f.vf_index);
      f.cfg = fresh;
      f.atc.reset();
    }
  }
  reindex();
}

FnId Topology::find(uint16_t domain, Bdf bdf) const {
  auto it = by_address_.find(uint32_t{domain} << 16 | bdf.rid());
  return it == by_address_.end() ? kNoFn : it->second;
}

void Topology::reindex() {
  by_address_.clear();
  for (FnId i = 0; i < fns_.size(); ++i)
    if (fns_[i].present) by_address_.emplace(uint32_t{fns_[i].bdf.domain} << 16 | fns_[i].bdf.rid(), i);
}

std::vector<FnId> Topology::scan_bus(uint16_t domain, uint8_t bus) const {
  std::vector<FnId> out;
  for (FnId i = 0; i < fns_.size(); ++i)
    if (fns_[i].present && !fns_[i].is_vf() && fns_[i].bdf.domain == domain && fns_[i].bdf.bus == bus) out.push_back(i);
  std::sort(out.begin(), out.end(), [&](FnId a, FnId b) { return fns_[a].bdf.devfn < fns_[b].bdf.devfn; });
  return out;
}

std::vector<FnId> Topology::vfs_of(FnId pf) const {
  std::vector<FnId> out;
  for (FnId i = 0; i < fns_.size(); ++i)
    if (fns_[i].pf == pf) out.push_back(i);
  return out;
}

void Topology::insert(FnId fn) {
  // A newly inserted card is freshly powered: its control registers are at their reset values.
  reset_control_registers(fns_.at(fn).cfg);
  fns_.at(fn).atc.reset();
  fns_.at(fn).present = true;
  reindex();
}

void Topology::function_level_reset(FnId id) {
  Function& f = fns_.at(id);
  const uint16_t sriov_pos = f.is_vf() ? 0 : find_ext_cap(f.cfg, ext_cap::kSriov);
  const uint16_t old_ctrl = sriov_pos ? f.cfg.read16(sriov_pos + sriov::kCtrl) : 0;
  reset_control_registers(f.cfg);
  f.atc.reset();
  if (sriov_pos) sriov_control_written(id, sriov_pos, old_ctrl);  // VF Enable cleared: the VFs go
}

void Topology::power_state_reset(FnId id) {
  // What an FLR clears, cleared the same way: the PowerState just written is D0 already.
  function_level_reset(id);
}

void Topology::secondary_bus_reset(FnId bridge) {
  auto below = [&](FnId id) {
    for (FnId p = fns_[id].parent; p != kNoFn; p = fns_[p].parent)
      if (p == bridge) return true;
    return false;
  };
  // VFs go with their PF's VF Enable; every other function below comes back at its reset state,
  // PowerState D0 included.
  for (FnId id = 0; id < fns_.size(); ++id) {
    if (fns_[id].is_vf() || !fns_[id].present || !below(id)) continue;
    function_level_reset(id);
    if (uint16_t pm_pos = find_std_cap(fns_[id].cfg, cap::kPm))
      fns_[id].cfg.poke16(pm_pos + pm::kCtrl, static_cast<uint16_t>(fns_[id].cfg.read16(pm_pos + pm::kCtrl) & ~pm::kCtrlStateMask));
  }
}

void Topology::eject(FnId fn) {
  fns_.at(fn).present = false;
  // The card takes its VFs with it, enabled or not (a surprise removal skips the OS's sriov_disable).
  for (FnId vf : vfs_of(fn)) fns_[vf].present = false;
  reindex();
}

ConfigSpace make_vf_config(const ConfigSpace& pf) {
  HeaderSpec h;
  h.vendor = 0xffff;
  h.device = 0xffff;
  h.revision = pf.read8(hdr::kRevision);
  h.class_code = pf.read32(hdr::kRevision) >> 8;
  h.subsystem_vendor = pf.read16(hdr::kSubsystemVendor);
  h.subsystem_device = pf.read16(hdr::kSubsystemId);
  ConfigBuilder b(h);
  auto type = pcie_type(pf).value_or(exp::Type::Endpoint);
  b.add_pcie(type == exp::Type::RcEndpoint ? exp::Type::RcEndpoint : exp::Type::Endpoint);
  if (uint16_t ats_pos = find_ext_cap(pf, ext_cap::kAts)) {
    uint16_t capreg = pf.read16(ats_pos + ats::kCap);
    b.add_ats(AtsCapSpec{static_cast<uint8_t>(capreg & ats::kCapQdepMask), (capreg & ats::kCapPageAligned) != 0,
                         (capreg & ats::kCapGlobalInval) != 0});
  }
  return b.build(/*is_vf=*/true);
}

}  // namespace atslab::hw::pcie
