// Command queue consumption: in order, CMD_SYNC waiting on endpoint ATC
// invalidations, the ATC-invalidate timeout (CERROR 3) for an endpoint that
// ignores invalidations with ATS disabled (invariant 23), illegal commands.
#include <gtest/gtest.h>

#include "hw/smmuv3/cmdq.h"
#include "linux/kernel/errno.h"
#include "linux/smmuv3/atc_inv.h"
#include "linux/smmuv3/cmdq.h"
#include "test_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;

void submit(TestMachine& t, const std::vector<hs::Command>& cmds) {
  hs::Smmu& s = t.smmu();
  uint32_t prod = s.cmdq_prod;
  for (const auto& c : cmds) {
    s.cmdq.write(prod & (s.cmdq_entries() - 1), hs::encode(c));
    prod = (prod + 1) & (2 * s.cmdq_entries() - 1);
  }
  hs::write_cmdq_prod(t.m, 0, prod);
}

hw::pcie::AtcEntry atc_entry(uint64_t iova, bool ssv = false, uint32_t pasid = 0) {
  hw::pcie::AtcEntry e;
  e.iova = iova;
  e.size = 0x1000;
  e.pa = 0x80000000 + iova;
  e.ssv = ssv;
  e.pasid = pasid;
  return e;
}

TEST(SmmuCmdq, SyncWaitsForTheEndpointsInvalidationCompletion) {
  TestMachine t;
  t.set_ats(true);
  t.atc().fill(atc_entry(0x1000), 12);
  t.atc().fill(atc_entry(0x5000), 12);
  submit(t, {smmuv3::atc_inv_to_cmd(t.sid, 0, 0x1000, 0x1000), smmuv3::make_cmd_sync()});
  // The ATC_INV was consumed and forwarded; CONS stops on the CMD_SYNC.
  EXPECT_TRUE(hs::cmdq_sync_waiting(t.smmu()));
  EXPECT_EQ(t.smmu().cmdq_cons, 1u);
  EXPECT_EQ(t.smmu().syncs_completed, 0u);
  EXPECT_EQ(t.atc().inv_queue.size(), 1u);
  hs::endpoints_respond(t.m, 0);
  EXPECT_FALSE(hs::cmdq_sync_waiting(t.smmu()));
  EXPECT_EQ(t.smmu().cmdq_cons, 2u);
  EXPECT_EQ(t.smmu().syncs_completed, 1u);
  ASSERT_EQ(t.atc().entries.size(), 1u);
  EXPECT_EQ(t.atc().entries[0].iova, 0x5000u);
}

// IHI 0070 4.5.1: the SMMU aligns the span to its size (Address[11 + Size:0] taken as zero), so
// an ATC_INV whose address sits inside its span reaches the whole span; with SMMUEN clear the
// command is IGNORED: consumed, nothing sent, nothing for the CMD_SYNC to wait for.
TEST(SmmuCmdq, AtcInvSpanIsAlignedAndIgnoredWithSmmuenClear) {
  TestMachine t;
  t.set_ats(true);
  t.atc().fill(atc_entry(0x4000), 12);
  t.atc().fill(atc_entry(0x8000), 12);
  hs::Command inv{};
  inv.op = hs::Op::ATC_INV;
  inv.sid = t.sid;
  inv.addr = 0x6000;  // inside the 16 KiB span at 0x4000
  inv.size = 2;
  submit(t, {inv, smmuv3::make_cmd_sync()});
  ASSERT_EQ(t.atc().inv_queue.size(), 1u);
  EXPECT_EQ(t.atc().inv_queue[0].addr, 0x4000u);
  EXPECT_EQ(t.atc().inv_queue[0].size, 0x4000u);
  hs::endpoints_respond(t.m, 0);
  ASSERT_EQ(t.atc().entries.size(), 1u);
  EXPECT_EQ(t.atc().entries[0].iova, 0x8000u);

  t.smmu().cr0 &= ~hs::reg::kCr0SmmuEn;
  submit(t, {smmuv3::atc_inv_to_cmd(t.sid, 0, 0, 0), smmuv3::make_cmd_sync()});
  EXPECT_TRUE(t.atc().inv_queue.empty());
  EXPECT_FALSE(hs::cmdq_sync_waiting(t.smmu()));
  EXPECT_EQ(t.smmu().syncs_completed, 2u);
  EXPECT_EQ(t.atc().entries.size(), 1u);
}

TEST(SmmuCmdq, IgnoredInvalidationTimesOutWithCerror3) {
  TestMachine t;  // ATS stays disabled; the endpoint ignores invalidations
  t.atc().inv_while_disabled = hw::pcie::AtcInvWhileDisabled::Ignore;
  submit(t, {smmuv3::atc_inv_to_cmd(t.sid, 0, 0, 0), smmuv3::make_cmd_sync()});
  hs::endpoints_respond(t.m, 0);
  EXPECT_TRUE(hs::cmdq_sync_waiting(t.smmu()));
  EXPECT_EQ(t.atc().invalidations_ignored, 1u);
  ASSERT_TRUE(hs::cmdq_atc_inv_timeout(t.m, 0));
  EXPECT_EQ(t.smmu().cerror, hs::reg::kCerrorAtcInvSync);
  EXPECT_EQ((t.smmu().gerror ^ t.smmu().gerrorn) & hs::reg::kGerrorCmdqErr, hs::reg::kGerrorCmdqErr);
  // CONS still points at the CMD_SYNC; it completes once software acknowledges.
  EXPECT_EQ(t.smmu().cmdq_cons, 1u);
  EXPECT_EQ(t.smmu().syncs_completed, 0u);
  hs::ack_gerror(t.m, 0);
  EXPECT_EQ(t.smmu().cmdq_cons, 2u);
  EXPECT_EQ(t.smmu().syncs_completed, 1u);
  EXPECT_EQ(t.smmu().atc_inv_timeouts, 1u);
}

TEST(SmmuCmdq, DriverSeesTheTimeoutAndRetriesTheSync) {
  TestMachine t;
  t.atc().inv_while_disabled = hw::pcie::AtcInvWhileDisabled::Ignore;
  smmuv3::CmdqStats stats;
  EXPECT_EQ(smmuv3::atc_inv_master(t.m, 0, {t.sid}, smmuv3::kIommuNoPasid, &stats), 0);
  EXPECT_EQ(stats.atc_inv_timeouts, 1u);
  EXPECT_EQ(t.smmu().cmdq_cons, t.smmu().cmdq_prod);
}

TEST(SmmuCmdq, EndpointThatCompletesWhileDisabledNeverTimesOut) {
  TestMachine t;
  t.atc().inv_while_disabled = hw::pcie::AtcInvWhileDisabled::Complete;
  smmuv3::CmdqStats stats;
  EXPECT_EQ(smmuv3::atc_inv_master(t.m, 0, {t.sid}, smmuv3::kIommuNoPasid, &stats), 0);
  EXPECT_EQ(stats.atc_inv_timeouts, 0u);
  EXPECT_EQ(t.smmu().atc_inv_timeouts, 0u);
  EXPECT_EQ(t.smmu().syncs_completed, 1u);
}

TEST(SmmuCmdq, EnabledEndpointCompletesWithoutTimeout) {
  TestMachine t;
  t.set_ats(true);
  t.atc().fill(atc_entry(0x1000), 12);
  smmuv3::CmdqStats stats;
  EXPECT_EQ(smmuv3::atc_inv_master(t.m, 0, {t.sid}, smmuv3::kIommuNoPasid, &stats), 0);
  EXPECT_EQ(stats.atc_inv_timeouts, 0u);
  EXPECT_TRUE(t.atc().entries.empty());
}

TEST(SmmuCmdq, InvalidateQueueDepthLimitsCompletionsPerRound) {
  TestMachine t(/*ats_qdep=*/2);
  t.set_ats(true);
  submit(t, {smmuv3::atc_inv_to_cmd(t.sid, 0, 0x1000, 0x1000), smmuv3::atc_inv_to_cmd(t.sid, 0, 0x2000, 0x1000),
             smmuv3::atc_inv_to_cmd(t.sid, 0, 0x3000, 0x1000), smmuv3::make_cmd_sync()});
  EXPECT_EQ(t.smmu().atc_inv_outstanding.size(), 3u);
  hs::endpoints_respond(t.m, 0);
  EXPECT_EQ(t.smmu().atc_inv_outstanding.size(), 1u);
  EXPECT_TRUE(hs::cmdq_sync_waiting(t.smmu()));
  hs::endpoints_respond(t.m, 0);
  EXPECT_FALSE(hs::cmdq_sync_waiting(t.smmu()));
  EXPECT_EQ(t.smmu().syncs_completed, 1u);
}

// A healthy endpoint that works through its invalidations qdep at a time is
// waited for: the ATC-invalidation timer only fires after a round in which no
// endpoint completed anything.
TEST(SmmuCmdq, DriverWaitsForAnEndpointWithASmallInvalidateQueue) {
  TestMachine t(/*ats_qdep=*/2);
  t.set_ats(true);
  for (uint64_t iova : {0x1000, 0x2000, 0x3000}) t.atc().fill(atc_entry(iova), 12);
  smmuv3::CmdqStats stats;
  EXPECT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0,
                                       {smmuv3::atc_inv_to_cmd(t.sid, 0, 0x1000, 0x1000),
                                        smmuv3::atc_inv_to_cmd(t.sid, 0, 0x2000, 0x1000),
                                        smmuv3::atc_inv_to_cmd(t.sid, 0, 0x3000, 0x1000)},
                                       true, &stats),
            0);
  EXPECT_EQ(stats.atc_inv_timeouts, 0u);
  EXPECT_EQ(t.smmu().atc_inv_timeouts, 0u);
  EXPECT_EQ(t.smmu().cerror, hs::reg::kCerrorNone);
  EXPECT_TRUE(t.atc().entries.empty()) << "the third invalidation was not abandoned";
  EXPECT_TRUE(t.atc().inv_queue.empty());
  EXPECT_TRUE(t.smmu().atc_inv_outstanding.empty());
  EXPECT_EQ(t.smmu().syncs_completed, 1u);
  EXPECT_EQ(t.smmu().cmdq_cons, t.smmu().cmdq_prod);
}

// More rounds than the driver's idle limit, each completing one invalidation.
TEST(SmmuCmdq, DriverWaitsThroughManyRoundsWhileTheEndpointProgresses) {
  TestMachine t(/*ats_qdep=*/1);
  t.set_ats(true);
  std::vector<hs::Command> cmds;
  for (uint64_t i = 0; i < 40; i++) {
    t.atc().fill(atc_entry(0x1000 * (i + 1)), 12);
    cmds.push_back(smmuv3::atc_inv_to_cmd(t.sid, 0, 0x1000 * (i + 1), 0x1000));
  }
  smmuv3::CmdqStats stats;
  EXPECT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0, cmds, true, &stats), 0);
  EXPECT_EQ(stats.atc_inv_timeouts, 0u);
  EXPECT_TRUE(t.atc().entries.empty());
  EXPECT_EQ(t.smmu().syncs_completed, 1u);
}

// endpoints_respond reports the invalidations completed in its round: up to
// the queue depth, then the rest, then none (what the driver's wait keys on).
TEST(SmmuCmdq, EndpointRespondReportsProgress) {
  TestMachine t(/*ats_qdep=*/2);
  t.set_ats(true);
  submit(t, {smmuv3::atc_inv_to_cmd(t.sid, 0, 0x1000, 0x1000), smmuv3::atc_inv_to_cmd(t.sid, 0, 0x2000, 0x1000),
             smmuv3::atc_inv_to_cmd(t.sid, 0, 0x3000, 0x1000), smmuv3::make_cmd_sync()});
  EXPECT_EQ(hs::endpoints_respond(t.m, 0), 2u);
  EXPECT_EQ(hs::endpoints_respond(t.m, 0), 1u);
  EXPECT_EQ(hs::endpoints_respond(t.m, 0), 0u);
  EXPECT_EQ(t.smmu().syncs_completed, 1u);
}

// A ring of four entries, so that short command lists overflow it.
void shrink_cmdq(TestMachine& t) {
  t.smmu().cmdq_log2size = 2;
}

// Thirteen commands into a ring of four, with CMD_SYNCs that wait on a slow
// endpoint inside the list: the driver publishes what fits, waits for free
// slots (arm_smmu_cmdq_poll_until_not_full) and never overwrites a command the
// SMMU has not consumed, so every ATC_INV and every CMD_SYNC is executed.
TEST(SmmuCmdq, ListLongerThanTheQueueWaitsForSpace) {
  TestMachine t(/*ats_qdep=*/1);
  t.set_ats(true);
  shrink_cmdq(t);
  std::vector<hs::Command> cmds;
  for (uint64_t i = 0; i < 6; i++) {
    t.atc().fill(atc_entry(0x1000 * (i + 1)), 12);
    cmds.push_back(smmuv3::atc_inv_to_cmd(t.sid, 0, 0x1000 * (i + 1), 0x1000));
    cmds.push_back(smmuv3::make_cmd_sync());
  }
  smmuv3::CmdqStats stats;
  EXPECT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0, cmds, true, &stats), 0);
  EXPECT_EQ(stats.atc_inv_timeouts, 0u);
  EXPECT_EQ(t.smmu().next_itag, 6u) << "every ATC_INV reached the endpoint";
  EXPECT_EQ(t.smmu().syncs_completed, 7u) << "the six in the list and the driver's own";
  EXPECT_TRUE(t.atc().entries.empty());
  EXPECT_EQ(t.smmu().cmdq_cons, t.smmu().cmdq_prod);
  EXPECT_EQ(t.smmu().cmdq_prod, 13u & 7u);
}

// A queue the SMMU never drains (CR0.CMDQEN clear): the driver gives up with
// -ETIMEDOUT once the ring is full, leaving the unconsumed commands intact.
TEST(SmmuCmdq, FullQueueThatNeverDrainsTimesOutWithoutOverwriting) {
  TestMachine t;
  shrink_cmdq(t);
  t.smmu().cr0 &= ~hs::reg::kCr0CmdqEn;
  std::vector<hs::Command> cmds;
  for (uint16_t asid = 1; asid <= 6; asid++) {
    hs::Command c;
    c.op = hs::Op::TLBI_NH_ASID;
    c.asid = asid;
    cmds.push_back(c);
  }
  EXPECT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0, cmds, false), -ETIMEDOUT);
  EXPECT_EQ(t.smmu().cmdq_cons, 0u);
  EXPECT_EQ(t.smmu().cmdq_prod, 4u);
  for (unsigned i = 0; i < 4; i++) {
    const auto c = hs::decode(t.smmu().cmdq[i]);
    ASSERT_TRUE(c.has_value());
    EXPECT_EQ(c->asid, i + 1) << "slot " << i;
  }
}

TEST(SmmuCmdq, InvalidationWithoutPasidAlsoHitsPasidEntries) {
  TestMachine t;
  t.set_ats(true);
  t.atc().fill(atc_entry(0x1000), 12);
  t.atc().fill(atc_entry(0x1000, true, 7), 12);
  t.atc().fill(atc_entry(0x1000, true, 8), 12);
  EXPECT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0, {smmuv3::atc_inv_to_cmd(t.sid, 7, 0x1000, 0x1000)}, true), 0);
  EXPECT_EQ(t.atc().entries.size(), 2u) << "SSV: only PASID 7";
  EXPECT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0, {smmuv3::atc_inv_to_cmd(t.sid, 0, 0x1000, 0x1000)}, true), 0);
  EXPECT_TRUE(t.atc().entries.empty());
}

TEST(SmmuCmdq, IllegalCommandStopsTheQueueAndTheDriverSkipsIt) {
  TestMachine t;
  hs::Smmu& s = t.smmu();
  s.cmdq.write(0, hs::RawCommand{0x7f, 0});
  s.cmdq.write(1, hs::encode(smmuv3::make_cmd_sync()));
  hs::write_cmdq_prod(t.m, 0, 2);
  EXPECT_EQ(s.cerror, hs::reg::kCerrorIll);
  EXPECT_EQ(s.cmdq_cons, 0u);
  smmuv3::CmdqStats stats;
  EXPECT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0, {}, true, &stats), 0);
  EXPECT_EQ(stats.illegal_skipped, 1u);
  EXPECT_EQ(s.cmdq_cons, s.cmdq_prod);
  // The CMD_SYNC that replaced the illegal command, the one queued after it, the driver's own.
  EXPECT_EQ(s.syncs_completed, 3u);
}

TEST(SmmuCmdq, QueueWrapsAroundItsRing) {
  TestMachine t;
  for (int i = 0; i < 300; i++)
    EXPECT_EQ(smmuv3::cmdq_issue_cmdlist(t.m, 0, {smmuv3::make_cmd_sync()}, true), 0);
  EXPECT_EQ(t.smmu().syncs_completed, 600u);
  EXPECT_EQ(t.smmu().cmdq_prod, (600u) & 511u);
}

TEST(SmmuAtc, FillWidensToTheStu) {
  hw::pcie::Atc atc;
  atc.fill(atc_entry(0x12345000), 16);  // STU 64 KiB
  ASSERT_EQ(atc.entries.size(), 1u);
  EXPECT_EQ(atc.entries[0].iova, 0x12340000u);
  EXPECT_EQ(atc.entries[0].size, 0x10000u);
  EXPECT_EQ(atc.entries[0].pa, 0x80000000u + 0x12340000u);
  EXPECT_TRUE(atc.lookup(false, 0, 0x1234f000).has_value());
  EXPECT_FALSE(atc.lookup(false, 0, 0x12350000).has_value());
  EXPECT_FALSE(atc.lookup(true, 1, 0x12340000).has_value());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
