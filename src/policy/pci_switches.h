#pragma once
// PCI-core design variants, as switches. All off means upstream behaviour.
#include <cstdint>
#include <string_view>

#include "policy/driver.h"

namespace atslab::policy {

// The fixup phase the no-ATS quirks run in.
enum class QuirkPhase : uint8_t {
  Final,   // upstream: DECLARE_PCI_FIXUP_FINAL, clears ats_cap after device_add
  Header,  // Matlack 2026 (v3): DECLARE_PCI_FIXUP_HEADER, sets no_ats before pci_ats_init
};
std::string_view name(QuirkPhase p);

struct PciCoreSwitches {
  bool pf_aware_ats_supported = false;  // seed patch 1: a VF is supported only if its PF is
  bool vf_stu_validation = false;       // seed patch 2: pci_prepare_ats on a VF checks the PF's STU
  QuirkPhase no_ats_quirk_phase = QuirkPhase::Final;
  bool noats = false;                   // the pci=noats kernel parameter
  // Fix sketches for a FINAL quirk that runs after ATS was enabled (docs/reports/pci-disable-ats-after-quirk.md):
  bool disable_ats_checks_ats_cap = false;  // sketch 7a: pci_disable_ats WARNs and returns when ats_cap is 0
  bool no_ats_quirk_keeps_ats_cap = false;  // sketch 7b: quirk_no_ats sets no_ats and keeps ats_cap; pci_ats_supported reads no_ats
  // Which drivers/pci/ats.c runs: src/linux/pci/ats.cc, or the tree's own (src/kernel_src). Under
  // Source the tree decides what the two switches above decide for the model; noats still applies.
  Driver ats = Driver::Model;
  // CONFIG_PCI_PASID. Off, include/linux/pci-ats.h's stubs stand in: pci_enable_pasid,
  // pci_pasid_features and pci_max_pasids return -EINVAL, so no IOMMU driver enables PASID and the
  // core gives no device PASIDs. The source driver's build has it off (src/kernel_src's
  // linux/kconfig.h): compare-drivers runs the model so (sim::model_as_tree). YAML:
  // kernel.pci.config_pci_pasid.
  bool config_pci_pasid = true;
  // pci_dev_save_and_disable and pci_dev_restore log "resetting" and "reset done" for a function
  // whose bound driver has no err_handler->reset_prepare / reset_done (vfio-pci's has neither):
  // "PCI: warn if a running device is unaware of reset" (Keith Busch, 2024), in 7.2.13's pci.c and
  // not in 6.12.118's, which resets such a function silently. YAML: kernel.pci.warn_reset_unaware.
  bool warn_reset_unaware = true;
  bool operator==(const PciCoreSwitches&) const = default;
};

}  // namespace atslab::policy
