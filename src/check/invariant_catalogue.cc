#include "check/invariant_catalogue.h"

#include <array>

#include "check/invariants.h"

namespace atslab::check {

namespace {

// In the project's words, after section 7 of the specification (kernel-semantics.md) and the
// kernel code each check reads; 0 and 27 to 29 are the project's own.
constexpr std::array<InvariantInfo, kLastInvariant + 1> kCatalogue{{
    {0, "memory safety", "no use after free: RCU, KASAN-style object lifetime, no dangling rbtree node"},
    {1, "PCI core", "pci_dev->ats_enabled mirrors the ATS Enable bit (outside a reset, before pci_restore_ats_state)"},
    {2, "PCI core", "ATS is enabled only on a device pci_ats_supported() allows (ats_cap set, not untrusted)"},
    {3, "PCI core", "an enabled function's STU is its own (PF) or its PF's (VF), as programmed"},
    {4, "PCI core", "pci_enable_ats/pci_prepare_ats only with ATS off, pci_disable_ats only with it on (else a WARN)"},
    {5, "PCI core", "a PF's STU is prepared before any of its VFs enables ATS, and the VFs use that STU"},
    {6, "PCI core", "pci_ats_supported() does not change between probe_device and release_device"},
    {7, "PCI core", "PASID is on before ATS and off after it; PRI only while ATS is on"},
    {8, "PCI core", "an untrusted device never has ATS; with pci=noats no device does"},
    {9, "SMMUv3 ATS state", "the driver's master->ats_enabled equals the device's PCI ATS (the seed's bug breaks this)"},
    {10, "SMMUv3 ATS state", "a master the driver believes has ATS has translating STEs with EATS set"},
    {11, "SMMUv3 ATS state", "a device with PCI ATS on sits behind an STE with EATS set"},
    {12, "SMMUv3 ATS state", "STE.EATS changes only while the device's PCI ATS is off"},
    {13, "SMMUv3 ATS state", "a domain's nr_ats_masters counts exactly its attachments whose master has ATS on"},
    {14, "SMMUv3 ATS state", "a domain's invalidation array holds ATS entries exactly for its attached masters with ATS on"},
    {15, "SMMUv3 ATS state", "an invalidation array is sorted, its counts in range, has_ats set when it holds an ATS entry"},
    {16, "SMMUv3 ATS state", "an ASID or VMID that no array holds any more has been flushed from the IOTLB"},
    {17, "SMMUv3 ATS state", "any domain the SMMU may use for a master's traffic lists that master's invalidations"},
    {18, "SMMUv3 ATS state", "an attach's prepare fails without side effects or its commit completes; blocked never fails"},
    {19, "invalidation", "the IOTLB invalidation completes before the ATC invalidation, and both before unmap returns"},
    {20, "invalidation", "a device whose ATC may hold a domain's translations gets that domain's ATC invalidations"},
    {21, "invalidation", "the whole ATC is invalidated before ATS is enabled and after it is disabled"},
    {22, "invalidation", "the invalidator and the attacher order their writes and reads as the barriers say"},
    {23, "invalidation", "ATC invalidations go only to endpoints whose ATS is enabled"},
    {24, "IOMMU core", "group->domain is the domain every device of the group is attached to"},
    {25, "IOMMU core", "DMA ownership is claimed from the default domain through blocked, and released back"},
    {26, "IOMMU core", "before release_device the driver's release_domain (blocked) is attached"},
    {27, "PASIDs", "every PASID attached to a device is reachable through its CD table (within S1CDMAX)"},
    {28, "nesting", "a nested master's PCI ATS is on only if its guest's vSTE asked for EATS, and its STE says so"},
    {29, "PASIDs", "every PASID the IOMMU core records on a device is attached in the SMMUv3 driver, outside a reset"},
}};

constexpr bool numbered_in_order() {
  for (size_t i = 0; i < kCatalogue.size(); ++i)
    if (kCatalogue[i].number != static_cast<int>(i)) return false;
  return true;
}
static_assert(numbered_in_order(), "kCatalogue[i] is invariant i");

}  // namespace

const InvariantInfo& invariant_info(int number) { return kCatalogue.at(static_cast<size_t>(number)); }

std::string_view invariant_statement(int number) {
  if (number < 0 || number > kLastInvariant) return "";
  return kCatalogue[static_cast<size_t>(number)].statement;
}

}  // namespace atslab::check
