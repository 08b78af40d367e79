#pragma once
// The AArch64 VMSAv8-64 translation table format the SMMU walks, stage 1
// and stage 2, 4 KiB granule, up to 4 levels, in hw::memory.
// Left out: 16K/64K granules, 52-bit addresses, contiguous hint, memory
// attributes and shareability, XN/PXN, hardware AF/dirty updates, TTB1.
#include <cstdint>

#include "hw/memory/memory.h"

namespace atslab::hw::smmuv3::pgtable {

inline constexpr uint64_t kValid = 1u << 0;
inline constexpr uint64_t kTable = 1u << 1;  // at levels 0..2: table; at level 3: page
inline constexpr uint64_t kAddrMask = 0x0000fffffffff000;  // OA / next-table address [47:12]
inline constexpr uint64_t kAf = 1u << 10;
// Stage 1: AP[2] (bit 7) makes the page read-only; AP[1] (bit 6) is EL0 access (ignored here).
inline constexpr uint64_t kS1ApRdonly = 1u << 7;
// Stage 2: S2AP[0] (bit 6) read, S2AP[1] (bit 7) write.
inline constexpr uint64_t kS2ApRead = 1u << 6, kS2ApWrite = 1u << 7;

enum class Stage : uint8_t { S1, S2 };
enum class Fault : uint8_t { None, Translation, AddressSize, Access, Permission };

struct WalkResult {
  Fault fault = Fault::None;
  unsigned level = 0;      // where the walk ended
  uint64_t out = 0;        // output address of the input address
  uint64_t block_size = 0; // size of the mapping that covered it
  bool readable = false, writable = false;
  uint64_t table_pa = 0;   // last table read (for F_WALK_EABT-like diagnostics)
};

// Walks `ia` from the table at `ttb` starting at `start_level` (0..3) with an
// input range of `ia_bits`. `nested_s2` (optional) translates every stage-1
// table address through stage 2 as nested translation does.
struct S2Context {
  uint64_t ttb = 0;
  unsigned start_level = 0;
  unsigned ia_bits = 48;
};
WalkResult walk(const memory::Memory& mem, Stage stage, uint64_t ttb, unsigned start_level, unsigned ia_bits,
                uint64_t ia, bool write, const S2Context* nested_s2 = nullptr);

}  // namespace atslab::hw::smmuv3::pgtable
