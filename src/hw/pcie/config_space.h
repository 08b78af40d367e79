#pragma once
// A function's 4 KiB configuration space with per-bit write semantics.
//
// Every bit is read-only unless declared read-write or write-1-to-clear; a
// config write from software changes only what the register layout allows,
// as the silicon would. Device-internal changes (a status bit set by the
// hardware, the initial register image) go through poke*, which ignores the
// write semantics.
//
// The image and the write masks are held copy-on-write (hw::CowBlock): copying
// the System shares them, and only a write that changes a byte clones one.
#include <array>
#include <cstddef>
#include <cstdint>

#include "hw/cow_block.h"

namespace atslab::hw::pcie {

class ConfigSpace {
 public:
  static constexpr std::size_t kSize = 0x1000;

  uint8_t read8(uint16_t off) const;
  uint16_t read16(uint16_t off) const;
  uint32_t read32(uint16_t off) const;

  // Software writes (the kernel's pci_write_config_*): per-bit semantics apply.
  void write8(uint16_t off, uint8_t v) { write(off, 1, v); }
  void write16(uint16_t off, uint16_t v) { write(off, 2, v); }
  void write32(uint16_t off, uint32_t v) { write(off, 4, v); }
  void write(uint16_t off, unsigned width, uint32_t v);

  // Hardware-internal stores: raw, no write semantics.
  void poke8(uint16_t off, uint8_t v) { poke(off, 1, v); }
  void poke16(uint16_t off, uint16_t v) { poke(off, 2, v); }
  void poke32(uint16_t off, uint32_t v) { poke(off, 4, v); }
  void poke(uint16_t off, unsigned width, uint32_t v);

  // Declares which bits of a register software may write. `rw` bits take the
  // written value; `w1c` bits are cleared where a 1 is written.
  void define(uint16_t off, unsigned width, uint32_t rw, uint32_t w1c = 0);
  uint32_t rw_mask(uint16_t off, unsigned width) const;
  uint32_t w1c_mask(uint16_t off, unsigned width) const;

  const std::array<uint8_t, kSize>& bytes() const { return image_.get(); }
  // A content hash of the image, cached until the next change.
  uint64_t image_hash() const { return image_.hash(); }
  // Where the ATS Extended Capability sits (0 = none), as find_ext_cap finds it, cached until
  // the image next changes: the silicon decodes its ATS Control register on every DMA,
  // invalidation and check, and the capability chain is a walk.
  uint16_t ats_cap_offset() const;

  bool operator==(const ConfigSpace&) const = default;

 private:
  using Image = std::array<uint8_t, kSize>;
  // Declared once when the device is built; shared by every later copy.
  struct Masks {
    Image rw{};
    Image w1c{};
    bool operator==(const Masks&) const = default;
  };
  CowBlock<Image> image_;
  CowBlock<Masks> masks_;
};

}  // namespace atslab::hw::pcie
