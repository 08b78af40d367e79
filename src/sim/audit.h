#pragma once
// `atslab audit` (issue 17): for a machine, per device and per variant, what the kernel decides
// about ATS at boot (pci_ats_supported() at IOMMU probe, the driver's belief, the hardware's
// Enable bit, a failed pci_enable_ats() and its errno), why, and what the device's hand-over to
// VFIO and its release then do (the seed's WARN in pci_disable_ats, the invariants broken).
// Each device is handed over on its own copy of the booted machine, so one device's trouble
// does not colour another's row.
#include <optional>
#include <string>
#include <vector>

#include "io/scenario.h"
#include "policy/ats_variant.h"

namespace atslab::sim {

// A WARN (or KASAN report) the hand-over hit, and the operation it hit on.
struct AuditWarn {
  std::string step;      // describe() of the operation, e.g. "VFIO_GROUP_SET_CONTAINER pf.vf0 -> audit"
  std::string function;  // where it fired, e.g. "pci_disable_ats"
  std::string where;     // "drivers/pci/ats.c:132", or "" when the model pins no line
};

struct AuditVerdict {
  policy::AtsVariant variant{};
  bool probed = false;                  // the IOMMU core probed it (an IommuProbe event; no IommuProbeFailed)
  std::optional<bool> supported_at_probe;  // pci_ats_supported() as the probe saw it
  std::optional<bool> belief;           // the driver's flag once the machine is up (master->ats_enabled, ...)
  bool hardware = false;                // ATS Control's Enable bit once the machine is up
  std::optional<int> enable_error;      // pci_enable_ats()'s errno when it failed at boot
  std::vector<std::string> why;         // the reasons, in the order the kernel's code checks them, then its own dev_err lines
  std::vector<int> boot_violations;     // invariants broken once the machine is up that name the device
  std::vector<AuditWarn> warns;         // on the hand-over to VFIO and the release, in order
  std::vector<int> handover_violations; // invariants the hand-over and release broke (any object)
  std::string handover_error;           // the first hand-over step that failed, with its errno; "" when none did
};

struct AuditDevice {
  std::string bdf;
  std::string name;  // the scenario's name (a VF as pf.vfN)
  std::string kind;  // "PF", "VF of 0000:01:00.0", "endpoint", "RCiEP"
  uint16_t vendor = 0, device = 0;
  std::vector<AuditVerdict> verdicts;  // one per variant audited, in the order asked
};

struct AuditOptions {
  std::vector<policy::AtsVariant> variants;
  int vfs = -1;  // VFs to enable on each SR-IOV PF that has a driver; -1: min(2, TotalVFs)
};

struct Audit {
  std::string scenario;             // its name
  std::vector<std::string> notes;   // what the audit could not do (a PF without a driver has no VFs, ...)
  std::vector<AuditDevice> devices; // the functions with an ATS capability in their config space
};

// Throws InputError when the machine cannot be built or booted.
Audit audit_scenario(const io::Scenario& sc, const AuditOptions& opt);

}  // namespace atslab::sim
