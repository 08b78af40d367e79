#pragma once
// The tree's SMMUv3 driver behind atslab's IOMMU core: the same entry points,
// under the same names, as atslab's hand-written driver (linux/smmuv3/smmuv3.h),
// so that src/linux/iommu/driver_ops.cc and probe.cc call one or the other
// (ATSLAB_SOURCE_SMMUV3 builds, --driver source). The core's DomainIds name the
// driver's struct iommu_domain pointers: Domain::priv indexes
// SourceKernel::domains, and each SMMU's static domains get one DomainId each.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "hw/pcie/function.h"
#include "hw/smmuv3/command.h"
#include "linux/iommu/iommu_core.h"

struct iommu_domain;

namespace atslab {
struct System;
}

namespace atslab::kernel_src::smmuv3 {

// False in a build without ATSLAB_SOURCE_SMMUV3 (smmuv3_absent.cc), where every other function
// here throws: the IOMMU core then keeps atslab's own driver whatever --driver says.
bool built();
// Whether --driver source runs this driver, in this process (where built, yes unless chosen
// otherwise). A command that copies Systems (explore) keeps atslab's: the tree's heap is outside
// the System value. Per process, as that heap is (SourceKernel).
bool chosen();
void choose(bool tree);
// choose() for a scope (tests that pin the tree's ats.c under atslab's SMMUv3 driver).
class ScopedChoice {
 public:
  explicit ScopedChoice(bool tree) : before_(chosen()) { choose(tree); }
  ~ScopedChoice() { choose(before_); }
  ScopedChoice(const ScopedChoice&) = delete;
  ScopedChoice& operator=(const ScopedChoice&) = delete;

 private:
  bool before_;
};

// arm_smmu_device_probe on the SMMU of root complex `rc` (hw::smmuv3 index `smmu`).
int device_probe(System& s, uint16_t smmu, hw::pcie::RcId rc);
int probe_device(System& s, pci::DevId dev);
void release_device(System& s, pci::DevId dev);
// iommu_ops->release_domain is set: the core attaches it before release_device (6.12's driver
// has none; its release_device attaches the blocked domain itself).
bool has_release_domain();
// The driver keeps invalidation arrays (struct arm_smmu_invs, 7.2), which 6.12 has none of.
bool has_invalidation_arrays();
// The probe prepares ATS through arm_smmu_master_prepare_ats, failing when the prepare fails (7.2).
bool has_master_prepare_ats();
iommu::DomainId domain_alloc_paging(System& s, pci::DevId dev, iommu::DomainType type);
void domain_free(System& s, iommu::DomainId d);
iommu::DomainId static_domain(System& s, pci::DevId dev, iommu::DomainType type);
int attach_dev(System& s, iommu::DomainId d, pci::DevId dev);
int map_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t paddr, uint64_t size);
uint64_t unmap_pages(System& s, iommu::DomainId d, uint64_t iova, uint64_t size);

// PASIDs (issue 18). The domain's ops have set_dev_pasid (6.12: paging domains only; 7.2: the
// blocked domain too).
bool has_set_dev_pasid(const System& s, iommu::DomainId d);
// The driver's ops have remove_dev_pasid (6.12); the 2026 trees' core attaches the blocked domain
// to the PASID instead.
bool has_remove_dev_pasid();
int set_dev_pasid(System& s, iommu::DomainId d, pci::DevId dev, uint32_t pasid, iommu::DomainId old);
// Takes `pasid` of `dev` off `old` (either form above): 0, or the blocked set_dev_pasid's error.
int remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, iommu::DomainId old);
// What the driver registered as the SMMU's max_pasids (1 << IDR1.SSIDSIZE), for the core's
// dev_iommu_get_max_pasids; 0 before the SMMU is probed.
uint32_t iommu_max_pasids(const System& s, pci::DevId dev);
// The device's master->ssid_bits (arm_smmu_enable_pasid's), or -ENODEV without a master.
int master_ssid_bits(System& s, pci::DevId dev);

// SVA (issue 18; arm-smmu-v3-sva.c, CONFIG_ARM_SMMU_V3_SVA). iommu_sva_domain_alloc's driver
// half for the mm of atslab's mm model: the driver's arm_smmu_sva_domain_alloc (an ASID, its
// mmu_notifier registered on the mm), the core's fields set; the new DomainId (typed Sva), or a
// negative errno. The domain's set_dev_pasid and free are set_dev_pasid and domain_free above.
int64_t domain_alloc_sva(System& s, pci::DevId dev, uint32_t mm);
// The tree's SVA half is built (CONFIG_ARM_SMMU_V3_SVA: 6.12's arm-smmu-v3-sva.c with
// IOMMU_DEV_FEAT_SVA, or 7.2's; a tree with another form is built without it, and --driver source
// refuses SVA there).
bool has_sva();
// The driver allocates HWPTs for iommufd's PASID attach (IOMMU_HWPT_ALLOC_PASID: 7.2; 6.12 has
// neither the flag nor the core's iommu_replace_device_pasid, and --driver source refuses the path).
bool has_iommufd_pasid();
// Nesting (a VM's vSMMU: the tree's arm-smmu-v3-iommufd.c, CONFIG_ARM_SMMU_V3_IOMMUFD, built where
// the tree has 7.2's form; 6.12 has none, and --driver source refuses nesting there). iommufd stays
// atslab's and calls these where it calls atslab's vSMMU (src/linux/iommu/driver_ops.h).
bool has_vsmmu();
// IOMMU_HWPT_ALLOC_NEST_PARENT: the driver's domain_alloc_paging_flags; the new DomainId
// (Unmanaged) or a negative errno.
int64_t domain_alloc_nest_parent(System& s, pci::DevId dev);
// ops->get_viommu_size(dev, IOMMU_VIOMMU_TYPE_ARM_SMMUV3) != 0.
bool viommu_supported(System& s, pci::DevId dev);
// IOMMU_VIOMMU_ALLOC's driver half: an object of the driver's size, arm_vsmmu_init on the nest
// parent `parent`, named by atslab's vIOMMU `viommu`. Its handle (iommufd's Viommu::vsmmu), or a
// negative errno.
int64_t viommu_init(System& s, pci::DevId dev, iommu::DomainId parent, uint32_t viommu);
// The SMMU (hw index) a vIOMMU is on.
uint16_t viommu_smmu(uint32_t vsmmu);
// viommu->ops->vdevice_init (arm_vsmmu_vdevice_init) for `dev` as the guest's `virt_id`.
int vdevice_init(System& s, uint32_t vsmmu, pci::DevId dev, uint64_t virt_id);
// viommu->ops->alloc_domain_nested (arm_vsmmu_alloc_domain_nested) from the guest's vSTE: the
// new DomainId (Nested) or a negative errno.
int64_t alloc_domain_nested(System& s, uint32_t vsmmu, const std::array<uint64_t, 2>& vste);
// viommu->ops->cache_invalidate (arm_vsmmu_cache_invalidate) of one guest command.
int cache_invalidate(System& s, uint32_t vsmmu, const hw::smmuv3::Command& cmd);
// The driver's struct iommu_domain of a DomainId, and a new DomainId for one the driver allocated.
iommu_domain* domain_handle(const System& s, iommu::DomainId d);
iommu::DomainId new_driver_domain(System& s, iommu_domain* d, iommu::DomainType type, uint16_t smmu);
// 6.12's iommu_dev_enable_feature(dev, IOMMU_DEV_FEAT_SVA), which its device drivers call before
// binding: once (a bind that finds it enabled asks nothing), 0 where the ops have no such step.
int dev_enable_sva(System& s, pci::DevId dev);
// The ops have dev_enable_feat (6.12; the model's SmmuAttachSwitches::dev_feat_sva).
bool has_dev_feat_sva();
// The mm model's notifier calls (mm::munmap_and_remap, exit_mmap) on subscription `sub` (an entry
// of Mm::notifiers under --driver source): the ops' arch_invalidate_secondary_tlbs([start, end))
// and release.
void mm_arch_invalidate_secondary_tlbs(System& s, uint32_t sub, uint64_t start, uint64_t end);
void mm_release(System& s, uint32_t sub);

// What the checks read of the driver's belief, through the adapter compiled against the tree's
// arm-smmu-v3.h: every master (a probed device not yet released) and every live paging domain.
struct MasterBelief {
  pci::DevId dev = pci::kNoDev;
  uint16_t smmu = 0;
  bool ats_enabled = false;          // master->ats_enabled
  std::vector<uint32_t> streams;     // master->streams[].id
  uint32_t used_ssids = 0;           // master->cd_table.used_ssids: the PASIDs it counts in use
};
// One entry of a domain's invalidation array (struct arm_smmu_inv; the trees that have them).
struct InvBelief {
  int type = 0;            // enum arm_smmu_inv_type: the order of smmuv3::InvType
  uint32_t id = 0;         // ASID, VMID or StreamID
  uint32_t ssid = 0;       // the ATS types' substream
  int users = 0;           // 0: a trash entry awaiting its purge
  bool operator==(const InvBelief&) const = default;
};
struct InvsBelief {
  uint64_t num_invs = 0, num_trashes = 0, max_invs = 0;
  bool has_ats = false;
  std::vector<InvBelief> inv;  // num_invs entries, in the array's order
};
struct DomainBelief {
  iommu::DomainId domain = iommu::kNoDomain;
  int nr_ats_masters = 0;            // smmu_domain->nr_ats_masters
  std::vector<pci::DevId> devices;   // the masters on smmu_domain->devices
  std::vector<uint32_t> ssids;       // each attachment's SSID (master_domain->ssid), as devices
  bool s2 = false;                   // stage 2: the attachments invalidate a VMID, else an ASID
  uint32_t tag = 0;                  // that ASID or VMID
  std::optional<InvsBelief> invs;    // smmu_domain->invs where the tree has arrays (7.2), else none
  bool nest_parent = false;          // smmu_domain->nest_parent: its attachments' ATS entries are ATS_FULL
};
// A nested domain of the tree's vSMMU (struct arm_smmu_nested_domain, 7.2).
struct NestedBelief {
  iommu::DomainId domain = iommu::kNoDomain;
  iommu::DomainId parent = iommu::kNoDomain;  // its vSMMU's S2 parent
  std::array<uint64_t, 2> vste{};             // nested_domain->ste: validated, EATS cleared
  bool enable_ats = false;                    // the vSTE asked EATS=TRANS with CFG S1_TRANS
  std::vector<pci::DevId> devices;            // the master_domains on the parent's list naming it
};
std::vector<MasterBelief> masters(const System& s);
std::vector<DomainBelief> domains(const System& s);
std::vector<NestedBelief> nested_domains(const System& s);

}  // namespace atslab::kernel_src::smmuv3
