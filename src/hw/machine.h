#pragma once
// All simulated silicon, as one value.
#include <vector>

#include "hw/pcie/topology.h"
#include "hw/smmu_interim.h"
#include "hw/vtd_unit.h"

namespace atslab::hw {

struct Machine {
  pcie::Topology pcie;
  std::vector<SmmuInterim> smmus;  // one per SMMUv3 instance
  std::vector<VtdUnit> vtd;        // one per VT-d remapping unit
  bool operator==(const Machine&) const = default;
};

}  // namespace atslab::hw
