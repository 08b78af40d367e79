#include "linux/amd/cmd.h"

#include "sim/system.h"

namespace atslab::amd {

void iommu_queue_command(System& s, uint16_t iommu, const Cmd& c) {
  // Simplification: the size travels as pages in the event; the hardware encodes it as an S-bit range.
  uint64_t a = static_cast<uint64_t>(c.op) | uint64_t{c.devid} << 8 | uint64_t{c.qdep} << 24 | uint64_t{c.domid} << 32;
  uint64_t b = c.addr | ((c.size >> 12) & 0xfff);
  s.record.event(kernel::EventKind::AmdCommand, iommu, static_cast<int64_t>(a), static_cast<int64_t>(b));
}

Cmd decode(const kernel::Event& e) {
  auto a = static_cast<uint64_t>(e.a), b = static_cast<uint64_t>(e.b);
  Cmd c;
  c.op = static_cast<CmdOp>(a & 0xff);
  c.devid = static_cast<uint16_t>(a >> 8);
  c.qdep = static_cast<uint8_t>(a >> 24);
  c.domid = static_cast<uint16_t>(a >> 32);
  c.addr = b & ~uint64_t{0xfff};
  c.size = (b & 0xfff) << 12;
  return c;
}

}  // namespace atslab::amd
