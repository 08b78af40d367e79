#pragma once
// drivers/pci/iov.c: SR-IOV discovery and VF creation (section 2.4).
#include <cstdint>

#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

// pci_iov_init -> sriov_init: reads the SR-IOV capability; rejects an offset of
// 0, or a stride of 0 with more than one VF (-EIO), leaving the PF without SR-IOV.
int iov_init(System& s, DevId dev);
// pci_iov_virtfn_bus / pci_iov_virtfn_devfn, from the PF's cached offset and stride.
uint8_t iov_virtfn_bus(const System& s, DevId pf, unsigned vf_id);
uint8_t iov_virtfn_devfn(const System& s, DevId pf, unsigned vf_id);

// pci_enable_sriov -> sriov_enable: checks, NumVFs, VF Enable, then one
// pci_iov_add_virtfn per VF (each: setup, device_add with IOMMU probe, bus_add with FINAL fixups).
int enable_sriov(System& s, DevId pf, uint16_t nr_virtfn);
void disable_sriov(System& s, DevId pf);
// The sysfs path: echo N > sriov_numvfs, through the bound driver's sriov_configure.
int sriov_numvfs_store(System& s, DevId pf, uint16_t num_vfs);

DevId iov_add_virtfn(System& s, DevId pf, unsigned vf_id);
void iov_remove_virtfn(System& s, DevId pf, unsigned vf_id);

}  // namespace atslab::pci
