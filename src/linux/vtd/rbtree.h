#pragma once
// iommu->device_rbtree: the per-unit index of devices by RID (device_rbtree_insert,
// device_rbtree_remove). Every node the walk compares is read; a node whose info
// was freed while still linked is reported as KASAN would report it.
#include <cstdint>

#include "linux/vtd/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::vtd {

// rb_find_add under device_rbtree_lock: 0, or -EEXIST (with a WARN) if the RID is already there.
int device_rbtree_insert(System& s, uint16_t unit, InfoId info);
// rb_erase of the info's node.
void device_rbtree_remove(System& s, InfoId info);
// Whether the info is linked in its unit's tree (an observer: no kernel code runs).
bool in_device_rbtree(const System& s, InfoId info);

}  // namespace atslab::vtd
