// The driver's reading of the SMMU ID registers.
#include <gtest/gtest.h>

#include "linux/smmuv3/hw_probe.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace reg = hw::smmuv3::reg;

TEST(SmmuHwProbe, DefaultSmmuHasAtsBothStagesRilAnd4kAnd64kGranules) {
  const auto h = smmuv3::device_hw_probe(hw::smmuv3::Smmu{});
  EXPECT_TRUE(h.feat_ats);
  EXPECT_TRUE(h.feat_trans_s1);
  EXPECT_TRUE(h.feat_trans_s2);
  EXPECT_TRUE(h.feat_range_inv);
  EXPECT_FALSE(h.feat_pri);
  EXPECT_EQ(h.ssid_bits, 20u);
  EXPECT_EQ(h.sid_bits, 16u);
  EXPECT_TRUE(h.feat_2lvl_strtab) << "IDR0.ST_LEVEL=1 by default";
  EXPECT_EQ(h.pgsize_bitmap, 0x1000ull | 0x200000 | 0x40000000 | 0x10000 | 0x20000000);
}

TEST(SmmuHwProbe, RegisterBitsMapToFeatures) {
  hw::smmuv3::Smmu s;
  s.idr0 = reg::kIdr0Pri | uint32_t(hw::smmuv3::field_prep(reg::kIdr0StLvl, 1));
  // 16 SID bits: more than one 2-level leaf covers, so ST_LEVEL alone decides (a
  // SID space within one leaf makes the driver choose linear, id_registers_test).
  s.idr1 = uint32_t(hw::smmuv3::field_prep(reg::kIdr1SsidSize, 5) | hw::smmuv3::field_prep(reg::kIdr1SidSize, 16));
  s.idr3 = 0;
  s.idr5 = reg::kIdr5Gran16k;
  const auto h = smmuv3::device_hw_probe(s);
  EXPECT_FALSE(h.feat_ats);
  EXPECT_TRUE(h.feat_pri);
  EXPECT_TRUE(h.feat_2lvl_strtab);
  EXPECT_FALSE(h.feat_range_inv);
  EXPECT_EQ(h.ssid_bits, 5u);
  EXPECT_EQ(h.pgsize_bitmap, 0x4000ull | 0x2000000);
  EXPECT_EQ(s.idr0 & 0x400u, 0u) << "IDR0.ATS is bit 10";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
