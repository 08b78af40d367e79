// Topology: depth-first bus numbering in finalize(), VFs appearing and
// disappearing with SR-IOV VF Enable, absent functions, find/scan_bus, hot-plug.
#include <gtest/gtest.h>

#include <cstdint>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "hw/pcie/sriov_routing.h"
#include "hw/pcie/topology.h"

namespace atslab::hw::pcie {
namespace ATSLAB_UNITY_ID {
namespace {

ConfigSpace endpoint(uint16_t device) {
  ConfigBuilder b(HeaderSpec{0x15b3, device, 0x020000});
  b.add_pcie(exp::Type::Endpoint);
  b.add_ats({});
  return b.build();
}

ConfigSpace sriov_pf(uint16_t total, uint16_t offset, uint16_t stride, exp::Type t = exp::Type::Endpoint) {
  ConfigBuilder b(HeaderSpec{0x15b3, 0x101d, 0x020000, 0, 0x15b3, 0x0042});
  b.add_pcie(t);
  b.add_ats({.qdep = 8});
  b.add_sriov({.total_vfs = total, .vf_offset = offset, .vf_stride = stride, .vf_device = 0x101e});
  return b.build();
}

uint8_t sec(const Topology& t, FnId f) { return t.fn(f).cfg.read8(hdr::kSecondaryBus); }
uint8_t sub(const Topology& t, FnId f) { return t.fn(f).cfg.read8(hdr::kSubordinateBus); }
uint8_t pri_bus(const Topology& t, FnId f) { return t.fn(f).cfg.read8(hdr::kPrimaryBus); }

TEST(Topology, FinalizeNumbersBusesDepthFirst) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp0 = t.add_root_port(rc, 1);
  FnId rp1 = t.add_root_port(rc, 2);
  auto downs = t.add_switch(rp0, 2);
  ASSERT_EQ(downs.size(), 2u);
  FnId ep0 = t.add_function(rc, downs[0], 0, endpoint(1), "ep0");
  FnId ep1 = t.add_function(rc, downs[1], 0, endpoint(2), "ep1");
  FnId ep2 = t.add_function(rc, rp1, 0, endpoint(3), "ep2");
  t.finalize();
  FnId up = t.fn(downs[0]).parent;
  // rp0: 00:01.0 -> [01..04]; switch up 01:00.0 -> [02..04]; downs 02:00.0 -> 03, 02:01.0 -> 04; rp1 -> 05.
  EXPECT_EQ(t.fn(rp0).bdf, Bdf::make(0, 0, 1, 0));
  EXPECT_EQ(pri_bus(t, rp0), 0);
  EXPECT_EQ(sec(t, rp0), 1);
  EXPECT_EQ(sub(t, rp0), 4);
  EXPECT_EQ(t.fn(up).bdf, Bdf::make(0, 1, 0, 0));
  EXPECT_EQ(pri_bus(t, up), 1);
  EXPECT_EQ(sec(t, up), 2);
  EXPECT_EQ(sub(t, up), 4);
  EXPECT_EQ(t.fn(downs[0]).bdf, Bdf::make(0, 2, 0, 0));
  EXPECT_EQ(t.fn(downs[1]).bdf, Bdf::make(0, 2, 1, 0));
  EXPECT_EQ(sec(t, downs[0]), 3);
  EXPECT_EQ(sub(t, downs[0]), 3);
  EXPECT_EQ(sec(t, downs[1]), 4);
  EXPECT_EQ(sub(t, downs[1]), 4);
  EXPECT_EQ(t.fn(ep0).bdf, Bdf::make(0, 3, 0, 0));
  EXPECT_EQ(t.fn(ep1).bdf, Bdf::make(0, 4, 0, 0));
  EXPECT_EQ(sec(t, rp1), 5);
  EXPECT_EQ(sub(t, rp1), 5);
  EXPECT_EQ(t.fn(ep2).bdf, Bdf::make(0, 5, 0, 0));
  EXPECT_TRUE(t.finalized());
}

TEST(Topology, SubordinateCoversBusesReservedForVfs) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp0 = t.add_root_port(rc, 1);
  FnId rp1 = t.add_root_port(rc, 2);
  // 8 VFs at offset 0x180 stride 2 from 01:00.0: VF0 02:10.0 .. VF7 02:11.6 -> one extra bus.
  FnId pf = t.add_function(rc, rp0, 0, sriov_pf(8, 0x180, 2), "pf");
  t.finalize();
  EXPECT_EQ(t.fn(pf).bdf, Bdf::make(0, 1, 0, 0));
  EXPECT_EQ(sec(t, rp0), 1);
  EXPECT_EQ(sub(t, rp0), 2);
  EXPECT_EQ(sec(t, rp1), 3);  // the next root port gets the bus after the VFs' bus
  EXPECT_EQ(sub(t, rp1), 3);
  auto vfs = t.vfs_of(pf);
  ASSERT_EQ(vfs.size(), 8u);
  for (FnId v : vfs) {
    EXPECT_FALSE(t.fn(v).present);
    EXPECT_EQ(t.fn(v).pf, pf);
  }
}

void enable_vfs(Topology& t, FnId pf, uint16_t num) {
  uint16_t s = find_ext_cap(t.fn(pf).cfg, ext_cap::kSriov);
  t.config_write(pf, s + sriov::kNumVf, 2, num);
  t.config_write(pf, s + sriov::kCtrl, 2, sriov::kCtrlVfe | sriov::kCtrlMse);
}

TEST(Topology, VfsAppearOnlyAfterVfEnableAtComputedBdfs) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp = t.add_root_port(rc, 1);
  FnId pf = t.add_function(rc, rp, 0, sriov_pf(8, 0x180, 2), "pf");
  t.finalize();
  uint16_t s = find_ext_cap(t.fn(pf).cfg, ext_cap::kSriov);
  Bdf pfb = t.fn(pf).bdf;
  EXPECT_EQ(t.find(0, virtfn_bdf(pfb, 0x180, 2, 0)), kNoFn);
  // NumVFs alone does not create VFs.
  t.config_write(pf, s + sriov::kNumVf, 2, 3);
  for (FnId v : t.vfs_of(pf)) EXPECT_FALSE(t.fn(v).present);
  EXPECT_EQ(t.find(0, Bdf::make(0, 2, 0x10, 0)), kNoFn);
  t.config_write(pf, s + sriov::kCtrl, 2, sriov::kCtrlVfe | sriov::kCtrlMse);
  auto vfs = t.vfs_of(pf);
  ASSERT_EQ(vfs.size(), 8u);
  for (unsigned i = 0; i < 8; ++i) {
    const Function& f = t.fn(vfs[i]);
    ASSERT_EQ(f.vf_index, i);
    EXPECT_EQ(f.present, i < 3) << i;
  }
  Bdf expect[3] = {Bdf::make(0, 2, 0x10, 0), Bdf::make(0, 2, 0x10, 2), Bdf::make(0, 2, 0x10, 4)};
  for (unsigned i = 0; i < 3; ++i) {
    FnId v = t.find(0, expect[i]);
    ASSERT_EQ(v, vfs[i]) << i;
    EXPECT_EQ(t.fn(v).bdf, expect[i]);
    EXPECT_EQ(t.config_read(v, hdr::kVendorId, 2), 0xffffu);
    EXPECT_EQ(t.config_read(v, hdr::kDeviceId, 2), 0xffffu);
    EXPECT_EQ(t.fn(v).cfg, make_vf_config(t.fn(pf).cfg));
    uint16_t a = find_ext_cap(t.fn(v).cfg, ext_cap::kAts);
    ASSERT_NE(a, 0);
    EXPECT_EQ(t.config_read(v, a + ats::kCap, 2) & 0x1f, 8u);
  }
  EXPECT_EQ(t.find(0, Bdf::make(0, 2, 0x10, 6)), kNoFn);  // VF3 not enabled
  // VFs sit on the next bus, so a scan of the PF's bus does not see them.
  auto bus1 = t.scan_bus(0, 1);
  ASSERT_EQ(bus1.size(), 1u);
  EXPECT_EQ(bus1[0], pf);
  // Clearing VF Enable removes them.
  t.config_write(pf, s + sriov::kCtrl, 2, 0);
  for (FnId v : t.vfs_of(pf)) EXPECT_FALSE(t.fn(v).present);
  for (const Bdf& b : expect) EXPECT_EQ(t.find(0, b), kNoFn);
}

TEST(Topology, ReenabledVfsComeBackInTheirResetState) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp = t.add_root_port(rc, 1);
  FnId pf = t.add_function(rc, rp, 0, sriov_pf(2, 1, 1), "pf");
  t.finalize();
  enable_vfs(t, pf, 2);
  FnId v = t.find(0, Bdf::make(0, 1, 0, 1));
  ASSERT_NE(v, kNoFn);
  uint16_t a = find_ext_cap(t.fn(v).cfg, ext_cap::kAts);
  t.config_write(v, a + ats::kCtrl, 2, ats::kCtrlEnable);
  EXPECT_EQ(t.config_read(v, a + ats::kCtrl, 2), ats::kCtrlEnable);
  uint16_t s = find_ext_cap(t.fn(pf).cfg, ext_cap::kSriov);
  t.config_write(pf, s + sriov::kCtrl, 2, 0);
  t.config_write(pf, s + sriov::kCtrl, 2, sriov::kCtrlVfe);
  ASSERT_TRUE(t.fn(v).present);
  EXPECT_EQ(t.config_read(v, a + ats::kCtrl, 2), 0u);
}

TEST(Topology, AbsentFunctionReadsAllOnesAndIgnoresWrites) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp = t.add_root_port(rc, 1);
  FnId pf = t.add_function(rc, rp, 0, sriov_pf(2, 1, 1), "pf");
  t.finalize();
  FnId v = t.vfs_of(pf).at(0);
  ASSERT_FALSE(t.fn(v).present);
  EXPECT_EQ(t.config_read(v, 0, 4), 0xffffffffu);
  EXPECT_EQ(t.config_read(v, 0x40, 2), 0xffffu);
  EXPECT_EQ(t.config_read(v, 0x41, 1), 0xffu);
  uint16_t a = find_ext_cap(t.fn(v).cfg, ext_cap::kAts);
  ConfigSpace before = t.fn(v).cfg;
  t.config_write(v, a + ats::kCtrl, 2, ats::kCtrlEnable);
  t.config_write(v, hdr::kCommand, 2, 0x0006);
  EXPECT_EQ(t.fn(v).cfg, before);
}

TEST(Topology, PresentFunctionConfigReadHonoursWidth) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId ep = t.add_function(rc, kNoFn, 0x08, endpoint(0xabcd), "rciep");
  t.finalize();
  EXPECT_EQ(t.config_read(ep, 0, 4), 0xabcd15b3u);
  EXPECT_EQ(t.config_read(ep, 0, 2), 0x15b3u);
  EXPECT_EQ(t.config_read(ep, 2, 2), 0xabcdu);
  EXPECT_EQ(t.config_read(ep, 1, 1), 0x15u);
  EXPECT_EQ(t.config_read(ep, 0xffe, 4), 0xffff0000u);
  t.config_write(ep, hdr::kCommand, 2, 0x0006);
  EXPECT_EQ(t.config_read(ep, hdr::kCommand, 2), 0x0006u);
}

TEST(Topology, FindAndScanBusSeePresentFunctionsInDevfnOrder) {
  Topology t;
  RcId rc0 = t.add_root_complex({.domain = 0, .root_bus = 0});
  RcId rc1 = t.add_root_complex({.domain = 2, .root_bus = 0x10});
  FnId a = t.add_function(rc0, kNoFn, 0x10, endpoint(1), "a");
  FnId b = t.add_function(rc0, kNoFn, 0x08, endpoint(2), "b");
  FnId c = t.add_function(rc1, kNoFn, 0x00, endpoint(3), "c");
  t.finalize();
  EXPECT_EQ(t.find(0, Bdf::make(0, 0, 2, 0)), a);
  EXPECT_EQ(t.find(0, Bdf::make(0, 0, 1, 0)), b);
  EXPECT_EQ(t.find(2, Bdf::make(2, 0x10, 0, 0)), c);
  EXPECT_EQ(t.find(0, Bdf::make(0, 0x10, 0, 0)), kNoFn);  // wrong domain
  EXPECT_EQ(t.find(2, Bdf::make(2, 0x00, 1, 0)), kNoFn);
  EXPECT_EQ(t.fn(c).bdf.domain, 2);
  EXPECT_EQ(t.fn(c).bdf.bus, 0x10);
  auto bus0 = t.scan_bus(0, 0);
  ASSERT_EQ(bus0.size(), 2u);
  EXPECT_EQ(bus0[0], b);
  EXPECT_EQ(bus0[1], a);
  EXPECT_TRUE(t.scan_bus(2, 0).empty());
  EXPECT_EQ(t.scan_bus(2, 0x10).size(), 1u);
}

TEST(Topology, HotplugFunctionIsAbsentUntilInsertedAndGoneAfterEject) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp = t.add_root_port(rc, 3, /*external_facing=*/true);
  FnId hp = t.add_function(rc, rp, 0, endpoint(7), "hp", /*hotplug=*/true);
  t.finalize();
  EXPECT_TRUE(t.fn(rp).external_facing);
  Bdf where = Bdf::make(0, 1, 0, 0);
  EXPECT_EQ(t.fn(hp).bdf, where);  // numbered even while the slot is empty
  EXPECT_FALSE(t.fn(hp).present);
  EXPECT_EQ(t.find(0, where), kNoFn);
  EXPECT_TRUE(t.scan_bus(0, 1).empty());
  EXPECT_EQ(t.config_read(hp, 0, 4), 0xffffffffu);
  t.insert(hp);
  EXPECT_EQ(t.find(0, where), hp);
  EXPECT_EQ(t.config_read(hp, 0, 2), 0x15b3u);
  ASSERT_EQ(t.scan_bus(0, 1).size(), 1u);
  t.eject(hp);
  EXPECT_EQ(t.find(0, where), kNoFn);
  EXPECT_EQ(t.config_read(hp, 0, 4), 0xffffffffu);
  EXPECT_TRUE(t.scan_bus(0, 1).empty());
}

TEST(Topology, VfBusSpillBelowASwitchIsCoveredByEveryUpstreamBridge) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp0 = t.add_root_port(rc, 1);
  FnId rp1 = t.add_root_port(rc, 2);
  auto downs = t.add_switch(rp0, 2);
  // Downstream port 0 (secondary bus 3): a PF whose 64 VFs (offset 0x100, stride 4) reach 2 buses beyond.
  FnId pf = t.add_function(rc, downs[0], 0, sriov_pf(64, 0x100, 4), "pf");
  t.finalize();
  FnId up = t.fn(downs[0]).parent;
  EXPECT_EQ(t.fn(pf).bdf.bus, 3);
  // Last VF: RID 0x0300 + 0x100 + 63*4 = 0x04fc -> bus 4; so buses 3..4 under downs[0].
  EXPECT_EQ(virtfn_bdf(t.fn(pf).bdf, 0x100, 4, 63).bus, 4);
  EXPECT_EQ(sec(t, downs[0]), 3);
  EXPECT_EQ(sub(t, downs[0]), 4);
  EXPECT_EQ(sec(t, downs[1]), 5);
  EXPECT_EQ(sub(t, downs[1]), 5);
  EXPECT_EQ(sec(t, up), 2);
  EXPECT_EQ(sub(t, up), 5);
  EXPECT_EQ(sec(t, rp0), 1);
  EXPECT_EQ(sub(t, rp0), 5);
  EXPECT_EQ(sec(t, rp1), 6);
  enable_vfs(t, pf, 64);
  for (unsigned n = 0; n < 64; ++n) {
    Bdf b = virtfn_bdf(t.fn(pf).bdf, 0x100, 4, n);
    FnId v = t.find(0, b);
    ASSERT_NE(v, kNoFn) << n;
    EXPECT_EQ(t.fn(v).vf_index, n);
    // Every VF's bus is within the downstream port's [secondary, subordinate] window.
    EXPECT_GE(b.bus, sec(t, downs[0]));
    EXPECT_LE(b.bus, sub(t, downs[0]));
  }
}

TEST(Topology, RcIntegratedPfVfsSpillingPastTheRootBusPushRootPortsDown) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0x10});
  FnId pf = t.add_function(rc, kNoFn, 0x00, sriov_pf(4, 0x100, 1, exp::Type::RcEndpoint), "rciep");
  FnId rp = t.add_root_port(rc, 2);
  t.finalize();
  EXPECT_EQ(t.fn(pf).bdf, Bdf::make(0, 0x10, 0, 0));
  EXPECT_EQ(t.fn(rp).bdf, Bdf::make(0, 0x10, 2, 0));
  EXPECT_EQ(pri_bus(t, rp), 0x10);
  EXPECT_EQ(sec(t, rp), 0x12);  // bus 0x11 is the VFs'
  enable_vfs(t, pf, 4);
  FnId v = t.find(0, Bdf::make(0, 0x11, 0, 3));
  ASSERT_NE(v, kNoFn);
  EXPECT_EQ(t.fn(v).vf_index, 3);
  // The VF image of an RCiEP PF is an RCiEP.
  EXPECT_EQ(pcie_type(t.fn(v).cfg), exp::Type::RcEndpoint);
}

TEST(Topology, SurpriseEjectOfAPfTakesItsEnabledVfsWithIt) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp = t.add_root_port(rc, 1);
  FnId pf = t.add_function(rc, rp, 0, sriov_pf(2, 1, 1), "pf", /*hotplug=*/true);
  t.finalize();
  t.insert(pf);
  enable_vfs(t, pf, 2);
  FnId v = t.find(0, Bdf::make(0, 1, 0, 1));
  ASSERT_NE(v, kNoFn);
  // eject() is documented as "surprise or after the OS let go": on a surprise
  // removal the card and therefore its VFs leave the slot.
  // Regression: eject once cleared only the PF's `present`, and its enabled VFs
  // kept answering config cycles from an empty slot.
  t.eject(pf);
  EXPECT_EQ(t.find(0, Bdf::make(0, 1, 0, 0)), kNoFn);
  EXPECT_EQ(t.find(0, Bdf::make(0, 1, 0, 1)), kNoFn);
  EXPECT_EQ(t.config_read(v, 0, 4), 0xffffffffu);
}

TEST(Topology, ReinsertedHotplugFunctionComesBackAtPowerOnReset) {
  Topology t;
  RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
  FnId rp = t.add_root_port(rc, 1);
  FnId hp = t.add_function(rc, rp, 0, endpoint(7), "hp", /*hotplug=*/true);
  t.finalize();
  t.insert(hp);
  uint16_t a = find_ext_cap(t.fn(hp).cfg, ext_cap::kAts);
  t.config_write(hp, a + ats::kCtrl, 2, ats::kCtrlEnable);
  t.config_write(hp, hdr::kCommand, 2, 0x0006);
  ASSERT_EQ(t.config_read(hp, a + ats::kCtrl, 2), ats::kCtrlEnable);
  t.eject(hp);
  t.insert(hp);
  // A card inserted into a slot is powered up, i.e. at reset: ATS disabled, memory/bus-master off.
  // Regression: insert/eject once only flipped `present`, so a re-inserted device kept
  // the control registers software wrote before the removal.
  EXPECT_EQ(t.config_read(hp, a + ats::kCtrl, 2), 0u);
  EXPECT_EQ(t.config_read(hp, hdr::kCommand, 2), 0u);
}

TEST(Topology, AddFunctionAfterFinalizeIsRefused) {
  Topology t;
  RcId rc = t.add_root_complex({});
  t.finalize();
  EXPECT_THROW(t.add_function(rc, kNoFn, 0, endpoint(1), "late"), std::logic_error);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::hw::pcie
