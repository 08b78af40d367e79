#include "kernel_src/pci_dev_mirror.h"

#include <new>

#include "kernel_src/include/atslab/kernel_abi.h"
#include "linux/pci/access.h"
#include "linux/system.h"

namespace atslab::kernel_src {

atslab_pci_fields pci_fields_of(const System& s, pci::DevId id) {
  const pci::PciDev& d = pci::pdev(s, id);
  return {.dev = id, .vendor = d.vendor, .device = d.device, .ats_cap = d.ats_cap, .ats_stu = d.ats_stu,
          .ats_enabled = d.ats_enabled, .untrusted = d.untrusted, .is_virtfn = d.is_virtfn,
          .is_physfn = d.is_physfn, .pasid_enabled = d.pasid_enabled, .pasid_cap = d.pasid_cap,
          .pasid_features = d.pasid_features, .pasid_no_tlp = d.pasid_no_tlp, .eetlp_prefix = d.eetlp_prefix};
}

void store_pci_fields(System& s, const struct pci_dev* p) {
  atslab_pci_fields f{};
  atslab_pci_dev_save(p, &f);
  pci::PciDev& d = pci::pdev(s, f.dev);
  d.ats_cap = f.ats_cap;
  d.ats_stu = f.ats_stu;
  d.ats_enabled = f.ats_enabled;
  d.untrusted = f.untrusted;
  d.is_virtfn = f.is_virtfn;
  d.is_physfn = f.is_physfn;
  d.pasid_enabled = f.pasid_enabled;
  d.pasid_cap = f.pasid_cap;  // pci_pasid_init's, when the tree's ats.c enumerates
  d.pasid_features = f.pasid_features;
  // pasid_no_tlp and eetlp_prefix are the PCI core's (quirks, enumeration): the tree reads them only.
}

namespace {

struct pci_dev* alloc() {
  struct pci_dev* p = atslab_pci_dev_alloc();
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace

PciDevMirror::PciDevMirror(const System& s, pci::DevId dev) : id_(dev) {
  const pci::PciDev& d = pci::pdev(s, dev);
  if (d.is_virtfn && d.physfn != pci::kNoDev) {
    pf_id_ = d.physfn;
    pf_ = alloc();
    auto f = pci_fields_of(s, pf_id_);
    atslab_pci_dev_load(pf_, &f, nullptr);
  }
  dev_ = alloc();
  auto f = pci_fields_of(s, dev);
  atslab_pci_dev_load(dev_, &f, pf_);
}

PciDevMirror::~PciDevMirror() {
  atslab_pci_dev_free(dev_);
  atslab_pci_dev_free(pf_);
}

void PciDevMirror::save(System& s) const {
  store_pci_fields(s, dev_);
  if (pf_) store_pci_fields(s, pf_);
}

}  // namespace atslab::kernel_src
