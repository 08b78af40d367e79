#include "policy/ats_variant.h"

namespace atslab::policy {

std::string_view name(AtsVariant v) {
  switch (v) {
    case AtsVariant::Upstream: return "upstream";
    case AtsVariant::SeriesV3: return "series-v3";
    case AtsVariant::FailEarly: return "fail-early";
    case AtsVariant::Rollback: return "rollback";
    case AtsVariant::VtdStyle: return "vtd-style";
  }
  return "?";
}

std::optional<AtsVariant> parse_variant(std::string_view s) {
  for (auto v : kAllVariants)
    if (name(v) == s) return v;
  return std::nullopt;
}

AtsPolicy policy_for(AtsVariant v) {
  AtsPolicy p;
  p.variant = v;
  switch (v) {
    case AtsVariant::Upstream: break;
    case AtsVariant::SeriesV3: p.gate_on_ats_prepared = true; break;
    case AtsVariant::FailEarly:
      p.support_checked_before_prepare = true;
      p.fail_probe_on_prepare_error = true;
      p.warn_on_enable_failure = true;
      break;
    case AtsVariant::Rollback: p.rollback_on_enable_failure = true; break;
    case AtsVariant::VtdStyle: p.track_enable_result = true; break;
  }
  return p;
}

PciCoreSwitches default_switches(AtsVariant v) {
  PciCoreSwitches s;
  if (v == AtsVariant::SeriesV3 || v == AtsVariant::FailEarly) {
    s.pf_aware_ats_supported = true;
    s.vf_stu_validation = true;
  }
  return s;
}

}  // namespace atslab::policy
