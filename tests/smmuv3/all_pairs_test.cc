// Every transition among the STE and CD kinds the driver builds, judged by
// the independent checker: the writer must never produce an entry that
// behaves as neither the old nor the new one, must end on the target, and
// may pass through V=0 only on its breaking path.
#include <gtest/gtest.h>

#include <vector>

#include "sim/entry_write_run.h"
#include "test_entries.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::smmuv3::EntryKind;

std::vector<Entry> ste_kinds() {
  // With S2S set (a stall-enabled master's S2 STE) next to the same STE without it: the
  // update-safe rule's S2S exception is exercised by transitions, not only by its own test.
  std::vector<Entry> v = {Entry{},
                          abort_ste(),
                          bypass_ste(),
                          s2_ste(false),
                          s2_ste(true),
                          s2_ste(false, 3, 0x77000),
                          s2_ste(false, 0, kFakeTtbr, true),
                          s2_ste(true, 0, kFakeTtbr, true)};
  for (uint64_t dss : {ste::kS1DssTerminate, ste::kS1DssBypass, ste::kS1DssSsid0})
    for (bool ats : {false, true})
      for (bool stall_master : {false, true}) v.push_back(cdtable_ste(dss, ats, stall_master));
  v.push_back(cdtable_ste(ste::kS1DssSsid0, false, false, 0xabc000));
  v.push_back(nested_ste(ste::kS1DssBypass, false));
  v.push_back(nested_ste(ste::kS1DssBypass, true));
  v.push_back(nested_ste(ste::kS1DssSsid0, false));
  return v;
}

std::vector<Entry> cd_kinds() {
  return {Entry{}, s1_cd(778), s1_cd(1997), s1_cd(778, 0x5550000), sva_cd(1997, true), sva_cd(1997, false),
          sva_cd(778, false)};
}

void check_all_pairs(EntryKind kind, const std::vector<Entry>& entries, unsigned& breaking_runs) {
  for (size_t i = 0; i < entries.size(); i++) {
    for (size_t j = 0; j < entries.size(); j++) {
      const auto run = sim::run_entry_write(kind, entries[i], entries[j]);
      SCOPED_TRACE(::testing::Message() << "from #" << i << " to #" << j);
      EXPECT_TRUE(run.verdict.ok) << run.verdict.message;
      EXPECT_TRUE(run.final_equals_target);
      EXPECT_EQ(run.syncs_completed, run.report.syncs);
      if (run.breaking) {
        EXPECT_EQ(run.report.path, smmuv3::WritePath::Breaking);
      }
      EXPECT_LE(run.report.syncs, 3u);
      if (i == j) {
        EXPECT_EQ(run.report.syncs, 0u);
      }
      breaking_runs += run.report.path == smmuv3::WritePath::Breaking;
    }
  }
}

TEST(SmmuWriterAllPairs, EverySteTransitionPassesTheIndependentChecker) {
  unsigned breaking = 0;
  check_all_pairs(EntryKind::Ste, ste_kinds(), breaking);
  // Only changes of the CD table pointer, VMID or S2 table next to another used change break.
  EXPECT_GT(breaking, 0u);
}

TEST(SmmuWriterAllPairs, EveryCdTransitionPassesTheIndependentChecker) {
  unsigned breaking = 0;
  check_all_pairs(EntryKind::Cd, cd_kinds(), breaking);
  EXPECT_GT(breaking, 0u);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
