// echo identity|DMA|auto > /sys/kernel/iommu_groups/N/type (iommu_group_store_type):
// the group's default domain is replaced only while nobody uses the group, the
// SMMUv3 driver turns ATS off for identity and on again for DMA, and an untrusted
// device never leaves DMA translation.
#include <gtest/gtest.h>

#include "check/invariants.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/errno.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

struct Machine {
  explicit Machine(const char* scenario, policy::AtsVariant v = policy::AtsVariant::FailEarly)
      : sc(io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/" + scenario)), s(boot_machine(sc, v, ctx, 1, "")) {
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  }
  int set_type(const std::string& dev, const std::string& type) {
    return run_op(s, ctx, {.kind = OpKind::GroupSetType, .device = dev, .type = type});
  }
  pci::DevId dev(const std::string& name) { return *resolve(s, ctx, name); }
  const iommu::Group& group(const std::string& name) { return iommu::group(s, iommu::group_of(s, dev(name))); }
  iommu::DomainType default_type(const std::string& name) { return iommu::domain(s, group(name).default_domain).type; }
  bool pci_ats(const std::string& name) { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[dev(name)].fn).cfg).enabled; }
  io::Scenario sc;
  OpContext ctx;
  System s;
};

TEST(GroupSetType, IdentityTurnsAtsOffAndDmaTurnsItOnAgain) {
  Machine m("explore-small.yaml");
  ASSERT_EQ(m.default_type("pf.vf0"), iommu::DomainType::Dma);
  ASSERT_TRUE(m.pci_ats("pf.vf0")) << "a healthy VF has ATS on its DMA default domain";
  const iommu::DomainId dma = m.group("pf.vf0").default_domain;

  ASSERT_EQ(m.set_type("pf.vf0", "identity"), 0);
  EXPECT_EQ(m.default_type("pf.vf0"), iommu::DomainType::Identity);
  EXPECT_EQ(m.group("pf.vf0").domain, m.group("pf.vf0").default_domain) << "the group sits on its new default domain";
  EXPECT_FALSE(iommu::domain(m.s, dma).live) << "the old DMA domain is freed once nothing uses it";
  EXPECT_FALSE(m.pci_ats("pf.vf0")) << "no ATS behind an identity domain (no CD table, S1DSS bypass not used)";
  EXPECT_FALSE(m.s.kernel.devs[m.dev("pf.vf0")].ats_enabled);
  EXPECT_TRUE(m.pci_ats("pf.vf1")) << "the other VF's group is untouched";

  ASSERT_EQ(m.set_type("pf.vf0", "DMA"), 0);
  EXPECT_EQ(m.default_type("pf.vf0"), iommu::DomainType::Dma);
  EXPECT_TRUE(m.pci_ats("pf.vf0"));
  check::Monitor mon;
  mon.step(m.s, "after identity and back");
  EXPECT_TRUE(mon.all().empty()) << mon.all().front().detail;
  EXPECT_TRUE(m.s.record.warnings.empty());
}

TEST(GroupSetType, SameTypeIsANoOpAndAutoMeansTheKernelsDefault) {
  Machine m("explore-small.yaml");
  const iommu::DomainId dma = m.group("pf.vf1").default_domain;
  const size_t events = m.s.record.events.size();
  EXPECT_EQ(m.set_type("pf.vf1", "identity"), 0);
  const iommu::DomainId ident = m.group("pf.vf1").default_domain;
  EXPECT_EQ(m.set_type("pf.vf1", "identity"), 0);
  EXPECT_EQ(m.group("pf.vf1").default_domain, ident) << "the static identity domain again: nothing to do";
  EXPECT_EQ(m.set_type("pf.vf1", "auto"), 0);
  EXPECT_EQ(m.default_type("pf.vf1"), iommu::DomainType::Dma) << "auto: iommu.passthrough is off";
  EXPECT_EQ(m.group("pf.vf1").default_domain, dma) << "the freed DMA domain's slot is reused, lowest first";
  EXPECT_GT(m.s.record.events.size(), events);
}

TEST(GroupSetType, RefusedWhileADriverOrAnOwnerUsesTheGroup) {
  Machine m("explore-small.yaml");
  EXPECT_EQ(m.set_type("pf", "identity"), -EPERM) << "the PF's native driver uses the DMA API (owner_cnt)";
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::Bind, .device = "pf.vf0", .driver = "vfio-pci"}), 0);
  EXPECT_EQ(m.set_type("pf.vf0", "identity"), 0) << "vfio-pci manages DMA itself: bound but unowned, the type may change";
  ASSERT_EQ(m.set_type("pf.vf0", "DMA"), 0);
  ASSERT_EQ(run_op(m.s, m.ctx, {.kind = OpKind::VfioSetContainer, .device = "pf.vf0", .container = "c0"}), 0);
  const System before = m.s;
  EXPECT_EQ(m.set_type("pf.vf0", "identity"), -EPERM) << "VFIO owns the group";
  EXPECT_EQ(m.s.kernel, before.kernel) << "a refused write changes nothing";
  EXPECT_EQ(m.set_type("pf.vf1", "DMA-lazy"), -EINVAL) << "not a type sysfs knows";
  EXPECT_EQ(m.set_type("pf.vf3", "identity"), -ENODEV) << "no such device, no iommu_group link";
}

TEST(GroupSetType, UntrustedDeviceKeepsDmaTranslation) {
  Machine m("untrusted-pf-vfs.yaml");
  ASSERT_TRUE(m.s.kernel.devs[m.dev("pf.vf0")].untrusted);
  const iommu::DomainId dma = m.group("pf.vf0").default_domain;
  EXPECT_EQ(m.set_type("pf.vf0", "identity"), -EINVAL) << "iommu_get_default_domain_type refuses identity";
  EXPECT_EQ(m.group("pf.vf0").default_domain, dma);
  EXPECT_EQ(m.set_type("pf.vf0", "auto"), 0);
  EXPECT_EQ(m.default_type("pf.vf0"), iommu::DomainType::Dma);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
