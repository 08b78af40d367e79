// The PCI core as the tree's code reaches it (linux/pci.h stand-in): atslab's
// own accessors, so config writes are recorded and fault points apply.
#include <stdexcept>

#include "hw/pcie/capability_walk.h"
#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/kernel_call.h"
#include "linux/pci/access.h"
#include "linux/pci/ats.h"
#include "linux/pci/pri_pasid.h"
#include "linux/pci/quirks.h"
#include "linux/system.h"

using atslab::kernel_src::KernelCall;
namespace pci = atslab::pci;

extern "C" int atslab_pci_read_config(unsigned int dev, int where, int size, unsigned int* val) {
  const atslab::System& s = KernelCall::csystem();
  const auto off = static_cast<uint16_t>(where);
  switch (size) {
    case 1: *val = pci::read_config_byte(s, dev, off); break;
    case 2: *val = pci::read_config_word(s, dev, off); break;
    case 4: *val = pci::read_config_dword(s, dev, off); break;
    default: throw std::logic_error("config read of size " + std::to_string(size));
  }
  return 0;  // PCIBIOS_SUCCESSFUL: the modelled functions never go away under a read
}

extern "C" int atslab_pci_write_config(unsigned int dev, int where, int size, unsigned int val) {
  atslab::System& s = KernelCall::system();
  const auto off = static_cast<uint16_t>(where);
  switch (size) {
    case 1: pci::write_config_byte(s, dev, off, static_cast<uint8_t>(val)); break;
    case 2: pci::write_config_word(s, dev, off, static_cast<uint16_t>(val)); break;
    case 4: pci::write_config_dword(s, dev, off, val); break;
    default: throw std::logic_error("config write of size " + std::to_string(size));
  }
  return 0;
}

extern "C" unsigned short atslab_pci_find_ext_capability(unsigned int dev, int cap) {
  const atslab::System& s = KernelCall::csystem();
  return atslab::hw::pcie::find_ext_cap(s.hw.pcie.fn(pci::pdev(s, dev).fn).cfg, static_cast<uint16_t>(cap));
}

extern "C" unsigned short atslab_pci_find_next_ext_capability(unsigned int dev, unsigned short start, int cap) {
  const atslab::System& s = KernelCall::csystem();
  return atslab::hw::pcie::find_next_ext_cap(s.hw.pcie.fn(pci::pdev(s, dev).fn).cfg, start,
                                             static_cast<uint16_t>(cap));
}

extern "C" bool atslab_pci_dev_specific_ats_required(unsigned int dev) {
  return pci::dev_specific_ats_required(KernelCall::csystem(), dev);
}

extern "C" bool atslab_pci_ats_disabled(void) { return pci::ats_disabled(KernelCall::csystem()); }

extern "C" bool atslab_pci_acs_path_enabled(unsigned int dev, unsigned int end, unsigned short acs_flags) {
  // ats.c asks for the whole path (end NULL); a bounded walk is not on any path the tree runs here.
  if (end != ATSLAB_NO_PCI_DEV) throw std::logic_error("pci_acs_path_enabled with an end device: not stood in");
  return pci::acs_path_enabled(KernelCall::csystem(), dev, acs_flags);
}
