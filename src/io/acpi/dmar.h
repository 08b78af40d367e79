#pragma once
// DMAR (Intel VT-d's DMA Remapping Reporting table): the remapping units (DRHD) and the
// devices each serves, reserved memory (RMRR), the root ports whose devices may use ATS (ATSR)
// and the devices that must (SATC). Names as ACPICA's (actbl1.h) and drivers/iommu/intel/dmar.c.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/acpi/table.h"

namespace atslab::io::acpi {

enum DmarType : uint16_t {
  ACPI_DMAR_TYPE_HARDWARE_UNIT = 0,
  ACPI_DMAR_TYPE_RESERVED_MEMORY = 1,
  ACPI_DMAR_TYPE_ROOT_ATS = 2,
  ACPI_DMAR_TYPE_HARDWARE_AFFINITY = 3,
  ACPI_DMAR_TYPE_NAMESPACE = 4,
  ACPI_DMAR_TYPE_SATC = 5,
};
enum DmarScopeType : uint8_t {
  ACPI_DMAR_SCOPE_TYPE_ENDPOINT = 1,
  ACPI_DMAR_SCOPE_TYPE_BRIDGE = 2,
  ACPI_DMAR_SCOPE_TYPE_IOAPIC = 3,
  ACPI_DMAR_SCOPE_TYPE_HPET = 4,
  ACPI_DMAR_SCOPE_TYPE_NAMESPACE = 5,
};
inline constexpr uint8_t DMAR_INCLUDE_PCI_ALL = 1u << 0;  // DRHD flags (ACPI_DMAR_INCLUDE_ALL)
inline constexpr uint8_t ACPI_DMAR_ALL_PORTS = 1u << 0;   // ATSR flags
inline constexpr uint8_t ACPI_DMAR_ATC_REQUIRED = 1u << 0;  // SATC flags
inline constexpr uint8_t DMAR_INTR_REMAP = 1u << 0, DMAR_X2APIC_OPT_OUT = 1u << 1, DMAR_PLATFORM_OPT_IN = 1u << 2;

// struct acpi_dmar_device_scope and its path of (device, function) pairs from `bus`.
struct DmarDeviceScope {
  uint8_t entry_type = 0;
  uint8_t enumeration_id = 0;
  uint8_t bus = 0;
  std::vector<std::pair<uint8_t, uint8_t>> path;
  // The routing ID when the path is one step (a device on the start bus); a longer path goes
  // through bridges whose secondary bus only the PCI scan knows.
  std::optional<uint16_t> rid() const;
  std::string text() const;  // "bridge 00:1c.0", "endpoint 00:02.0", "IOAPIC 2 at 00:1e.7"
};

struct DmarUnit {
  uint16_t type = 0;
  uint32_t offset = 0;
  uint8_t flags = 0;
  uint16_t segment = 0;
  uint64_t address = 0;      // DRHD register base; RMRR base
  uint64_t end_address = 0;  // RMRR end (inclusive)
  std::vector<DmarDeviceScope> scopes;
};

struct Dmar {
  RawTable table;
  uint8_t width = 0;  // host address width - 1
  uint8_t flags = 0;
  std::vector<DmarUnit> drhds, rmrrs, atsrs, satcs;
};

// Reads a table whose signature is DMAR. Refuses structures shorter than their fields or past
// the table, device scopes past their structure or with a path of half a pair.
Dmar parse_dmar(RawTable t);

// The DRHD serving a PCI function, as dmar_find_matched_drhd_unit(): a unit of the segment
// whose device scopes name the function or one of the bridges above it (`bridges`: routing
// IDs, nearest first), else the segment's INCLUDE_PCI_ALL unit. A VF is matched by its PF
// (pci_physfn): pass the PF's routing ID.
const DmarUnit* dmar_find_drhd(const Dmar& d, uint16_t segment, uint16_t rid, std::span<const uint16_t> bridges = {});

// Whether VT-d lets the function use ATS, as dmar_ats_supported(): a device in a SATC may,
// unless the SATC says ATC_REQUIRED and the IOMMU is not in scalable mode (`scalable_mode`,
// sm_supported()); an integrated device (no bridge above it) may; else its root port (the
// last of `bridges`) must be in an ATSR of the segment, or an ATSR of the segment have ALL_PORTS.
struct DmarAtsAnswer {
  bool supported = false;
  std::string why;
};
DmarAtsAnswer dmar_ats_supported(const Dmar& d, uint16_t segment, uint16_t rid, std::span<const uint16_t> bridges = {},
                                 bool scalable_mode = true);

}  // namespace atslab::io::acpi
