#include "hw/smmuv3/pgtable.h"

namespace atslab::hw::smmuv3::pgtable {

WalkResult walk(const memory::Memory& mem, Stage stage, uint64_t ttb, unsigned start_level, unsigned ia_bits,
                uint64_t ia, bool write, const S2Context* nested_s2) {
  WalkResult r;
  r.level = start_level;
  if (ia_bits < 64 && (ia >> ia_bits) != 0) {
    r.fault = Fault::Translation;  // outside the table's input range
    return r;
  }
  uint64_t table = ttb & kAddrMask;
  for (unsigned level = start_level; level <= 3; level++) {
    r.level = level;
    if (nested_s2) {
      const WalkResult t = walk(mem, Stage::S2, nested_s2->ttb, nested_s2->start_level, nested_s2->ia_bits, table,
                                false, nullptr);
      if (t.fault != Fault::None) return t;  // a stage-2 fault on a stage-1 table walk
      table = t.out;
    }
    const unsigned shift = 12 + 9 * (3 - level);
    const uint64_t index = (ia >> shift) & 0x1ff;
    r.table_pa = table + 8 * index;
    const uint64_t desc = mem.read64(r.table_pa);
    if (!(desc & kValid)) {
      r.fault = Fault::Translation;
      return r;
    }
    const bool is_table = (desc & kTable) && level < 3;
    if (is_table) {
      table = desc & kAddrMask;
      continue;
    }
    // A block at level 0, or a "block" encoding at level 3, is reserved.
    if (level == 0 || (level == 3 && !(desc & kTable))) {
      r.fault = Fault::Translation;
      return r;
    }
    if (!(desc & kAf)) {
      r.fault = Fault::Access;
      return r;
    }
    r.block_size = uint64_t{1} << shift;
    r.out = (desc & kAddrMask & ~(r.block_size - 1)) | (ia & (r.block_size - 1));
    if (stage == Stage::S1) {
      r.readable = true;
      r.writable = !(desc & kS1ApRdonly);
    } else {
      r.readable = (desc & kS2ApRead) != 0;
      r.writable = (desc & kS2ApWrite) != 0;
    }
    if (write ? !r.writable : !r.readable) r.fault = Fault::Permission;
    return r;
  }
  r.fault = Fault::Translation;
  return r;
}

}  // namespace atslab::hw::smmuv3::pgtable
