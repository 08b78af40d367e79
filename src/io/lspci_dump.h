#pragma once
// Import of real devices from lspci dumps as `lspci -F` reads them: `lspci -xxxx`, and
// `lspci -vvvxxxx` with its decoded text (skipped, as libpci skips it).
// The file is first checked line by line, so a malformed dump is refused with
// a diagnostic naming the file, the line and what was expected; the config
// bytes are then read through libpci's dump access method.
#include <optional>
#include <string>
#include <vector>

#include "hw/pcie/bdf.h"
#include "hw/pcie/capability_walk.h"
#include "hw/pcie/config_space.h"

namespace atslab::io {

struct ImportedFunction {
  std::string file;
  hw::pcie::Bdf original;    // where the function sat on the machine the dump came from
  std::string description;   // lspci's text after the address
  std::string source;        // the dump's "# source:" comment, if any
  unsigned config_size = 0;  // 64, 256 or 4096 bytes present in the dump
  // At its reset state (control registers cleared), with the model's write semantics applied.
  hw::pcie::ConfigSpace cfg;
  // The ATS Control register as the live system had it (cfg holds its reset value): what its
  // driver and IOMMU had set, shown beside what atslab's enumeration sets.
  std::optional<uint16_t> dump_ats_control;
  std::vector<hw::pcie::ConfigDefect> defects;  // capability-chain problems (reported, not fatal)
};

// Throws atslab::InputError ("FILE:LINE: ...") on a missing, unreadable or malformed dump.
std::vector<ImportedFunction> load_lspci_dump(const std::string& path);

}  // namespace atslab::io
