#pragma once
// Ready-made machines: the built-in example, and imported lspci dumps with their own hierarchy
// behind ATS-capable root complexes.
#include <string>
#include <vector>

#include "hw/pcie/function.h"
#include "io/lspci_dump.h"
#include "policy/pci_switches.h"
#include "linux/system.h"

namespace atslab::sim {

struct MachineOptions {
  hw::pcie::IommuKind iommu = hw::pcie::IommuKind::Smmuv3;
  bool rc_ats = true;  // the root complex declares ATS support (IORT)
  policy::PciCoreSwitches switches;
  uint16_t vfs = 0;    // VFs to enable on every SR-IOV PF after boot (the built-in example uses 2)
  // The dumps are of one host (`lspci -s X -xxxx` per device, a scenario's machine.lspci): each
  // function keeps its segment. Otherwise each file is a machine of its own, in a segment of its own.
  bool one_host = false;
};

// A PF with ATS and SR-IOV below a root port of an ATS-capable root complex (a
// Mellanox ConnectX-6 Dx PF and its VFs, as pci.ids names them).
System builtin_example(MachineOptions opt = {.vfs = 2});

// The dumps' machine, booted: each file's hierarchy as the dump gives it (lspci -t's tree: every
// function at its own address, below the bridge whose secondary bus it is on; the bridges keep
// their bus numbers, hw::pcie::BusNumbers::Firmware), each file in a segment of its own (unless
// `opt.one_host`), one root
// complex per root bus. A bus no bridge of the dump leads to and holding only functions that
// belong below a port (bare endpoints, `lspci -s`) stands below a root port of atslab's. Only the
// functions Linux's scan would find (sim/dump_scan.h); `notes` gets one line per function left out,
// per dump too short to show extended capabilities, per root port of atslab's, per segment moved,
// per PF whose VFs its bus range cannot hold, and per odd bus number (Topology::bus_problems).
// Throws InputError on a file given twice, functions that would share a routing ID, bus numbers
// that describe no tree (two bridges leading to one bus, a loop), or --vfs above a PF's TotalVFs or
// past its bus range.
System from_dumps(const std::vector<io::ImportedFunction>& fns, const MachineOptions& opt,
                  std::vector<std::string>* notes = nullptr);

// from_dumps' hierarchy before it boots (`opt.vfs` and `opt.switches` unused): its root complexes
// (`opt.iommu`, `opt.rc_ats`, each its own IOMMU) and functions. `said` gets the notes.
hw::pcie::Topology dump_topology(const std::vector<io::ImportedFunction>& fns, const MachineOptions& opt,
                                 std::vector<std::string>& said);

// Boots the machine and enables `opt.vfs` VFs on every SR-IOV PF, as a write to its sriov_numvfs
// would: InputError (-ERANGE) when that is above a PF's TotalVFs, (-ENOMEM) when the last VF's bus
// is past the PF's bus range.
void boot_and_enable_vfs(System& s, const MachineOptions& opt);

}  // namespace atslab::sim
