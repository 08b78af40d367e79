/*
 * The calls the stand-ins for the SMMUv3 driver's kernel APIs make into
 * atslab: not a kernel header (see atslab/kernel_abi.h for the PCI side).
 * Implemented in C++ by the .cc files of src/kernel_src against the System of the call in
 * progress, or in C by the shims in src/kernel_src/shim.
 */
#ifndef ATSLAB_SMMU_ABI_H
#define ATSLAB_SMMU_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct device;

/* MMIO: an address inside an SMMU's register window (atslab_ioremap's cookie) -> hw::smmuv3::mmio. */
void *atslab_ioremap(struct device *dev, uint64_t phys, uint64_t size);
uint32_t atslab_mmio_read32(const volatile void *addr);
uint64_t atslab_mmio_read64(const volatile void *addr);
void atslab_mmio_write32(const volatile void *addr, uint32_t v);
void atslab_mmio_write64(const volatile void *addr, uint64_t v);

/* Coherent DMA memory: host memory the CPU writes, mirrored into hw::memory at `*dma`. */
void *atslab_dma_alloc_coherent(size_t size, uint64_t *dma);
void atslab_dma_free_coherent(size_t size, void *cpu, uint64_t dma);
/* The physical address of a byte of DMA memory, and back (0 / NULL outside it). */
uint64_t atslab_virt_to_phys(const void *cpu);
void *atslab_phys_to_virt(uint64_t pa);
/* The CPU's writes to DMA memory made visible to the hardware now (dma_sync_*_for_device). */
void atslab_dma_sync_for_device(void);

/* Time: the source driver's virtual clock, in ns; delays and spins advance it. */
int64_t atslab_ktime_get(void);
void atslab_udelay(unsigned long us);
void atslab_cpu_relax(void);
/* A spin whose condition no other CPU can make true: reported and the call abandoned. */
__attribute__((noreturn)) void atslab_spin_stuck(const char *file, int line);
/* A lock taken again by the CPU holding it. */
__attribute__((noreturn)) void atslab_lock_deadlock(const char *what);

/* Firmware properties of a device (DT/IORT), by its atslab kind and id: true with *val when it has the property. */
bool atslab_device_property(int dev_kind, unsigned int dev_id, const char *name, unsigned long long *val);

/* The IOMMU core's side of a driver registering itself for SMMU `smmu` (iommu_device_register). */
struct iommu_ops;
struct iommu_device;
void atslab_iommu_device_registered(unsigned int smmu, const struct iommu_ops *ops, struct iommu_device *iommu);
/* iommu_device.max_pasids as the driver set it (shim/iommu_core.c): 0 for no registration. */
uint32_t atslab_iommu_device_max_pasids(const struct iommu_device *iommu);
/* The domain a device is attached to, as atslab's IOMMU core holds it (NULL: none yet). */
struct iommu_domain;
struct iommu_domain *atslab_iommu_current_domain(struct device *dev);

/* An interrupt handler registered for a line (kept; no SMMU interrupt is raised yet). */
int atslab_request_irq(unsigned int irq, void *handler, void *thread_fn, void *data);

#ifdef __cplusplus
}
#endif

#endif
