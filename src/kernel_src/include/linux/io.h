/*
 * Stand-in for include/linux/io.h (and asm/io.h): MMIO accessors.
 * Routes to: atslab_mmio_* -> hw::smmuv3::mmio on the SMMU whose register
 * window the address falls in (src/kernel_src/abi_mmio.cc). Addresses are
 * cookies handed out by ioremap: never dereferenced.
 */
#ifndef ATSLAB_LINUX_IO_H
#define ATSLAB_LINUX_IO_H

#include <asm/barrier.h>
#include <asm/memory.h>
#include <atslab/smmu_abi.h>
#include <linux/types.h>

static inline u32 readl_relaxed(const volatile void __iomem *addr) { return atslab_mmio_read32(addr); }
static inline u32 readl(const volatile void __iomem *addr) { return atslab_mmio_read32(addr); }
static inline u64 readq_relaxed(const volatile void __iomem *addr) { return atslab_mmio_read64(addr); }
static inline u64 readq(const volatile void __iomem *addr) { return atslab_mmio_read64(addr); }
static inline void writel_relaxed(u32 v, volatile void __iomem *addr) { atslab_mmio_write32(addr, v); }
static inline void writel(u32 v, volatile void __iomem *addr) { atslab_mmio_write32(addr, v); }
static inline void writeq_relaxed(u64 v, volatile void __iomem *addr) { atslab_mmio_write64(addr, v); }
static inline void writeq(u64 v, volatile void __iomem *addr) { atslab_mmio_write64(addr, v); }

#endif
