#pragma once
// Walks the standard (0x40..0xff) and extended (0x100..0xfff) capability
// lists. A chain that loops, points outside its range or is misaligned ends
// the walk and is reported as a defect: bad config space never hangs or
// crashes the model (the kernel bounds its own walks with a TTL likewise).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hw/pcie/config_space.h"

namespace atslab::hw::pcie {

struct CapEntry {
  uint16_t id = 0;
  uint16_t offset = 0;
  uint8_t version = 0;  // extended capabilities only
  bool operator==(const CapEntry&) const = default;
};

struct ConfigDefect {
  uint16_t offset = 0;  // where the bad pointer or header was read
  std::string what;
  bool operator==(const ConfigDefect&) const = default;
};

struct CapWalk {
  std::vector<CapEntry> caps;
  std::vector<ConfigDefect> defects;
};

CapWalk walk_std_caps(const ConfigSpace& cfg);
CapWalk walk_ext_caps(const ConfigSpace& cfg);

// First capability with `id`, as pci_find_capability / pci_find_ext_capability return it (0 = none).
uint16_t find_std_cap(const ConfigSpace& cfg, uint8_t id);
uint16_t find_ext_cap(const ConfigSpace& cfg, uint16_t id);
// The next extended capability with `id` after the one at `start`, as pci_find_next_ext_capability
// (0 = none; `start` 0 finds the first). DVSECs and VSECs repeat, so their walks go on from one.
uint16_t find_next_ext_cap(const ConfigSpace& cfg, uint16_t start, uint16_t id);

}  // namespace atslab::hw::pcie
