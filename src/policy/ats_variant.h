#pragma once
// The SMMUv3 ATS-tracking designs under review (seed thread; spec 8.1, 8.3),
// as data consulted at the driver's decision points, never as driver copies.
#include <array>
#include <optional>
#include <string_view>

#include "policy/pci_switches.h"

namespace atslab::policy {

enum class AtsVariant : uint8_t {
  Upstream,   // 2026 driver: a pci_enable_ats failure at commit is only a dev_err (the seed's bug)
  SeriesV3,   // the seed's three patches: PF-aware support, VF STU validation, ats_prepared gate
  FailEarly,  // where the review converged: support checked first, probe fails if prepare fails, WARN at commit
  Rollback,   // the alternative weighed: on enable failure restore the old array and STE, fail the attach
  VtdStyle,   // VT-d/AMD tracking grafted on: ATS recorded on only when enable succeeded
};

inline constexpr std::array<AtsVariant, 5> kAllVariants = {AtsVariant::Upstream, AtsVariant::SeriesV3,
                                                           AtsVariant::FailEarly, AtsVariant::Rollback,
                                                           AtsVariant::VtdStyle};

std::string_view name(AtsVariant v);
std::optional<AtsVariant> parse_variant(std::string_view s);

// What the driver consults; derived from the variant.
struct AtsPolicy {
  AtsVariant variant = AtsVariant::Upstream;
  bool gate_on_ats_prepared = false;   // series-v3: attach_prepare requires master->ats_prepared
  bool support_checked_before_prepare = false;  // fail-early: pci_ats_supported before pci_prepare_ats
  bool fail_probe_on_prepare_error = false;     // fail-early
  bool warn_on_enable_failure = false;          // fail-early: WARN("Failed to enable ATS") and keep going
  bool rollback_on_enable_failure = false;      // rollback
  bool track_enable_result = false;             // vtd-style: master->ats_enabled from pci_enable_ats's result
  bool operator==(const AtsPolicy&) const = default;
};

AtsPolicy policy_for(AtsVariant v);
// The PCI-core switches a variant implies by default (series-v3 and fail-early carry the seed's PCI patches).
PciCoreSwitches default_switches(AtsVariant v);

}  // namespace atslab::policy
