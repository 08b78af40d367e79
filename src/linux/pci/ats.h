#pragma once
// drivers/pci/ats.c: ATS (section 1.3). Return codes are the kernel's
// negated errnos; WARNs are recorded with their call traces.
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

void ats_init(System& s, DevId dev);
bool ats_supported(System& s, DevId dev);
// The same verdict without running kernel code (no frame, no record): for observers and checks.
bool ats_supported_value(const System& s, DevId dev);
int prepare_ats(System& s, DevId dev, int ps);
int enable_ats(System& s, DevId dev, int ps);
void disable_ats(System& s, DevId dev);
void restore_ats_state(System& s, DevId dev);
int ats_queue_depth(System& s, DevId dev);
int ats_page_aligned(System& s, DevId dev);
// pci_ats_required (7.x): ATS is needed for the function to work at all, so it stays on even
// when its DMA bypasses the IOMMU. Supported, and (a VF asking its PF) a CXL.cache-capable
// device by its CXL DVSEC or one in the ATS-required quirk table (dev_specific_ats_required).
// The kernels before 7.x have no such function; their drivers never ask.
bool ats_required(System& s, DevId dev);

// pci_ats_disabled(): the pci=noats switch.
bool ats_disabled(const System& s);

}  // namespace atslab::pci
