#pragma once
// IVRS (AMD's I/O Virtualization Reporting Structure): the IOMMUs (IVHD blocks) and the
// device IDs each serves, from their device entries. Names as drivers/iommu/amd/init.c and
// ACPICA's actbl2.h.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "io/acpi/table.h"

namespace atslab::io::acpi {

inline constexpr uint8_t IVHD_TYPE_10 = 0x10, IVHD_TYPE_11 = 0x11, IVHD_TYPE_40 = 0x40;
inline constexpr uint8_t IVMD_TYPE_ALL = 0x20, IVMD_TYPE = 0x21, IVMD_TYPE_RANGE = 0x22;
// Device entry types (IVHD_DEV_*).
enum IvhdDev : uint8_t {
  IVHD_DEV_PAD = 0x00,
  IVHD_DEV_ALL = 0x01,
  IVHD_DEV_SELECT = 0x02,
  IVHD_DEV_SELECT_RANGE_START = 0x03,
  IVHD_DEV_RANGE_END = 0x04,
  IVHD_DEV_ALIAS = 0x42,
  IVHD_DEV_ALIAS_RANGE = 0x43,
  IVHD_DEV_EXT_SELECT = 0x46,
  IVHD_DEV_EXT_SELECT_RANGE = 0x47,
  IVHD_DEV_SPECIAL = 0x48,
  IVHD_DEV_ACPI_HID = 0xf0,
};
// IVHD flags (the AMD IOMMU specification's; Linux's IVHD_FLAG_* masks name the first four).
inline constexpr uint8_t IVHD_FLAG_HT_TUN_EN = 1u << 0, IVHD_FLAG_PASSPW_EN = 1u << 1, IVHD_FLAG_RESPASSPW_EN = 1u << 2,
                         IVHD_FLAG_ISOC_EN = 1u << 3, IVHD_FLAG_IOTLB_SUP = 1u << 4, IVHD_FLAG_COHERENT = 1u << 5,
                         IVHD_FLAG_PREF_SUP = 1u << 6, IVHD_FLAG_PPR_SUP = 1u << 7;
inline constexpr uint32_t IVINFO_EFR_SUP = 1u << 0;

// Device IDs first..last (inclusive) served by the IVHD, as one entry or a range; an alias
// entry says the IOMMU sees their requests under `alias`. A special device (IOAPIC, HPET)
// names its handle and the ID it uses.
struct IvhdRange {
  uint8_t entry_type = 0;
  uint16_t first = 0, last = 0;
  uint8_t data = 0;  // the DTE settings byte
  std::optional<uint16_t> alias;
  uint8_t special_handle = 0, special_variety = 0;  // IVHD_DEV_SPECIAL: 1 IOAPIC, 2 HPET
  std::string hid, uid;                              // IVHD_DEV_ACPI_HID
};

struct Ivhd {
  uint8_t type = 0;
  uint32_t offset = 0;
  uint8_t flags = 0;
  uint16_t length = 0;
  uint16_t devid = 0;  // the IOMMU's own PCI function
  uint16_t cap_ptr = 0;
  uint64_t mmio_phys = 0;
  uint16_t pci_seg = 0;
  uint16_t info = 0;
  uint32_t efr_attr = 0;   // type 0x10: IOMMU feature reporting; 0x11/0x40: attributes
  uint64_t efr_reg = 0;    // 0x11/0x40: the EFR register image
  std::vector<IvhdRange> ranges;
  // False for a block Linux does not use: it reads one IVHD type, that of the last block for
  // the first block's IOMMU (get_highest_supported_ivhd_type); the others describe the same IOMMUs.
  bool used = true;
};

struct Ivrs {
  RawTable table;
  uint32_t iv_info = 0;
  std::vector<Ivhd> ivhds;
  size_t ivmds = 0;  // memory definitions: counted, not read
};

// Reads a table whose signature is IVRS. Refuses blocks shorter than their header or past the
// table, device entries past their block or of a type whose length IVRS does not define, a
// range end without its start (or a start without its end).
Ivrs parse_ivrs(RawTable t);

// The IOMMU serving device ID `devid` of `segment` and the entry that says so: the last used
// IVHD whose entries cover it, as Linux fills amd_iommu_rlookup_table in table order.
struct IvrsLookup {
  const Ivhd* ivhd = nullptr;
  const IvhdRange* range = nullptr;
};
std::optional<IvrsLookup> ivrs_find_iommu(const Ivrs& ivrs, uint16_t segment, uint16_t devid);

std::string ivhd_dev_name(uint8_t entry_type);

}  // namespace atslab::io::acpi
