// Section 1.3 pinned over {PF, VF} x pf_aware_ats_supported x vf_stu_validation:
// every check, return code, WARN and the order of the checks must hold for both
// kinds of function with each seed switch on or off; only the two places the
// switches name (a VF's support verdict, a VF's prepare) may differ, and a PF
// behaves exactly as upstream whatever the switches say.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "linux/kernel/errno.h"
#include "linux/pci/ats.h"
#include "machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

using hw::pcie::ats::kCtrlEnable;

enum class Role { Pf, Vf };

struct Param {
  Role role;
  bool pf_aware;
  bool vf_stu;
};

std::string param_name(const ::testing::TestParamInfo<Param>& i) {
  return std::string(i.param.role == Role::Pf ? "Pf" : "Vf") + (i.param.pf_aware ? "_PfAware" : "_Upstream") +
         (i.param.vf_stu ? "_VfStuValidation" : "_NoVfStuValidation");
}

policy::PciCoreSwitches switches(const Param& p) {
  policy::PciCoreSwitches sw;
  sw.pf_aware_ats_supported = p.pf_aware;
  sw.vf_stu_validation = p.vf_stu;
  return sw;
}

class AtsMatrix : public ::testing::TestWithParam<Param> {
 protected:
  AtsMatrix() : m_({.switches = switches(GetParam())}) {
    vf_ = m_.enable_vfs(1).at(0);
    dev_ = GetParam().role == Role::Pf ? m_.pf() : vf_;
  }
  bool is_vf() const { return GetParam().role == Role::Vf; }
  pci::PciDev& d() { return m_.s.kernel.devs[dev_]; }
  // The IOMMU driver's probe order: the PF is prepared at boot, so a VF can enable at this page shift.
  void prepare_pf(int ps = 12) { ASSERT_EQ(pci::prepare_ats(m_.s, m_.pf(), ps), 0); }
  void expect_one_warning(kernel::KFn fn, const std::string& cond) {
    ASSERT_EQ(m_.warnings(), 1u);
    const auto& w = m_.s.record.warnings[0];
    EXPECT_EQ(w.function, fn);
    EXPECT_EQ(w.file, "drivers/pci/ats.c");
    EXPECT_EQ(w.condition, cond);
    ASSERT_FALSE(w.call_trace.empty());
    EXPECT_EQ(w.call_trace.front(), fn);
  }

  Machine m_;
  pci::DevId vf_ = 0, dev_ = 0;
};

// The two ways a function is unsupported on its own: no ATS capability (or quirked away), or untrusted.
TEST_P(AtsMatrix, PrepareAndEnableOnAnUnsupportedFunctionAreEinvalWithoutWarning) {
  prepare_pf();
  for (int how = 0; how < 2; ++how) {
    SCOPED_TRACE(how == 0 ? "ats_cap 0" : "untrusted");
    uint16_t cap = d().ats_cap;
    if (how == 0) d().ats_cap = 0;
    else d().untrusted = true;
    auto writes = m_.config_writes();
    uint8_t stu = d().ats_stu;
    EXPECT_FALSE(pci::ats_supported(m_.s, dev_));
    EXPECT_EQ(pci::prepare_ats(m_.s, dev_, 12), -EINVAL);
    EXPECT_EQ(pci::enable_ats(m_.s, dev_, 12), -EINVAL);
    EXPECT_EQ(m_.config_writes(), writes);
    EXPECT_EQ(d().ats_stu, stu);
    EXPECT_FALSE(d().ats_enabled);
    EXPECT_EQ(m_.warnings(), 0u);
    d().ats_cap = cap;
    d().untrusted = false;
  }
}

TEST_P(AtsMatrix, PrepareWhenAlreadyEnabledWarnsAndIsEbusyTouchingNothing) {
  prepare_pf();
  ASSERT_EQ(pci::enable_ats(m_.s, dev_, 12), 0);
  auto writes = m_.config_writes();
  uint16_t ctrl = m_.ats_ctrl(dev_);
  EXPECT_EQ(pci::prepare_ats(m_.s, dev_, 12), -EBUSY);
  expect_one_warning(kernel::KFn::pci_prepare_ats, "dev->ats_enabled");
  EXPECT_EQ(m_.config_writes(), writes);
  EXPECT_EQ(m_.ats_ctrl(dev_), ctrl);
  EXPECT_TRUE(d().ats_enabled);
}

TEST_P(AtsMatrix, EnableWhenAlreadyEnabledWarnsAndIsEbusyTouchingNothing) {
  prepare_pf();
  ASSERT_EQ(pci::enable_ats(m_.s, dev_, 12), 0);
  auto writes = m_.config_writes();
  uint16_t ctrl = m_.ats_ctrl(dev_);
  uint8_t pf_stu = m_.s.kernel.devs[m_.pf()].ats_stu;
  EXPECT_EQ(pci::enable_ats(m_.s, dev_, 16), -EBUSY);
  expect_one_warning(kernel::KFn::pci_enable_ats, "dev->ats_enabled");
  EXPECT_EQ(m_.config_writes(), writes);
  EXPECT_EQ(m_.ats_ctrl(dev_), ctrl);
  EXPECT_EQ(m_.s.kernel.devs[m_.pf()].ats_stu, pf_stu);
}

TEST_P(AtsMatrix, PageShiftBelowTwelveIsEinvalWithoutWarning) {
  prepare_pf();
  auto writes = m_.config_writes();
  for (int ps : {11, 0, -1}) {
    EXPECT_EQ(pci::prepare_ats(m_.s, dev_, ps), -EINVAL) << ps;
    EXPECT_EQ(pci::enable_ats(m_.s, dev_, ps), -EINVAL) << ps;
  }
  EXPECT_EQ(m_.config_writes(), writes);
  EXPECT_FALSE(d().ats_enabled);
  EXPECT_EQ(m_.s.kernel.devs[m_.pf()].ats_stu, 12);
  EXPECT_EQ(m_.warnings(), 0u);
}

TEST_P(AtsMatrix, DisableWithAtsOffWarnsAtTheSeedLineAndTouchesNothing) {
  prepare_pf();
  auto writes = m_.config_writes();
  pci::disable_ats(m_.s, dev_);
  expect_one_warning(kernel::KFn::pci_disable_ats, "!dev->ats_enabled");
  EXPECT_EQ(m_.s.record.warnings[0].line, 132);
  EXPECT_EQ(m_.config_writes(), writes);
}

TEST_P(AtsMatrix, EnableThenDisableRoundTripsTheHardwareBit) {
  prepare_pf(14);
  ASSERT_EQ(pci::enable_ats(m_.s, dev_, 14), 0);
  EXPECT_TRUE(d().ats_enabled);
  // A PF programs its STU (14 - 12); a VF has none and writes Enable alone.
  EXPECT_EQ(m_.ats_ctrl(dev_), is_vf() ? kCtrlEnable : kCtrlEnable | 2);
  pci::disable_ats(m_.s, dev_);
  EXPECT_FALSE(d().ats_enabled);
  EXPECT_EQ(m_.ats_ctrl(dev_), is_vf() ? 0 : 2);
  EXPECT_EQ(m_.warnings(), 0u);
}

// Check order: support first (no WARN), then the WARN on ats_enabled, then the page shift.
TEST_P(AtsMatrix, SupportIsCheckedBeforeEnabledAndEnabledBeforeThePageShift) {
  prepare_pf();
  ASSERT_EQ(pci::enable_ats(m_.s, dev_, 12), 0);
  d().untrusted = true;  // unsupported while enabled
  EXPECT_EQ(pci::prepare_ats(m_.s, dev_, 12), -EINVAL);
  EXPECT_EQ(pci::enable_ats(m_.s, dev_, 12), -EINVAL);
  EXPECT_EQ(m_.warnings(), 0u) << "an unsupported function fails before the ats_enabled WARN";
  d().untrusted = false;
  EXPECT_EQ(pci::prepare_ats(m_.s, dev_, 11), -EBUSY) << "enabled is checked before the page shift";
  EXPECT_EQ(pci::enable_ats(m_.s, dev_, 11), -EBUSY);
  EXPECT_EQ(m_.warnings(), 2u);
}

// A VF whose PF had ATS quirked away by a real quirk (Intel E2000, rev < 0x20; the VF's own ID
// is not in the table), in both quirk phases. The PF-aware switch alone decides what the VF says.
TEST_P(AtsMatrix, VfOfAQuirkedPfIsUnsupportedOnlyWithThePfAwareSwitch) {
  for (auto phase : {policy::QuirkPhase::Final, policy::QuirkPhase::Header}) {
    SCOPED_TRACE(std::string(policy::name(phase)));
    auto sw = switches(GetParam());
    sw.no_ats_quirk_phase = phase;
    Machine q({.switches = sw, .pf = {.vendor = 0x8086, .device = 0x1452, .vf_device = 0x1456, .revision = 0x10}});
    auto vf = q.enable_vfs(1).at(0);
    ASSERT_NE(q.s.kernel.devs[q.pf()].quirks_applied, 0u);
    ASSERT_EQ(q.s.kernel.devs[vf].quirks_applied, 0u);
    ASSERT_NE(q.s.kernel.devs[vf].ats_cap, 0) << "the VF itself keeps its capability";
    pci::DevId dev = is_vf() ? vf : q.pf();
    // The PF cannot be prepared: its ATS is gone whatever the switches say.
    EXPECT_FALSE(pci::ats_supported(q.s, q.pf()));
    EXPECT_EQ(pci::prepare_ats(q.s, q.pf(), 12), -EINVAL);
    bool vf_supported = !GetParam().pf_aware;
    EXPECT_EQ(pci::ats_supported(q.s, dev), is_vf() && vf_supported);
    int prepare_rc = !is_vf() || !vf_supported ? -EINVAL : GetParam().vf_stu ? -EINVAL /* PF ats_stu 0 */ : 0;
    EXPECT_EQ(pci::prepare_ats(q.s, dev, 12), prepare_rc);
    // Enable always fails: unsupported, or (upstream) supported but the PF's STU was never set.
    EXPECT_EQ(pci::enable_ats(q.s, dev, 12), -EINVAL);
    EXPECT_FALSE(q.s.kernel.devs[dev].ats_enabled);
    EXPECT_EQ(q.warnings(), 0u);
  }
}

TEST_P(AtsMatrix, VfStuMismatchFailsPrepareOnlyWithTheValidationSwitch) {
  prepare_pf(12);
  auto writes = m_.config_writes();
  // Matching page shift: fine everywhere; a VF writes nothing at prepare.
  EXPECT_EQ(pci::prepare_ats(m_.s, dev_, 12), 0);
  if (is_vf()) {
    EXPECT_EQ(m_.config_writes(), writes);
  }
  // A different page shift: a PF re-programs its own STU; a VF fails only under seed patch 2.
  int rc = pci::prepare_ats(m_.s, dev_, 16);
  if (is_vf()) {
    EXPECT_EQ(rc, GetParam().vf_stu ? -EINVAL : 0);
    EXPECT_EQ(m_.config_writes(), writes);
    EXPECT_EQ(m_.s.kernel.devs[m_.pf()].ats_stu, 12);
    EXPECT_EQ(d().ats_stu, 0);
    // Enable checks the PF's STU in every variant.
    EXPECT_EQ(pci::enable_ats(m_.s, dev_, 16), -EINVAL);
    EXPECT_FALSE(d().ats_enabled);
  } else {
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(d().ats_stu, 16);
    EXPECT_EQ(m_.ats_ctrl(dev_), 16 - 12);
  }
  EXPECT_EQ(m_.warnings(), 0u);
}

// Everything a PF goes through, as return codes, hardware Control values, software fields and
// WARNs. The PF's history must equal upstream's (both switches off) whatever the switches say.
std::vector<int> pf_history(const policy::PciCoreSwitches& sw, bool with_vf) {
  Machine m({.switches = sw});
  if (with_vf) m.enable_vfs(1);
  pci::DevId pf = m.pf();
  std::vector<int> h;
  auto snap = [&](int rc) {
    h.push_back(rc);
    h.push_back(m.ats_ctrl(pf));
    h.push_back(m.s.kernel.devs[pf].ats_stu);
    h.push_back(m.s.kernel.devs[pf].ats_enabled);
    h.push_back(static_cast<int>(m.warnings()));
    h.push_back(static_cast<int>(m.config_writes()));
  };
  snap(pci::ats_supported(m.s, pf));
  snap(pci::prepare_ats(m.s, pf, 11));
  snap(pci::prepare_ats(m.s, pf, 16));
  snap(pci::prepare_ats(m.s, pf, 12));
  snap(pci::enable_ats(m.s, pf, 14));
  snap(pci::enable_ats(m.s, pf, 12));
  snap(pci::prepare_ats(m.s, pf, 12));
  pci::disable_ats(m.s, pf);
  snap(0);
  pci::disable_ats(m.s, pf);
  snap(0);
  snap(pci::ats_queue_depth(m.s, pf));
  snap(pci::ats_page_aligned(m.s, pf));
  m.s.kernel.devs[pf].untrusted = true;
  snap(pci::ats_supported(m.s, pf));
  snap(pci::enable_ats(m.s, pf, 12));
  return h;
}

TEST_P(AtsMatrix, PfBehavesAsUpstreamWithEitherSwitch) {
  bool with_vf = is_vf();  // the VF role runs it with a VF present, the PF role without
  auto upstream = pf_history({}, with_vf);
  EXPECT_EQ(pf_history(switches(GetParam()), with_vf), upstream);
  // And the history is the section 1.3 one, not merely the same: spot-check its return codes.
  ASSERT_EQ(upstream.size(), 13u * 6u);
  EXPECT_EQ(upstream[0], 1);             // supported
  EXPECT_EQ(upstream[6], -EINVAL);       // ps 11
  EXPECT_EQ(upstream[4 * 6], 0);         // enable 14
  EXPECT_EQ(upstream[4 * 6 + 1], kCtrlEnable | 2);
  EXPECT_EQ(upstream[5 * 6], -EBUSY);    // enable twice
  EXPECT_EQ(upstream[6 * 6], -EBUSY);    // prepare while enabled
  EXPECT_EQ(upstream[8 * 6 + 4], 3);     // third WARN: disable with ATS off
  EXPECT_EQ(upstream[12 * 6], -EINVAL);  // untrusted
}

INSTANTIATE_TEST_SUITE_P(Section13, AtsMatrix,
                         ::testing::Values(Param{Role::Pf, false, false}, Param{Role::Pf, false, true},
                                           Param{Role::Pf, true, false}, Param{Role::Pf, true, true},
                                           Param{Role::Vf, false, false}, Param{Role::Vf, false, true},
                                           Param{Role::Vf, true, false}, Param{Role::Vf, true, true}),
                         param_name);

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
