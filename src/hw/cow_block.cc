#include "hw/cow_block.h"

#include <xxhash.h>

namespace atslab::hw {

uint64_t hash_bytes(const void* p, size_t n) { return XXH3_64bits(p, n); }

}  // namespace atslab::hw
