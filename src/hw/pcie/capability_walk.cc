#include "hw/pcie/capability_walk.h"

#include <bitset>
#include <fmt/format.h>
#include <utility>

#include "hw/pcie/regs.h"

namespace atslab::hw::pcie {

namespace {

// Each walk is written once and used two ways: walk_*_caps collects every capability and
// defect; find_*_cap stops at the first match and formats no defect message (it runs on
// every ATS check, where building a vector and strings cost more than the lookup).
// `cap(entry)` returns false to stop; `defect(offset, make_message)` receives the message lazily.
template <typename OnCap, typename OnDefect>
void std_walk(const ConfigSpace& cfg, OnCap&& cap, OnDefect&& defect) {
  if (!(cfg.read16(hdr::kStatus) & hdr::kStatusCapList)) return;
  uint8_t header_type = cfg.read8(hdr::kHeaderType) & 0x7f;
  uint16_t ptr_at = header_type == hdr::kTypeCardbus ? 0x14 : hdr::kCapabilityList;
  uint16_t pos = cfg.read8(ptr_at);
  std::bitset<256> seen;
  while (pos != 0) {
    if (pos & 3) {
      defect(ptr_at, [&] { return fmt::format("capability pointer {:#04x} is not dword aligned", pos); });
      pos &= 0xfc;
      if (pos == 0) break;
    }
    if (pos < hdr::kStdCapStart) {
      defect(ptr_at, [&] { return fmt::format("capability pointer {:#04x} points into the header", pos); });
      break;
    }
    if (seen[pos]) {
      defect(ptr_at, [&] { return fmt::format("capability list loops back to {:#04x}", pos); });
      break;
    }
    seen[pos] = true;
    uint8_t id = cfg.read8(pos);
    if (id == 0xff) {
      defect(pos, [&] { return fmt::format("capability at {:#04x} has ID 0xff", pos); });
      break;
    }
    if (!cap(CapEntry{id, pos, 0})) return;
    ptr_at = pos + 1;
    pos = cfg.read8(ptr_at);
  }
}

template <typename OnCap, typename OnDefect>
void ext_walk(const ConfigSpace& cfg, OnCap&& cap, OnDefect&& defect) {
  uint16_t pos = hdr::kExtCapStart;
  uint32_t header = cfg.read32(pos);
  // An all-zero or all-ones first header means "no extended capabilities"
  // (conventional PCI, or config space beyond 256 bytes not implemented).
  if (header == 0 || header == 0xffffffff) return;
  std::bitset<hdr::kConfigSize / 4> seen;
  uint16_t ptr_at = pos;  // the header whose next pointer led to pos: a loop is that pointer's defect
  for (;;) {
    if (seen[pos / 4]) {
      defect(ptr_at, [&] { return fmt::format("next pointer at {:#05x} loops back to {:#05x}", ptr_at, pos); });
      break;
    }
    seen[pos / 4] = true;
    if (header == 0xffffffff) {
      defect(pos, [&] { return fmt::format("extended capability header at {:#05x} reads all ones", pos); });
      break;
    }
    if (!cap(CapEntry{ext_cap::id(header), pos, ext_cap::version(header)})) return;
    uint32_t raw_next = (header >> 20) & 0xfff;
    if (raw_next == 0) break;
    if (raw_next & 3)
      defect(pos, [&] { return fmt::format("next pointer {:#05x} at {:#05x} is not dword aligned", raw_next, pos); });
    uint16_t next = ext_cap::next(header);
    if (next < hdr::kExtCapStart) {
      defect(pos, [&] { return fmt::format("next pointer {:#05x} at {:#05x} points below 0x100", raw_next, pos); });
      break;
    }
    ptr_at = pos;
    pos = next;
    header = cfg.read32(pos);
  }
}

template <typename Walk>
CapWalk collect(const ConfigSpace& cfg, Walk walk) {
  CapWalk w;
  walk(
      cfg,
      [&](const CapEntry& c) {
        w.caps.push_back(c);
        return true;
      },
      [&](uint16_t at, auto&& what) { w.defects.push_back({at, what()}); });
  return w;
}

template <typename Walk>
uint16_t first(const ConfigSpace& cfg, uint16_t id, Walk walk) {
  uint16_t found = 0;
  walk(
      cfg,
      [&](const CapEntry& c) {
        if (c.id != id) return true;
        found = c.offset;
        return false;
      },
      [](uint16_t, auto&&) {});
  return found;
}

}  // namespace

CapWalk walk_std_caps(const ConfigSpace& cfg) {
  return collect(cfg, [](auto&&... a) { std_walk(std::forward<decltype(a)>(a)...); });
}

CapWalk walk_ext_caps(const ConfigSpace& cfg) {
  return collect(cfg, [](auto&&... a) { ext_walk(std::forward<decltype(a)>(a)...); });
}

uint16_t find_std_cap(const ConfigSpace& cfg, uint8_t id) {
  return first(cfg, id, [](auto&&... a) { std_walk(std::forward<decltype(a)>(a)...); });
}

uint16_t find_ext_cap(const ConfigSpace& cfg, uint16_t id) {
  return first(cfg, id, [](auto&&... a) { ext_walk(std::forward<decltype(a)>(a)...); });
}

uint16_t find_next_ext_cap(const ConfigSpace& cfg, uint16_t start, uint16_t id) {
  uint16_t found = 0;
  bool past_start = start == 0;
  ext_walk(
      cfg,
      [&](const CapEntry& c) {
        if (!past_start) {
          past_start = c.offset == start;
          return true;
        }
        if (c.id != id) return true;
        found = c.offset;
        return false;
      },
      [](uint16_t, auto&&) {});
  return found;
}

}  // namespace atslab::hw::pcie
