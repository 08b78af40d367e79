#pragma once
// All simulated silicon, as one value.
#include <vector>

#include "hw/amd_iommu.h"
#include "hw/memory/memory.h"
#include "hw/pcie/topology.h"
#include "hw/smmuv3/smmu.h"
#include "hw/vtd_unit.h"

namespace atslab::hw {

struct Machine {
  pcie::Topology pcie;
  memory::Memory memory;
  std::vector<smmuv3::Smmu> smmus;  // by RootComplex::iommu_index
  std::vector<VtdUnit> vtd;        // one per VT-d remapping unit
  std::vector<AmdIommu> amd;       // one per AMD-Vi IOMMU
  bool operator==(const Machine&) const = default;
};

}  // namespace atslab::hw
