#pragma once
// SR-IOV routing-ID arithmetic (PCIe SR-IOV 2.1.2; Linux pci_iov_virtfn_bus/devfn).
#include <cstdint>

#include "hw/pcie/bdf.h"

namespace atslab::hw::pcie {

// Bus and devfn of VF `n` (0-based) of the PF at `pf`: RID = PF RID + offset + n * stride.
// The sum may cross into following bus numbers; it wraps past bus 255 like the 16-bit RID does.
constexpr uint8_t virtfn_bus(Bdf pf, uint16_t offset, uint16_t stride, unsigned n) {
  return static_cast<uint8_t>(pf.bus + ((pf.devfn + offset + stride * n) >> 8));
}
constexpr uint8_t virtfn_devfn(Bdf pf, uint16_t offset, uint16_t stride, unsigned n) {
  return static_cast<uint8_t>((pf.devfn + offset + stride * n) & 0xff);
}
constexpr Bdf virtfn_bdf(Bdf pf, uint16_t offset, uint16_t stride, unsigned n) {
  return Bdf{pf.domain, virtfn_bus(pf, offset, stride, n), virtfn_devfn(pf, offset, stride, n)};
}
// How many bus numbers beyond the PF's own bus `num_vfs` VFs need.
constexpr unsigned virtfn_extra_buses(Bdf pf, uint16_t offset, uint16_t stride, unsigned num_vfs) {
  if (num_vfs == 0) return 0;
  return (pf.devfn + offset + stride * (num_vfs - 1)) >> 8;
}

}  // namespace atslab::hw::pcie
