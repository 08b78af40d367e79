#pragma once
// struct pci_dev as the tree's code sees it, for one device and, when it is a
// VF, its PF (the only other device drivers/pci/ats.c reaches, through
// pci_physfn). Filled from the System's pci::PciDev when made; save() writes
// every mirrored field back. With ats.c alone no kernel state lives outside
// the System: the structs exist only for the length of one call.
#include "linux/pci/pci_dev.h"

struct pci_dev;
struct atslab_pci_fields;

namespace atslab {
struct System;
}

namespace atslab::kernel_src {

// The fields the tree's code sees of a pci::PciDev, and writing them back from a struct pci_dev.
atslab_pci_fields pci_fields_of(const System& s, pci::DevId dev);
void store_pci_fields(System& s, const struct pci_dev* p);

class PciDevMirror {
 public:
  PciDevMirror(const System& s, pci::DevId dev);
  ~PciDevMirror();
  PciDevMirror(const PciDevMirror&) = delete;
  PciDevMirror& operator=(const PciDevMirror&) = delete;

  struct pci_dev* get() const { return dev_; }
  void save(System& s) const;

 private:
  pci::DevId id_, pf_id_ = pci::kNoDev;
  struct pci_dev* dev_ = nullptr;
  struct pci_dev* pf_ = nullptr;
};

}  // namespace atslab::kernel_src
