#pragma once
// Which of a dump's functions Linux would find, by the kernel's scan rules (drivers/pci/probe.c:
// pci_scan_slot, next_fn, next_ari_fn; pci_configure_ari). A dump may hold functions that Linux
// never enumerates (functions beside a single-function function 0, functions off the ARI chain):
// they are left out of the machine, each with a note saying why. A slot whose function 0 the dump
// lacks is a dump of chosen functions (`lspci -s 6a:00.4`; lspci lists only what Linux found):
// its functions are kept, with a note.
#include <string>
#include <vector>

#include "io/lspci_dump.h"

namespace atslab::sim {

struct DumpScan {
  std::vector<io::ImportedFunction> found;  // in the dump's order
  std::vector<std::string> notes;           // per function left out ("FILE: BDF left out: why") or kept without its function 0
  std::vector<bool> on_ari_bus;             // found[i]'s bus has ARI on: its functions share one port
};

// `fns` are one dump's functions (one file). A bus's upstream port is the dump's bridge whose
// secondary bus it is; a dump without it stands behind atslab's own root port, which forwards
// ARI (the real port did, or Linux could not have listed the device's functions 8 and up).
DumpScan scan_like_linux(const std::vector<io::ImportedFunction>& fns);

}  // namespace atslab::sim
