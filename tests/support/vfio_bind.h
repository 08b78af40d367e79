#pragma once
// Binding vfio-pci to a device as the kernel does (driver_override + bind): the device joins its
// IOMMU group's vfio_group, so /dev/vfio/N exists for the test to open.
#include <gtest/gtest.h>

#include "linux/pci/probe.h"
#include "linux/system.h"

namespace atslab::test {

inline void bind_vfio_pci(System& s, pci::DevId d) {
  if (s.kernel.devs[d].driver_bound) pci::device_release_driver(s, d);
  s.kernel.devs[d].driver = pci::DriverKind::VfioPci;
  ASSERT_EQ(pci::device_attach(s, d), 0);
}

}  // namespace atslab::test
