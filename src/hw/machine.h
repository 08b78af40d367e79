#pragma once
// All simulated silicon, as one value.
#include <vector>

#include "hw/memory/memory.h"
#include "hw/pcie/topology.h"
#include "hw/smmuv3/smmu.h"

namespace atslab::hw {

struct Machine {
  pcie::Topology pcie;
  memory::Memory memory;
  std::vector<smmuv3::Smmu> smmus;  // by RootComplex::iommu_index
  bool operator==(const Machine&) const = default;
};

}  // namespace atslab::hw
