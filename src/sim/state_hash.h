#pragma once
#include <cstdint>

#include "linux/system.h"

namespace atslab {

// A 64-bit hash of the state (hardware and kernel; not the record), stable
// across runs and processes: it never hashes an address.
uint64_t state_hash(const System& s);

}  // namespace atslab
