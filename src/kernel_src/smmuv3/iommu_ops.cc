#include "kernel_src/smmuv3/iommu_ops.h"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <utility>

#include "hw/smmuv3/regs.h"
#include "io/input_error.h"

#include "kernel_src/kernel_call.h"
#include "kernel_src/smmuv3/attach_phases.h"
#include "kernel_src/smmuv3/driver_call.h"
#include "kernel_src/smmuv3/pci_devs.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

struct device;

extern "C" {
// wrap/arm_smmu_v3.c
int atslab_arm_smmu_probe_device(device* dev);
void atslab_arm_smmu_release_device(device* dev);
int atslab_arm_smmu_master_state(device* dev, bool* ats_enabled, unsigned int* num_streams);
iommu_domain* atslab_arm_smmu_domain_alloc_paging(device* dev, bool dma, int* err);
iommu_domain* atslab_arm_smmu_static_domain(bool blocked);
int atslab_arm_smmu_attach_dev(iommu_domain* domain, device* dev);
int atslab_arm_smmu_map(iommu_domain* domain, uint64_t iova, uint64_t paddr, uint64_t size, int prot);
uint64_t atslab_arm_smmu_unmap(iommu_domain* domain, uint64_t iova, uint64_t size);
void atslab_arm_smmu_domain_free(iommu_domain* domain);
int atslab_arm_smmu_domain_state(iommu_domain* domain, int* nr_ats_masters, unsigned int* devices);
int atslab_arm_smmu_set_dev_pasid(iommu_domain* domain, device* dev, uint32_t pasid, iommu_domain* old);
int atslab_arm_smmu_remove_dev_pasid(device* dev, uint32_t pasid, iommu_domain* domain);
int atslab_arm_smmu_master_ssid_bits(device* dev);
iommu_domain* atslab_arm_smmu_domain_alloc_sva(device* dev, mm_struct* mm, int* err);
int atslab_arm_smmu_dev_enable_sva(device* dev);
int atslab_arm_smmu_dev_disable_sva(device* dev);
// shim/smmuv3/mm.c
void atslab_mmu_notifier_call_invalidate(mmu_notifier* sub, uint64_t start, uint64_t end);
void atslab_mmu_notifier_call_release(mmu_notifier* sub);
}

namespace atslab::kernel_src {

namespace {

// One call into the driver (driver_call.h).
template <typename Fn>
auto driver_call(System& s, kernel::KFn op, Fn&& fn) {
  return smmuv3_call(s, op, std::forward<Fn>(fn));
}

// A call that may come from inside another call into the tree (a notifier run by the last mmput
// of the driver's own arm_smmu_sva_set_dev_pasid): nested, it runs as part of that call, whose
// struct pci_devs hold what the driver did so far (loading them from the System again would undo
// it) and which mirrors the DMA memory when it returns.
template <typename Fn>
auto maybe_nested_driver_call(System& s, kernel::KFn op, Fn&& fn) {
  if (KernelCall::current_mutable() == &s) {
    KernelCall k(s);
    return fn();
  }
  return driver_call(s, op, std::forward<Fn>(fn));
}

}  // namespace

int smmuv3_probe_device(System& s, pci::DevId dev) {
  return driver_call(s, kernel::KFn::iommu_probe_device,
                     [&] { return atslab_arm_smmu_probe_device(source_device(s, dev)); });
}

void smmuv3_release_device(System& s, pci::DevId dev) {
  smmuv3::AttachScope phases(s, dev);  // 6.12's release_device attaches the blocked (or identity) domain itself
  driver_call(s, kernel::KFn::iommu_release_device, [&] {
    device* d = source_device(s, dev);
    // The device's driver is gone by now, and its remove disabled what its probe enabled: 6.12's
    // release_device WARNs on a master still SVA-enabled.
    atslab_arm_smmu_dev_disable_sva(d);
    atslab_arm_smmu_release_device(d);
  });
  phases.returned(0);
}

iommu_domain* smmuv3_domain_alloc_paging(System& s, pci::DevId dev, bool dma, int* err) {
  return driver_call(s, kernel::KFn::iommu_paging_domain_alloc,
                     [&] { return atslab_arm_smmu_domain_alloc_paging(source_device(s, dev), dma, err); });
}

iommu_domain* smmuv3_static_domain(System&, bool blocked) { return atslab_arm_smmu_static_domain(blocked); }

int smmuv3_attach_dev(System& s, iommu_domain* domain, pci::DevId dev) {
  smmuv3::AttachScope phases(s, dev);
  const int ret = driver_call(s, kernel::KFn::__iommu_attach_device, [&] {
    device* d = source_device(s, dev);
    const int r = atslab_arm_smmu_attach_dev(domain, d);
    if (!r) SourceKernel::get().current_domain[d] = domain;  // the core's group->domain = domain
    return r;
  });
  phases.returned(ret);
  return ret;
}

int smmuv3_map(System& s, iommu_domain* domain, uint64_t iova, uint64_t paddr, uint64_t size, bool write) {
  constexpr int kIommuRead = 1 << 0, kIommuWrite = 1 << 1;  // IOMMU_READ, IOMMU_WRITE
  return driver_call(s, kernel::KFn::iommu_map, [&] {
    return atslab_arm_smmu_map(domain, iova, paddr, size, kIommuRead | (write ? kIommuWrite : 0));
  });
}

uint64_t smmuv3_unmap(System& s, iommu_domain* domain, uint64_t iova, uint64_t size) {
  return driver_call(s, kernel::KFn::iommu_unmap, [&] { return atslab_arm_smmu_unmap(domain, iova, size); });
}

void smmuv3_domain_free(System& s, iommu_domain* domain) {
  driver_call(s, kernel::KFn::iommu_domain_free, [&] { atslab_arm_smmu_domain_free(domain); });
}

namespace {
// The tree's arm_smmu_get_cd_ptr indexes a linear CD table without a bound (finding 26's second
// road): a PASID past the dma_alloc_coherent buffer would have the tree write into this process's
// heap, not the model's memory. Such a run is refused before the call. The table is linear
// without IDR0.CD2L or with at most CTXDESC_L2_ENTRIES CDs; the buffer is the table's bytes
// rounded up to a power of two of at least a page (SourceKernel::dma_alloc).
void refuse_cd_past_linear_table(System& s, pci::DevId dev, uint32_t pasid) {
  const int ssid_bits = atslab_arm_smmu_master_ssid_bits(source_device(s, dev));
  const uint16_t smmu = s.hw.pcie.rc(s.kernel.devs.at(dev).rc).iommu_index;
  if (ssid_bits < 0 || smmu >= s.hw.smmus.size()) return;
  const bool cd2l = s.hw.smmus[smmu].idr0 & hw::smmuv3::reg::kIdr0Cd2l;
  if (cd2l && ssid_bits > 10) return;  // 2-level: arm_smmu_alloc_cd_ptr allocates the leaf
  const uint64_t buffer = std::max<uint64_t>(hw::memory::kPageSize, uint64_t{64} << ssid_bits);
  if ((uint64_t{pasid} + 1) * 64 > buffer)
    throw InputError(fmt::format("--driver source: PASID {} is past the tree's linear CD table of {} bytes (ssid_bits {}): "
                                 "its arm_smmu_get_cd_ptr would write outside the buffer, in this process",
                                 pasid, buffer, ssid_bits));
}
}  // namespace

int smmuv3_set_dev_pasid(System& s, iommu_domain* domain, pci::DevId dev, uint32_t pasid, iommu_domain* old) {
  refuse_cd_past_linear_table(s, dev, pasid);
  smmuv3::AttachScope phases(s, dev);
  const int ret = driver_call(s, kernel::KFn::iommu_attach_device_pasid, [&] {
    return atslab_arm_smmu_set_dev_pasid(domain, source_device(s, dev), pasid, old);
  });
  phases.returned(ret);
  return ret;
}

int smmuv3_remove_dev_pasid(System& s, pci::DevId dev, uint32_t pasid, iommu_domain* domain) {
  smmuv3::AttachScope phases(s, dev);  // the last PASID gone, the RID's identity or blocked domain is attached again
  const int ret = driver_call(s, kernel::KFn::iommu_detach_device_pasid, [&] {
    return atslab_arm_smmu_remove_dev_pasid(source_device(s, dev), pasid, domain);
  });
  phases.returned(ret);
  return ret;
}

iommu_domain* smmuv3_domain_alloc_sva(System& s, pci::DevId dev, mm_struct* mm, int* err) {
  return driver_call(s, kernel::KFn::iommu_sva_domain_alloc,
                     [&] { return atslab_arm_smmu_domain_alloc_sva(source_device(s, dev), mm, err); });
}

int smmuv3_dev_enable_sva(System& s, pci::DevId dev) {
  return driver_call(s, kernel::KFn::arm_smmu_dev_enable_feature,
                     [&] { return atslab_arm_smmu_dev_enable_sva(source_device(s, dev)); });
}

void smmuv3_mm_invalidate(System& s, mmu_notifier* sub, uint64_t start, uint64_t end) {
  maybe_nested_driver_call(s, kernel::KFn::mmu_notifier_arch_invalidate_secondary_tlbs,
                           [&] { atslab_mmu_notifier_call_invalidate(sub, start, end); });
}

void smmuv3_mm_release(System& s, mmu_notifier* sub) {
  maybe_nested_driver_call(s, kernel::KFn::mmu_notifier_release, [&] { atslab_mmu_notifier_call_release(sub); });
}

bool smmuv3_domain(System& s, iommu_domain* domain, SourceDomain* out) {
  KernelCall k(s);
  int nr = 0;
  unsigned devices = 0;
  if (atslab_arm_smmu_domain_state(domain, &nr, &devices)) return false;
  *out = {nr, devices};
  return true;
}

bool smmuv3_master(System& s, pci::DevId dev, SourceMaster* out) {
  KernelCall k(s);
  bool ats = false;
  unsigned streams = 0;
  if (atslab_arm_smmu_master_state(source_device(s, dev), &ats, &streams)) return false;
  *out = {ats, streams};
  return true;
}

}  // namespace atslab::kernel_src
