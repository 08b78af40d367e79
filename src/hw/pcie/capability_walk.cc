#include "hw/pcie/capability_walk.h"

#include <bitset>
#include <fmt/format.h>

#include "hw/pcie/regs.h"

namespace atslab::hw::pcie {

CapWalk walk_std_caps(const ConfigSpace& cfg) {
  CapWalk w;
  if (!(cfg.read16(hdr::kStatus) & hdr::kStatusCapList)) return w;
  uint8_t header_type = cfg.read8(hdr::kHeaderType) & 0x7f;
  uint16_t ptr_at = header_type == hdr::kTypeCardbus ? 0x14 : hdr::kCapabilityList;
  uint16_t pos = cfg.read8(ptr_at);
  std::bitset<256> seen;
  while (pos != 0) {
    if (pos & 3) {
      w.defects.push_back({ptr_at, fmt::format("capability pointer {:#04x} is not dword aligned", pos)});
      pos &= 0xfc;
      if (pos == 0) break;
    }
    if (pos < hdr::kStdCapStart) {
      w.defects.push_back({ptr_at, fmt::format("capability pointer {:#04x} points into the header", pos)});
      break;
    }
    if (seen[pos]) {
      w.defects.push_back({ptr_at, fmt::format("capability list loops back to {:#04x}", pos)});
      break;
    }
    seen[pos] = true;
    uint8_t id = cfg.read8(pos);
    if (id == 0xff) {
      w.defects.push_back({pos, fmt::format("capability at {:#04x} has ID 0xff", pos)});
      break;
    }
    w.caps.push_back({id, pos, 0});
    ptr_at = pos + 1;
    pos = cfg.read8(ptr_at);
  }
  return w;
}

CapWalk walk_ext_caps(const ConfigSpace& cfg) {
  CapWalk w;
  uint16_t pos = hdr::kExtCapStart;
  uint32_t header = cfg.read32(pos);
  // An all-zero or all-ones first header means "no extended capabilities"
  // (conventional PCI, or config space beyond 256 bytes not implemented).
  if (header == 0 || header == 0xffffffff) return w;
  std::bitset<hdr::kConfigSize / 4> seen;
  uint16_t ptr_at = pos;  // the header whose next pointer led to pos: a loop is that pointer's defect
  for (;;) {
    if (seen[pos / 4]) {
      w.defects.push_back(
          {ptr_at, fmt::format("next pointer at {:#05x} loops back to {:#05x}", ptr_at, pos)});
      break;
    }
    seen[pos / 4] = true;
    if (header == 0xffffffff) {
      w.defects.push_back({pos, fmt::format("extended capability header at {:#05x} reads all ones", pos)});
      break;
    }
    w.caps.push_back({ext_cap::id(header), pos, ext_cap::version(header)});
    uint32_t raw_next = (header >> 20) & 0xfff;
    if (raw_next == 0) break;
    if (raw_next & 3)
      w.defects.push_back({pos, fmt::format("next pointer {:#05x} at {:#05x} is not dword aligned", raw_next, pos)});
    uint16_t next = ext_cap::next(header);
    if (next < hdr::kExtCapStart) {
      w.defects.push_back({pos, fmt::format("next pointer {:#05x} at {:#05x} points below 0x100", raw_next, pos)});
      break;
    }
    ptr_at = pos;
    pos = next;
    header = cfg.read32(pos);
  }
  return w;
}

uint16_t find_std_cap(const ConfigSpace& cfg, uint8_t id) {
  for (const auto& c : walk_std_caps(cfg).caps)
    if (c.id == id) return c.offset;
  return 0;
}

uint16_t find_ext_cap(const ConfigSpace& cfg, uint16_t id) {
  for (const auto& c : walk_ext_caps(cfg).caps)
    if (c.id == id) return c.offset;
  return 0;
}

}  // namespace atslab::hw::pcie
