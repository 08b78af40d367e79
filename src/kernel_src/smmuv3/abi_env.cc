// The environment the tree's SMMUv3 driver runs in (linux/io.h, linux/dma-mapping.h,
// linux/delay.h, linux/ktime.h, asm/barrier.h, linux/spinlock.h, linux/property.h,
// linux/interrupt.h stand-ins): MMIO to hw::smmuv3, DMA memory, time, firmware.
#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

#include "hw/smmuv3/mmio.h"
#include "hw/smmuv3/regs.h"
#include "kernel_src/include/atslab/smmu_abi.h"
#include "kernel_src/kernel_call.h"
#include "kernel_src/smmuv3/cmdq_record.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/system.h"

using atslab::kernel_src::KernelCall;
using atslab::kernel_src::SourceKernel;
namespace ks = atslab::kernel_src;

namespace {

struct Reg {
  unsigned smmu;
  uint32_t off;
};

// An ioremap cookie back to the SMMU and the register offset.
Reg decode(const volatile void* addr) {
  const uint64_t phys = reinterpret_cast<uint64_t>(addr) - ks::kMmioCookieBase;
  if (phys < ks::kSmmuMmioBase) throw std::logic_error(fmt::format("MMIO at {:#x}: not an SMMU register", phys));
  const uint64_t rel = phys - ks::kSmmuMmioBase;
  const Reg r{unsigned(rel / ks::kSmmuMmioStride), uint32_t(rel % ks::kSmmuMmioStride)};
  if (r.off >= atslab::hw::smmuv3::mmio::kSize || r.smmu >= KernelCall::csystem().hw.smmus.size())
    throw std::logic_error(fmt::format("MMIO at {:#x}: outside every SMMU's registers", phys));
  return r;
}

// Before the SMMU acts on a register write, it sees what the CPU wrote to DMA memory.
atslab::System& synced() {
  atslab::System& s = KernelCall::system();
  SourceKernel::get().sync_to_hw(s);
  return s;
}

}  // namespace

extern "C" void* atslab_ioremap(struct device*, uint64_t phys, uint64_t size) {
  if (phys < ks::kSmmuMmioBase || (phys - ks::kSmmuMmioBase) % ks::kSmmuMmioStride + size >
                                      ks::kSmmuMmioStride)
    return nullptr;
  return reinterpret_cast<void*>(ks::kMmioCookieBase + phys);
}

extern "C" uint32_t atslab_mmio_read32(const volatile void* addr) {
  const Reg r = decode(addr);
  // A register read consults no memory (the SMMU acts at the write that gives it work), so it
  // needs no sync: the driver's polls of CONS were half of a source stress run's time in the scan.
  return atslab::hw::smmuv3::mmio::read32(KernelCall::system().hw, r.smmu, r.off);
}

extern "C" uint64_t atslab_mmio_read64(const volatile void* addr) {
  const Reg r = decode(addr);
  return atslab::hw::smmuv3::mmio::read64(KernelCall::system().hw, r.smmu, r.off);  // as read32
}

extern "C" void atslab_mmio_write32(const volatile void* addr, uint32_t v) {
  const Reg r = decode(addr);
  atslab::System& s = synced();
  if (r.off == atslab::hw::smmuv3::mmio::kCmdqProd) ks::record_cmdq_prod(s, r.smmu, v);
  atslab::hw::smmuv3::mmio::write32(s.hw, r.smmu, r.off, v);
}

extern "C" void atslab_mmio_write64(const volatile void* addr, uint64_t v) {
  const Reg r = decode(addr);
  atslab::hw::smmuv3::mmio::write64(synced().hw, r.smmu, r.off, v);
}

extern "C" void* atslab_dma_alloc_coherent(size_t size, uint64_t* dma) {
  return SourceKernel::get().dma_alloc(KernelCall::system(), size, dma);
}

extern "C" void atslab_dma_free_coherent(size_t, void* cpu, uint64_t) { SourceKernel::get().dma_free(cpu); }

extern "C" uint64_t atslab_virt_to_phys(const void* cpu) { return SourceKernel::get().virt_to_phys(cpu); }
extern "C" void* atslab_phys_to_virt(uint64_t pa) { return SourceKernel::get().phys_to_virt(pa); }
extern "C" void atslab_dma_sync_for_device(void) { SourceKernel::get().sync_to_hw(KernelCall::system()); }

extern "C" int64_t atslab_ktime_get(void) { return SourceKernel::get().now_ns; }
extern "C" void atslab_udelay(unsigned long us) { SourceKernel::get().now_ns += int64_t(us) * 1000; }
extern "C" void atslab_cpu_relax(void) { SourceKernel::get().now_ns += 1; }

extern "C" void atslab_spin_stuck(const char* file, int line) {
  throw std::logic_error(fmt::format("{}:{}: a spin no other CPU can end (the simulation runs one at a time)", file, line));
}

extern "C" void atslab_lock_deadlock(const char* what) {
  throw std::logic_error(fmt::format("deadlock: {} taken again by the CPU holding it", what));
}

// The machine's firmware as a device tree would describe it: an SMMU node with
// #iommu-cells = <1>, dma-coherent exactly when the SMMU's IDR0.COHACC says its table walks are
// (firmware and hardware agree, so the driver has no "IDR0.COHACC overridden" to print), no quirks.
extern "C" bool atslab_device_property(int dev_kind, unsigned int id, const char* name, unsigned long long* val) {
  if (dev_kind == 2 && std::strcmp(name, "#iommu-cells") == 0) {
    *val = 1;
    return true;
  }
  if (dev_kind == 2 && std::strcmp(name, "dma-coherent") == 0) {
    const auto& smmus = KernelCall::csystem().hw.smmus;
    if (id >= smmus.size() || !(smmus[id].idr0 & atslab::hw::smmuv3::reg::kIdr0Cohacc)) return false;
    *val = 1;
    return true;
  }
  return false;
}

// No SMMU interrupt is raised yet; the handler is not needed.
extern "C" int atslab_request_irq(unsigned int, void*, void*, void*) { return 0; }

extern "C" void atslab_iommu_device_registered(unsigned int smmu, const struct iommu_ops* ops, struct iommu_device* iommu) {
  auto& sm = SourceKernel::get().smmu(smmu);
  sm.ops = ops;
  sm.iommu = ops ? iommu : nullptr;
}

extern "C" struct iommu_domain* atslab_iommu_current_domain(struct device* dev) {
  auto& cur = SourceKernel::get().current_domain;
  auto it = cur.find(dev);
  return it == cur.end() ? nullptr : it->second;
}
