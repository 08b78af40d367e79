// The hitless writer end to end (memory stores, CFGI + CMD_SYNC into the
// modelled command queue): path, critical qwords, sync counts, the kernel
// harness's checks (smmuv3-entries.md 2.6) and the independent checker.
#include <gtest/gtest.h>

#include "linux/smmuv3/entry_used.h"
#include "sim/entry_write_run.h"
#include "test_entries.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::smmuv3::EntryKind;
using smmuv3::WritePath;

struct Expect {
  WritePath path;
  uint8_t critical;
  unsigned syncs;
  bool breaking;            // an invalid entry neither old nor new is, visible to the SMMU
  bool q0_zero_at_sync;     // the kernel harness's invalid_entry_written
};

// The kernel harness's check 4: at every sync where q0 != 0, the entry agrees
// with the initial or the target entry on its used bits minus the safe bits.
void expect_kernel_harness_consistent(EntryKind kind, const Entry& from, const Entry& to,
                                      const sim::EntryWriteRun& run) {
  auto used = [&](const Entry& e) { return kind == EntryKind::Ste ? smmuv3::get_ste_used(e) : smmuv3::get_cd_used(e); };
  auto safe = [&](const Entry& a, const Entry& b) {
    return kind == EntryKind::Ste ? smmuv3::get_ste_update_safe(a, b) : Entry{};
  };
  Entry cur = from;
  for (const auto& st : run.stores) {
    cur[st.qword] = st.value;
    if (!st.sync_after || cur[0] == 0) continue;
    const Entry ub = used(cur), s_init = safe(cur, from), s_tgt = safe(cur, to);
    bool as_init = true, as_tgt = true;
    for (unsigned i = 0; i < 8; i++) {
      as_init &= ((cur[i] ^ from[i]) & ub[i] & ~s_init[i]) == 0;
      as_tgt &= ((cur[i] ^ to[i]) & ub[i] & ~s_tgt[i]) == 0;
    }
    EXPECT_TRUE(as_init || as_tgt) << "entry at a sync matches neither the initial nor the target entry";
  }
}

void expect_write(EntryKind kind, const Entry& from, const Entry& to, const Expect& x) {
  const auto run = sim::run_entry_write(kind, from, to);
  EXPECT_EQ(run.report.path, x.path);
  EXPECT_EQ(run.report.critical_qwords, x.critical);
  EXPECT_EQ(run.report.syncs, x.syncs);
  EXPECT_EQ(run.syncs_completed, x.syncs) << "every counted sync is a CMD_SYNC the SMMU completed";
  EXPECT_EQ(run.breaking, x.breaking);
  EXPECT_EQ(run.qword0_zero_at_sync, x.q0_zero_at_sync);
  EXPECT_TRUE(run.final_equals_target);
  EXPECT_EQ(run.final_entry, to);
  EXPECT_TRUE(run.verdict.ok) << run.verdict.message;
  expect_kernel_harness_consistent(kind, from, to, run);
}

void expect_ste(const Entry& from, const Entry& to, const Expect& x) { expect_write(EntryKind::Ste, from, to, x); }
void expect_cd(const Entry& from, const Entry& to, const Expect& x) { expect_write(EntryKind::Cd, from, to, x); }

constexpr uint8_t Q0 = 1, Q1 = 2, Q2 = 4, Q3 = 8;
const Expect kHitless1{WritePath::Hitless, Q0, 1, false, false};

TEST(SmmuWriteSte, BypassToAbortTakesTwoSyncs) { expect_ste(bypass_ste(), abort_ste(), {WritePath::Hitless, Q0, 2, false, false}); }
TEST(SmmuWriteSte, AbortToBypassTakesTwoSyncs) { expect_ste(abort_ste(), bypass_ste(), {WritePath::Hitless, Q0, 2, false, false}); }

TEST(SmmuWriteSte, CdTableToAbortAndBack) {
  expect_ste(cdtable_ste(ste::kS1DssSsid0), abort_ste(), {WritePath::Hitless, Q0, 2, false, false});
  expect_ste(abort_ste(), cdtable_ste(ste::kS1DssSsid0), {WritePath::Hitless, Q0, 2, false, false});
}

TEST(SmmuWriteSte, CdTableToBypassAndBackTakeThreeSyncs) {
  expect_ste(cdtable_ste(ste::kS1DssSsid0), bypass_ste(), {WritePath::Hitless, Q0, 3, false, false});
  expect_ste(bypass_ste(), cdtable_ste(ste::kS1DssSsid0), {WritePath::Hitless, Q0, 3, false, false});
}

TEST(SmmuWriteSte, S1dssChangeIsOneStoreToQword1) {
  expect_ste(cdtable_ste(ste::kS1DssSsid0), cdtable_ste(ste::kS1DssBypass), {WritePath::Hitless, Q1, 1, false, false});
  expect_ste(cdtable_ste(ste::kS1DssBypass), cdtable_ste(ste::kS1DssSsid0), {WritePath::Hitless, Q1, 1, false, false});
  expect_ste(cdtable_ste(ste::kS1DssTerminate), cdtable_ste(ste::kS1DssSsid0), {WritePath::Hitless, Q1, 1, false, false});
}

TEST(SmmuWriteSte, S1dssBypassToSteBypassAndBack) {
  expect_ste(cdtable_ste(ste::kS1DssBypass), bypass_ste(), {WritePath::Hitless, Q0, 2, false, false});
  expect_ste(bypass_ste(), cdtable_ste(ste::kS1DssBypass), {WritePath::Hitless, Q0, 2, false, false});
}

TEST(SmmuWriteSte, S2ToAbortAndBypassAndBack) {
  expect_ste(s2_ste(), abort_ste(), {WritePath::Hitless, Q0, 2, false, false});
  expect_ste(abort_ste(), s2_ste(), {WritePath::Hitless, Q0, 2, false, false});
  expect_ste(s2_ste(), bypass_ste(), {WritePath::Hitless, Q0, 2, false, false});
  expect_ste(bypass_ste(), s2_ste(), {WritePath::Hitless, Q0, 2, false, false});
}

TEST(SmmuWriteSte, CdTableToS2AndBackAreHitlessInThreeSyncs) {
  expect_ste(cdtable_ste(ste::kS1DssSsid0), s2_ste(), {WritePath::Hitless, Q0, 3, false, false});
  expect_ste(s2_ste(), cdtable_ste(ste::kS1DssSsid0), {WritePath::Hitless, Q0, 3, false, false});
}

TEST(SmmuWriteSte, WithAtsOnBothSidesStillHitless) {
  expect_ste(cdtable_ste(ste::kS1DssSsid0, true), s2_ste(true), {WritePath::Hitless, Q0, 3, false, false});
  expect_ste(s2_ste(true), cdtable_ste(ste::kS1DssSsid0, true), {WritePath::Hitless, Q0, 3, false, false});
}

TEST(SmmuWriteSte, EatsChangeAloneIsNoUsedBitChange) {
  // EATS=TRANS is update-safe: one write, one sync.
  expect_ste(cdtable_ste(ste::kS1DssSsid0), cdtable_ste(ste::kS1DssSsid0, true),
             {WritePath::NoUsedBitChange, 0, 1, false, false});
  expect_ste(s2_ste(true), s2_ste(false), {WritePath::NoUsedBitChange, 0, 1, false, false});
}

TEST(SmmuWriteSte, EatsDroppedOnTheWayToS2MovesEarly) {
  // EATS leaves qword 1 in step (a) while the STE is still stage 1.
  expect_ste(cdtable_ste(ste::kS1DssSsid0, true), s2_ste(false), {WritePath::Hitless, Q0, 3, false, false});
}

TEST(SmmuWriteSte, S1dssBypassToTerminateWithAtsIsOneSync) {
  expect_ste(cdtable_ste(ste::kS1DssBypass, true), cdtable_ste(ste::kS1DssTerminate, false),
             {WritePath::Hitless, Q1, 1, false, false});
}

TEST(SmmuWriteSte, S1stalldChangeIsCriticalInQword1) {
  expect_ste(cdtable_ste(ste::kS1DssSsid0, false, /*stall_master=*/true), cdtable_ste(ste::kS1DssSsid0),
             {WritePath::Hitless, Q1, 1, false, false});
}

TEST(SmmuWriteSte, NestedToS2AndBack) {
  // MEV is update-safe, so leaving it is not a second critical qword.
  expect_ste(nested_ste(ste::kS1DssBypass), s2_ste(), {WritePath::Hitless, Q0, 3, false, false});
  expect_ste(s2_ste(), nested_ste(ste::kS1DssBypass), {WritePath::Hitless, Q0, 2, false, false});
}

TEST(SmmuWriteSte, NestedToCdTableBypass) {
  expect_ste(nested_ste(ste::kS1DssBypass), cdtable_ste(ste::kS1DssBypass), {WritePath::Hitless, Q0, 3, false, false});
}

TEST(SmmuWriteSte, NewCdTableAndS1dssIsBreaking) {
  expect_ste(cdtable_ste(ste::kS1DssSsid0), cdtable_ste(ste::kS1DssBypass, false, false, 0x123456000),
             {WritePath::Breaking, Q0 | Q1, 3, true, true});
}

TEST(SmmuWriteSte, NewVmidAndS2TableIsBreaking) {
  expect_ste(s2_ste(false, 0, kFakeTtbr), s2_ste(false, 1, 0x80000), {WritePath::Breaking, Q2 | Q3, 3, true, true});
}

TEST(SmmuWriteSte, SameEntryWritesNothing) {
  expect_ste(s2_ste(), s2_ste(), {WritePath::NoUsedBitChange, 0, 0, false, false});
}

TEST(SmmuWriteSte, CommandsAreCfgiSteSyncAndFinalPrefetch) {
  const auto run = sim::run_entry_write(EntryKind::Ste, bypass_ste(), abort_ste());
  using hw::smmuv3::encode;
  ASSERT_EQ(run.commands.size(), 5u);
  const hw::smmuv3::RawCommand cfgi{0x3, 0x1}, sync{0x2046, 0}, prefetch{0x1, 0};
  EXPECT_EQ(encode(run.commands[0]), cfgi);
  EXPECT_EQ(encode(run.commands[1]), sync);
  EXPECT_EQ(encode(run.commands[2]), cfgi);
  EXPECT_EQ(encode(run.commands[3]), sync);
  EXPECT_EQ(encode(run.commands[4]), prefetch);
}

TEST(SmmuWriteSte, HitlessStepsRecordEachIntermediate) {
  const Entry from = cdtable_ste(ste::kS1DssSsid0), to = bypass_ste();
  const auto run = sim::run_entry_write(EntryKind::Ste, from, to);
  ASSERT_EQ(run.report.steps.size(), 3u);
  // (a) SHCFG joins qword 1 while qword 0 stays S1.
  EXPECT_EQ(run.report.steps[0].after[0], from[0]);
  EXPECT_EQ(run.report.steps[0].after[1], from[1] | 0x0000100000000000);
  // (b) the one store that switches to bypass.
  EXPECT_EQ(run.report.steps[1].after[0], to[0]);
  // (c) stage-1 leftovers cleared.
  EXPECT_EQ(run.report.steps[2].after, to);
  for (const auto& s : run.report.steps) EXPECT_TRUE(s.synced);
}

TEST(SmmuWriteCd, ClearingAValidCdTakesTwoSyncsThroughV0) {
  expect_cd(s1_cd(778), Entry{}, {WritePath::Hitless, Q0, 2, false, true});
}

TEST(SmmuWriteCd, InstallingIntoAClearedCdTakesTwoSyncs) {
  expect_cd(Entry{}, s1_cd(778), {WritePath::Hitless, Q0, 2, false, true});
}

TEST(SmmuWriteCd, AsidChangeIsOneSync) { expect_cd(s1_cd(778), s1_cd(1997), kHitless1); }

TEST(SmmuWriteCd, SvaReleaseAndBackViaEpd0) {
  expect_cd(sva_cd(1997, true), sva_cd(1997, false), {WritePath::Hitless, Q0, 2, false, false});
  expect_cd(sva_cd(1997, false), sva_cd(1997, true), {WritePath::Hitless, Q0, 2, false, false});
}

TEST(SmmuWriteCd, NewAsidAndTableIsBreaking) {
  expect_cd(s1_cd(778), s1_cd(1997, 0x1230000), {WritePath::Breaking, Q0 | Q1, 3, true, true});
}

TEST(SmmuWriteCd, SyncIsCfgiCdForTheStreamThenCmdSyncAndNoPrefetch) {
  const auto run = sim::run_entry_write(EntryKind::Cd, s1_cd(778), s1_cd(1997));
  ASSERT_EQ(run.commands.size(), 2u);
  EXPECT_EQ(hw::smmuv3::encode(run.commands[0]), (hw::smmuv3::RawCommand{0x5, 0x1}));
  EXPECT_EQ(hw::smmuv3::encode(run.commands[1]), (hw::smmuv3::RawCommand{0x2046, 0}));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
