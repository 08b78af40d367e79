// arm_smmu_invs operations on hand-made sequences (kernel-semantics.md 3.3).
#include <gtest/gtest.h>

#include "linux/smmuv3/invs.h"
#include "linux/system.h"

namespace atslab::smmuv3 {
namespace ATSLAB_UNITY_ID {
namespace {

Inv asid(uint32_t id) { return {.type = InvType::S1Asid, .id = id, .users = 1}; }
Inv vmid(uint32_t id) { return {.type = InvType::S2Vmid, .id = id, .users = 1}; }
Inv ats(uint32_t sid, uint32_t ssid = 0) { return {.type = InvType::Ats, .id = sid, .ssid = ssid, .users = 1}; }

Invs make(std::vector<Inv> v) {
  Invs a = invs_alloc(static_cast<uint16_t>(v.size()));
  for (size_t i = 0; i < v.size(); ++i) a.inv[i] = v[i];
  for (auto& x : v) a.has_ats |= is_ats(x.type);
  return a;
}

std::vector<int> users(const Invs& a) {
  std::vector<int> out;
  for (uint16_t i = 0; i < a.num_invs; ++i) out.push_back(a.inv[i].users);
  return out;
}

TEST(InvCmp, OrdersBySmmuTypeIdThenSsidForAtsOnly) {
  EXPECT_LT(inv_cmp(asid(9), vmid(1)), 0) << "type before id";
  EXPECT_LT(inv_cmp(vmid(9), ats(1)), 0) << "TLB invalidations sort before ATC ones";
  EXPECT_LT(inv_cmp(ats(1, 5), ats(2, 0)), 0);
  EXPECT_LT(inv_cmp(ats(1, 0), ats(1, 3)), 0) << "ssid breaks ties for ATS";
  Inv a = asid(1), b = asid(1);
  a.ssid = 7;
  EXPECT_EQ(inv_cmp(a, b), 0) << "ssid is ignored for TLB types";
  Inv other_smmu = asid(1);
  other_smmu.smmu = 1;
  EXPECT_LT(inv_cmp(ats(99), other_smmu), 0) << "smmu first";
  b.users = 5;
  EXPECT_EQ(inv_cmp(a, b), 0) << "users do not take part";
}

TEST(InvsMerge, AddsNewEntriesWithOneUserAndBumpsDuplicates) {
  System s;
  Invs base = make({asid(1), ats(10)});
  auto merged = invs_merge(s, base, make({asid(1), ats(10), ats(11)}));
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->num_invs, 3);
  EXPECT_EQ(merged->inv[0], (Inv{.type = InvType::S1Asid, .id = 1, .users = 2}));
  EXPECT_EQ(merged->inv[1].users, 2);
  EXPECT_EQ(merged->inv[2], (Inv{.type = InvType::Ats, .id = 11, .users = 1}));
  EXPECT_TRUE(merged->has_ats);
  EXPECT_EQ(merged->max_invs, 3) << "allocated exactly to the union";
  EXPECT_EQ(base, make({asid(1), ats(10)})) << "the published array is not modified";
  EXPECT_TRUE(s.record.warnings.empty());
}

TEST(InvsMerge, DropsTrashFromTheBaseArray) {
  System s;
  Invs base = make({asid(1), asid(2), ats(10)});
  base.inv[1].users = 0;
  base.num_trashes = 1;
  auto merged = invs_merge(s, base, make({vmid(3)}));
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->num_invs, 3);
  EXPECT_EQ(merged->inv[0].id, 1u);
  EXPECT_EQ(merged->inv[1], vmid(3));
  EXPECT_EQ(merged->inv[2].id, 10u);
  EXPECT_EQ(merged->num_trashes, 0);
}

TEST(InvsMerge, WithoutAtsEntriesHasAtsStaysFalseAndAllocationFailureIsReported) {
  System s;
  auto merged = invs_merge(s, invs_alloc(0), make({asid(4)}));
  ASSERT_TRUE(merged);
  EXPECT_FALSE(merged->has_ats);
  EXPECT_FALSE(invs_merge(s, invs_alloc(0), make({asid(4)}), /*alloc_fails=*/true));
}

TEST(InvsUnref, DecrementsAndMarksTheToUnrefListStillUsedOrTrash) {
  System s;
  Invs live = make({asid(1), ats(10), ats(11)});
  live.inv[0].users = 2;
  Invs to_unref = make({asid(1), ats(10)});
  invs_unref(s, live, to_unref);
  EXPECT_EQ(live.inv[0].users, 1);
  EXPECT_EQ(live.inv[1].users, 0);
  EXPECT_EQ(live.num_trashes, 1);
  EXPECT_EQ(live.num_invs, 3) << "trash in the middle stays until a purge";
  EXPECT_EQ(users(to_unref), (std::vector<int>{1, 0}));
  EXPECT_TRUE(live.has_ats);
  EXPECT_TRUE(s.record.warnings.empty());
}

TEST(InvsUnref, TrimsTrailingTrashAndNeverClearsHasAts) {
  System s;
  Invs live = make({asid(1), ats(10), ats(11)});
  Invs to_unref = make({ats(10), ats(11)});
  invs_unref(s, live, to_unref);
  EXPECT_EQ(live.num_invs, 1) << "both ATS entries were trailing trash";
  EXPECT_EQ(live.num_trashes, 0);
  EXPECT_TRUE(live.has_ats) << "only a merge or purge recomputes has_ats";
  EXPECT_EQ(live.live(), (std::vector<Inv>{asid(1)}));
}

TEST(InvsUnref, WarnsOnAnAbsentOrAlreadyTrashEntryAndKeepsGoing) {
  System s;
  Invs live = make({asid(1), ats(10)});
  live.inv[1].users = 0;
  live.num_trashes = 1;
  Invs to_unref = make({asid(1), ats(10), ats(12)});
  invs_unref(s, live, to_unref);
  EXPECT_EQ(s.record.warnings.size(), 2u);
  EXPECT_EQ(s.record.warnings[0].function, kernel::KFn::arm_smmu_invs_unref);
  EXPECT_EQ(live.inv[0].users, 0);
  EXPECT_EQ(live.num_invs, 0);
}

TEST(InvsPurge, CompactsLiveEntriesAndRecomputesHasAts) {
  System s;
  // Two SMMUs: the first one's ATS entry is trash in the middle of the array.
  Inv other = asid(5);
  other.smmu = 1;
  Invs live = make({asid(1), ats(10), other});
  Invs to_unref = make({ats(10)});
  invs_unref(s, live, to_unref);
  ASSERT_EQ(live.num_trashes, 1);
  ASSERT_EQ(live.num_invs, 3);
  EXPECT_TRUE(live.has_ats);
  auto purged = invs_purge(s, live);
  ASSERT_TRUE(purged);
  EXPECT_EQ(purged->num_invs, 2);
  EXPECT_EQ(purged->num_trashes, 0);
  EXPECT_FALSE(purged->has_ats);
  EXPECT_EQ(purged->live(), (std::vector<Inv>{asid(1), other}));
}

TEST(InvsPurge, ReturnsNothingWithoutTrash) {
  System s;
  EXPECT_FALSE(invs_purge(s, make({asid(1)})));
  EXPECT_FALSE(invs_purge(s, invs_alloc(0)));
}

// The WARNs carry 7.2.13's conditions and lines. Purge checks its counts before it looks for trash
// (line 1161), so an array claiming more trash than entries WARNs even when it is empty.
TEST(InvsPurge, WarnsFirstWhenTheTrashOutnumbersTheEntries) {
  System s;
  Invs empty = invs_alloc(0);
  empty.num_trashes = 1;
  EXPECT_FALSE(invs_purge(s, empty));
  ASSERT_EQ(s.record.warnings.size(), 1u);
  EXPECT_EQ(s.record.warnings[0].function, kernel::KFn::arm_smmu_invs_purge);
  EXPECT_EQ(s.record.warnings[0].condition, "invs->num_invs < invs->num_trashes");
  EXPECT_EQ(s.record.warnings[0].line, 1161);
}

// Merge's WARN_ON_ONCE is for an entry sorted before its predecessor: equal neighbours (an array
// made with a duplicate) pass silently, an inversion warns.
TEST(InvsMerge, WarnsOnAnInversionNotOnEqualNeighbours) {
  System s;
  ASSERT_TRUE(invs_merge(s, make({asid(1), asid(1)}), make({})));
  EXPECT_TRUE(s.record.warnings.empty());
  ASSERT_TRUE(invs_merge(s, make({ats(10), asid(1)}), make({})));
  ASSERT_EQ(s.record.warnings.size(), 1u);
  EXPECT_EQ(s.record.warnings[0].condition, "arm_smmu_inv_cmp(new - 1, new) == 1");
  EXPECT_EQ(s.record.warnings[0].line, 1060);
}

TEST(Invs, MergeThenUnrefOfTheSameBuildRestoresTheLiveEntries) {
  System s;
  Invs a0 = make({asid(1), ats(10)});
  Invs build = make({asid(2), ats(20)});
  auto a1 = invs_merge(s, a0, build);
  ASSERT_TRUE(a1);
  invs_unref(s, *a1, build);
  auto a2 = invs_purge(s, *a1);
  const Invs& result = a2 ? *a2 : *a1;
  EXPECT_EQ(result.live(), a0.live());
  EXPECT_TRUE(s.record.warnings.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::smmuv3
