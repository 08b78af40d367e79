// SR-IOV routing-ID arithmetic (kernel-semantics.md 2.4): VF n at
// PF RID + First VF Offset + n * VF Stride, carrying into the bus number.
#include <gtest/gtest.h>

#include <cstdint>

#include "hw/pcie/bdf.h"
#include "hw/pcie/sriov_routing.h"

namespace atslab::hw::pcie {
namespace ATSLAB_UNITY_ID {
namespace {

// Independent reference: 16-bit RID arithmetic.
Bdf reference_vf(Bdf pf, unsigned offset, unsigned stride, unsigned n) {
  unsigned rid = (unsigned{pf.bus} << 8 | pf.devfn) + offset + n * stride;
  return Bdf{pf.domain, static_cast<uint8_t>((rid >> 8) & 0xff), static_cast<uint8_t>(rid & 0xff)};
}

TEST(SriovRouting, VfNIsAtPfRidPlusOffsetPlusNTimesStride) {
  Bdf pf = Bdf::make(0, 0x05, 0, 0);
  EXPECT_EQ(virtfn_bdf(pf, 1, 1, 0), Bdf::make(0, 0x05, 0, 1));
  EXPECT_EQ(virtfn_bdf(pf, 1, 1, 6), Bdf::make(0, 0x05, 0, 7));
  EXPECT_EQ(virtfn_bdf(pf, 1, 1, 7), Bdf::make(0, 0x05, 1, 0));
  EXPECT_EQ(virtfn_bdf(pf, 8, 4, 3), Bdf::make(0, 0x05, 2, 4));
  EXPECT_EQ(virtfn_bdf(pf, 8, 4, 3).rid(), pf.rid() + 8 + 3 * 4);
}

TEST(SriovRouting, DevfnWrapsAndBusIncrementsWhenCrossing256) {
  Bdf pf = Bdf::make(0, 0x02, 0, 0);
  Bdf vf0 = virtfn_bdf(pf, 0x180, 2, 0);
  EXPECT_EQ(vf0.bus, 0x03);
  EXPECT_EQ(vf0.devfn, 0x80);
  EXPECT_EQ(vf0, Bdf::make(0, 0x03, 0x10, 0));
  // A PF near the end of its bus: VF crosses by offset + stride.
  Bdf hi = Bdf::make(0, 0x10, 0x1f, 0);  // devfn 0xf8
  EXPECT_EQ(virtfn_bdf(hi, 4, 2, 0), Bdf::make(0, 0x10, 0x1f, 4));
  EXPECT_EQ(virtfn_bdf(hi, 4, 2, 2), Bdf::make(0, 0x11, 0x00, 0));
  EXPECT_EQ(virtfn_bus(hi, 4, 2, 2), 0x11);
  EXPECT_EQ(virtfn_devfn(hi, 4, 2, 2), 0x00);
  // Domain is preserved.
  EXPECT_EQ(virtfn_bdf(Bdf::make(7, 1, 0, 0), 1, 1, 0).domain, 7);
}

TEST(SriovRouting, MatchesIndependentRidArithmeticOverAGrid) {
  for (unsigned bus : {0u, 1u, 0x7fu, 0xfeu})
    for (unsigned devfn : {0u, 1u, 0x80u, 0xffu})
      for (unsigned off : {1u, 0x80u, 0x180u, 0xfffu})
        for (unsigned stride : {1u, 2u, 0x10u, 0x100u})
          for (unsigned n : {0u, 1u, 63u, 255u}) {
            Bdf pf{3, static_cast<uint8_t>(bus), static_cast<uint8_t>(devfn)};
            Bdf ref = reference_vf(pf, off, stride, n);
            Bdf got = virtfn_bdf(pf, static_cast<uint16_t>(off), static_cast<uint16_t>(stride), n);
            ASSERT_EQ(got, ref) << bus << " " << devfn << " " << off << " " << stride << " " << n;
          }
}

TEST(SriovRouting, ExtraBusesCountHowFarTheLastVfSpills) {
  Bdf pf = Bdf::make(0, 0x02, 0, 0);
  EXPECT_EQ(virtfn_extra_buses(pf, 0x180, 2, 0), 0u);
  EXPECT_EQ(virtfn_extra_buses(pf, 1, 1, 8), 0u);
  EXPECT_EQ(virtfn_extra_buses(pf, 1, 1, 255), 0u);  // last VF at devfn 0xff
  EXPECT_EQ(virtfn_extra_buses(pf, 1, 1, 256), 1u);  // last VF at devfn 0x100
  EXPECT_EQ(virtfn_extra_buses(pf, 0x180, 2, 1), 1u);
  EXPECT_EQ(virtfn_extra_buses(pf, 0x180, 2, 64), 1u);   // last at 0x1fe
  EXPECT_EQ(virtfn_extra_buses(pf, 0x180, 2, 65), 2u);   // last at 0x200
  for (unsigned n = 1; n < 300; ++n) {
    Bdf last = reference_vf(pf, 0x80, 3, n - 1);
    EXPECT_EQ(virtfn_extra_buses(pf, 0x80, 3, n), unsigned{last.bus} - pf.bus) << n;
  }
}

TEST(SriovRouting, IntelRciep0d93VfsFollowOffset16Stride2) {
  // 6b:00.0, First VF Offset 16, VF Stride 2, TotalVFs 6 (from the dump).
  Bdf pf = Bdf::make(0, 0x6b, 0, 0);
  EXPECT_EQ(virtfn_bdf(pf, 16, 2, 0), Bdf::make(0, 0x6b, 2, 0));
  EXPECT_EQ(virtfn_bdf(pf, 16, 2, 1), Bdf::make(0, 0x6b, 2, 2));
  EXPECT_EQ(virtfn_bdf(pf, 16, 2, 5), Bdf::make(0, 0x6b, 3, 2));
  EXPECT_EQ(virtfn_extra_buses(pf, 16, 2, 6), 0u);
}

TEST(SriovRouting, Intel82576VfsStartOnTheNextBus) {
  // 01:00.0, SR-IOV at 0x160: offset (0x174) = 0x0180, stride (0x176) = 2, TotalVFs 8.
  Bdf pf = Bdf::make(0, 0x01, 0, 0);
  EXPECT_EQ(virtfn_bdf(pf, 0x180, 2, 0), Bdf::make(0, 0x02, 0x10, 0));
  EXPECT_EQ(virtfn_bdf(pf, 0x180, 2, 7), Bdf::make(0, 0x02, 0x11, 6));
  EXPECT_EQ(virtfn_extra_buses(pf, 0x180, 2, 8), 1u);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::hw::pcie
