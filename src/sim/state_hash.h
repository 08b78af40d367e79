#pragma once
#include <cstdint>
#include <vector>

#include "linux/system.h"

namespace atslab {

// A 64-bit hash of the state (hardware and kernel; not the record), stable
// across runs and processes: it never hashes an address.
uint64_t state_hash(const System& s);

// state_hash in two parts, combined by combine_state_hash: the VFIO containers and vfio_groups,
// and the rest. Symmetry reduction (sim/symmetry.h) hashes the rest once and the containers under
// each renaming: containers_hash(s, to) is containers_hash of `s` with its containers renumbered
// by `to` (as sim::permute_containers does; empty: as they are), without making that copy.
uint64_t state_hash_rest(const System& s);
uint64_t containers_hash(const System& s, const std::vector<vfio::ContainerId>& to);
uint64_t combine_state_hash(uint64_t rest, uint64_t containers);

}  // namespace atslab
