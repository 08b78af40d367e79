#pragma once
// The tree's heap (abi_heap.cc): what kmalloc gave the tree's code and it did not free.
#include <cstddef>

namespace atslab::kernel_src {

// Frees every allocation the tree's code made and did not free: the source kernel's reset.
void release_tree_heap();

// The end of an RCU grace period: frees what kfree_rcu queued. KernelCall ends one when the
// outermost call into the tree returns, since no reader outlives it (linux/rcupdate.h).
void end_grace_period();

// How many of the tree's allocations are live (kfree_rcu's among them until the grace period ends).
size_t tree_heap_live();

}  // namespace atslab::kernel_src
