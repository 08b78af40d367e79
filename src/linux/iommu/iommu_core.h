#pragma once
// IOMMU core state the PCI side needs to see: which root complexes have a
// registered IOMMU (so device_add probes new devices), and per device whether
// probe_device ran and what it saw. Groups and domains come with the driver work.
#include <cstdint>
#include <vector>

namespace atslab::iommu {

struct DeviceIommu {
  bool probed = false;
  bool ats_supported_at_probe = false;  // pci_ats_supported() as probe_device saw it (invariant 6)
  bool operator==(const DeviceIommu&) const = default;
};

struct IommuCore {
  std::vector<bool> registered;  // per root complex: iommu_device_register() done
  std::vector<DeviceIommu> devs;  // per pci::DevId
  bool operator==(const IommuCore&) const = default;
};

}  // namespace atslab::iommu
