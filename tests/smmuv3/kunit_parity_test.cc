// The transitions of the kernel's own writer tests (arm-smmu-v3-test.c, 2026:
// 24 STE/CD cases), with their expected sync counts and their harness's
// hitless verdict (no sync with qword 0 all zero), run on the model's writer
// through modelled memory and the command queue.
#include <gtest/gtest.h>

#include "sim/entry_write_run.h"
#include "test_entries.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::smmuv3::EntryKind;

void expect(EntryKind kind, const Entry& from, const Entry& to, unsigned syncs, bool kernel_hitless) {
  const auto run = sim::run_entry_write(kind, from, to);
  EXPECT_EQ(run.report.syncs, syncs);
  EXPECT_EQ(run.qword0_zero_at_sync, !kernel_hitless);
  EXPECT_TRUE(run.final_equals_target);
  EXPECT_TRUE(run.verdict.ok) << run.verdict.message;
}
void ste(const Entry& from, const Entry& to, unsigned syncs, bool hitless = true) {
  expect(EntryKind::Ste, from, to, syncs, hitless);
}
void cd(const Entry& from, const Entry& to, unsigned syncs, bool hitless) { expect(EntryKind::Cd, from, to, syncs, hitless); }

constexpr bool kAts = true;
const Entry kCdtab = cdtable_ste(ste::kS1DssSsid0, kAts);
const Entry kCdtabS1dssBypass = cdtable_ste(ste::kS1DssBypass, kAts);

TEST(SmmuKunitParity, BypassToAbort) { ste(bypass_ste(), abort_ste(), 2); }
TEST(SmmuKunitParity, AbortToBypass) { ste(abort_ste(), bypass_ste(), 2); }
TEST(SmmuKunitParity, CdtableToAbort) { ste(kCdtab, abort_ste(), 2); }
TEST(SmmuKunitParity, AbortToCdtable) { ste(abort_ste(), kCdtab, 2); }
TEST(SmmuKunitParity, CdtableToBypass) { ste(kCdtab, bypass_ste(), 3); }
TEST(SmmuKunitParity, BypassToCdtable) { ste(bypass_ste(), kCdtab, 3); }
TEST(SmmuKunitParity, CdtableS1dssChange) {
  ste(kCdtab, kCdtabS1dssBypass, 1);
  ste(kCdtabS1dssBypass, kCdtab, 1);
}
TEST(SmmuKunitParity, S1dssBypassToSteBypass) { ste(kCdtabS1dssBypass, bypass_ste(), 2); }
TEST(SmmuKunitParity, SteBypassToS1dssBypass) { ste(bypass_ste(), kCdtabS1dssBypass, 2); }
TEST(SmmuKunitParity, S2ToAbort) { ste(s2_ste(kAts), abort_ste(), 2); }
TEST(SmmuKunitParity, AbortToS2) { ste(abort_ste(), s2_ste(kAts), 2); }
TEST(SmmuKunitParity, S2ToBypass) { ste(s2_ste(kAts), bypass_ste(), 2); }
TEST(SmmuKunitParity, BypassToS2) { ste(bypass_ste(), s2_ste(kAts), 2); }
TEST(SmmuKunitParity, S1ToS2) { ste(kCdtab, s2_ste(kAts), 3); }
TEST(SmmuKunitParity, S2ToS1) { ste(s2_ste(kAts), kCdtab, 3); }
TEST(SmmuKunitParity, NonHitless) {
  ste(kCdtab, cdtable_ste(ste::kS1DssBypass, kAts, false, 0x4B4B4b4B4B), 3, /*hitless=*/false);
}
TEST(SmmuKunitParity, CdS1Clear) {
  cd(Entry{}, s1_cd(1997), 2, false);
  cd(s1_cd(1997), Entry{}, 2, false);
}
TEST(SmmuKunitParity, CdS1ChangeAsid) {
  cd(s1_cd(778), s1_cd(1997), 1, true);
  cd(s1_cd(1997), s1_cd(778), 1, true);
}
TEST(SmmuKunitParity, S1ToS2Stall) {
  ste(cdtable_ste(ste::kS1DssSsid0, false, /*stall=*/true), s2_ste(false, 0, kFakeTtbr, /*stall=*/true), 3);
}
TEST(SmmuKunitParity, S2ToS1Stall) {
  ste(s2_ste(false, 0, kFakeTtbr, /*stall=*/true), cdtable_ste(ste::kS1DssSsid0, false, /*stall=*/true), 3);
}
TEST(SmmuKunitParity, NestedS1dssBypassToS1Bypass) {
  // One more sync than plain S1 to S2: EATS and MEV are left over.
  ste(nested_ste(ste::kS1DssBypass, kAts), s2_ste(false), 3);
}
TEST(SmmuKunitParity, NestedS1BypassToS1dssBypass) { ste(s2_ste(false), nested_ste(ste::kS1DssBypass, kAts), 2); }
TEST(SmmuKunitParity, CdSvaClear) {
  cd(Entry{}, sva_cd(1997, true), 2, false);
  cd(sva_cd(1997, true), Entry{}, 2, false);
}
TEST(SmmuKunitParity, CdSvaRelease) {
  cd(sva_cd(1997, true), sva_cd(1997, false), 2, true);
  cd(sva_cd(1997, false), sva_cd(1997, true), 2, true);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
