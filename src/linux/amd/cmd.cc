#include "linux/amd/cmd.h"

#include <algorithm>
#include <bit>

#include "hw/amd_remap.h"
#include "hw/remap.h"
#include "linux/system.h"

namespace atslab::amd {

namespace {
constexpr uint64_t kPageMask = ~uint64_t{0xfff};
}  // namespace

uint64_t build_inv_address(uint64_t address, uint64_t size) {
  const uint64_t first = address >> 12, last = (address + std::max<uint64_t>(size, 1) - 1) >> 12;
  if (size >= kAllPages || last < first) return (kAllPages & kPageMask) | hw::kCmdInvPagesSize;
  if (first == last) return address & kPageMask;
  // The highest bit in which the first and the last byte differ: every bit below it is
  // set, so the lowest clear bit (the S-bit encoding's size) is that one.
  const unsigned msb_diff = 63 - static_cast<unsigned>(std::countl_zero(address ^ (address + size - 1)));
  // Bits 63:52 are a sign extension: a range reaching across bit 51 is flushed whole.
  if (msb_diff > 51) address = kAllPages;
  else address |= (uint64_t{1} << msb_diff) - 1;
  return (address & kPageMask) | hw::kCmdInvPagesSize;
}

void iommu_queue_command(System& s, uint16_t iommu, const Cmd& c) {
  uint64_t a = static_cast<uint64_t>(c.op) | uint64_t{c.devid} << 8 | uint64_t{c.qdep} << 24 | uint64_t{c.domid} << 32;
  uint64_t b = build_inv_address(c.addr, c.size);
  s.record.event(kernel::EventKind::AmdCommand, iommu, static_cast<int64_t>(a), static_cast<int64_t>(b));
  // The IOMMU executes it; the driver's COMPLETION_WAIT returns once the endpoint completed.
  hw::amd_execute_command(s.hw, iommu, a, b);
}

Cmd decode(const kernel::Event& e) {
  auto a = static_cast<uint64_t>(e.a), b = static_cast<uint64_t>(e.b);
  Cmd c;
  c.op = static_cast<CmdOp>(a & 0xff);
  c.devid = static_cast<uint16_t>(a >> 8);
  c.qdep = static_cast<uint8_t>(a >> 24);
  c.domid = static_cast<uint16_t>(a >> 32);
  const hw::InvRange r = hw::decode_size_bit_range(b, (b & hw::kCmdInvPagesSize) != 0);
  c.addr = r.addr;
  c.size = r.size;
  return c;
}

}  // namespace atslab::amd
