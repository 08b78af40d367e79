#pragma once
// KASAN for the simulated kernel: a use of freed memory is recorded as the
// report KASAN prints, from the current call stack, instead of crashing.
#include <cstdint>
#include <string>
#include <vector>

#include "linux/kernel/kfunc.h"
#include "linux/pci/pci_dev.h"

namespace atslab {
struct System;
}

namespace atslab::kernel {

// "BUG: KASAN: slab-use-after-free in <current function>": `dev` is the device whose
// kernel code made the access, `object` the freed object's id, `freed_by` its free track.
void kasan_report_uaf(System& s, pci::DevId dev, uint32_t object, std::string access, std::vector<KFn> freed_by,
                      std::string freed_comm);

}  // namespace atslab::kernel
