// kernel_src/smmuv3/iommu_driver.h in a build without the tree's SMMUv3 driver
// (ATSLAB_SOURCE_SMMUV3 off): built() says so, and the IOMMU core never calls
// the rest, which would be a bug in the core's dispatch.
#include <stdexcept>

#include "kernel_src/smmuv3/iommu_driver.h"

namespace atslab::kernel_src::smmuv3 {

namespace {
[[noreturn]] void absent() { throw std::logic_error("the kernel tree's SMMUv3 driver is not built (ATSLAB_SOURCE_SMMUV3)"); }
}  // namespace

bool built() { return false; }
bool chosen() { return false; }
void choose(bool) {}
int device_probe(System&, uint16_t, hw::pcie::RcId) { absent(); }
int probe_device(System&, pci::DevId) { absent(); }
void release_device(System&, pci::DevId) { absent(); }
bool has_release_domain() { absent(); }
bool has_invalidation_arrays() { absent(); }
bool has_master_prepare_ats() { absent(); }
iommu::DomainId domain_alloc_paging(System&, pci::DevId, iommu::DomainType) { absent(); }
void domain_free(System&, iommu::DomainId) { absent(); }
iommu::DomainId static_domain(System&, pci::DevId, iommu::DomainType) { absent(); }
int attach_dev(System&, iommu::DomainId, pci::DevId) { absent(); }
int map_pages(System&, iommu::DomainId, uint64_t, uint64_t, uint64_t) { absent(); }
uint64_t unmap_pages(System&, iommu::DomainId, uint64_t, uint64_t) { absent(); }
bool has_set_dev_pasid(const System&, iommu::DomainId) { absent(); }
bool has_remove_dev_pasid() { absent(); }
int set_dev_pasid(System&, iommu::DomainId, pci::DevId, uint32_t, iommu::DomainId) { absent(); }
int remove_dev_pasid(System&, pci::DevId, uint32_t, iommu::DomainId) { absent(); }
uint32_t iommu_max_pasids(const System&, pci::DevId) { absent(); }
int master_ssid_bits(System&, pci::DevId) { absent(); }
int64_t domain_alloc_sva(System&, pci::DevId, uint32_t) { absent(); }
int dev_enable_sva(System&, pci::DevId) { absent(); }
bool has_dev_feat_sva() { absent(); }
bool has_sva() { absent(); }
bool has_iommufd_pasid() { absent(); }
bool has_vsmmu() { absent(); }
int64_t domain_alloc_nest_parent(System&, pci::DevId) { absent(); }
bool viommu_supported(System&, pci::DevId) { absent(); }
int64_t viommu_init(System&, pci::DevId, iommu::DomainId, uint32_t) { absent(); }
uint16_t viommu_smmu(uint32_t) { absent(); }
int vdevice_init(System&, uint32_t, pci::DevId, uint64_t) { absent(); }
int64_t alloc_domain_nested(System&, uint32_t, const std::array<uint64_t, 2>&) { absent(); }
int cache_invalidate(System&, uint32_t, const hw::smmuv3::Command&) { absent(); }
iommu_domain* domain_handle(const System&, iommu::DomainId) { absent(); }
iommu::DomainId new_driver_domain(System&, iommu_domain*, iommu::DomainType, uint16_t) { absent(); }
void mm_arch_invalidate_secondary_tlbs(System&, uint32_t, uint64_t, uint64_t) { absent(); }
void mm_release(System&, uint32_t) { absent(); }
std::vector<MasterBelief> masters(const System&) { absent(); }
std::vector<DomainBelief> domains(const System&) { absent(); }
std::vector<NestedBelief> nested_domains(const System&) { absent(); }

}  // namespace atslab::kernel_src::smmuv3
