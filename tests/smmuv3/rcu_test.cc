// The modelled RCU of the invalidation arrays (kernel-semantics.md 3.3): a replaced array
// lives until a grace period that no reader spans, and a reader of a reclaimed array is
// recorded as a use after free.
#include <gtest/gtest.h>

#include <algorithm>

#include "linux/smmuv3/invs.h"
#include "linux/smmuv3/rcu.h"
#include "linux/system.h"

namespace atslab::smmuv3 {
namespace ATSLAB_UNITY_ID {
namespace {

RcuState state(const System& s, InvsId i) { return s.kernel.smmuv3.invs_pool.at(i).state; }

// The driver keeps the number of retired and reclaimed slots beside the pool so that a grace
// period with nothing to do costs nothing; they must always be what the pool says.
void expect_counts_match_pool(const System& s) {
  const auto& pool = s.kernel.smmuv3.invs_pool;
  auto count = [&](RcuState st) {
    return std::count_if(pool.begin(), pool.end(), [&](const InvsSlot& sl) { return sl.state == st; });
  };
  EXPECT_EQ(s.kernel.smmuv3.nr_retired, count(RcuState::Retired));
  EXPECT_EQ(s.kernel.smmuv3.nr_reclaimed, count(RcuState::Reclaimed));
}

size_t use_after_free_reports(const System& s) {
  return std::count_if(s.record.events.begin(), s.record.events.end(),
                       [](const kernel::Event& e) { return e.kind == kernel::EventKind::RcuUseAfterFree; });
}

TEST(Rcu, RetiredArrayIsReclaimedByTheNextGracePeriod) {
  System s;
  InvsId a = rcu_publish(s, invs_alloc(0));
  InvsId b = rcu_publish(s, invs_alloc(0));
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 1u);
  kfree_rcu(s, a);
  EXPECT_EQ(state(s, a), RcuState::Retired) << "kfree_rcu only queues the array";
  expect_counts_match_pool(s);
  synchronize_rcu(s);
  EXPECT_EQ(state(s, a), RcuState::Reclaimed);
  EXPECT_EQ(state(s, b), RcuState::Live) << "a live array is never reclaimed";
  expect_counts_match_pool(s);
}

TEST(Rcu, AReaderKeepsARetiredArrayAcrossGracePeriods) {
  System s;
  InvsId a = rcu_publish(s, invs_alloc(0));
  rcu_read_lock(s, a);  // the invalidator loaded the array, then another CPU replaced it
  kfree_rcu(s, a);
  synchronize_rcu(s);
  EXPECT_EQ(state(s, a), RcuState::Retired) << "the grace period must wait for the reader";
  expect_counts_match_pool(s);
  rcu_read_unlock(s, a);
  synchronize_rcu(s);
  EXPECT_EQ(state(s, a), RcuState::Reclaimed);
  EXPECT_EQ(use_after_free_reports(s), 0u);
  expect_counts_match_pool(s);
}

TEST(Rcu, ReadingAReclaimedArrayIsRecordedNotACrash) {
  System s;
  InvsId a = rcu_publish(s, invs_alloc(0));
  kfree_rcu(s, a);
  synchronize_rcu(s);
  rcu_read_lock(s, a);
  ASSERT_EQ(use_after_free_reports(s), 1u);
  rcu_read_unlock(s, a);
}

TEST(Rcu, PublicationReusesTheLowestReclaimedSlot) {
  System s;
  for (int i = 0; i < 4; ++i) rcu_publish(s, invs_alloc(0));
  kfree_rcu(s, 3);
  kfree_rcu(s, 1);
  synchronize_rcu(s);
  expect_counts_match_pool(s);
  EXPECT_EQ(rcu_publish(s, invs_alloc(0)), 1u) << "lowest free first, as the allocator would";
  EXPECT_EQ(rcu_publish(s, invs_alloc(0)), 3u);
  EXPECT_EQ(rcu_publish(s, invs_alloc(0)), 4u) << "no free slot: the pool grows";
  expect_counts_match_pool(s);
}

TEST(Rcu, KfreeFreesAtOnceWhateverTheState) {
  System s;
  InvsId a = rcu_publish(s, invs_alloc(0));
  InvsId b = rcu_publish(s, invs_alloc(0));
  kfree(s, a);  // a dead domain's array: no reader can hold it
  EXPECT_EQ(state(s, a), RcuState::Reclaimed);
  kfree_rcu(s, b);
  kfree(s, b);
  EXPECT_EQ(state(s, b), RcuState::Reclaimed);
  kfree(s, b);  // freeing twice changes nothing
  kfree_rcu(s, b);
  EXPECT_EQ(state(s, b), RcuState::Reclaimed) << "kfree_rcu of a reclaimed slot does not revive it";
  expect_counts_match_pool(s);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::smmuv3
