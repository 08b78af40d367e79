// Capability list walks over well-formed and malformed config space: the walk
// must always end, report malformed chains as defects, and never return a
// capability outside its range. Plus the capability layouts ConfigBuilder emits.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "hw/pcie/atc.h"
#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "hw/pcie/config_space.h"
#include "hw/pcie/regs.h"
#include "hw/pcie/topology.h"

namespace atslab::hw::pcie {
namespace ATSLAB_UNITY_ID {
namespace {

ConfigSpace std_space(uint8_t first) {
  ConfigSpace c;
  c.poke16(hdr::kStatus, hdr::kStatusCapList);
  c.poke8(hdr::kCapabilityList, first);
  return c;
}
void std_cap(ConfigSpace& c, uint8_t at, uint8_t id, uint8_t next) {
  c.poke8(at, id);
  c.poke8(at + 1, next);
}

TEST(CapabilityWalk, StdChainIsWalkedInOrder) {
  ConfigSpace c = std_space(0x40);
  std_cap(c, 0x40, cap::kPm, 0x70);
  std_cap(c, 0x70, cap::kExp, 0x50);
  std_cap(c, 0x50, cap::kMsi, 0x00);
  auto w = walk_std_caps(c);
  ASSERT_EQ(w.caps.size(), 3u);
  EXPECT_EQ(w.caps[0], (CapEntry{cap::kPm, 0x40, 0}));
  EXPECT_EQ(w.caps[1], (CapEntry{cap::kExp, 0x70, 0}));
  EXPECT_EQ(w.caps[2], (CapEntry{cap::kMsi, 0x50, 0}));
  EXPECT_TRUE(w.defects.empty());
  EXPECT_EQ(find_std_cap(c, cap::kExp), 0x70);
  EXPECT_EQ(find_std_cap(c, cap::kMsix), 0);
}

TEST(CapabilityWalk, StdChainLoopEndsAndIsReported) {
  ConfigSpace c = std_space(0x40);
  std_cap(c, 0x40, cap::kPm, 0x50);
  std_cap(c, 0x50, cap::kExp, 0x40);
  auto w = walk_std_caps(c);
  ASSERT_EQ(w.caps.size(), 2u);
  EXPECT_EQ(w.caps[0].offset, 0x40);
  EXPECT_EQ(w.caps[1].offset, 0x50);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x51);  // where the looping pointer was read
}

TEST(CapabilityWalk, StdSelfLoopEndsAndIsReported) {
  ConfigSpace c = std_space(0x40);
  std_cap(c, 0x40, cap::kPm, 0x40);
  auto w = walk_std_caps(c);
  EXPECT_EQ(w.caps.size(), 1u);
  EXPECT_EQ(w.defects.size(), 1u);
}

TEST(CapabilityWalk, StdPointerIntoTheHeaderEndsTheWalkWithADefect) {
  ConfigSpace c = std_space(0x40);
  std_cap(c, 0x40, cap::kPm, 0x10);
  auto w = walk_std_caps(c);
  ASSERT_EQ(w.caps.size(), 1u);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x41);
  ConfigSpace first = std_space(0x3c);
  auto w2 = walk_std_caps(first);
  EXPECT_TRUE(w2.caps.empty());
  ASSERT_EQ(w2.defects.size(), 1u);
  EXPECT_EQ(w2.defects[0].offset, hdr::kCapabilityList);
}

TEST(CapabilityWalk, StdMisalignedPointerIsReported) {
  ConfigSpace c = std_space(0x42);  // the kernel masks the low 2 bits: 0x40
  std_cap(c, 0x40, cap::kPm, 0x00);
  auto w = walk_std_caps(c);
  EXPECT_FALSE(w.defects.empty());
  for (const auto& e : w.caps) {
    EXPECT_EQ(e.offset % 4, 0);
    EXPECT_GE(e.offset, 0x40);
  }
}

TEST(CapabilityWalk, StdCapabilityIdFfEndsTheWalkWithADefect) {
  ConfigSpace c = std_space(0x40);
  std_cap(c, 0x40, cap::kPm, 0x50);
  std_cap(c, 0x50, 0xff, 0x60);
  std_cap(c, 0x60, cap::kMsi, 0x00);
  auto w = walk_std_caps(c);
  ASSERT_EQ(w.caps.size(), 1u);
  EXPECT_EQ(w.caps[0].offset, 0x40);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x50);
}

TEST(CapabilityWalk, StatusCapListClearMeansNoStdCaps) {
  ConfigSpace c = std_space(0x40);
  std_cap(c, 0x40, cap::kPm, 0x00);
  c.poke16(hdr::kStatus, 0);
  auto w = walk_std_caps(c);
  EXPECT_TRUE(w.caps.empty());
  EXPECT_TRUE(w.defects.empty());
  EXPECT_EQ(find_std_cap(c, cap::kPm), 0);
}

ConfigSpace ats_sriov_pri_pasid(uint16_t& ats, uint16_t& sriov, uint16_t& pri, uint16_t& pasid) {
  ConfigBuilder b(HeaderSpec{0x15b3, 0x101d, 0x020000, 0, 0, 0, false, false});
  b.add_pcie(exp::Type::Endpoint);
  ats = b.add_ats({});
  sriov = b.add_sriov({.total_vfs = 4, .vf_device = 0x101e});
  pri = b.add_pri({});
  pasid = b.add_pasid({});
  return b.build();
}

TEST(CapabilityWalk, ExtChainBuiltByConfigBuilderIsWalkedInOrder) {
  uint16_t ats, sriov, pri, pasid;
  ConfigSpace c = ats_sriov_pri_pasid(ats, sriov, pri, pasid);
  EXPECT_EQ(ats, 0x100);
  EXPECT_EQ(sriov, 0x100 + ats::kSizeof);
  EXPECT_EQ(pri, sriov + sriov::kSizeof);
  EXPECT_EQ(pasid, pri + pri::kSizeof);
  auto w = walk_ext_caps(c);
  EXPECT_TRUE(w.defects.empty());
  ASSERT_EQ(w.caps.size(), 4u);
  EXPECT_EQ(w.caps[0], (CapEntry{ext_cap::kAts, ats, 1}));
  EXPECT_EQ(w.caps[1], (CapEntry{ext_cap::kSriov, sriov, 1}));
  EXPECT_EQ(w.caps[2], (CapEntry{ext_cap::kPri, pri, 1}));
  EXPECT_EQ(w.caps[3], (CapEntry{ext_cap::kPasid, pasid, 1}));
  // Raw headers: id, version 1, next pointer.
  EXPECT_EQ(c.read32(ats), 0x0f | (1u << 16) | (uint32_t{sriov} << 20));
  EXPECT_EQ(c.read32(pasid), 0x1bu | (1u << 16));
  EXPECT_EQ(find_ext_cap(c, ext_cap::kPri), pri);
  EXPECT_EQ(find_ext_cap(c, ext_cap::kAcs), 0);
}

TEST(CapabilityWalk, FindExtCapReturnsTheFirstMatch) {
  ConfigSpace c;
  c.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0x200));
  c.poke32(0x200, ext_cap::header(ext_cap::kAts, 1, 0x300));
  c.poke32(0x300, ext_cap::header(ext_cap::kAts, 2, 0));
  EXPECT_EQ(find_ext_cap(c, ext_cap::kAts), 0x200);
  ConfigSpace s = std_space(0x40);
  std_cap(s, 0x40, cap::kMsi, 0x60);
  std_cap(s, 0x60, cap::kMsi, 0x00);
  EXPECT_EQ(find_std_cap(s, cap::kMsi), 0x40);
}

// pci_find_next_ext_capability: DVSECs repeat, and pci_find_dvsec_capability walks them one by one.
TEST(CapabilityWalk, FindNextExtCapGoesOnAfterTheGivenCapability) {
  constexpr uint16_t kDvsec = 0x23;
  ConfigSpace c;
  c.poke32(0x100, ext_cap::header(kDvsec, 1, 0x140));
  c.poke32(0x140, ext_cap::header(ext_cap::kAts, 1, 0x180));
  c.poke32(0x180, ext_cap::header(kDvsec, 1, 0x1c0));
  c.poke32(0x1c0, ext_cap::header(kDvsec, 1, 0));
  EXPECT_EQ(find_next_ext_cap(c, 0, kDvsec), 0x100);  // 0: from the start, as find_ext_cap
  EXPECT_EQ(find_next_ext_cap(c, 0x100, kDvsec), 0x180);
  EXPECT_EQ(find_next_ext_cap(c, 0x180, kDvsec), 0x1c0);
  EXPECT_EQ(find_next_ext_cap(c, 0x1c0, kDvsec), 0);
  EXPECT_EQ(find_next_ext_cap(c, 0x100, ext_cap::kAts), 0x140);
  EXPECT_EQ(find_next_ext_cap(c, 0x140, ext_cap::kAts), 0);
  // A start that is no capability's offset finds nothing, as the kernel's walk never meets it.
  EXPECT_EQ(find_next_ext_cap(c, 0x104, kDvsec), 0);
}

TEST(CapabilityWalk, ExtSelfLoopEndsAndIsReported) {
  ConfigSpace c;
  c.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0x140));
  c.poke32(0x140, ext_cap::header(ext_cap::kAts, 1, 0x140));
  auto w = walk_ext_caps(c);
  ASSERT_EQ(w.caps.size(), 2u);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x140);
}

TEST(CapabilityWalk, ExtTwoNodeLoopEndsAndIsReported) {
  ConfigSpace c;
  c.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0x200));
  c.poke32(0x200, ext_cap::header(ext_cap::kAts, 1, 0x100));
  auto w = walk_ext_caps(c);
  ASSERT_EQ(w.caps.size(), 2u);
  EXPECT_EQ(w.caps[0].offset, 0x100);
  EXPECT_EQ(w.caps[1].offset, 0x200);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x200);  // the header holding the looping pointer, not the loop target
}

// The audit's case: a three-capability list whose last next pointer (read at 0x1c4) loops back to the
// first. The defect sits where the bad pointer was read, as ConfigDefect::offset promises.
TEST(CapabilityWalk, ExtLoopIsReportedWhereTheLoopingPointerWasRead) {
  ConfigSpace c;
  c.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0x148));
  c.poke32(0x148, ext_cap::header(ext_cap::kSriov, 1, 0x1c4));
  c.poke32(0x1c4, ext_cap::header(ext_cap::kAts, 1, 0x100));
  auto w = walk_ext_caps(c);
  ASSERT_EQ(w.caps.size(), 3u);
  EXPECT_EQ(w.caps[2].offset, 0x1c4);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x1c4);
  EXPECT_NE(w.defects[0].what.find("0x1c4"), std::string::npos) << w.defects[0].what;
  EXPECT_NE(w.defects[0].what.find("0x100"), std::string::npos) << w.defects[0].what;
}

TEST(CapabilityWalk, ExtLoopIntoTheMiddleIsReportedAtTheLastHeader) {
  ConfigSpace c;
  c.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0x148));
  c.poke32(0x148, ext_cap::header(ext_cap::kSriov, 1, 0x1c4));
  c.poke32(0x1c4, ext_cap::header(ext_cap::kAts, 1, 0x148));
  auto w = walk_ext_caps(c);
  ASSERT_EQ(w.caps.size(), 3u);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x1c4);
}

TEST(CapabilityWalk, StdLoopIsReportedWhereTheLoopingPointerWasRead) {
  ConfigSpace c = std_space(0x40);
  std_cap(c, 0x40, cap::kPm, 0x50);
  std_cap(c, 0x50, cap::kMsi, 0x60);
  std_cap(c, 0x60, cap::kExp, 0x50);
  auto w = walk_std_caps(c);
  ASSERT_EQ(w.caps.size(), 3u);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x61);  // 0x60's next-pointer byte, not the target 0x50
  EXPECT_NE(w.defects[0].what.find("0x50"), std::string::npos) << w.defects[0].what;
}

TEST(CapabilityWalk, ExtNextPointerBelow0x100EndsTheWalkWithADefect) {
  ConfigSpace c;
  c.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0x200));
  c.poke32(0x200, ext_cap::header(ext_cap::kAts, 1, 0x040));
  auto w = walk_ext_caps(c);
  ASSERT_EQ(w.caps.size(), 2u);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x200);
  for (const auto& e : w.caps) EXPECT_GE(e.offset, 0x100);
}

TEST(CapabilityWalk, ExtAllOnesHeaderMidChainEndsTheWalkWithADefect) {
  ConfigSpace c;
  c.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0x200));
  c.poke32(0x200, 0xffffffff);
  auto w = walk_ext_caps(c);
  ASSERT_EQ(w.caps.size(), 1u);
  EXPECT_EQ(w.caps[0].offset, 0x100);
  ASSERT_EQ(w.defects.size(), 1u);
  EXPECT_EQ(w.defects[0].offset, 0x200);
}

TEST(CapabilityWalk, FirstExtHeaderZeroOrAllOnesMeansNoCapsAndNoDefects) {
  for (uint32_t h : {0u, 0xffffffffu}) {
    ConfigSpace c;
    c.poke32(0x100, h);
    c.poke32(0x200, ext_cap::header(ext_cap::kAts, 1, 0));  // unreachable
    auto w = walk_ext_caps(c);
    EXPECT_TRUE(w.caps.empty()) << std::hex << h;
    EXPECT_TRUE(w.defects.empty()) << std::hex << h;
    EXPECT_EQ(find_ext_cap(c, ext_cap::kAts), 0);
  }
}

TEST(CapabilityWalk, LongestPossibleExtChainTerminates) {
  ConfigSpace c;
  for (uint16_t off = 0x100; off <= 0xffc; off += 4)
    c.poke32(off, ext_cap::header(0x0b, 1, off == 0xffc ? 0 : static_cast<uint16_t>(off + 4)));
  auto w = walk_ext_caps(c);
  EXPECT_EQ(w.caps.size(), (0x1000u - 0x100u) / 4u);
  EXPECT_TRUE(w.defects.empty());
  // The same chain closed into a ring back to 0x100.
  c.poke32(0xffc, ext_cap::header(0x0b, 1, 0x100));
  auto r = walk_ext_caps(c);
  EXPECT_EQ(r.caps.size(), (0x1000u - 0x100u) / 4u);
  EXPECT_EQ(r.defects.size(), 1u);
}

TEST(CapabilityWalk, LongestPossibleStdChainTerminates) {
  ConfigSpace c = std_space(0x40);
  for (unsigned off = 0x40; off <= 0xfc; off += 4)
    std_cap(c, static_cast<uint8_t>(off), 0x09, static_cast<uint8_t>(off == 0xfc ? 0x40 : off + 4));
  auto w = walk_std_caps(c);
  EXPECT_EQ(w.caps.size(), (0x100u - 0x40u) / 4u);
  EXPECT_EQ(w.defects.size(), 1u);
}

TEST(CapabilityWalk, RandomConfigSpacesAlwaysTerminateWithCapsInRange) {
  std::mt19937 rng(0xa75u);
  std::uniform_int_distribution<uint32_t> any;
  for (int iter = 0; iter < 2000; ++iter) {
    ConfigSpace c;
    for (uint16_t off = 0; off < ConfigSpace::kSize; off += 4) {
      uint32_t v = any(rng);
      // Bias half the spaces towards plausible pointers so chains get long.
      if (iter % 2 && off >= 0x100) v = (v & 0x000fffff) | (((v >> 20) & 0xffc) | 0x100) << 20;
      c.poke32(off, v);
    }
    if (iter % 3 == 0) c.poke16(hdr::kStatus, hdr::kStatusCapList);
    auto s = walk_std_caps(c);
    ASSERT_LE(s.caps.size(), 48u) << iter;
    for (const auto& e : s.caps) {
      ASSERT_GE(e.offset, hdr::kStdCapStart) << iter;
      ASSERT_LE(e.offset, 0xfc) << iter;
      ASSERT_EQ(e.offset % 4, 0) << iter;
      ASSERT_NE(e.id, 0xff) << iter;
    }
    auto x = walk_ext_caps(c);
    ASSERT_LE(x.caps.size(), 960u) << iter;
    for (const auto& e : x.caps) {
      ASSERT_GE(e.offset, hdr::kExtCapStart) << iter;
      ASSERT_LE(e.offset, 0xffc) << iter;
      ASSERT_EQ(e.offset % 4, 0) << iter;
    }
  }
}

// ---- Capability layouts (section 1.1) ----

TEST(CapabilityLayout, AtsCapabilityRegisterEncodesQdepPageAlignedAndGlobalInvalidate) {
  ConfigBuilder b(HeaderSpec{0x8086, 0x1234});
  uint16_t a = b.add_ats({.qdep = 0, .page_aligned = true, .global_invalidate = false});
  ConfigSpace c = b.build();
  uint16_t capreg = c.read16(a + ats::kCap);
  EXPECT_EQ(capreg & 0x1f, 0);  // 0: the kernel reads it as 32
  EXPECT_EQ((capreg & 0x1f) ? (capreg & 0x1f) : 32, ats::kMaxQdep);
  EXPECT_TRUE(capreg & (1u << 5));
  EXPECT_FALSE(capreg & (1u << 6));

  ConfigBuilder b2(HeaderSpec{0x8086, 0x1234});
  uint16_t a2 = b2.add_ats({.qdep = 17, .page_aligned = false, .global_invalidate = true});
  ConfigSpace c2 = b2.build();
  EXPECT_EQ(c2.read16(a2 + ats::kCap), 17 | (1u << 6));
  EXPECT_EQ(c2.read16(a2 + ats::kCtrl), 0);
}

TEST(CapabilityLayout, PfAtsControlHasWritableStuAndEnableOnly) {
  ConfigBuilder b(HeaderSpec{0x8086, 0x1234});
  uint16_t a = b.add_ats({});
  ConfigSpace c = b.build();
  c.write16(a + ats::kCtrl, 0xffff);
  EXPECT_EQ(c.read16(a + ats::kCtrl), 0x801f);
  c.write16(a + ats::kCtrl, 0x0000);
  EXPECT_EQ(c.read16(a + ats::kCtrl), 0);
  c.write16(a + ats::kCtrl, ats::kCtrlEnable | 2);
  EXPECT_EQ(c.read16(a + ats::kCtrl), 0x8002);
  c.write16(a + ats::kCap, 0xffff);  // capability register is read-only
  EXPECT_EQ(c.read16(a + ats::kCap), 0);
}

TEST(CapabilityLayout, VfAtsControlHasOnlyEnableWritable) {
  ConfigBuilder b(HeaderSpec{0x8086, 0x1234});
  uint16_t a = b.add_ats({});
  ConfigSpace c = b.build(/*is_vf=*/true);
  c.write16(a + ats::kCtrl, 0xffff);
  EXPECT_EQ(c.read16(a + ats::kCtrl), 0x8000);

  ConfigBuilder pfb(HeaderSpec{0x8086, 0x1234});
  pfb.add_pcie(exp::Type::Endpoint);
  pfb.add_ats({.qdep = 5});
  pfb.add_sriov({.total_vfs = 2});
  ConfigSpace vf = make_vf_config(pfb.build());
  uint16_t va = find_ext_cap(vf, ext_cap::kAts);
  ASSERT_NE(va, 0);
  EXPECT_EQ(vf.read16(va + ats::kCap) & 0x1f, 5);
  vf.write16(va + ats::kCtrl, ats::kCtrlEnable | 0x1f);
  EXPECT_EQ(vf.read16(va + ats::kCtrl), ats::kCtrlEnable);  // STU stays 0
  EXPECT_EQ(vf.read16(hdr::kVendorId), 0xffff);
  EXPECT_EQ(vf.read16(hdr::kDeviceId), 0xffff);
  EXPECT_EQ(find_ext_cap(vf, ext_cap::kSriov), 0);  // a VF has no SR-IOV capability
}

TEST(CapabilityLayout, SriovRegistersAreAtSpecOffsetsWithSpecWritability) {
  ConfigBuilder b(HeaderSpec{0x8086, 0x1234});
  uint16_t s = b.add_sriov({.total_vfs = 7, .vf_offset = 0x80, .vf_stride = 4, .vf_device = 0x5678,
                            .supported_page_sizes = 0x553});
  ConfigSpace c = b.build();
  EXPECT_EQ(c.read16(s + 0x0e), 7);
  EXPECT_EQ(c.read16(s + 0x0c), 7);  // InitialVFs defaults to TotalVFs
  EXPECT_EQ(c.read16(s + 0x14), 0x80);
  EXPECT_EQ(c.read16(s + 0x16), 4);
  EXPECT_EQ(c.read16(s + 0x1a), 0x5678);
  EXPECT_EQ(c.read32(s + 0x1c), 0x553u);
  EXPECT_EQ(c.read32(s + 0x20), 1u);  // 4 KiB system page size at reset
  // RW: NumVFs, System Page Size, Control VFE (bit 0) and MSE (bit 3).
  c.write16(s + 0x10, 5);
  EXPECT_EQ(c.read16(s + 0x10), 5);
  c.write32(s + 0x20, 0x10);
  EXPECT_EQ(c.read32(s + 0x20), 0x10u);
  c.write16(s + 0x08, 0x0009);
  EXPECT_EQ(c.read16(s + 0x08) & 0x0009, 0x0009);
  c.write16(s + 0x08, 0x0000);
  EXPECT_EQ(c.read16(s + 0x08), 0);
  // RO: TotalVFs, offset, stride, VF device ID, supported page sizes.
  for (uint16_t r : {uint16_t{0x0e}, uint16_t{0x14}, uint16_t{0x16}, uint16_t{0x1a}}) c.write16(s + r, 0xabcd);
  c.write32(s + 0x1c, 0xffffffff);
  EXPECT_EQ(c.read16(s + 0x0e), 7);
  EXPECT_EQ(c.read16(s + 0x14), 0x80);
  EXPECT_EQ(c.read16(s + 0x16), 4);
  EXPECT_EQ(c.read16(s + 0x1a), 0x5678);
  EXPECT_EQ(c.read32(s + 0x1c), 0x553u);
}

TEST(CapabilityLayout, PriStatusReportsStoppedAndPasidRequiredWithW1cErrorBits) {
  ConfigBuilder b(HeaderSpec{0x8086, 0x1234});
  uint16_t p = b.add_pri({.max_requests = 512, .pasid_required = true});
  ConfigSpace c = b.build();
  EXPECT_EQ(c.read16(p + pri::kStatus), pri::kStatusStopped | pri::kStatusPasid);
  EXPECT_EQ(c.read32(p + pri::kMaxReq), 512u);
  // RF (bit 0) and UPRGI (bit 1) are W1C; Stopped and PASID-required are RO.
  c.poke16(p + pri::kStatus, 0x8103);
  c.write16(p + pri::kStatus, 0x0000);
  EXPECT_EQ(c.read16(p + pri::kStatus), 0x8103);
  c.write16(p + pri::kStatus, 0x0001);
  EXPECT_EQ(c.read16(p + pri::kStatus), 0x8102);
  c.write16(p + pri::kStatus, 0xffff);
  EXPECT_EQ(c.read16(p + pri::kStatus), 0x8100);
  c.write16(p + pri::kCtrl, pri::kCtrlEnable);
  EXPECT_EQ(c.read16(p + pri::kCtrl), pri::kCtrlEnable);
  c.write32(p + pri::kMaxReq, 0);  // capacity is RO
  EXPECT_EQ(c.read32(p + pri::kMaxReq), 512u);
  c.write32(p + pri::kAllocReq, 64);
  EXPECT_EQ(c.read32(p + pri::kAllocReq), 64u);
}

TEST(CapabilityLayout, PasidCapabilityEncodesExecPrivAndWidthAndControlIsWritable) {
  ConfigBuilder b(HeaderSpec{0x8086, 0x1234});
  uint16_t p = b.add_pasid({.max_width = 20, .exec = true, .priv = false});
  ConfigSpace c = b.build();
  uint16_t capreg = c.read16(p + pasid::kCap);
  EXPECT_EQ((capreg >> 8) & 0x1f, 20);
  EXPECT_TRUE(capreg & (1u << 1));
  EXPECT_FALSE(capreg & (1u << 2));
  ConfigBuilder b2(HeaderSpec{0x8086, 0x1234});
  uint16_t p2 = b2.add_pasid({.max_width = 16, .exec = false, .priv = true});
  EXPECT_EQ(b2.build().read16(p2 + pasid::kCap), (16u << 8) | (1u << 2));
  c.write16(p + pasid::kCtrl, 0x0007);
  EXPECT_EQ(c.read16(p + pasid::kCtrl), 0x0007);
  c.write16(p + pasid::kCtrl, 0x0000);
  EXPECT_EQ(c.read16(p + pasid::kCtrl), 0);
  c.write16(p + pasid::kCap, 0);
  EXPECT_EQ(c.read16(p + pasid::kCap), capreg);
}

TEST(CapabilityLayout, ResetControlRegistersBringsControlsBackToReset) {
  uint16_t a, s, p, x;
  ConfigSpace c = ats_sriov_pri_pasid(a, s, p, x);
  c.poke16(a + ats::kCtrl, 0x8005);
  c.poke16(s + sriov::kCtrl, 0x0009);
  c.poke16(s + sriov::kNumVf, 3);
  c.poke16(p + pri::kCtrl, pri::kCtrlEnable);
  c.poke16(p + pri::kStatus, 0x0000);
  c.poke16(x + pasid::kCtrl, 0x0007);
  c.poke16(hdr::kCommand, 0x0006);
  reset_control_registers(c);
  EXPECT_EQ(c.read16(a + ats::kCtrl), 0);
  EXPECT_EQ(c.read16(s + sriov::kCtrl), 0);
  EXPECT_EQ(c.read16(s + sriov::kNumVf), 0);
  EXPECT_EQ(c.read16(p + pri::kCtrl), 0);
  EXPECT_TRUE(c.read16(p + pri::kStatus) & pri::kStatusStopped);
  EXPECT_EQ(c.read16(x + pasid::kCtrl), 0);
  EXPECT_EQ(c.read16(hdr::kCommand), 0);
  // Read-only capability contents are untouched.
  EXPECT_EQ(c.read16(s + sriov::kTotalVf), 4);
  EXPECT_EQ(c.read16(s + sriov::kVfDid), 0x101e);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::hw::pcie

namespace atslab::hw::pcie {
namespace ATSLAB_UNITY_ID {
namespace {

// ConfigSpace::ats_cap_offset caches find_ext_cap's answer per image version (hw::CowBlock's
// derived value): it must follow every change of the chain, in the copy that changed it only,
// and an ATS Control write (which changes the image but not the chain) must not lose it.
TEST(CapabilityWalk, CachedAtsOffsetFollowsTheImage) {
  ConfigSpace c;
  EXPECT_EQ(c.ats_cap_offset(), 0u) << "a never-written space has no ATS";
  c.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0x200));
  c.poke32(0x200, ext_cap::header(ext_cap::kAts, 1, 0));
  c.define(0x200 + ats::kCtrl, 2, 0x801f);
  ASSERT_EQ(find_ext_cap(c, ext_cap::kAts), 0x200u);
  EXPECT_EQ(c.ats_cap_offset(), 0x200u);

  c.write16(0x200 + ats::kCtrl, ats::kCtrlEnable);
  EXPECT_EQ(c.ats_cap_offset(), 0x200u);
  EXPECT_TRUE(ats_control(c).enabled);

  ConfigSpace copy = c;
  copy.poke32(0x100, ext_cap::header(ext_cap::kAer, 1, 0));  // the copy's chain now ends before ATS
  EXPECT_EQ(copy.ats_cap_offset(), 0u);
  EXPECT_FALSE(ats_control(copy).present);
  EXPECT_EQ(c.ats_cap_offset(), 0x200u) << "the original keeps its own answer";

  c.poke32(0x100, ext_cap::header(ext_cap::kAts, 1, 0));  // ATS moves to the head of the chain
  EXPECT_EQ(c.ats_cap_offset(), 0x100u);
  EXPECT_EQ(c.ats_cap_offset(), find_ext_cap(c, ext_cap::kAts));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::hw::pcie
