#pragma once
// IORT (Arm's IO Remapping Table, DEN 0049): which SMMU serves which PCI requester ID, and the
// StreamID it arrives with. Field and flag names are ACPICA's (include/acpi/actbl2.h), so a
// reader checks them against drivers/acpi/arm64/iort.c.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/acpi/table.h"

namespace atslab::io::acpi {

// Node types (struct acpi_iort_node.type).
enum IortNodeType : uint8_t {
  ACPI_IORT_NODE_ITS_GROUP = 0x00,
  ACPI_IORT_NODE_NAMED_COMPONENT = 0x01,
  ACPI_IORT_NODE_PCI_ROOT_COMPLEX = 0x02,
  ACPI_IORT_NODE_SMMU = 0x03,
  ACPI_IORT_NODE_SMMU_V3 = 0x04,
  ACPI_IORT_NODE_PMCG = 0x05,
  ACPI_IORT_NODE_RMR = 0x06,
};
inline constexpr uint32_t ACPI_IORT_ID_SINGLE_MAPPING = 1u << 0;
inline constexpr uint32_t ACPI_IORT_ATS_SUPPORTED = 1u << 0;   // root complex ats_attribute
inline constexpr uint32_t ACPI_IORT_PRI_SUPPORTED = 1u << 1;   // E.c and later
inline constexpr uint32_t ACPI_IORT_PASID_FWD_SUPPORTED = 1u << 2;
inline constexpr uint32_t ACPI_IORT_SMMU_V3_COHACC_OVERRIDE = 1u << 0;
inline constexpr uint32_t ACPI_IORT_SMMU_V3_HTTU_OVERRIDE = 3u << 1;
inline constexpr uint32_t ACPI_IORT_SMMU_V3_PXM_VALID = 1u << 3;
inline constexpr uint32_t ACPI_IORT_SMMU_V3_DEVICEID_VALID = 1u << 4;
inline constexpr uint8_t ACPI_IORT_MF_COHERENCY = 1u << 0;     // memory_flags of the access properties

// struct acpi_iort_id_mapping: IDs input_base .. input_base + id_count (id_count is the
// number of IDs minus one) become output_base + (id - input_base) at the node at
// output_reference (an offset from the table's start).
struct IortIdMapping {
  uint32_t input_base = 0, id_count = 0, output_base = 0, output_reference = 0, flags = 0;
  bool single() const { return flags & ACPI_IORT_ID_SINGLE_MAPPING; }
};

struct IortNode {
  uint32_t offset = 0;  // from the table's start: what output_reference names
  uint8_t type = 0;
  uint16_t length = 0;
  uint8_t revision = 0;
  uint32_t identifier = 0;  // "reserved" before IORT revision 3 (E.b)
  std::vector<IortIdMapping> mappings;
  // ITS group
  std::vector<uint32_t> its_identifiers;
  // Root complex and named component: the memory access properties
  uint32_t cache_coherency = 0;
  uint8_t memory_flags = 0;
  uint8_t memory_address_limit = 0;  // root complex node revision >= 1
  // Root complex
  uint32_t ats_attribute = 0;
  uint32_t pci_segment_number = 0;
  // Named component
  std::string device_name;
  // SMMU (v1/v2) and SMMUv3
  uint64_t base_address = 0;
  uint32_t flags = 0, model = 0;
  // SMMUv3: the GSIVs and the index of the mapping of its own MSIs (not a path for devices)
  uint32_t event_gsiv = 0, pri_gsiv = 0, gerr_gsiv = 0, sync_gsiv = 0;
  uint32_t pxm = 0;
  std::optional<uint32_t> id_mapping_index;  // node revision >= 1, and only when it means something
};

struct Iort {
  RawTable table;
  std::vector<IortNode> nodes;
  // The node at `offset`, or nullptr.
  const IortNode* node_at(uint32_t offset) const;
};

// Reads a table whose signature is IORT. Refuses (InputError) a node count that does not fit,
// a node whose length is shorter than its fields or runs past the table, mappings past their
// node, and a mapping whose output reference is neither 0 nor the offset of a node. What
// Linux reads and flags FW_BUG only when used (output reference 0, a single mapping on an
// SMMU, an SMMUv3's own-MSI mapping index past its mappings) is kept, with a note.
Iort parse_iort(RawTable t);

// Which SMMU serves requester ID `rid` in PCI segment `segment`, and with which StreamID:
// the root complex of that segment, then its ID mappings, node by node, until an SMMU (as
// iort_node_map_id() with an IOMMU type mask, its touching-range workaround and its NULL
// reference check on a node's first mapping included). nullopt when no root complex has the
// segment; `smmu` is nullptr when the path ends elsewhere (an ITS group, no mapping taking the
// ID, a first mapping with a NULL reference), and `why` says which.
struct IortLookup {
  const IortNode* root_complex = nullptr;
  const IortNode* smmu = nullptr;  // nullptr: no SMMU translates the device (`why` says where the path ended)
  uint32_t stream_id = 0;
  std::string why;
  // The ID was the last of one range and the first of the next, and the next took it (Linux's
  // "conflicting mapping ... applying workaround", for tables that read id_count as a count).
  bool workaround = false;
};
std::optional<IortLookup> iort_map_rid(const Iort& iort, uint32_t segment, uint32_t rid);

std::string iort_node_type_name(uint8_t type);

}  // namespace atslab::io::acpi
