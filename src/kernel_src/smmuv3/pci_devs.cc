#include "kernel_src/smmuv3/pci_devs.h"

#include <new>
#include <stdexcept>

#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/pci_dev_mirror.h"
#include "kernel_src/smmuv3/source_kernel.h"
#include "linux/pci/access.h"
#include "linux/system.h"

struct platform_device;

extern "C" {
// shim/smmuv3/pci_iommu.c
int atslab_pci_dev_iommu_init(struct pci_dev* pdev, platform_device* smmu, uint32_t sid, bool rc_ats);
device* atslab_pci_dev_device(struct pci_dev* pdev);
}

namespace atslab::kernel_src {

namespace {

// The structs by DevId: kernel heap, outside the System (SourceKernel's comment says how it is handled).
std::map<uint32_t, struct pci_dev*>& table() { return SourceKernel::get().pci_devs; }

void load(const System& s, pci::DevId id, struct pci_dev* p) {
  const pci::PciDev& d = pci::pdev(s, id);
  struct pci_dev* pf = nullptr;
  if (d.is_virtfn && d.physfn != pci::kNoDev) {
    auto it = table().find(d.physfn);
    if (it != table().end()) pf = it->second;
  }
  auto f = pci_fields_of(s, id);
  atslab_pci_dev_load(p, &f, pf);
}

}  // namespace

struct pci_dev* source_pci_dev(System& s, pci::DevId id) {
  if (auto it = table().find(id); it != table().end()) return it->second;
  const pci::PciDev& d = pci::pdev(s, id);
  if (d.is_virtfn && d.physfn != pci::kNoDev) source_pci_dev(s, d.physfn);  // physfn points at it
  struct pci_dev* p = atslab_pci_dev_alloc();
  if (!p) throw std::bad_alloc();
  atslab_pci_dev_set_name(p, d.bdf.str().c_str());
  table()[id] = p;
  load(s, id, p);
  const auto& rc = s.hw.pcie.root_complexes().at(d.rc);
  SourceSmmu& smmu = SourceKernel::get().smmu(rc.iommu_index);
  if (!smmu.pdev) throw std::logic_error("source_pci_dev: the device's SMMU was not probed by the source driver");
  if (int err = atslab_pci_dev_iommu_init(p, smmu.pdev, d.bdf.rid(), rc.ats_supported))
    throw std::runtime_error("source_pci_dev: dev->iommu set-up failed: " + std::to_string(err));
  return p;
}

device* source_device(System& s, pci::DevId id) { return atslab_pci_dev_device(source_pci_dev(s, id)); }

void load_pci_devs(const System& s) {
  for (auto& [id, p] : table()) load(s, id, p);
}

void store_pci_devs(System& s) {
  for (auto& [id, p] : table()) store_pci_fields(s, p);
}

}  // namespace atslab::kernel_src
