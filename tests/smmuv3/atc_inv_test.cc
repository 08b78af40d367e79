// arm_smmu_atc_inv_to_cmd's range encoding (kernel-semantics 3.4 item 5).
#include <gtest/gtest.h>

#include "linux/smmuv3/atc_inv.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using smmuv3::atc_inv_to_cmd;

struct Range {
  uint64_t iova, size;
  uint64_t want_addr;
  uint8_t want_size;
};

TEST(SmmuAtcInvRange, NaturallyAlignedPowerOfTwoSpans) {
  const Range cases[] = {
      {0x1000, 0x1000, 0x1000, 0},       // one page
      {0x1234, 0x10, 0x1000, 0},         // inside one page
      {0x4000, 0x4000, 0x4000, 2},       // aligned 4 pages
      {0x1000, 0x2000, 0x0000, 2},       // pages 1..2 need the aligned span 0..3
      {0x3000, 0x2000, 0x0000, 3},       // pages 3..4 straddle an 8-page boundary
      {0x7ff000, 0x2000, 0x0, 12},       // pages 0x7ff..0x800: span 2^12 pages
      {0x0, uint64_t{1} << 40, 0x0, 28}, // 1 TiB from 0
      {0x200000, 0x200000, 0x200000, 9}, // one 2 MiB block
  };
  for (const auto& r : cases) {
    const auto c = atc_inv_to_cmd(0x10, 0, r.iova, r.size);
    EXPECT_EQ(c.addr, r.want_addr) << std::hex << r.iova << "+" << r.size;
    EXPECT_EQ(c.size, r.want_size) << std::hex << r.iova << "+" << r.size;
    EXPECT_EQ(c.op, hw::smmuv3::Op::ATC_INV);
    EXPECT_EQ(c.sid, 0x10u);
  }
}

TEST(SmmuAtcInvRange, SizeZeroMeansEverything) {
  const auto c = atc_inv_to_cmd(0x10, 0, 0x123456000, 0);
  EXPECT_EQ(c.size, 52);
  EXPECT_EQ(c.addr, 0u);
  EXPECT_EQ(hw::smmuv3::encode(c), (hw::smmuv3::RawCommand{0x0000001000000040, 52}));
}

TEST(SmmuAtcInvRange, SsvOnlyForARealPasid) {
  EXPECT_FALSE(atc_inv_to_cmd(1, smmuv3::kIommuNoPasid, 0, 0x1000).ssv);
  const auto c = atc_inv_to_cmd(1, 3, 0, 0x1000);
  EXPECT_TRUE(c.ssv);
  EXPECT_EQ(c.ssid, 3u);
}

// What the record keeps of an ATC_INV (kernel::EventKind::AtcInvRange) and how the trace and
// compare-drivers print it: the unaligned VFIO range of scenarios/vfio-unaligned-unmap.yaml,
// pages 0xc3..0xc5, is 8 pages at 0xc0000; a PASID's range carries its SSID.
TEST(SmmuAtcInvRange, TheRecordKeepsTheRangeAndTheSsid) {
  const auto c = atc_inv_to_cmd(0x101, smmuv3::kIommuNoPasid, 0xc3000, 0x3000);
  EXPECT_EQ(hw::smmuv3::atc_inv_range_b(c), 0xc0000 | 3);
  EXPECT_EQ(hw::smmuv3::describe_atc_inv_range(hw::smmuv3::atc_inv_range_a(c), hw::smmuv3::atc_inv_range_b(c)),
            "ssid=- addr=0xc0000 size=3");
  const auto p = atc_inv_to_cmd(0x101, 5, 0x1000, 0x1000);
  EXPECT_EQ(hw::smmuv3::atc_inv_range_a(p), (int64_t{1} << 32) | 5);
  EXPECT_EQ(hw::smmuv3::describe_atc_inv_range(hw::smmuv3::atc_inv_range_a(p), hw::smmuv3::atc_inv_range_b(p)),
            "ssid=0x5 addr=0x1000 size=0");
  EXPECT_EQ(hw::smmuv3::describe_atc_inv_range(int64_t{1} << 33, 52), "ssid=- addr=0x0 size=52 global");
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
