#pragma once
// The simple translation table the VT-d and AMD drivers write where ATS
// handling does not need the real page-table format. It is hardware-visible
// memory (the unit walks it), so the type lives in hw/io_page_table.h.
#include "hw/io_page_table.h"

namespace atslab::iommu {

using PageMap = hw::IoPageTable;

}  // namespace atslab::iommu
