#pragma once
// pci_read_config_* / pci_write_config_*: the only way the kernel reaches a
// device's registers. Writes are recorded as events (for traces and ordering checks).
#include <cstdint>

#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

uint8_t read_config_byte(const System& s, DevId dev, uint16_t off);
uint16_t read_config_word(const System& s, DevId dev, uint16_t off);
uint32_t read_config_dword(const System& s, DevId dev, uint16_t off);
void write_config_byte(System& s, DevId dev, uint16_t off, uint8_t v);
void write_config_word(System& s, DevId dev, uint16_t off, uint16_t v);
void write_config_dword(System& s, DevId dev, uint16_t off, uint32_t v);

// pci_physfn(): the PF of a VF, the device itself otherwise.
DevId physfn(const System& s, DevId dev);
const PciDev& pdev(const System& s, DevId dev);
PciDev& pdev(System& s, DevId dev);

}  // namespace atslab::pci
