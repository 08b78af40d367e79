#include "hw/smmuv3/event.h"

namespace atslab::hw::smmuv3 {

const char* event_name(EventId id) {
  switch (id) {
    case EventId::F_UUT: return "F_UUT";
    case EventId::C_BAD_STREAMID: return "C_BAD_STREAMID";
    case EventId::F_STE_FETCH: return "F_STE_FETCH";
    case EventId::C_BAD_STE: return "C_BAD_STE";
    case EventId::F_BAD_ATS_TREQ: return "F_BAD_ATS_TREQ";
    case EventId::F_STREAM_DISABLED: return "F_STREAM_DISABLED";
    case EventId::F_TRANSL_FORBIDDEN: return "F_TRANSL_FORBIDDEN";
    case EventId::C_BAD_SUBSTREAMID: return "C_BAD_SUBSTREAMID";
    case EventId::F_CD_FETCH: return "F_CD_FETCH";
    case EventId::C_BAD_CD: return "C_BAD_CD";
    case EventId::F_WALK_EABT: return "F_WALK_EABT";
    case EventId::F_TRANSLATION: return "F_TRANSLATION";
    case EventId::F_ADDR_SIZE: return "F_ADDR_SIZE";
    case EventId::F_ACCESS: return "F_ACCESS";
    case EventId::F_PERMISSION: return "F_PERMISSION";
    case EventId::F_TLB_CONFLICT: return "F_TLB_CONFLICT";
    case EventId::F_CFG_CONFLICT: return "F_CFG_CONFLICT";
    case EventId::E_PAGE_REQUEST: return "E_PAGE_REQUEST";
    case EventId::F_VMS_FETCH: return "F_VMS_FETCH";
  }
  return "?";
}

}  // namespace atslab::hw::smmuv3
