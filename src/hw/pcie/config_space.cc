#include "hw/pcie/config_space.h"

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

uint8_t ConfigSpace::read8(uint16_t off) const { return static_cast<uint8_t>(gather(bytes_, off, 1)); }
uint16_t ConfigSpace::read16(uint16_t off) const { return static_cast<uint16_t>(gather(bytes_, off, 2)); }
uint32_t ConfigSpace::read32(uint16_t off) const { return gather(bytes_, off, 4); }

void ConfigSpace::write(uint16_t off, unsigned width, uint32_t v) {
  unsigned n = fit(off, width);
  for (unsigned i = 0; i < n; ++i) {
    uint8_t in = static_cast<uint8_t>(v >> (8 * i));
    uint8_t& b = bytes_[off + i];
    uint8_t rw = rw_[off + i], w1c = w1c_[off + i];
    b = static_cast<uint8_t>((b & ~rw) | (in & rw));
    b = static_cast<uint8_t>(b & ~(in & w1c));
  }
}

void ConfigSpace::poke(uint16_t off, unsigned width, uint32_t v) {
  unsigned n = fit(off, width);
  for (unsigned i = 0; i < n; ++i) bytes_[off + i] = static_cast<uint8_t>(v >> (8 * i));
}

void ConfigSpace::define(uint16_t off, unsigned width, uint32_t rw, uint32_t w1c) {
  unsigned n = fit(off, width);
  for (unsigned i = 0; i < n; ++i) {
    rw_[off + i] = static_cast<uint8_t>(rw >> (8 * i));
    w1c_[off + i] = static_cast<uint8_t>(w1c >> (8 * i));
  }
}

uint32_t ConfigSpace::rw_mask(uint16_t off, unsigned width) const { return gather(rw_, off, width, 0); }
uint32_t ConfigSpace::w1c_mask(uint16_t off, unsigned width) const { return gather(w1c_, off, width, 0); }

}  // namespace atslab::hw::pcie
