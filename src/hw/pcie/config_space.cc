#include "hw/pcie/config_space.h"

#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"

namespace atslab::hw::pcie {

namespace {
// An access that would run past the end of config space is truncated to what
// fits; reads of the missing bytes return 0xff like an absent register.
unsigned fit(uint16_t off, unsigned width) {
  if (off >= ConfigSpace::kSize) return 0;
  unsigned room = ConfigSpace::kSize - off;
  return width < room ? width : room;
}
uint32_t gather(const std::array<uint8_t, ConfigSpace::kSize>& a, uint16_t off, unsigned width,
                uint8_t fill = 0xff) {
  uint32_t v = 0;
  unsigned n = fit(off, width);
  for (unsigned i = 0; i < width; ++i) {
    uint32_t b = i < n ? a[off + i] : fill;
    v |= b << (8 * i);
  }
  return v;
}
}  // namespace

uint8_t ConfigSpace::read8(uint16_t off) const { return static_cast<uint8_t>(gather(image_.get(), off, 1)); }
uint16_t ConfigSpace::read16(uint16_t off) const { return static_cast<uint16_t>(gather(image_.get(), off, 2)); }
uint32_t ConfigSpace::read32(uint16_t off) const { return gather(image_.get(), off, 4); }

void ConfigSpace::write(uint16_t off, unsigned width, uint32_t v) {
  unsigned n = fit(off, width);
  if (n > 4) n = 4;  // a 32-bit value has four bytes
  const Image& now = image_.get();
  const Masks& m = masks_.get();
  std::array<uint8_t, 4> next{};
  bool changed = false;
  for (unsigned i = 0; i < n; ++i) {
    uint8_t in = static_cast<uint8_t>(v >> (8 * i));
    uint8_t b = now[off + i];
    uint8_t rw = m.rw[off + i], w1c = m.w1c[off + i];
    b = static_cast<uint8_t>((b & ~rw) | (in & rw));
    b = static_cast<uint8_t>(b & ~(in & w1c));
    next[i] = b;
    changed |= b != now[off + i];
  }
  // A write that changes nothing (read-only bits, the value already there) keeps the block shared.
  if (!changed) return;
  Image& img = image_.mut();
  for (unsigned i = 0; i < n; ++i) img[off + i] = next[i];
}

void ConfigSpace::poke(uint16_t off, unsigned width, uint32_t v) {
  unsigned n = fit(off, width);
  bool changed = false;
  for (unsigned i = 0; i < n; ++i) changed |= image_.get()[off + i] != static_cast<uint8_t>(v >> (8 * i));
  if (!changed) return;
  Image& img = image_.mut();
  for (unsigned i = 0; i < n; ++i) img[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

void ConfigSpace::define(uint16_t off, unsigned width, uint32_t rw, uint32_t w1c) {
  unsigned n = fit(off, width);
  Masks& m = masks_.mut();
  for (unsigned i = 0; i < n; ++i) {
    m.rw[off + i] = static_cast<uint8_t>(rw >> (8 * i));
    m.w1c[off + i] = static_cast<uint8_t>(w1c >> (8 * i));
  }
}

uint32_t ConfigSpace::rw_mask(uint16_t off, unsigned width) const { return gather(masks_.get().rw, off, width, 0); }
uint32_t ConfigSpace::w1c_mask(uint16_t off, unsigned width) const { return gather(masks_.get().w1c, off, width, 0); }

uint16_t ConfigSpace::ats_cap_offset() const {
  return static_cast<uint16_t>(image_.derived([this](const Image&) { return uint32_t{find_ext_cap(*this, ext_cap::kAts)}; }));
}

}  // namespace atslab::hw::pcie
