// The SMMU, memory and ATC state are part of the one System value: copies
// compare equal, and a change in any of them changes equality and the hash.
#include <gtest/gtest.h>

#include "hw/smmuv3/stream_table.h"
#include "linux/smmuv3/atc_inv.h"
#include "linux/smmuv3/entry_writers.h"
#include "sim/entry_write_run.h"
#include "sim/state_hash.h"
#include "test_entries.h"
#include "test_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(SmmuStateValue, SmmuMemoryAndAtcChangesAreVisibleToEqualityAndHash) {
  TestMachine t;
  System a;
  a.hw = t.m;
  const System copy = a;
  EXPECT_EQ(a, copy);
  EXPECT_EQ(state_hash(a), state_hash(copy));

  System mem = a;
  mem.hw.memory.write64(0x1000, 1);
  EXPECT_NE(mem, a);
  EXPECT_NE(state_hash(mem), state_hash(a));

  System q = a;
  ASSERT_EQ(smmuv3::cmdq_issue_cmdlist(q.hw, 0, {}, true), 0);
  EXPECT_NE(q, a);
  EXPECT_NE(state_hash(q), state_hash(a));

  System atc = a;
  atc.hw.pcie.fn(t.ep).atc.fill(hw::pcie::AtcEntry{false, 0, 0x1000, 0x1000, 0x2000, true}, 12);
  EXPECT_NE(atc, a);
  EXPECT_NE(state_hash(atc), state_hash(a));
}

TEST(SmmuStateValue, TwoLevelCdTableLeafIsFoundThroughItsL1Descriptor) {
  hw::memory::Memory mem;
  // A 64K-leaf CD table (S1FMT=64K_L2, split 10) with S1CDMAX=12.
  smmuv3::MasterView mv;
  mv.cdtab_dma = 0x10000;
  mv.s1fmt = uint8_t(ste::kS1Fmt64kL2);
  mv.s1cdmax = 12;
  const Entry e = smmuv3::make_cdtable_ste(test_smmu(), mv, false, ste::kS1DssSsid0);
  EXPECT_FALSE(hw::smmuv3::cd_address(mem, e, 1500).has_value()) << "L1 descriptor 1 not valid";
  mem.write64(0x10000 + 8 * 1, 0x40000 | 1);
  EXPECT_EQ(hw::smmuv3::cd_address(mem, e, 1500), 0x40000u + (1500 - 1024) * 64);
  EXPECT_FALSE(hw::smmuv3::cd_address(mem, e, 4096).has_value()) << "beyond S1CDMAX";
}

TEST(SmmuStateValue, WriterFlagsATargetWithBitsOutsideItsUsedMask) {
  Entry bad = abort_ste();
  bad[1] = 0x1;  // S1DSS on an abort STE: never read
  const auto run = sim::run_entry_write(hw::smmuv3::EntryKind::Ste, abort_ste(), bad);
  EXPECT_TRUE(run.report.target_sets_unused_bits);
  // (U & used(T)) can never equal T when T has bits outside used(T): the
  // qword counts as critical although the SMMU reads none of its bits.
  EXPECT_EQ(run.report.path, smmuv3::WritePath::Hitless);
  EXPECT_EQ(run.report.critical_qwords, 0x2);
  EXPECT_EQ(run.report.syncs, 1u);
  EXPECT_FALSE(sim::run_entry_write(hw::smmuv3::EntryKind::Ste, abort_ste(), bypass_ste()).report.target_sets_unused_bits);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
