#pragma once
// A host's IOMMU topology from its firmware tables, laid over the hierarchy its lspci dumps give
// (`machine.acpi` in a scenario, `atslab import --acpi`): which IOMMU serves each root complex,
// and what the firmware says of ATS there, as the kernel reads it:
//   IORT (Arm): the root complex node of the segment and its ID mappings, node by node, to an
//     SMMUv3 (iort_node_map_id); its ATS attribute is IOMMU_FWSPEC_PCI_RC_ATS.
//   DMAR (VT-d): the DRHD each function matches (dmar_find_matched_drhd_unit); ATSR root ports,
//     ALL_PORTS, and SATC devices, for dmar_ats_supported (hw::pcie::Function::dmar).
//   IVRS (AMD-Vi): the IVHD whose device entries cover each function. It says nothing of ATS:
//     the AMD-Vi driver reads IOTLB support from each IOMMU's capability register.
// A function that no table puts behind an IOMMU gets none (Linux gives it no IOMMU: no ATS).
#include <string>
#include <vector>

#include "hw/pcie/topology.h"
#include "io/acpi/report.h"

namespace atslab::io::acpi {

struct Placement {
  std::vector<std::string> placed;  // one line per root complex: its IOMMU and its ATS attribute
  std::vector<std::string> notes;   // where the model and the firmware part, and why it matters not
};

// Rewrites each root complex's IOMMU kind, index and ATS flag, and the functions' DMAR listings.
// The model gives each root complex an IOMMU of its own (say so in `notes` when the firmware has
// one serve several). Throws InputError for tables of two architectures, or two of one kind.
Placement place_behind_iommus(hw::pcie::Topology& t, const std::vector<AnyTable>& tables);

}  // namespace atslab::io::acpi
