#pragma once
// drivers/pci/pci-sysfs.c: the reset_method attribute of a PCI function. Reading it lists
// dev->reset_methods by name; writing it re-probes methods on a live function:
//   ""         every method off (dev->reset_methods[0] = 0), a warning, no probe;
//   "default"  pci_init_reset_methods again, each method of pci_reset_fn_methods[] probed;
//   "a b ..."  space-separated names, each looked up and probed (PCI_RESET_PROBE) in turn; the
//              first unknown name, unsupported method or one too many is -EINVAL and leaves
//              dev->reset_methods as it was.
// A probe is not always free: on the 2026 core pci_reset_bus_function calls
// pci_dev_reset_iommu_prepare before it looks at `probe` (reset_methods.cc), so probing "bus" on
// a function bound to a driver parks it on its group's blocking domain and attaches it back.
// The store takes no device lock (the attribute's kernfs active reference only); runtime PM's
// get (-ENXIO when it fails) is not modelled: the model's functions are always active.
#include <string>
#include <string_view>

#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::pci {

// pci_dev_reset_attr_is_visible: the reset and reset_method files exist only for a function that
// had a method when device_add created its attribute groups (pci_reset_supported then).
bool reset_method_attr_visible(const System& s, DevId dev);
// reset_method_lookup: the index of `name` in pci_reset_fn_methods[] (1 on), 0 for none.
uint8_t reset_method_lookup(std::string_view name);
// reset_method_show: the names of dev->reset_methods, space-separated, then a newline ("" if none).
std::string reset_method_show(const System& s, DevId dev);
// reset_method_store: 0 (the write's count), or -EINVAL.
int reset_method_store(System& s, DevId dev, std::string_view buf);

}  // namespace atslab::pci
