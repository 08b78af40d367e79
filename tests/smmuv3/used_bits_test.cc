// The driver's used and update-safe bits: every row of the table in
// smmuv3-entries.md 2.1, and the rules of 2.2 and 2.3.
#include <gtest/gtest.h>

#include "hw/smmuv3/cd_layout.h"
#include "linux/smmuv3/entry_used.h"
#include "test_entries.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using smmuv3::get_cd_used;
using smmuv3::get_ste_update_safe;
using smmuv3::get_ste_used;

TEST(SmmuSteUsed, InvalidSteUsesOnlyV) {
  EXPECT_EQ(get_ste_used(Entry{}), (Entry{0x1, 0, 0, 0, 0, 0, 0, 0}));
  Entry junk;
  junk.fill(~uint64_t{0});
  junk[0] &= ~uint64_t{1};
  EXPECT_EQ(get_ste_used(junk), (Entry{0x1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(SmmuSteUsed, Abort) { EXPECT_EQ(get_ste_used(abort_ste()), (Entry{0xf, 0, 0, 0, 0, 0, 0, 0})); }

TEST(SmmuSteUsed, Bypass) {
  EXPECT_EQ(get_ste_used(bypass_ste()), (Entry{0xf, 0x0000300000000000, 0, 0, 0, 0, 0, 0}));
}

TEST(SmmuSteUsed, S1WithoutS1dssBypass) {
  const Entry want{0xf80fffffffffffff, 0x00000000f80800ff, 0xffff, 0, 0, 0, 0, 0};
  EXPECT_EQ(get_ste_used(cdtable_ste(ste::kS1DssSsid0)), want);
  EXPECT_EQ(get_ste_used(cdtable_ste(ste::kS1DssTerminate, true)), want);
}

TEST(SmmuSteUsed, S1WithS1dssBypassAddsShcfg) {
  EXPECT_EQ(get_ste_used(cdtable_ste(ste::kS1DssBypass)),
            (Entry{0xf80fffffffffffff, 0x00003000f80800ff, 0xffff, 0, 0, 0, 0, 0}));
}

TEST(SmmuSteUsed, S2) {
  EXPECT_EQ(get_ste_used(s2_ste()),
            (Entry{0xf, 0x0000300032080000, 0x065fffff0000ffff, 0x000ffffffffffff0, 0, 0, 0, 0}));
}

TEST(SmmuSteUsed, NestedWithS1dssBypass) {
  EXPECT_EQ(get_ste_used(nested_ste(ste::kS1DssBypass)),
            (Entry{0xf80fffffffffffff, 0x00003000fa0800ff, 0x065fffff0000ffff, 0x000ffffffffffff0, 0, 0, 0, 0}));
}

TEST(SmmuSteUpdateSafe, EatsTransAndMevWhenNoS1chkNoS2s) {
  const Entry safe = get_ste_update_safe(cdtable_ste(ste::kS1DssSsid0), s2_ste(true));
  EXPECT_EQ(safe, (Entry{0, (1ull << 28) | (1ull << 19), 0, 0, 0, 0, 0, 0}));
}

TEST(SmmuSteUpdateSafe, OnlyMevWhenEitherEntryHasS1chk) {
  Entry s1chk = cdtable_ste(ste::kS1DssSsid0);
  s1chk[1] |= hw::smmuv3::field_prep(ste::k1Eats, ste::kEatsS1Chk);
  EXPECT_EQ(get_ste_update_safe(s1chk, cdtable_ste(ste::kS1DssSsid0, true)),
            (Entry{0, 1ull << 19, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(get_ste_update_safe(cdtable_ste(ste::kS1DssSsid0, true), s1chk),
            (Entry{0, 1ull << 19, 0, 0, 0, 0, 0, 0}));
}

TEST(SmmuSteUpdateSafe, OnlyMevWhenEitherEntryHasS2s) {
  Entry s2s = s2_ste();
  s2s[2] |= ste::k2S2S;
  EXPECT_EQ(get_ste_update_safe(s2s, s2_ste(true)), (Entry{0, 1ull << 19, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(get_ste_update_safe(s2_ste(true), s2s), (Entry{0, 1ull << 19, 0, 0, 0, 0, 0, 0}));
}

TEST(SmmuCdUsed, InvalidCdUsesOnlyV) {
  EXPECT_EQ(get_cd_used(Entry{}), (Entry{0x80000000, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(SmmuCdUsed, ValidCdUsesEverything) {
  Entry all;
  all.fill(~uint64_t{0});
  EXPECT_EQ(get_cd_used(s1_cd(778)), all);
}

TEST(SmmuCdUsed, Epd0DropsTtb0AndItsTcrFields) {
  Entry want;
  want.fill(~uint64_t{0});
  want[0] = ~uint64_t{0x3fff};
  want[1] = ~uint64_t{0x000ffffffffffff0};
  EXPECT_EQ(get_cd_used(sva_cd(1997, /*has_mm=*/false)), want);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
