#pragma once
// Field-by-field decoding of an STE or CD with the kernel's field and value
// names (CFG=S1_TRANS, EATS=TRANS, ...), for people and for JSON.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/smmuv3/entry.h"

namespace atslab::hw::smmuv3 {

struct DecodedField {
  std::string name;   // CFG, S1DSS, VTCR.S2T0SZ, TTB0, ...
  unsigned qword = 0;
  unsigned hi = 0, lo = 0;  // bit range within the qword
  uint64_t value = 0;       // addresses (S1ContextPtr, S2TTB, TTB0) are masked in place, not shifted
  std::string value_name;   // "S1_TRANS", "TRANS", ... or empty
};

std::vector<DecodedField> decode_ste(const Entry& e);
std::vector<DecodedField> decode_cd(const Entry& e);
std::vector<DecodedField> decode_entry(EntryKind kind, const Entry& e);

}  // namespace atslab::hw::smmuv3
