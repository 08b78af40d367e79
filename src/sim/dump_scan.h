#pragma once
// Which of a dump's functions Linux would find, by the kernel's scan rules (drivers/pci/probe.c:
// pci_scan_slot, next_fn, next_ari_fn; pci_configure_ari). A dump may hold functions that Linux
// never enumerates (a slot's function 1 without function 0, or `lspci -s 6a:00.4`): they are
// left out of the machine, each with a note saying why.
#include <string>
#include <vector>

#include "io/lspci_dump.h"

namespace atslab::sim {

struct DumpScan {
  std::vector<io::ImportedFunction> found;  // in the dump's order
  std::vector<std::string> notes;           // one per function left out: "FILE: BDF left out: why"
  std::vector<bool> on_ari_bus;             // found[i]'s bus has ARI on: its functions share one port
};

// `fns` are one dump's functions (one file). A bus's upstream port is the dump's bridge whose
// secondary bus it is; a dump without it stands behind atslab's own root port, which forwards
// ARI (the real port did, or Linux could not have listed the device's functions 8 and up).
DumpScan scan_like_linux(const std::vector<io::ImportedFunction>& fns);

}  // namespace atslab::sim
