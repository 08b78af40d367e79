// The endpoint's ATC as PCIe's ATS chapter specifies it, and the two non-compliances scenarios
// may ask for: ATS Enable going Clear -> Set invalidates the whole ATC (an implicit invalidation
// event), and an ATC behind a clear Enable bit is never used.
#include <gtest/gtest.h>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "hw/pcie/regs.h"
#include "hw/pcie/topology.h"

namespace atslab::hw::pcie {
namespace ATSLAB_UNITY_ID {
namespace {

struct OneEndpoint {
  Topology t;
  FnId ep;
  uint16_t ctrl;  // the ATS Control register's offset
  OneEndpoint() {
    RcId rc = t.add_root_complex({.domain = 0, .root_bus = 0});
    FnId rp = t.add_root_port(rc, 1);
    ConfigBuilder b(HeaderSpec{0x15b3, 0x101d, 0x020000});
    b.add_pcie(exp::Type::Endpoint);
    b.add_ats({});
    ep = t.add_function(rc, rp, 0, b.build(), "ep");
    t.finalize();
    ctrl = static_cast<uint16_t>(find_ext_cap(t.fn(ep).cfg, ext_cap::kAts) + ats::kCtrl);
  }
  void enable(bool on) { t.config_write(ep, ctrl, 2, on ? ats::kCtrlEnable : 0); }
  Atc& atc() { return t.fn(ep).atc; }
};

TEST(EndpointCompliance, SettingAtsEnableInvalidatesTheWholeAtc) {
  OneEndpoint e;
  e.enable(true);
  e.atc().fill_completion(false, 0, 0x100000, 0x1000, 0x80000000, true, 12);
  e.atc().fill_completion(true, 5, 0x200000, 0x1000, 0x90000000, false, 12);
  e.enable(false);
  EXPECT_EQ(e.atc().entries.size(), 2u) << "clearing Enable is not an invalidation event";
  EXPECT_FALSE(e.atc().entries_reachable(ats_control(e.t.fn(e.ep).cfg))) << "a disabled ATC is never used";
  e.enable(true);
  EXPECT_TRUE(e.atc().entries.empty());
}

TEST(EndpointCompliance, RewritingEnableWhileSetIsNoInvalidation) {
  OneEndpoint e;
  e.enable(true);
  e.atc().fill_completion(false, 0, 0x100000, 0x1000, 0x80000000, true, 12);
  e.enable(true);  // Set -> Set (an STU rewrite, say)
  EXPECT_EQ(e.atc().entries.size(), 1u);
}

TEST(EndpointCompliance, ANonCompliantEndpointKeepsItsAtcAcrossADisableAndEnable) {
  OneEndpoint e;
  e.atc().on_enable = AtcOnEnable::Keep;
  e.enable(true);
  e.atc().fill_completion(false, 0, 0x100000, 0x1000, 0x80000000, true, 12);
  e.enable(false);
  EXPECT_TRUE(e.atc().entries_reachable(ats_control(e.t.fn(e.ep).cfg))) << "it may use them again";
  e.enable(true);
  EXPECT_EQ(e.atc().entries.size(), 1u);
  // A reset (a new function, VF Enable, hot-plug) keeps the device's non-compliance.
  e.atc().reset();
  EXPECT_EQ(e.atc().on_enable, AtcOnEnable::Keep);
  EXPECT_TRUE(e.atc().entries.empty());
}

TEST(EndpointCompliance, InvalidationsWhileDisabledCompleteByDefault) {
  OneEndpoint e;
  EXPECT_EQ(e.atc().inv_while_disabled, AtcInvWhileDisabled::Complete);
  EXPECT_EQ(e.atc().on_enable, AtcOnEnable::Invalidate);
  EXPECT_TRUE(e.atc().receive_invalidation({.itag = 1}, ats_control(e.t.fn(e.ep).cfg)));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::hw::pcie
