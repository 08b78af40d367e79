#pragma once
// Modelled RCU for the invalidation arrays: publish, read-side sections that
// pin an array, kfree_rcu and grace periods. A read of a reclaimed array is
// recorded (the checks report it as a use after free) instead of crashing.
#include "linux/smmuv3/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

InvsId rcu_publish(System& s, Invs invs);      // a new live array
// rcu_assign_pointer(domain->invs, slot): readers that load from now on see `slot`.
// Recorded, so the checker can see what the STE write that follows must be ordered after (22).
void rcu_assign_invs(System& s, SmmuDomainId sd, InvsId slot);
void kfree_rcu(System& s, InvsId slot);         // retired; reclaimed after a grace period
void kfree(System& s, InvsId slot);             // freed at once: no reader can hold it
InvsId rcu_read_lock(System& s, InvsId slot);   // pins the array the reader loaded
void rcu_read_unlock(System& s, InvsId slot);
// A grace period: every retired array no reader holds is reclaimed.
void synchronize_rcu(System& s);

}  // namespace atslab::smmuv3
