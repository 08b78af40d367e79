#pragma once
// drivers/iommu/intel: the VT-d driver's entry points (kernel-semantics.md 5.1).
#include <cstdint>
#include <string>

#include "linux/iommu/iommu_core.h"
#include "linux/vtd/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::vtd {

// The unit itself (intel_iommu_init's per-DMAR-unit part): reads ECAP.
void device_probe(System& s, uint16_t unit);

int probe_device(System& s, pci::DevId dev);    // intel_iommu_probe_device
void probe_finalize(System& s, pci::DevId dev);  // intel_iommu_probe_finalize
void release_device(System& s, pci::DevId dev);  // intel_iommu_release_device

// iommu_enable_pci_ats / iommu_disable_pci_ats: ATS as the info tracks it.
void iommu_enable_pci_ats(System& s, InfoId info);
void iommu_disable_pci_ats(System& s, InfoId info);

iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type);
void domain_free(System& s, iommu::DomainId d);
iommu::DomainId static_domain(System& s, pci::DevId dev, iommu::DomainType type);

int attach_dev(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);  // intel_iommu_attach_device
int attach_dev_blocked(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);
int attach_dev_identity(System& s, iommu::DomainId d, pci::DevId dev, iommu::DomainId old);

int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size);
uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size);

InfoId info_of(const System& s, pci::DevId dev);

// dmar_ats_supported, in its order: a device (a VF's PF) that a SATC lists may use ATS unless the
// SATC says ATC_REQUIRED and the unit is in legacy mode (`scalable` false: the hardware then runs
// the device's ATS itself); an integrated device may; one below a conventional PCI bridge (or a
// bridge without a PCI Express capability) may not; else its root port must be in an ATSR of the
// segment, listed (hw Function::dmar) or through ALL_PORTS (the root complex's ATS flag).
// dmar_ats_refusal says why not ("" when it may).
bool dmar_ats_supported(const System& s, pci::DevId dev, bool scalable);
std::string dmar_ats_refusal(const System& s, pci::DevId dev, bool scalable);
DmarDomainId dmar_domain_of(const System& s, iommu::DomainId d);

}  // namespace atslab::vtd
