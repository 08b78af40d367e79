#pragma once
// drivers/pci/ats.c PRI and PASID (section 1.4) and the ACS path check PASID needs.
#include <cstdint>

#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

void pri_init(System& s, DevId dev);
int enable_pri(System& s, DevId dev, uint32_t reqs);
void disable_pri(System& s, DevId dev);
int reset_pri(System& s, DevId dev);
bool pri_supported(const System& s, DevId dev);
// pci_restore_pri_state / pci_restore_pasid_state (from pci_restore_state): an enabled PRI or
// PASID is written back after a reset; a VF's (its PF's) is not.
void restore_pri_state(System& s, DevId dev);
void restore_pasid_state(System& s, DevId dev);

void pasid_init(System& s, DevId dev);
int enable_pasid(System& s, DevId dev, uint16_t features);
void disable_pasid(System& s, DevId dev);
int max_pasids(System& s, DevId dev);       // evaluated on the PF for a VF; -EINVAL without PASID
int pasid_features(System& s, DevId dev);   // supported EXEC/PRIV bits, on the PF for a VF

// ACS (drivers/pci/pci.c): pci_acs_init enables the standard controls on ports;
// pci_acs_path_enabled checks every device from `dev` up to the root bus.
void acs_init(System& s, DevId dev);
bool acs_enabled(const System& s, DevId dev, uint16_t flags);
bool acs_path_enabled(const System& s, DevId dev, uint16_t flags);

}  // namespace atslab::pci
