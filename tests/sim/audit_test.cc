// atslab audit (sim::audit_scenario): per device and variant, the boot's ATS decision and why,
// and what handing the device to VFIO and releasing it does.
#include <gtest/gtest.h>

#include <algorithm>

#include "io/input_error.h"
#include "io/scenario.h"
#include "sim/audit.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

const AuditDevice& dev(const Audit& a, const std::string& bdf) {
  for (const auto& d : a.devices)
    if (d.bdf == bdf) return d;
  throw std::runtime_error("no " + bdf);
}

bool has(const std::vector<std::string>& why, const std::string& needle) {
  return std::any_of(why.begin(), why.end(), [&](const std::string& w) { return w.find(needle) != std::string::npos; });
}

Audit seed_audit() {
  const io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/seed.yaml");
  return audit_scenario(sc, {.variants = {policy::AtsVariant::Upstream, policy::AtsVariant::SeriesV3,
                                          policy::AtsVariant::FailEarly, policy::AtsVariant::Rollback}});
}

// The seed's VF under upstream: supported at probe, the enable fails on the PF's unset STU, the
// driver keeps ATS on, and the hand-over to VFIO hits the seed's WARN.
TEST(Audit, TheSeedsVfHitsTheWarnOnItsHandOverUnderUpstream) {
  const Audit a = seed_audit();
  ASSERT_EQ(a.devices.size(), 3u) << "the PF and two VFs; the root port has no ATS capability";
  const auto& vf = dev(a, "0000:01:00.1");
  EXPECT_EQ(vf.name, "pf.vf0");
  EXPECT_EQ(vf.kind, "VF of 0000:01:00.0");
  const auto& up = vf.verdicts.at(0);
  EXPECT_EQ(up.variant, policy::AtsVariant::Upstream);
  EXPECT_TRUE(up.probed);
  EXPECT_EQ(up.supported_at_probe, true);
  EXPECT_EQ(up.belief, true);
  EXPECT_FALSE(up.hardware);
  EXPECT_EQ(up.enable_error, -EINVAL);
  EXPECT_TRUE(has(up.why, "its PF 0000:01:00.0's STU is unset (the PF was never prepared), not the 12 the IOMMU asks for"));
  EXPECT_TRUE(has(up.why, "after the IOMMU's probe had seen pci_ats_supported() true"));
  EXPECT_EQ(up.boot_violations, std::vector<int>{9});
  // One WARN: the seed's second (at sriov_numvfs=0) is the other VF's, whose release still finds
  // its belief on; this VF's blocked attach already cleared it. Each VF is released alone
  // (sysfs remove), so a sibling's WARN never lands in its row.
  ASSERT_EQ(up.warns.size(), 1u);
  EXPECT_EQ(up.warns[0].function, "pci_disable_ats");
  EXPECT_EQ(up.warns[0].where, "drivers/pci/ats.c:132");
  EXPECT_EQ(up.warns[0].step, "VFIO_GROUP_SET_CONTAINER pf.vf0 -> audit");
  EXPECT_EQ(up.handover_violations, (std::vector<int>{4, 6}));
}

TEST(Audit, TheFixedDesignsSayNoAtTheProbeAndTheHandOverIsClean) {
  const Audit a = seed_audit();
  for (size_t i : {1u, 2u}) {
    const auto& v = dev(a, "0000:01:00.1").verdicts.at(i);
    EXPECT_EQ(v.supported_at_probe, false) << policy::name(v.variant);
    EXPECT_EQ(v.belief, false);
    EXPECT_FALSE(v.enable_error);
    EXPECT_TRUE(v.warns.empty());
    EXPECT_TRUE(v.handover_violations.empty());
    EXPECT_TRUE(has(v.why, "its PF 0000:01:00.0 has no ATS in the kernel's eyes, and pci_ats_supported() asks the PF"));
  }
}

// rollback fails the VF's default-domain attach, so the VF is not probed and vfio-pci cannot bind.
TEST(Audit, RollbackLosesTheVfAndSaysWhereTheHandOverStopped) {
  const Audit a = seed_audit();
  const auto& rb = dev(a, "0000:01:00.2").verdicts.at(3);
  EXPECT_EQ(rb.variant, policy::AtsVariant::Rollback);
  EXPECT_FALSE(rb.probed);
  EXPECT_EQ(rb.boot_violations, std::vector<int>{18});
  EXPECT_EQ(rb.handover_error, "bind vfio-pci to pf.vf1 -> -EINVAL");
  EXPECT_TRUE(has(rb.why, "pci_enable_ats() failed with -EINVAL: a VF has no STU of its own"));
}

// The PF's own row: quirked off at FINAL, its VFs disabled before its hand-over, so their WARNs
// stay in their rows.
TEST(Audit, ThePfsRowCarriesOnlyItsOwnTrouble) {
  const Audit a = seed_audit();
  const auto& pf = dev(a, "0000:01:00.0");
  const auto& up = pf.verdicts.at(0);
  EXPECT_EQ(up.supported_at_probe, false);
  EXPECT_EQ(up.belief, false);
  EXPECT_TRUE(up.warns.empty());
  EXPECT_TRUE(has(up.why, "ats_cap cleared by quirk_intel_e2000_no_ats (final) after pci_ats_init() found the capability"));
}

// 7.2's driver and a device that needs ATS behind an SMMU without it: no IOMMU for it, and the
// reasons name both the missing feature and what the kernel printed.
TEST(Audit, ARequiredDeviceBehindAnSmmuWithoutAtsHasNoIommuAndSaysWhy) {
  io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/always-on.yaml");
  sc.smmus.at(0).ats = false;
  const Audit a = audit_scenario(sc, {.variants = {policy::AtsVariant::Upstream}});
  const auto& v = dev(a, "0000:01:00.0").verdicts.at(0);
  EXPECT_FALSE(v.probed);
  EXPECT_FALSE(v.belief);
  EXPECT_TRUE(has(v.why, "the SMMU has no ATS (IDR0.ATS clear)"));
  EXPECT_TRUE(has(v.why, "the kernel said: SMMU doesn't support ATS"));
  EXPECT_EQ(v.handover_error, "bind vfio-pci to gpu -> -EINVAL");
  // With ATS, the same GPU is always on.
  const Audit ok = audit_scenario(io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/always-on.yaml"),
                                  {.variants = {policy::AtsVariant::Upstream}});
  EXPECT_TRUE(has(dev(ok, "0000:01:00.0").verdicts.at(0).why, "pci_ats_required(): ATS always on"));
}

// The root complex's ATS flag is IORT's attribute or DMAR's ATSR: the AMD-Vi driver reads none,
// so it is no reason there (ATS is on).
TEST(Audit, TheRootComplexFlagIsNoReasonBehindAmdVi) {
  io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/enable-failure.yaml");
  sc.rcs.at(0).iommu = hw::pcie::IommuKind::Amd;
  sc.rcs.at(0).ats = false;
  const Audit a = audit_scenario(sc, {.variants = {policy::AtsVariant::Upstream}});
  const auto& v = dev(a, "0000:01:00.0").verdicts.at(0);
  EXPECT_TRUE(v.hardware);
  EXPECT_FALSE(has(v.why, "root complex"));
}

TEST(Audit, VfsAboveTotalVfsFailWithErange) {
  const io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/seed.yaml");
  try {
    audit_scenario(sc, {.variants = {policy::AtsVariant::Upstream}, .vfs = 5});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("TotalVFs 4, so writing 5 to its sriov_numvfs fails with -ERANGE"), std::string::npos);
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
