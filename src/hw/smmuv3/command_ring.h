#pragma once
// The command queue's ring storage: 2^CMDQS slots of 16-byte commands, held
// copy-on-write (hw::CowBlock) with its content hash cached.
//
// Why not a plain vector: the explorer copies and hashes the System for every
// transition, and a 4 KiB ring that most operations never write was a tenth of
// that cost. Copies share the ring until one of them issues a command.
#include <array>
#include <cstdint>

#include "hw/cow_block.h"
#include "hw/smmuv3/command.h"

namespace atslab::hw::smmuv3 {

class CommandRing {
 public:
  // The largest ring the model holds (CMDQS = 8, 256 commands); Smmu::cmdq_log2size may be smaller.
  static constexpr unsigned kMaxLog2 = 8;
  static constexpr uint32_t kMaxEntries = uint32_t{1} << kMaxLog2;

  const RawCommand& operator[](uint32_t slot) const { return ring_.get()[slot % kMaxEntries]; }
  void write(uint32_t slot, const RawCommand& c) { ring_.mut()[slot % kMaxEntries] = c; }
  // Every slot back to zero (what canonicalisation does to an idle ring).
  void clear() { ring_.clear(); }
  uint64_t hash() const { return ring_.hash(); }

  bool operator==(const CommandRing&) const = default;

 private:
  CowBlock<std::array<RawCommand, kMaxEntries>> ring_;
};

}  // namespace atslab::hw::smmuv3
