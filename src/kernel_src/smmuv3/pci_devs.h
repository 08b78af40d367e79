#pragma once
// struct pci_dev for the tree's SMMUv3 driver: unlike ats.c, the driver keeps
// pointers to them (master->dev), so each pci::DevId has one struct for the
// life of the source kernel (SourceKernel). Their fields are loaded from the
// System before every call into the driver and written back after it, so the
// PCI core, which stays atslab's, and the tree's code agree on them.
#include "linux/pci/pci_dev.h"

struct pci_dev;
struct device;

namespace atslab {
struct System;
}

namespace atslab::kernel_src {

// The device's struct, made on first use with dev->iommu set up for the SMMU of its root
// complex (StreamID = requester ID) and, for a VF, its PF's struct as physfn.
struct pci_dev* source_pci_dev(System& s, pci::DevId dev);
device* source_device(System& s, pci::DevId dev);
// Every struct made so far, from and back to the System.
void load_pci_devs(const System& s);
void store_pci_devs(System& s);

}  // namespace atslab::kernel_src
