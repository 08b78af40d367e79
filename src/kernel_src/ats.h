#pragma once
// drivers/pci/ats.c from the kernel tree (--driver source), behind the same
// entry points as the model's (src/linux/pci/ats.h): src/linux/pci/ats.cc
// hands each call here when PciCoreSwitches::ats is Driver::Source. Each opens
// the kernel::Frame of the tree function it calls, mirrors the device (and its
// PF) into struct pci_dev, calls the tree's function and writes the fields back.
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::kernel_src {

void ats_init(System& s, pci::DevId dev);
bool ats_supported(System& s, pci::DevId dev);
// The tree's verdict without a frame or a record (for observers and checks).
bool ats_supported_value(const System& s, pci::DevId dev);
int prepare_ats(System& s, pci::DevId dev, int ps);
int enable_ats(System& s, pci::DevId dev, int ps);
void disable_ats(System& s, pci::DevId dev);
void restore_ats_state(System& s, pci::DevId dev);
int ats_queue_depth(System& s, pci::DevId dev);
int ats_page_aligned(System& s, pci::DevId dev);
// The PASID half (CONFIG_PCI_PASID): pci_pasid_init, pci_enable_pasid, pci_disable_pasid,
// pci_restore_pasid_state, pci_max_pasids, pci_pasid_features.
void pasid_init(System& s, pci::DevId dev);
int enable_pasid(System& s, pci::DevId dev, int features);
void disable_pasid(System& s, pci::DevId dev);
void restore_pasid_state(System& s, pci::DevId dev);
int max_pasids(System& s, pci::DevId dev);
int pasid_features(System& s, pci::DevId dev);

// What the tree's ats.c does where the kernels differ, asked of its own functions on two
// made-up functions (a PF and its VF; no config space is read on these paths):
// pci_ats_supported on a VF whose PF lost ATS to a quirk is false (6.12.118's PF-aware check;
// mainline 7.2 has none) ...
bool tree_ats_supported_asks_pf();
// ... and pci_prepare_ats on a VF with an STU other than its PF's fails (the seed's patch 2).
bool tree_prepare_ats_checks_vf_stu();

}  // namespace atslab::kernel_src
