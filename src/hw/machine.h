#pragma once
// All simulated silicon, as one value.
#include "hw/pcie/topology.h"

namespace atslab::hw {

struct Machine {
  pcie::Topology pcie;
  bool operator==(const Machine&) const = default;
};

}  // namespace atslab::hw
