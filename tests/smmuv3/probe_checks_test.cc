// Probe-time checks of the SMMU hardware: an SMMU translating at neither stage is
// refused by arm_smmu_device_hw_probe (-ENXIO, "no translation support!"), so no
// master ever probes on it; a StreamID beyond IDR1.SIDSIZE fails the master's probe
// in arm_smmu_insert_master (-ERANGE), and at registration that takes the whole SMMU
// down (bus_iommu_probe stops, iommu_device_register unregisters it).
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "io/input_error.h"
#include "io/scenario.h"
#include "linux/smmuv3/hw_probe.h"
#include "sim/scenario_run.h"
#include "../support/temp_dir.h"

namespace atslab {
namespace ATSLAB_UNITY_ID {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = atslab::test::process_temp_dir("probe-checks");
  auto p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

std::string scenario(const std::string& smmu) {
  return "machine:\n  smmus: [" + smmu +
         "]\n  ports: [{name: rp0}]\n  devices:\n"
         "    - {name: pf, port: rp0, vendor: 0x15b3, device: 0x101d, sriov: {total_vfs: 2, vf_device: 0x101e}}\n"
         "kernel: {variants: [upstream]}\n";
}

sim::ScenarioResult run(const std::string& name, const std::string& smmu) {
  auto r = sim::run_scenario(io::load_scenario(write_temp(name, scenario(smmu))), policy::AtsVariant::Upstream);
  for (const auto& st : r.steps) EXPECT_EQ(st.ret, 0) << name << ": " << st.what;
  return r;
}

size_t live_masters(const System& s) {
  size_t n = 0;
  for (const auto& m : s.kernel.smmuv3.masters) n += m.live;
  return n;
}

bool logged(const System& s, const std::string& text) {
  for (const auto& l : s.record.log)
    if (l.text == text) return l.level == kernel::Level::Err;
  return false;
}

TEST(SmmuProbeChecks, TheFeaturesReadFromIdr0AreTheStagesTranslated) {
  hw::smmuv3::Smmu h;
  h.idr0 &= ~(hw::smmuv3::reg::kIdr0S1p | hw::smmuv3::reg::kIdr0S2p);
  auto info = smmuv3::device_hw_probe(h);
  EXPECT_FALSE(info.feat_trans_s1);
  EXPECT_FALSE(info.feat_trans_s2);
  h.idr0 |= hw::smmuv3::reg::kIdr0S2p;
  info = smmuv3::device_hw_probe(h);
  EXPECT_FALSE(info.feat_trans_s1);
  EXPECT_TRUE(info.feat_trans_s2);
}

TEST(SmmuProbeChecks, AnSmmuWithoutTranslationIsRefusedAndNoMasterProbesOnIt) {
  auto r = run("no-translation.yaml", "{s1p: false, s2p: false}");
  const System& s = r.final;
  EXPECT_TRUE(logged(s, "arm-smmu-v3 arm-smmu-v3.0.auto: no translation support!"));
  EXPECT_EQ(live_masters(s), 0u) << "no master probed";
  for (const auto& d : s.kernel.iommu.devs) EXPECT_FALSE(d.probed);
  bool any_probe = false;
  for (const auto& e : s.record.events) any_probe |= e.kind == kernel::EventKind::IommuProbe;
  EXPECT_FALSE(any_probe) << "the SMMU was never registered with the IOMMU core";
  EXPECT_FALSE(s.hw.smmus.at(0).cr0 & hw::smmuv3::reg::kCr0SmmuEn) << "arm_smmu_device_reset never ran";
  EXPECT_TRUE(s.record.warnings.empty());
  EXPECT_TRUE(r.violated.empty());
  // One stage is enough: a stage-2-only SMMU probes its masters.
  auto s2 = run("s2-only.yaml", "{s1p: false}");
  EXPECT_FALSE(logged(s2.final, "arm-smmu-v3 arm-smmu-v3.0.auto: no translation support!"));
  EXPECT_GT(live_masters(s2.final), 0u);
  EXPECT_TRUE(s2.violated.empty());
}

TEST(SmmuProbeChecks, AStreamIdBeyondSidSizeFailsThatMastersProbeAndAtRegistrationTheSmmu) {
  // 8 SID bits: a linear table of 256 STEs. The root port (bus 0) fits; the PF (bus 1,
  // StreamID 0x100) does not.
  auto r = run("sid-bits-8.yaml", "{sid_bits: 8}");
  const System& s = r.final;
  size_t refused = 0, accepted = 0;
  for (const auto& e : s.record.events) {
    if (e.kind != kernel::EventKind::IommuProbe) continue;
    uint32_t sid = s.kernel.devs.at(e.dev).bdf.rid();
    if (sid > 0xff) {
      EXPECT_EQ(e.b, -ERANGE) << "StreamID " << sid;
      ++refused;
    } else {
      EXPECT_EQ(e.b, 0) << "StreamID " << sid;
      ++accepted;
    }
  }
  EXPECT_EQ(refused, 1u) << "the PF";
  EXPECT_GE(accepted, 1u) << "the root port, probed before it";
  // -ERANGE is not -ENODEV: bus_iommu_probe stops at the PF and the core unregisters the SMMU,
  // releasing the root port's master again (the 2026 core probes every device at registration).
  EXPECT_EQ(live_masters(s), 0u);
  for (pci::DevId d = 0; d < s.kernel.devs.size(); ++d)
    if (d < s.kernel.iommu.devs.size()) {
      EXPECT_FALSE(s.kernel.iommu.devs[d].probed);
    }
  bool unregistered = false;
  for (const auto& l : s.record.log) unregistered |= l.text == "arm-smmu-v3 arm-smmu-v3.0.auto: Failed to register iommu";
  EXPECT_TRUE(unregistered);
  EXPECT_TRUE(s.record.warnings.empty());
  EXPECT_TRUE(r.violated.empty());
  // The same machine with the default 16 SID bits probes every function.
  auto wide = run("sid-bits-16.yaml", "{}");
  EXPECT_EQ(live_masters(wide.final), accepted + refused);
}

TEST(SmmuProbeChecks, TheLoaderRefusesBadIdrFieldsWithOneLine) {
  for (const auto& [smmu, expect] : {std::pair{"{sid_bits: 25}", "machine.smmus[].sid_bits: 25 is out of range"},
                                     std::pair{"{s1p: maybe}", "machine.smmus[].s1p"}}) {
    std::string path = write_temp("bad.yaml", scenario(smmu));
    try {
      io::load_scenario(path);
      ADD_FAILURE() << "accepted " << smmu;
    } catch (const InputError& e) {
      std::string m = e.what();
      EXPECT_NE(m.find(expect), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << "one line";
    }
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab
