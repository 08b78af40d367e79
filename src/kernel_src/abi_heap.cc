// kmalloc / kfree from the tree's code (linux/slab.h stand-in): the C library's heap.
#include <cstdlib>

#include "kernel_src/include/atslab/kernel_abi.h"

extern "C" void* atslab_kmalloc(unsigned long size, bool zero) {
  return zero ? std::calloc(1, size) : std::malloc(size);
}

extern "C" void atslab_kfree(const void* p) { std::free(const_cast<void*>(p)); }
