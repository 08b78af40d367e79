#include "linux/smmuv3/rcu.h"

#include "sim/system.h"

namespace atslab::smmuv3 {

InvsId rcu_publish(System& s, Invs invs) {
  // Reclaimed memory is reused, as the allocator would: the lowest free slot, so that the
  // same sequence of array lifetimes always yields the same slots (explorer deduplication).
  auto& pool = s.kernel.smmuv3.invs_pool;
  for (size_t i = 0; i < pool.size(); ++i)
    if (pool[i].state == RcuState::Reclaimed) {
      pool[i] = {std::move(invs), RcuState::Live, 0};
      return static_cast<InvsId>(i);
    }
  pool.push_back({std::move(invs), RcuState::Live, 0});
  return static_cast<InvsId>(pool.size() - 1);
}

void rcu_assign_invs(System& s, SmmuDomainId sd, InvsId slot) {
  s.kernel.smmuv3.domains.at(sd).invs = slot;
  s.record.event(kernel::EventKind::InvsPublish, sd, slot);
}

void kfree_rcu(System& s, InvsId slot) {
  auto& st = s.kernel.smmuv3.invs_pool.at(slot).state;
  if (st == RcuState::Live) st = RcuState::Retired;
}

InvsId rcu_read_lock(System& s, InvsId slot) {
  auto& sl = s.kernel.smmuv3.invs_pool.at(slot);
  if (sl.state == RcuState::Reclaimed) s.record.event(kernel::EventKind::RcuUseAfterFree, slot);
  ++sl.readers;
  return slot;
}

void rcu_read_unlock(System& s, InvsId slot) { --s.kernel.smmuv3.invs_pool.at(slot).readers; }

void synchronize_rcu(System& s) {
  for (auto& sl : s.kernel.smmuv3.invs_pool)
    if (sl.state == RcuState::Retired && sl.readers == 0) {
      sl.state = RcuState::Reclaimed;
      sl.invs = Invs{};  // freed memory holds nothing the model may rely on
    }
}

}  // namespace atslab::smmuv3
