#pragma once
// What the kernel tree's SMMUv3 driver holds outside the System value: its
// heap (arm_smmu_device, masters, domains, reached through the platform
// devices kept here), the coherent DMA memory the CPU writes with plain stores
// (mirrored into hw::memory whenever the hardware may look), the virtual
// clock its polls read, and the iommu_ops it registered per SMMU.
//
// One per process for now. Copying a System does not copy this; the explorer
// will run the source driver by fork-based snapshots or by re-execution from
// the root (docs/kernel-source.md). reset() forgets everything and frees the
// previous boot's heap: its DMA memory and what the tree kmalloc'ed and did not
// kfree (abi_heap.cc keeps the set).
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "kernel_src/heap.h"

struct platform_device;
struct pci_dev;
struct device;
struct iommu_domain;
struct iommu_ops;
struct iommu_device;
struct mm_struct;
struct mmu_notifier;
struct iommufd_viommu;

namespace atslab {
struct System;
}

namespace atslab::kernel_src {

struct DmaRegion {
  void* cpu = nullptr;
  uint64_t dma = 0;
  size_t size = 0;                // a multiple of 8
  std::vector<uint64_t> shadow;  // what hw::memory holds, as of the last sync
};

struct SourceSmmu {
  platform_device* pdev = nullptr;
  const iommu_ops* ops = nullptr;  // set by iommu_device_register
  iommu_device* iommu = nullptr;
  // The IOMMU core's domains for the driver's static blocked and identity domains (iommu_driver.h).
  uint32_t blocked_domain = 0xffffffff, identity_domain = 0xffffffff;
};

// A vIOMMU the driver initialised (viommu.cc): its object and the SMMU it is on.
struct SourceViommu {
  iommufd_viommu* viommu = nullptr;
  uint16_t smmu = 0;
};

class SourceKernel {
 public:
  static SourceKernel& get();
  void reset();

  // Coherent DMA memory: host memory for the CPU, pages of hw::memory at the DMA address.
  void* dma_alloc(System& s, size_t size, uint64_t* dma);
  void dma_free(void* cpu);
  // Copies what the CPU wrote into its DMA memory since the last sync into hw::memory.
  void sync_to_hw(System& s);
  // A CPU address inside DMA memory to its physical address, and back (0 / nullptr outside).
  uint64_t virt_to_phys(const void* cpu) const;
  void* phys_to_virt(uint64_t pa) const;

  int64_t now_ns = 0;  // the virtual clock (linux/ktime.h)
  std::map<uint32_t, pci_dev*> pci_devs;  // by pci::DevId (smmuv3/pci_devs.h)
  std::map<device*, iommu_domain*> current_domain;  // after each successful attach (iommu_get_domain_for_dev)
  std::vector<SourceSmmu> smmus;
  SourceSmmu& smmu(unsigned idx);
  // The driver's paging domains, indexed by the IOMMU core's Domain::priv; nullptr once freed.
  std::vector<iommu_domain*> domains;
  // SVA (sva.cc): the driver's mm_struct for each mm of atslab's mm model (by mm::MmId), and the
  // notifier subscriptions it registered, indexed by what the model's Mm::notifiers holds under
  // --driver source; nullptr once put.
  std::map<uint32_t, mm_struct*> mm_structs;
  std::vector<mmu_notifier*> notifiers;
  // Nesting (viommu.cc): the driver's vIOMMUs, indexed by iommufd's Viommu::vsmmu under --driver source.
  std::vector<SourceViommu> viommus;

 private:
  std::vector<DmaRegion> regions_;
  uint64_t next_dma_ = 0;
};

// Where an SMMU's register window is in the physical address map the driver sees,
// and the cookies ioremap hands out for it (never dereferenced: linux/io.h).
inline constexpr uint64_t kSmmuMmioBase = 0x2b400000, kSmmuMmioStride = 0x100000;
inline constexpr uint64_t kMmioCookieBase = 0x7a0000000000ull;
// The cookies an mm_struct's pgd holds (linux/mm_types.h): never dereferenced, their
// virt_to_phys is the mm model's page-table root, base + the root's physical address.
inline constexpr uint64_t kPgdCookieBase = 0x7b0000000000ull, kPgdCookieSpan = 1ull << 40;

}  // namespace atslab::kernel_src
