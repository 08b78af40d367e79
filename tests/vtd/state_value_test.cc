// VT-d and AMD driver state is part of the System value: equality and the state hash see it.
#include "../amd/amd_machine.h"
#include "vtd_machine.h"
#include "sim/state_hash.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(VtdAmdStateValue, VtdDriverStateChangesEqualityAndHash) {
  VtdMachine m;
  System a = m.s, b = m.s;
  EXPECT_EQ(state_hash(a), state_hash(b));
  b.kernel.vtd.infos.back().ats_qdep++;
  EXPECT_FALSE(a == b);
  EXPECT_NE(state_hash(a), state_hash(b));
  System c = m.s;
  c.hw.vtd[0].context[0x0100].tt = 1;
  EXPECT_NE(state_hash(a), state_hash(c)) << "the unit's silicon is hashed too";
}

TEST(VtdAmdStateValue, AmdDriverStateChangesEqualityAndHash) {
  AmdMachine m;
  System a = m.s, b = m.s;
  EXPECT_EQ(state_hash(a), state_hash(b));
  b.kernel.amd.dev_data.back().flags ^= amd::kPriSup;
  EXPECT_FALSE(a == b);
  EXPECT_NE(state_hash(a), state_hash(b));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
