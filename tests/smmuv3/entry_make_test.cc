// Exact encodings of the driver's STE and CD makers (smmuv3-entries.md 1.3).
#include <gtest/gtest.h>

#include "test_entries.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(SmmuEntryMake, AbortSteIsValidCfgAbortOnly) {
  EXPECT_EQ(abort_ste(), (Entry{0x1, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(SmmuEntryMake, BypassSteSetsShcfgIncomingWithAttrTypesOvr) {
  EXPECT_EQ(bypass_ste(), (Entry{0x9, 0x0000100000000000, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(smmuv3::make_bypass_ste({}), (Entry{0x9, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(SmmuEntryMake, CdTableSteEncoding) {
  // V | CFG=S1_TRANS | S1FMT=64K_L2 | cdtab masked to 51:6 | S1CDMAX=0x1f (0xFF masked to 5 bits).
  EXPECT_EQ(cdtable_ste(ste::kS1DssSsid0)[0], 0xf800f0f0f0f0f0ebull);
  // S1DSS=SSID0 | S1CIR=WBRA | S1COR=WBRA | S1CSH=ISH | S1STALLD.
  EXPECT_EQ(cdtable_ste(ste::kS1DssSsid0)[1], 0x80000d6ull);
  EXPECT_EQ(cdtable_ste(ste::kS1DssSsid0, /*ats=*/true)[1], 0x180000d6ull);
  // S1DSS=BYPASS adds SHCFG=INCOMING.
  EXPECT_EQ(cdtable_ste(ste::kS1DssBypass)[1], 0x1000080000d5ull);
  // A stall-enabled master gets no S1STALLD.
  EXPECT_EQ(cdtable_ste(ste::kS1DssSsid0, false, /*stall_master=*/true)[1], 0xd6ull);
  EXPECT_EQ(cdtable_ste(ste::kS1DssSsid0)[2], 0u);
}

TEST(SmmuEntryMake, S2SteEncoding) {
  const Entry e = s2_ste();
  EXPECT_EQ(e[0], 0xdull);
  EXPECT_EQ(e[1], 0x0000100000000000ull);
  // VTCR {T0SZ 4, SL0 3, IR0 2, OR0 1, SH0 3, TG 2, PS 1} at 32 | S2AA64 | S2PTW | S2R.
  EXPECT_EQ(e[2], 0x0449b6c400000000ull);
  EXPECT_EQ(e[3], 0x000dbeefdeadbee0ull);
  EXPECT_EQ(s2_ste(/*ats=*/true)[1], 0x0000100010000000ull);
}

TEST(SmmuEntryMake, S1CdEncoding) {
  const Entry e = s1_cd(778);
  EXPECT_EQ(e[0], 0x030ae201c0003684ull);
  EXPECT_EQ(e[1], 0x000dbeefdeadbee0ull);
  EXPECT_EQ(e[2], 0u);
  EXPECT_EQ(e[3], kFakeMair);
}

TEST(SmmuEntryMake, ReleasedSvaCdSetsEpd0AndClearsSAndR) {
  const Entry e = sva_cd(1997, /*has_mm=*/false);
  EXPECT_TRUE(e[0] & (1ull << 14));   // EPD0
  EXPECT_FALSE(e[0] & (1ull << 45));  // R
  EXPECT_FALSE(e[0] & (1ull << 44));  // S
  EXPECT_EQ(e[0] & 0x3fff, 0u);       // no TTB0 TCR fields
  EXPECT_EQ(e[1], 0u);
  const Entry with_mm = sva_cd(1997, true);
  EXPECT_EQ(with_mm[0] & 0x3f, 16u);  // T0SZ = 64 - 48
  EXPECT_EQ(with_mm[1], 0x4321000ull);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
