#include "linux/smmuv3/rcu.h"

#include "linux/system.h"

namespace atslab::smmuv3 {

InvsId rcu_publish(System& s, Invs invs) {
  // Reclaimed memory is reused, as the allocator would: the lowest free slot, so that the
  // same sequence of array lifetimes always yields the same slots (explorer deduplication).
  auto& drv = s.kernel.smmuv3;
  auto& pool = drv.invs_pool;
  for (size_t i = 0; drv.nr_reclaimed != 0 && i < pool.size(); ++i)
    if (pool[i].state == RcuState::Reclaimed) {
      pool[i] = {std::move(invs), RcuState::Live, 0};
      --drv.nr_reclaimed;
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
  if (st != RcuState::Live) return;
  st = RcuState::Retired;
  ++s.kernel.smmuv3.nr_retired;
}

void kfree(System& s, InvsId slot) {
  auto& drv = s.kernel.smmuv3;
  auto& st = drv.invs_pool.at(slot).state;
  if (st == RcuState::Reclaimed) return;
  if (st == RcuState::Retired) --drv.nr_retired;
  st = RcuState::Reclaimed;
  ++drv.nr_reclaimed;
}

InvsId rcu_read_lock(System& s, InvsId slot) {
  auto& sl = s.kernel.smmuv3.invs_pool.at(slot);
  if (sl.state == RcuState::Reclaimed) s.record.event(kernel::EventKind::RcuUseAfterFree, slot);
  ++sl.readers;
  return slot;
}

void rcu_read_unlock(System& s, InvsId slot) { --s.kernel.smmuv3.invs_pool.at(slot).readers; }

void synchronize_rcu(System& s) {
  auto& drv = s.kernel.smmuv3;
  for (size_t i = 0; drv.nr_retired != 0 && i < drv.invs_pool.size(); ++i) {
    auto& sl = drv.invs_pool[i];
    if (sl.state == RcuState::Retired && sl.readers == 0) {
      sl.state = RcuState::Reclaimed;
      sl.invs = Invs{};  // freed memory holds nothing the model may rely on
      --drv.nr_retired;
      ++drv.nr_reclaimed;
    }
  }
}

}  // namespace atslab::smmuv3
