#pragma once
// What tests read off a System from outside: the hardware's ATS Enable bit and
// the config writes the kernel issued.
#include <cstdint>
#include <vector>

#include "hw/pcie/atc.h"
#include "linux/system.h"

namespace atslab::test {

inline bool hw_ats_on(const System& s, pci::DevId d) {
  return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[d].fn).cfg).enabled;
}

// Offsets of the config writes to `d` after event index `from`, in order.
inline std::vector<int64_t> config_write_offsets(const System& s, pci::DevId d, size_t from = 0) {
  std::vector<int64_t> out;
  for (size_t i = from; i < s.record.events.size(); ++i)
    if (s.record.events[i].kind == kernel::EventKind::ConfigWrite && s.record.events[i].dev == d) out.push_back(s.record.events[i].a);
  return out;
}

}  // namespace atslab::test
