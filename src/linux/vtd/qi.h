#pragma once
// The VT-d invalidation queue (dmar.c qi_submit_sync): IOTLB and device-IOTLB
// descriptors. The unit executes each at once (hw::vtd_execute_qi: a device-IOTLB
// descriptor invalidates the endpoint's ATC for the range it encodes) and each is
// recorded as an event (EventKind::VtdQiDesc) that encode/decode map to and from.
#include <cstdint>

#include "linux/kernel/record.h"

namespace atslab {
struct System;
}

namespace atslab::vtd {

// QI_IOTLB_TYPE, QI_DIOTLB_TYPE, QI_DEIOTLB_TYPE (the PASID-based device-IOTLB invalidation)
enum class QiType : uint8_t { Iotlb = 0x2, DevTlb = 0x3, PasidDevTlb = 0x8 };

struct QiDesc {
  QiType type = QiType::Iotlb;
  uint16_t did = 0;     // IOTLB
  uint16_t sid = 0;     // DevTlb: the endpoint's source-id
  uint32_t pasid = 0;   // PasidDevTlb: the PASID whose translations the endpoint drops
  uint16_t pfsid = 0;   // DevTlb: the PF's source-id (with ECAP.DIT)
  uint8_t qdep = 0;     // DevTlb: invalidation queue depth, 0 when it is 32 or more
  uint64_t addr = 0;
  uint8_t size_order = 0;  // log2 of the 4 KiB pages (DevTlb: the mask qi_flush_dev_iotlb encodes; 52 = everything)
  bool operator==(const QiDesc&) const = default;
};

// qw1 of a device-IOTLB descriptor for `addr` and 2^mask pages, encoded as the kernel
// does: with a mask, the address bits below the size bit set and the S bit. An address
// not aligned to the size makes the unit invalidate another, larger range.
uint64_t dev_iotlb_qw1(uint64_t addr, uint8_t mask);

void qi_submit_sync(System& s, uint16_t unit, const QiDesc& d);
// The descriptor an event carries (the event must be a VtdQiDesc); a device-IOTLB
// descriptor's addr and size_order are the range the unit decodes from its qw1.
QiDesc decode(const kernel::Event& e);

// qi_flush_dev_iotlb: a device-IOTLB invalidation with the endpoint's queue depth and PFSID.
void qi_flush_dev_iotlb(System& s, uint16_t unit, uint16_t sid, uint16_t pfsid, uint16_t qdep, uint64_t addr,
                        uint8_t size_order);
// qi_flush_dev_iotlb_pasid: the same for one PASID's translations (an ATS invalidation with
// that PASID); a size_order of 52 or more is the whole of them.
void qi_flush_dev_iotlb_pasid(System& s, uint16_t unit, uint16_t sid, uint16_t pfsid, uint32_t pasid, uint16_t qdep,
                              uint64_t addr, uint8_t size_order);

}  // namespace atslab::vtd
