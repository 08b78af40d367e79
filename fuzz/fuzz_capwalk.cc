// The capability walkers over an arbitrary 4 KiB config space: they end, and every capability is in range.
#include <cstdlib>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace atslab::hw::pcie;
  ConfigSpace cfg;
  for (size_t i = 0; i < size && i < ConfigSpace::kSize; ++i) cfg.poke8(static_cast<uint16_t>(i), data[i]);
  for (const auto& c : walk_std_caps(cfg).caps)
    if (c.offset < hdr::kStdCapStart || c.offset > hdr::kStdCapEnd) std::abort();
  for (const auto& c : walk_ext_caps(cfg).caps)
    if (c.offset < hdr::kExtCapStart || c.offset >= hdr::kConfigSize) std::abort();
  apply_write_semantics(cfg, size % 2);
  reset_control_registers(cfg);
  (void)pcie_type(cfg);
  return 0;
}
