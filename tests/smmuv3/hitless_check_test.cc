// The independent hitless checker: it accepts the writer's sequences and
// catches wrong write orders, undeclared invalid entries and torn fetches.
#include <gtest/gtest.h>

#include "check/hitless.h"
#include "sim/entry_write_run.h"
#include "test_entries.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using check::Behaves;
using check::ObservedStore;
using hw::smmuv3::EntryKind;

TEST(SmmuHitlessCheck, CatchesQword0WrittenFirstOnS1ToS2) {
  const Entry from = cdtable_ste(ste::kS1DssSsid0), to = s2_ste();
  // Wrong order: switch CFG first, then fill in the stage-2 fields.
  const std::vector<ObservedStore> stores = {
      {0, to[0], true}, {1, to[1], false}, {2, to[2], false}, {3, to[3], true}};
  const auto v = check::check_hitless(EntryKind::Ste, from, to, stores, /*declared_breaking=*/false);
  EXPECT_FALSE(v.ok);
  ASSERT_EQ(v.stores.size(), 4u);
  EXPECT_EQ(v.stores[0].behaves, Behaves::Neither);
  EXPECT_EQ(v.stores[3].behaves, Behaves::New);
  EXPECT_NE(v.message.find("store 1 (qword 0"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("S2 translate"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("VTCR"), std::string::npos) << v.message;
}

TEST(SmmuHitlessCheck, AcceptsTheWritersOwnSequence) {
  const auto run = sim::run_entry_write(EntryKind::Ste, cdtable_ste(ste::kS1DssSsid0), s2_ste());
  EXPECT_TRUE(run.verdict.ok) << run.verdict.message;
  ASSERT_EQ(run.verdict.stores.size(), run.stores.size());
  // Step (a) stores qwords 1..3 (unused by stage 1), step (b) switches qword 0,
  // step (c) clears the stage-1 leftovers in qword 1.
  ASSERT_EQ(run.stores.size(), 5u);
  EXPECT_EQ(run.stores[3].qword, 0u);
  for (const auto& s : run.verdict.stores)
    EXPECT_EQ(s.behaves, s.store <= 3 ? Behaves::Old : Behaves::New) << "store " << s.store;
  EXPECT_GT(run.verdict.torn_fetches_checked, run.stores.size());
}

TEST(SmmuHitlessCheck, InvalidEntryIsAViolationUnlessDeclaredBreaking) {
  const Entry from = cdtable_ste(ste::kS1DssSsid0), to = cdtable_ste(ste::kS1DssBypass, false, false, 0x123456000);
  std::vector<ObservedStore> stores = {{0, 0, true}, {1, to[1], true}, {0, to[0], true}};
  const auto undeclared = check::check_hitless(EntryKind::Ste, from, to, stores, false);
  EXPECT_FALSE(undeclared.ok);
  EXPECT_EQ(undeclared.stores[0].behaves, Behaves::Invalid);
  EXPECT_NE(undeclared.message.find("not declared breaking"), std::string::npos) << undeclared.message;
  const auto declared = check::check_hitless(EntryKind::Ste, from, to, stores, true);
  EXPECT_TRUE(declared.ok) << declared.message;
  EXPECT_TRUE(declared.passed_through_invalid);
}

TEST(SmmuHitlessCheck, CatchesATornFetchWhenStepsShareOneSync) {
  const Entry from = cdtable_ste(ste::kS1DssSsid0), to = s2_ste();
  Entry u1 = from;  // qword 1 with SHCFG added: unused by the stage-1 STE
  u1[1] |= to[1];
  // Every single store leaves an old or new entry, but with one sync at the
  // end the SMMU may read the new qword 0 with the old qword 2.
  const std::vector<ObservedStore> one_window = {
      {1, u1[1], false}, {2, to[2], false}, {3, to[3], false}, {0, to[0], false}, {1, to[1], true}};
  const auto v = check::check_hitless(EntryKind::Ste, from, to, one_window, false);
  for (const auto& s : v.stores) EXPECT_NE(s.behaves, Behaves::Neither) << "store " << s.store;
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("torn"), std::string::npos) << v.message;

  // The same stores with the writer's syncs between the steps are fine.
  std::vector<ObservedStore> synced = one_window;
  synced[2].sync_after = true;  // after step (a)
  synced[3].sync_after = true;  // after step (b)
  EXPECT_TRUE(check::check_hitless(EntryKind::Ste, from, to, synced, false).ok);
}

TEST(SmmuHitlessCheck, EarlyEatsChangeNeedsAtsQuiescence) {
  const Entry from = cdtable_ste(ste::kS1DssSsid0, true), to = s2_ste(false);
  const auto run = sim::run_entry_write(EntryKind::Ste, from, to);
  EXPECT_TRUE(run.verdict.ok) << run.verdict.message;
  EXPECT_TRUE(run.verdict.stores[0].ats_differs);
  check::HitlessOptions strict;
  strict.ats_quiescent = false;
  const auto v = check::check_hitless(EntryKind::Ste, from, to, run.stores, false, strict);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("EATS"), std::string::npos) << v.message;
}

TEST(SmmuHitlessCheck, CatchesAnUpdateThatStopsShort) {
  const Entry from = abort_ste(), to = s2_ste();
  const std::vector<ObservedStore> stores = {{2, to[2], false}, {3, to[3], true}};
  const auto v = check::check_hitless(EntryKind::Ste, from, to, stores, false);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.message.find("ends in an STE"), std::string::npos) << v.message;
}

TEST(SmmuHitlessCheck, CdWithTtb0ChangedBeforeAsidIsNeither) {
  const Entry from = s1_cd(778), to = s1_cd(1997, 0x1230000);
  const std::vector<ObservedStore> stores = {{1, to[1], true}, {0, to[0], true}};
  const auto v = check::check_hitless(EntryKind::Cd, from, to, stores, false);
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.stores[0].behaves, Behaves::Neither);
  EXPECT_NE(v.message.find("TTB0"), std::string::npos) << v.message;
}

TEST(SmmuHitlessCheck, BypassIgnoresEatsAndAbortIsNotInvalid) {
  Entry bypass_eats = bypass_ste();
  bypass_eats[1] |= 1ull << 28;
  EXPECT_EQ(check::ste_behaviour(bypass_eats), check::ste_behaviour(bypass_ste()));
  EXPECT_FALSE(check::ste_behaviour(abort_ste()).invalid);
  EXPECT_TRUE(check::ste_behaviour(Entry{}).invalid);
  Entry eats3 = s2_ste();
  eats3[1] |= 3ull << 28;
  EXPECT_TRUE(check::ste_behaviour(eats3).invalid);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
