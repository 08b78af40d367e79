// ConfigSpace: per-bit write semantics (RO / RW / W1C), access widths and
// endianness, accesses at the end of config space, and raw pokes.
#include <gtest/gtest.h>

#include <cstdint>

#include "hw/pcie/config_space.h"

namespace atslab::hw::pcie {
namespace ATSLAB_UNITY_ID {
namespace {

TEST(ConfigSpace, ReadOnlyBitsIgnoreWrites) {
  ConfigSpace c;
  c.poke32(0x40, 0x12345678);
  c.write32(0x40, 0xffffffff);
  EXPECT_EQ(c.read32(0x40), 0x12345678u);
  c.write32(0x40, 0);
  EXPECT_EQ(c.read32(0x40), 0x12345678u);
  EXPECT_EQ(c.rw_mask(0x40, 4), 0u);
  EXPECT_EQ(c.w1c_mask(0x40, 4), 0u);
}

TEST(ConfigSpace, ReadWriteBitsTakeTheWrittenValue) {
  ConfigSpace c;
  c.define(0x44, 4, 0xffffffff);
  c.write32(0x44, 0xdeadbeef);
  EXPECT_EQ(c.read32(0x44), 0xdeadbeefu);
  c.write32(0x44, 0x01020304);
  EXPECT_EQ(c.read32(0x44), 0x01020304u);
}

TEST(ConfigSpace, Write1ToClearBitsClearOnlyWhereOnesAreWritten) {
  ConfigSpace c;
  c.define(0x48, 2, 0, 0x00ff);
  c.poke16(0x48, 0xffff);
  c.write16(0x48, 0x0000);  // writing 0 leaves W1C bits
  EXPECT_EQ(c.read16(0x48), 0xffff);
  c.write16(0x48, 0x0005);
  EXPECT_EQ(c.read16(0x48), 0xfffa);
  c.write16(0x48, 0xff00);  // ones on read-only bits change nothing
  EXPECT_EQ(c.read16(0x48), 0xfffa);
  c.write16(0x48, 0xffff);
  EXPECT_EQ(c.read16(0x48), 0xff00);
  // W1C bits never get set by software.
  c.write16(0x48, 0x00ff);
  EXPECT_EQ(c.read16(0x48), 0xff00);
}

TEST(ConfigSpace, MixedMasksWithinOneRegisterApplyPerBit) {
  ConfigSpace c;
  // bits 3:0 RW, bits 7:4 W1C, bits 15:8 RO.
  c.define(0x50, 2, 0x000f, 0x00f0);
  c.poke16(0x50, 0xa5f0);
  EXPECT_EQ(c.rw_mask(0x50, 2), 0x000fu);
  EXPECT_EQ(c.w1c_mask(0x50, 2), 0x00f0u);
  c.write16(0x50, 0x5a39);  // RW <- 9, W1C clears bits 4,5, RO unchanged
  EXPECT_EQ(c.read16(0x50), 0xa5c9);
  c.write16(0x50, 0x0000);  // RW <- 0, W1C untouched
  EXPECT_EQ(c.read16(0x50), 0xa5c0);
}

TEST(ConfigSpace, AccessesOfEveryWidthAreLittleEndian) {
  ConfigSpace c;
  c.poke32(0x60, 0x11223344);
  EXPECT_EQ(c.read8(0x60), 0x44);
  EXPECT_EQ(c.read8(0x61), 0x33);
  EXPECT_EQ(c.read8(0x62), 0x22);
  EXPECT_EQ(c.read8(0x63), 0x11);
  EXPECT_EQ(c.read16(0x60), 0x3344);
  EXPECT_EQ(c.read16(0x62), 0x1122);
  EXPECT_EQ(c.read16(0x61), 0x2233);  // unaligned access still little-endian
  EXPECT_EQ(c.bytes()[0x60], 0x44);
  c.define(0x60, 4, 0xffffffff);
  c.write16(0x62, 0xbeef);
  EXPECT_EQ(c.read32(0x60), 0xbeef3344u);
  c.write8(0x60, 0xaa);
  EXPECT_EQ(c.read32(0x60), 0xbeef33aau);
  c.write(0x61, 2, 0xccdd);
  EXPECT_EQ(c.read32(0x60), 0xbeccddaau);
}

TEST(ConfigSpace, ReadStraddlingTheEndReturnsOnesForMissingBytes) {
  ConfigSpace c;
  c.poke16(0xffe, 0xabcd);
  EXPECT_EQ(c.read32(0xffe), 0xffffabcdu);
  EXPECT_EQ(c.read16(0xfff), 0xffab);
  EXPECT_EQ(c.read8(0xfff), 0xab);
  EXPECT_EQ(c.read32(0x1000), 0xffffffffu);
  EXPECT_EQ(c.read8(0xffff), 0xff);
  EXPECT_EQ(c.rw_mask(0xffe, 4), 0u);
}

TEST(ConfigSpace, WriteStraddlingTheEndWritesOnlyWhatFits) {
  ConfigSpace c;
  c.define(0xffc, 4, 0xffffffff);
  c.write32(0xffe, 0x12345678);
  EXPECT_EQ(c.read16(0xffe), 0x5678);
  EXPECT_EQ(c.read16(0xffc), 0x0000);
  c.poke32(0xfff, 0xa1b2c3d4);
  EXPECT_EQ(c.read8(0xfff), 0xd4);
  EXPECT_EQ(c.read8(0xffe), 0x78);  // low byte of the earlier 0x5678
  // Fully out of range: no effect, no crash.
  ConfigSpace before = c;
  c.write32(0x1000, 0xffffffff);
  c.poke32(0xfffc + 3, 0xffffffff);
  c.define(0x1000, 4, 0xffffffff);
  EXPECT_EQ(c, before);
  // define() straddling the end declares only what fits.
  ConfigSpace d;
  d.define(0xffe, 4, 0xffffffff, 0);
  EXPECT_EQ(d.rw_mask(0xffc, 4), 0xffff0000u);
}

TEST(ConfigSpace, PokeIgnoresWriteSemantics) {
  ConfigSpace c;
  c.define(0x70, 4, 0x0000ffff, 0xffff0000);
  c.poke32(0x70, 0xcafef00d);
  EXPECT_EQ(c.read32(0x70), 0xcafef00du);
  c.poke16(0x72, 0x0000);  // poke may clear W1C bits by writing zero
  EXPECT_EQ(c.read32(0x70), 0x0000f00du);
  c.poke8(0x74, 0x99);  // and set read-only bits
  EXPECT_EQ(c.read8(0x74), 0x99);
  EXPECT_EQ(c.rw_mask(0x70, 4), 0x0000ffffu);  // masks untouched by poke
  EXPECT_EQ(c.w1c_mask(0x70, 4), 0xffff0000u);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::hw::pcie
