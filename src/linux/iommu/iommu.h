#pragma once
// drivers/iommu/iommu.c: attaching groups to domains, the default domain,
// DMA ownership (kernel-semantics.md section 4).
#include <cstdint>
#include <optional>

#include "linux/iommu/iommu_core.h"

namespace atslab {
struct System;
}

namespace atslab::iommu {

// Flags of __iommu_group_set_domain_internal.
inline constexpr unsigned kSetDomainMustSucceed = 1;

GroupId group_of(const System& s, pci::DevId dev);
const Group& group(const System& s, GroupId g);
const Domain& domain(const System& s, DomainId d);
DomainId new_domain(System& s, const Domain& d);

// __iommu_attach_device: the driver's attach_dev of one device, from `old`.
int attach_device(System& s, DomainId domain, pci::DevId dev, DomainId old);
int group_set_domain_internal(System& s, GroupId g, DomainId new_domain, unsigned flags);
void group_set_domain_nofail(System& s, GroupId g, DomainId new_domain);
// iommu_setup_default_domain: allocate the default domain of `target` type (none: the
// kernel's choice, iommu.passthrough) and attach the group to it. On a group that has one
// already, the old default domain is replaced (and freed) only once the group sits on the
// new one; a failed switch leaves the old in place. -EINVAL when the type is not allowed
// (an untrusted device gets DMA translation, whatever is asked).
int setup_default_domain(System& s, GroupId g, std::optional<DomainType> target = std::nullopt);
// iommu_group_store_type: "echo identity|DMA|auto > /sys/kernel/iommu_groups/N/type"
// (auto: nullopt). -EPERM while a driver or a DMA owner uses the group.
int group_store_type(System& s, GroupId g, std::optional<DomainType> target);

int group_claim_dma_owner(System& s, GroupId g, uint32_t owner);
void group_release_dma_owner(System& s, GroupId g);
// iommu_device_claim_dma_owner / iommu_device_release_dma_owner: DMA ownership per device
// (iommufd's bind and unbind). The first claim moves the group to its blocking domain; more
// claims by the same owner (another device of the group) count; another owner gets -EPERM.
// The last release puts the group back on its default domain.
int device_claim_dma_owner(System& s, pci::DevId dev, uint32_t owner);
void device_release_dma_owner(System& s, pci::DevId dev);
// The attach handle calls iommufd makes (the handle itself is not modelled): attach from the
// default or blocking domain only (-EBUSY otherwise); detach to the blocking domain (the owner's
// core domain); replace moves the group from any domain to `new_domain` directly, through the
// driver's attach, without passing through blocked, and leaves the group as it was on failure.
int attach_group_handle(System& s, DomainId domain, GroupId g);
void detach_group_handle(System& s, DomainId domain, GroupId g);
int replace_group_handle(System& s, GroupId g, DomainId new_domain);
int device_use_default_domain(System& s, pci::DevId dev);
void device_unuse_default_domain(System& s, pci::DevId dev);

int attach_group(System& s, DomainId domain, GroupId g);
void detach_group(System& s, DomainId domain, GroupId g);
DomainId domain_alloc_paging(System& s, pci::DevId dev);  // an UNMANAGED paging domain (VFIO type1)
void domain_free(System& s, DomainId domain);

int map(System& s, DomainId domain, uint64_t iova, uint64_t paddr, uint64_t size);
uint64_t unmap(System& s, DomainId domain, uint64_t iova, uint64_t size);
// Whether an iommu_unmap() of `iova` on `domain` has started and not yet returned.
bool unmap_in_flight(const System& s, DomainId domain, uint64_t iova);

}  // namespace atslab::iommu
