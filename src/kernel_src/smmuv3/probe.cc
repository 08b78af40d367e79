#include "kernel_src/smmuv3/probe.h"

#include <stdexcept>

#include "kernel_src/kernel_call.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

struct platform_device;

extern "C" {
// shim/smmuv3/platform.c, wrap/arm_smmu_v3.c
platform_device* atslab_smmu_platform_device_new(unsigned int smmu, uint64_t mmio_base, uint64_t mmio_size);
int atslab_arm_smmu_device_probe(platform_device* pdev);
}

namespace atslab::kernel_src {

int smmuv3_device_probe(System& s, unsigned smmu) {
  if (smmu >= s.hw.smmus.size()) throw std::logic_error("smmuv3_device_probe: no such SMMU");
  KernelCall k(s);
  kernel::Frame f(s, kernel::KFn::arm_smmu_device_probe);
  SourceSmmu& sm = SourceKernel::get().smmu(smmu);
  if (!sm.pdev)
    sm.pdev = atslab_smmu_platform_device_new(smmu, kSmmuMmioBase + smmu * kSmmuMmioStride, 2 * 0x10000);
  const int ret = atslab_arm_smmu_device_probe(sm.pdev);
  SourceKernel::get().sync_to_hw(s);
  return ret;
}

}  // namespace atslab::kernel_src
