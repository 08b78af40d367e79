#pragma once
// All simulated silicon, as one value.
#include <vector>

#include "hw/pcie/topology.h"
#include "hw/smmu_interim.h"

namespace atslab::hw {

struct Machine {
  pcie::Topology pcie;
  std::vector<SmmuInterim> smmus;  // one per SMMUv3 instance
  bool operator==(const Machine&) const = default;
};

}  // namespace atslab::hw
