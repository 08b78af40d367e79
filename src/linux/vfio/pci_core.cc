#include "linux/vfio/pci_core.h"

#include <optional>

#include "hw/pcie/regs.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/pci/reset.h"
#include "linux/system.h"

namespace atslab::vfio {

using kernel::Frame;
using kernel::KFn;

int pci_core_enable(System& s, pci::DevId dev, bool& reset_works) {
  Frame f(s, KFn::vfio_pci_core_enable);
  // "If reset fails because of the device lock, fail this path entirely."
  const int ret = pci::try_reset_function(s, dev);
  if (ret == -EAGAIN) return ret;
  reset_works = ret == 0;
  return 0;
}

void pci_core_disable(System& s, pci::DevId dev, bool reset_works) {
  Frame f(s, KFn::vfio_pci_core_disable);
  // pci_load_and_free_saved_state: the state vfio_pci_core_enable saved after its reset. Nothing
  // the model runs writes the saved registers while the device is open, so the state now is that
  // state (docs/fidelity.md).
  const pci::SavedState saved = pci::save_config_state(s, dev);
  // "Disable INTx and MSI, presumably to avoid spurious interrupts during reset."
  pci::write_config_word(s, dev, hw::pcie::hdr::kCommand, hw::pcie::hdr::kCommandIntxDisable);
  if (reset_works) {
    // Not the "try" interface, which would overwrite the state just loaded: the locks are tried
    // by hand, the bridge's first, and a reset whose lock is taken is skipped.
    const pci::DevId bridge = s.kernel.devs.at(dev).bus_self;  // pci_upstream_bridge
    if (bridge == pci::kNoDev || !pci::device_lock_taken(s, bridge)) {
      std::optional<kernel::LockGuard> bridge_lock;
      if (bridge != pci::kNoDev) bridge_lock.emplace(s, kernel::LockClass::device_lock, bridge);
      if (!pci::device_lock_taken(s, dev)) {
        kernel::LockGuard lock(s, kernel::LockClass::device_lock, dev);
        pci::reset_function_locked(s, dev);
      }
    }
  }
  pci::restore_config_state(s, dev, saved);
}

}  // namespace atslab::vfio
