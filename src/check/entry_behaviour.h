#pragma once
// How the SMMU behaves for a fetched STE or CD, decided from the hardware's
// side: which configuration it runs (invalid, abort, bypass, translate) and
// the value of every field it consults for that configuration. Two entries
// behave the same exactly when their behaviours are equal. Written apart
// from the driver's used-bit logic on purpose; only the field layout is shared.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/smmuv3/entry.h"

namespace atslab::check {

using hw::smmuv3::Entry;
using hw::smmuv3::EntryKind;

struct ConsultedField {
  std::string name;  // kernel field name: CFG, S1DSS, EATS, TTB0, ...
  uint64_t value = 0;
  bool ats_only = false;  // only affects ATS translation requests and translated traffic
  bool operator==(const ConsultedField&) const = default;
};

struct Behaviour {
  // The SMMU rejects the entry (C_BAD_STE / C_BAD_CD): V=0 or an illegal value.
  bool invalid = false;
  std::string summary;  // "invalid (V=0)", "abort", "bypass", "S1 translate", ...
  std::vector<ConsultedField> fields;
  bool operator==(const Behaviour&) const = default;
};

// Simplification: MEV (fault-record merging only) is not behaviour; a stage-1
// STE's S1DSS counts whatever S1CDMAX is.
Behaviour ste_behaviour(const Entry& e);
Behaviour cd_behaviour(const Entry& e);
Behaviour entry_behaviour(EntryKind kind, const Entry& e);

// Equal when ignoring ats_only fields.
bool same_except_ats(const Behaviour& a, const Behaviour& b);
// Names of consulted fields whose values differ between a and b.
std::vector<std::string> differing_fields(const Behaviour& a, const Behaviour& b);

}  // namespace atslab::check
