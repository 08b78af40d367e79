// drivers/iommu/amd/pasid.c and the blocked domain's set_dev_pasid (issue 18, path 7). On 7.2
// (and 6.12) only SVA domains have set_dev_pasid on AMD-Vi: iommu_attach_device_pasid of a
// paging domain is -EOPNOTSUPP in the core, before the driver runs, so no PASID attach of the
// model's reaches it. What remains is the blocked domain's, which the core calls for every
// PASID of the group's pasid_array (a detach, a reset's park); the model's array has none on
// AMD-Vi, and the function ignores what it does not know.
#include "linux/amd/amd.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace atslab::amd {

using kernel::Frame;
using kernel::KFn;

int blocked_set_dev_pasid(System& s, iommu::DomainId, pci::DevId dev, uint32_t pasid, iommu::DomainId) {
  Frame f(s, KFn::blocked_domain_set_dev_pasid);
  Frame g(s, KFn::amd_iommu_remove_dev_pasid);
  const DevDataId id = dev_data_of(s, dev);
  // is_pasid_valid: 0 < pasid < dev_data->max_pasids, else nothing to do.
  if (id == kNone || pasid == 0 || pasid >= s.kernel.amd.dev_data[id].max_pasids) return 0;
  // remove_pdom_dev_pasid walks `old`'s pdom_dev_data list (SVA bindings) for this device and
  // PASID: paging domains have none, so nothing is cleared and no GCR3 entry changes.
  return 0;
}

}  // namespace atslab::amd
