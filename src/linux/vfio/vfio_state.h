#pragma once
// VFIO's legacy container/group state (drivers/vfio/container.c, vfio_iommu_type1.c).
#include <cstdint>
#include <map>
#include <vector>

#include "linux/iommu/iommu_core.h"

namespace atslab::vfio {

using ContainerId = uint32_t;
using VfioGroupId = uint32_t;
inline constexpr uint32_t kNone = 0xffffffff;

struct DmaMapping {
  uint64_t paddr = 0, size = 0;
  bool operator==(const DmaMapping&) const = default;
};

struct Container {
  std::vector<VfioGroupId> groups;
  bool type1 = false;                        // VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU) done
  iommu::DomainId domain = iommu::kNoDomain;  // the one type1 domain the model keeps per container
  std::map<uint64_t, DmaMapping> dma;        // by IOVA
  bool operator==(const Container&) const = default;
};

struct VfioGroup {
  iommu::GroupId group = iommu::kNoGroup;
  ContainerId container = kNone;
  bool operator==(const VfioGroup&) const = default;
};

struct Vfio {
  std::vector<Container> containers;
  std::vector<VfioGroup> groups;
  bool operator==(const Vfio&) const = default;
};

}  // namespace atslab::vfio
