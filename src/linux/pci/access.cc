#include "linux/pci/access.h"

#include "hw/pcie/regs.h"
#include "linux/kernel/fault_inject.h"
#include "linux/system.h"

namespace atslab::pci {

namespace {
uint32_t rd(const System& s, DevId dev, uint16_t off, unsigned w) {
  return s.hw.pcie.config_read(s.kernel.devs.at(dev).fn, off, w);
}
void wr(System& s, DevId dev, uint16_t off, unsigned w, uint32_t v) {
  hw::pcie::FnId fn = s.kernel.devs.at(dev).fn;
  // The write that sets ATS Enable: a fault plan may make this endpoint keep its ATC across it
  // (from now on), where PCIe invalidates it.
  auto& f = s.hw.pcie.fn(fn);
  if (const uint16_t ats = f.cfg.ats_cap_offset(); ats && off == ats + hw::pcie::ats::kCtrl && (v & hw::pcie::ats::kCtrlEnable) &&
                                                   !hw::pcie::ats_control(f.cfg).enabled &&
                                                   faults::inject(s, faults::Point::EndpointKeepsAtc))
    f.atc.on_enable = hw::pcie::AtcOnEnable::Keep;
  // The kernel issued the write either way; a dropped one never reaches the register.
  if (!faults::inject(s, faults::Point::ConfigWriteDropped)) s.hw.pcie.config_write(fn, off, w, v);
  s.record.event(kernel::EventKind::ConfigWrite, dev, off, (int64_t{w} << 32) | v);
}
}  // namespace

uint8_t read_config_byte(const System& s, DevId dev, uint16_t off) { return static_cast<uint8_t>(rd(s, dev, off, 1)); }
uint16_t read_config_word(const System& s, DevId dev, uint16_t off) { return static_cast<uint16_t>(rd(s, dev, off, 2)); }
uint32_t read_config_dword(const System& s, DevId dev, uint16_t off) { return rd(s, dev, off, 4); }
void write_config_byte(System& s, DevId dev, uint16_t off, uint8_t v) { wr(s, dev, off, 1, v); }
void write_config_word(System& s, DevId dev, uint16_t off, uint16_t v) { wr(s, dev, off, 2, v); }
void write_config_dword(System& s, DevId dev, uint16_t off, uint32_t v) { wr(s, dev, off, 4, v); }

DevId physfn(const System& s, DevId dev) {
  const PciDev& d = s.kernel.devs.at(dev);
  return d.is_virtfn ? d.physfn : dev;
}
const PciDev& pdev(const System& s, DevId dev) { return s.kernel.devs.at(dev); }
PciDev& pdev(System& s, DevId dev) { return s.kernel.devs.at(dev); }

}  // namespace atslab::pci
