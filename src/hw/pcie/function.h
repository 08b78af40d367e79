#pragma once
// One PCI function as silicon: its address, its place in the hierarchy and
// its config space. It knows nothing of Linux.
#include <cstdint>
#include <string>

#include "hw/pcie/atc.h"
#include "hw/pcie/bdf.h"
#include "hw/pcie/config_space.h"

namespace atslab::hw::pcie {

using FnId = uint32_t;  // index into Topology::functions()
using RcId = uint16_t;  // index into Topology::root_complexes()
inline constexpr FnId kNoFn = 0xffffffff;

// Which IOMMU translates a root complex's traffic (chosen per root complex).
enum class IommuKind : uint8_t { None, Smmuv3, Vtd, Amd };

struct RootComplex {
  uint16_t domain = 0;
  uint8_t root_bus = 0;
  // Firmware's "root complex supports ATS": the IORT ATS attribute (DT ats-supported), which the
  // SMMUv3 driver sees as IOMMU_FWSPEC_PCI_RC_ATS; behind VT-d, an ATSR of the segment with
  // ALL_PORTS (root ports an ATSR lists one by one are marked on the port: Function::dmar).
  bool ats_supported = true;
  IommuKind iommu = IommuKind::None;
  uint16_t iommu_index = 0;
  bool operator==(const RootComplex&) const = default;
};

// What a DMAR table says of one function (VT-d's dmar_ats_supported): an ATSR lists this root
// port, or a SATC lists this device, with or without ATC_REQUIRED.
enum class DmarListing : uint8_t { None, Atsr, Satc, SatcAtcRequired };

struct Function {
  Bdf bdf;
  RcId rc = 0;
  FnId parent = kNoFn;  // the bridge whose secondary side this function sits on; kNoFn on a root bus
  // Firmware attribute of a root port (ACPI _DSD "ExternalFacingPort").
  bool external_facing = false;
  DmarListing dmar = DmarListing::None;  // firmware too (DMAR ATSR / SATC device scopes)
  // Firmware maps its requester ID to its root complex's IOMMU (IORT ID mappings, a DRHD, an IVHD
  // entry). False: the IOMMU core finds no fwspec for it and never probes it (no group, no ATS).
  bool iommu_mapped = true;
  // Absent functions (disabled VFs, empty hot-plug slots) answer no config cycle.
  bool present = true;
  bool hotplug = false;  // declared in a hot-plug slot: present only after insertion
  FnId pf = kNoFn;       // for a VF: its PF
  uint16_t vf_index = 0;
  ConfigSpace cfg;
  std::string label;  // where the function came from (built-in model, lspci dump path)

  bool is_vf() const { return pf != kNoFn; }
  bool operator==(const Function&) const = default;
  Atc atc;  // the device ATC (used only when the function has ATS)
};

}  // namespace atslab::hw::pcie
