#include "kernel_src/smmuv3/iommu_ops.h"

#include "kernel_src/kernel_call.h"
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
}

namespace atslab::kernel_src {

namespace {

// One call into the driver: structs in step with the System before and after, DMA memory mirrored.
template <typename Fn>
auto driver_call(System& s, kernel::KFn op, Fn&& fn) {
  KernelCall k(s);
  kernel::Frame f(s, op);
  load_pci_devs(s);
  struct Done {
    System& s;
    ~Done() {
      store_pci_devs(s);
      SourceKernel::get().sync_to_hw(s);
    }
  } done{s};
  return fn();
}

}  // namespace

int smmuv3_probe_device(System& s, pci::DevId dev) {
  return driver_call(s, kernel::KFn::arm_smmu_probe_device,
                     [&] { return atslab_arm_smmu_probe_device(source_device(s, dev)); });
}

void smmuv3_release_device(System& s, pci::DevId dev) {
  driver_call(s, kernel::KFn::arm_smmu_release_device, [&] { atslab_arm_smmu_release_device(source_device(s, dev)); });
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
