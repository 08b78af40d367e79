#pragma once
// Event queue records, by the SMMUv3 event names (EVT_ID_*).
#include <cstdint>

namespace atslab::hw::smmuv3 {

enum class EventId : uint8_t {
  F_UUT = 0x01,
  C_BAD_STREAMID = 0x02,
  F_STE_FETCH = 0x03,
  C_BAD_STE = 0x04,
  F_BAD_ATS_TREQ = 0x05,
  F_STREAM_DISABLED = 0x06,
  F_TRANSL_FORBIDDEN = 0x07,
  C_BAD_SUBSTREAMID = 0x08,
  F_CD_FETCH = 0x09,
  C_BAD_CD = 0x0a,
  F_WALK_EABT = 0x0b,
  F_TRANSLATION = 0x10,
  F_ADDR_SIZE = 0x11,
  F_ACCESS = 0x12,
  F_PERMISSION = 0x13,
  F_TLB_CONFLICT = 0x20,
  F_CFG_CONFLICT = 0x21,
  E_PAGE_REQUEST = 0x24,
  F_VMS_FETCH = 0x25,
};
const char* event_name(EventId id);

// Simplification: the fields a fault record carries that the model uses.
struct Event {
  EventId id = EventId::F_UUT;
  uint32_t sid = 0;
  bool ssv = false;
  uint32_t ssid = 0;
  uint64_t addr = 0;  // input address, when the event has one
  bool operator==(const Event&) const = default;
};

}  // namespace atslab::hw::smmuv3
