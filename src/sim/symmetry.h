#pragma once
// Symmetry reduction for the explorer (issue 19, part 2): states that differ only by a renaming
// the model cannot tell apart are one state. The explorer hashes a state's canonical
// representative (sim::canonicalize's form, then the least of its images under the renamings
// below, by hash), and keeps running the state it actually reached: traces stay the ones run.
//
// A renaming here is an automorphism of the whole search, not only of the kernel: it maps every
// state to one with the same future up to renaming the operations, and the alphabet to itself.
// Two are in use (docs/exploration.md, "Symmetry reduction", says why these and not the VFs):
//
// - VFIO container ids. A container is a slot of vfio.containers that the runner opened under
//   a name; nothing in the kernel reads an id's value (no order, no arithmetic, no slot reuse:
//   a new container is always the next slot), so any permutation of the slots, applied to the
//   table, to every vfio_group's container and to the runner's name -> id map, is exact.
//   Canonically, the containers are numbered in the order of their names.
// - The containers' names c0 and c1, when the alphabet treats them alike (each operation naming
//   one has its twin naming the other) and no fault rule names a step (a step's name is the
//   operation's description, containers included). Only the runner knows names.
#include <cstdint>
#include <string>
#include <vector>

#include "linux/vfio/vfio_state.h"
#include "sim/ops.h"

namespace atslab::sim {

struct Node;

struct Symmetry {
  // The two names whose containers are interchangeable ("" when none are).
  std::string a, b;
  bool any() const { return !a.empty(); }
};

// The renamings the search may use, from its alphabet and the machine's fault plan.
Symmetry symmetry_of(const std::vector<Op>& alphabet, const faults::Injector& plan);

// `op` with the two names exchanged wherever it names a container (its nested operation included).
Op swap_names(const Op& op, const Symmetry& sym);
// The runner's context with the two names exchanged (the kernel does not know names).
void swap_names(OpContext& ctx, const Symmetry& sym);

// Renumbers the containers: the one numbered i becomes to[i] (a permutation of the first
// to.size() slots; later ones, opened since, keep their numbers).
void permute_containers(System& s, OpContext& ctx, const std::vector<vfio::ContainerId>& to);
// The permutation that numbers the named containers in the order of their names, over the slots
// they hold (containers no name holds keep theirs).
std::vector<vfio::ContainerId> containers_by_name(const System& s, const OpContext& ctx);

// The hash the search deduplicates by (sim::node_hash of the canonical representative):
// the least over the state's images under `sym` of their hashes, each with its containers
// numbered by name; and whether the least is the image with the names exchanged (partial-order
// reduction then reads the state's sleep set through the exchange). The images are not made:
// their hashes are (sim/state_hash.h's containers_hash).
struct SymmetricHash {
  uint64_t hash = 0;
  bool swapped = false;
};
SymmetricHash symmetric_hash(const Node& n, const Symmetry& sym);

}  // namespace atslab::sim
