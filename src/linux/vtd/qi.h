#pragma once
// The VT-d invalidation queue (dmar.c qi_submit_sync): IOTLB and device-IOTLB
// descriptors. The unit consumes them at once; each is recorded as an event
// (EventKind::VtdQiDesc) that encode/decode map to and from.
#include <cstdint>

#include "linux/kernel/record.h"

namespace atslab {
struct System;
}

namespace atslab::vtd {

enum class QiType : uint8_t { Iotlb = 0x2, DevTlb = 0x3 };  // QI_IOTLB_TYPE, QI_DIOTLB_TYPE

struct QiDesc {
  QiType type = QiType::Iotlb;
  uint16_t did = 0;     // IOTLB
  uint16_t sid = 0;     // DevTlb: the endpoint's source-id
  uint16_t pfsid = 0;   // DevTlb: the PF's source-id (with ECAP.DIT)
  uint8_t qdep = 0;     // DevTlb: invalidation queue depth, 0 when it is 32 or more
  uint64_t addr = 0;
  uint8_t size_order = 0;  // log2 of the 4 KiB pages
  bool operator==(const QiDesc&) const = default;
};

void qi_submit_sync(System& s, uint16_t unit, const QiDesc& d);
// The descriptor an event carries (the event must be a VtdQiDesc).
QiDesc decode(const kernel::Event& e);

// qi_flush_dev_iotlb: a device-IOTLB invalidation with the endpoint's queue depth and PFSID.
void qi_flush_dev_iotlb(System& s, uint16_t unit, uint16_t sid, uint16_t pfsid, uint16_t qdep, uint64_t addr,
                        uint8_t size_order);

}  // namespace atslab::vtd
