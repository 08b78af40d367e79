#pragma once
// AMD-Vi IOMMU silicon, at the model's fidelity: the device table entries the
// driver writes and the (v1) page tables they point at, by domain id. What the
// IOMMU does with them is in hw/amd_remap.h; commands are executed as the
// driver queues them (hw::amd_execute_command).
#include <cstdint>
#include <map>

#include "hw/io_page_table.h"

namespace atslab::hw {

struct AmdDte {
  bool v = false;       // V: the entry is valid
  bool tv = false;      // TV: the translation fields are valid
  bool paging = false;  // Mode != 0: translate through page_tables[domid]; Mode 0 is pass-through
  bool i = false;       // I: IOTLB enable: the IOMMU answers ATS Translation Requests
  uint16_t domid = 0;
  bool operator==(const AmdDte&) const = default;
};

struct AmdIommu {
  // EFR.GTSup and EFR.PASmax: guest translation (PASIDs through a GCR3 table) and the PASIDs it
  // takes, PASmax + 1 bits. The model's driver never writes a GCR3 table (SVA is not modelled), so
  // no DTE has one: a request with PASID finds no GCR3 entry and is refused.
  bool efr_gt = true;
  uint8_t efr_pasmax = 15;
  std::map<uint16_t, AmdDte> dev_table;         // by DeviceID (RID)
  std::map<uint16_t, IoPageTable> page_tables;  // by domain id
  bool operator==(const AmdIommu&) const = default;
};

}  // namespace atslab::hw
