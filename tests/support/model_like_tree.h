#pragma once
// The model as the partner of a --driver source run in this build. With the tree's SMMUv3
// driver built (ATSLAB_SOURCE_SMMUV3) the source run is 6.12's driver, so the model is
// configured as 6.12 is (sim::model_as_tree: nr_ats_masters, no release_domain, 6.12.118's
// ats.c switches); with ats.c alone the source run keeps atslab's SMMUv3 driver, and the
// scenario is left as it is.
#include <algorithm>
#include <vector>

#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "sim/compare_drivers.h"

namespace atslab::test {

inline io::Scenario model_like_tree(io::Scenario sc) {
  if (!kernel_src::smmuv3::built()) {
    sc.driver = policy::Driver::Model;
    return sc;
  }
  return sim::model_as_tree(std::move(sc));
}

// Invariant 14 compares the 2026 invalidation arrays with the attachments: 6.12's driver has
// none, so a source run with that tree's SMMUv3 driver cannot report it; 7.2's has them.
inline std::vector<int> without_arrays_if_tree_smmu(std::vector<int> v) {
  if (kernel_src::smmuv3::built() && !kernel_src::smmuv3::has_invalidation_arrays()) std::erase(v, 14);
  return v;
}

}  // namespace atslab::test
