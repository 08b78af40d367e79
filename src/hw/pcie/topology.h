#pragma once
// The PCIe hierarchy as silicon: root complexes, root ports, switches,
// endpoints and the VFs that SR-IOV PFs expose once VF Enable is written.
// Functions are addressed by FnId (stable indices), never by pointer.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/function.h"

namespace atslab::hw::pcie {

// How finalize() gives bridges their bus numbers.
enum class BusNumbers : uint8_t {
  // Depth-first, as firmware does (and Linux with pci=assign-busses), reserving the buses a PF's VFs
  // will need: the built-in and YAML-described machines, whose functions carry no bus number.
  DepthFirst,
  // As firmware left them: each function's bus and each bridge's primary, secondary and subordinate
  // bus numbers are its own (an imported dump's), checked, never changed.
  Firmware,
};

class Topology {
 public:
  RcId add_root_complex(const RootComplex& rc);
  // A root port at `dev`.0 on the root complex's root bus.
  FnId add_root_port(RcId rc, uint8_t dev, bool external_facing = false);
  // A switch below `port`: its upstream port and `downstream` downstream ports (returned).
  std::vector<FnId> add_switch(FnId port, unsigned downstream);
  // A function at `devfn` on the secondary bus of `parent`, or on the root bus when parent is kNoFn.
  // A hot-plug function starts absent; insert() brings it in.
  FnId add_function(RcId rc, FnId parent, uint8_t devfn, ConfigSpace cfg, std::string label, bool hotplug = false);
  // The same at a bus number of its own, for BusNumbers::Firmware: `bus` is the parent's secondary
  // bus (the root complex's root bus when parent is kNoFn); finalize checks that it is.
  FnId add_function_on_bus(RcId rc, FnId parent, uint8_t bus, uint8_t devfn, ConfigSpace cfg, std::string label);

  // Assigns bus numbers depth-first as firmware does (reserving the buses a PF's
  // VFs will need), or keeps and checks those the functions and bridges carry
  // (BusNumbers::Firmware: see bus_problems()), and creates the VF slots of every
  // SR-IOV PF. Call once, after the last add_*.
  void finalize(BusNumbers numbering = BusNumbers::DepthFirst);
  // After finalize: two functions that would answer the same routing ID, now or once SR-IOV
  // enables TotalVFs (hot-plug slots and VF slots included), which no real hierarchy can have.
  // "0000:01:00.0 would be both 'nic0' and 'nic1'" for the first such pair, or nullopt.
  std::optional<std::string> address_conflict() const;
  // The same pair as functions (the one found first, then the one that clashes with it; a VF
  // slot for a VF), for an error that points at what the user wrote.
  std::optional<std::pair<FnId, FnId>> conflicting_functions() const;

  // Config cycles. An absent function reads all ones and ignores writes.
  uint32_t config_read(FnId fn, uint16_t off, unsigned width) const;
  void config_write(FnId fn, uint16_t off, unsigned width, uint32_t v);

  // The present function at `bdf` in the root complex's domain, or kNoFn.
  FnId find(uint16_t domain, Bdf bdf) const;
  // Present functions on `bus`, ordered by devfn (what a bus scan finds).
  std::vector<FnId> scan_bus(uint16_t domain, uint8_t bus) const;
  // VF slots of a PF, by VF index.
  std::vector<FnId> vfs_of(FnId pf) const;

  void insert(FnId fn);  // hot-plug insertion
  void eject(FnId fn);   // hot-plug removal (surprise or after the OS let go)
  // Function Level Reset (a write of Initiate FLR to Device Control): the function's control
  // registers return to their reset values, ATS Enable and STU included, and its ATC is emptied
  // (PCIe: a reset invalidates the ATC). A PF's VF Enable clears with the rest, so its VFs are
  // gone until VF Enable is set again, and come back at their own reset state.
  void function_level_reset(FnId fn);
  // PowerState written from D3hot to D0 on a function whose PMCSR has NoSoftRst clear: PCIe's
  // "internal reset" of the function, which clears what an FLR clears (ATS Enable and STU, the
  // ATC, PASID and PRI, the Command register; a PF's VF Enable, so its VFs go as they do at an
  // FLR). PCIe leaves more to the device here than at an FLR (sticky bits, what the device keeps
  // internally); the model draws no difference.
  void power_state_reset(FnId fn);
  // Secondary Bus Reset asserted on a bridge's Bridge Control: a hot reset of every function
  // below it (every bus, VFs included, which go with their PF's VF Enable), each back at its
  // reset state and in D0. Bridges below keep their bus numbers here (the model's simplification:
  // the kernel's one caller, pci_parent_bus_reset, finds a lone endpoint below).
  void secondary_bus_reset(FnId bridge);

  const std::vector<RootComplex>& root_complexes() const { return rcs_; }
  const std::vector<Function>& functions() const { return fns_; }
  const Function& fn(FnId id) const { return fns_.at(id); }
  Function& fn(FnId id) { return fns_.at(id); }
  RootComplex& rc(RcId id) { return rcs_.at(id); }
  const RootComplex& rc(RcId id) const { return rcs_.at(id); }
  bool finalized() const { return finalized_; }
  // After finalize: "" or why the bus numbers a segment needs run past 255 (bridges and the buses
  // SR-IOV VFs cross into), which no real hierarchy can number.
  const std::string& bus_overflow() const { return bus_overflow_; }
  // The function whose buses ran past 255 first (a bridge, or a PF whose VFs cross buses), or kNoFn.
  FnId bus_overflow_at() const { return bus_overflow_at_; }
  // After finalize(BusNumbers::Firmware): what is wrong with the bus numbers kept, one line each
  // ("bridge 0000:00:1c.0's secondary bus 05 is outside [bus 02-04], the range of the bus it sits
  // on"): a bridge whose range leaves its parent's or overlaps a sibling's, a function off its
  // parent's secondary bus. Linux scans such a hierarchy all the same (pci_scan_bridge_extend keeps
  // what firmware set unless it is senseless); the caller decides whether to go on.
  const std::vector<std::string>& bus_problems() const { return bus_problems_; }
  BusNumbers bus_numbers() const { return numbering_; }
  // The last bus number a function's bus may use: its parent bridge's subordinate bus, or 255 on a
  // root bus (Linux: dev->bus->busn_res.end). A PF's VFs beyond it cannot be enabled.
  uint8_t bus_end(FnId fn) const;

  bool operator==(const Topology&) const = default;

 private:
  // A function's routing ID: its own, or for a VF slot where VF Enable will place it.
  Bdf routing_bdf(FnId id) const;
  unsigned number_bus(RcId rc, FnId bridge, unsigned bus, unsigned next);
  void sriov_control_written(FnId pf, uint16_t sriov_pos, uint16_t old_ctrl);
  // Rebuilds the address index; called wherever a function appears, leaves or moves.
  void reindex();

  std::vector<RootComplex> rcs_;
  std::vector<Function> fns_;
  // Present functions by segment << 16 | routing ID: a lookup per ATC invalidation must not scan.
  std::map<uint32_t, FnId> by_address_;
  void check_firmware_buses();

  bool finalized_ = false;
  std::string bus_overflow_;
  FnId bus_overflow_at_ = kNoFn;
  BusNumbers numbering_ = BusNumbers::DepthFirst;
  std::vector<std::string> bus_problems_;
};

// The config-space image of a VF of `pf` (vendor/device read as 0xffff per the
// SR-IOV spec; PCIe capability; an ATS capability when the PF has one).
ConfigSpace make_vf_config(const ConfigSpace& pf);

}  // namespace atslab::hw::pcie
