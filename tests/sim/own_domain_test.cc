// A kernel driver's own paging domain (attach_own_domain) lives as long as the driver holds it:
// detach_own_domain frees it, and so does the driver's remove() once the device is gone, or the
// driver's next attach when a write to iommu_group/type moved the group off it. A long stress
// run otherwise kept every such domain alive (issue 16, item 8).
#include <gtest/gtest.h>

#include <cerrno>

#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

struct Machine {
  Machine()
      : sc(io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/explore-small.yaml")),
        s(boot_machine(sc, policy::AtsVariant::FailEarly, ctx, 1, "")) {
    EXPECT_EQ(run_op(s, ctx, {.kind = OpKind::SriovEnable, .device = "pf", .count = 2}), 0);
  }
  int run(OpKind k, const std::string& dev, const std::string& type = "") {
    return run_op(s, ctx, {.kind = k, .device = dev, .type = type});
  }
  pci::DevId dev(const std::string& name) { return *resolve(s, ctx, name); }
  io::Scenario sc;
  OpContext ctx;
  System s;
};

TEST(OwnDomain, SriovDisableFreesTheDomainOfTheVfItWasAttachedTo) {
  Machine m;
  ASSERT_EQ(m.run(OpKind::AttachOwnDomain, "pf.vf0"), 0);
  const pci::DevId vf0 = m.dev("pf.vf0");
  const iommu::DomainId own = m.ctx.own_domains.at(vf0);
  ASSERT_TRUE(iommu::domain(m.s, own).live);

  ASSERT_EQ(m.run(OpKind::SriovDisable, "pf"), 0);
  EXPECT_EQ(m.s.kernel.devs[vf0].state, pci::DevState::Removed);
  EXPECT_FALSE(iommu::domain(m.s, own).live) << "the VF's driver frees its domain in remove()";
  EXPECT_TRUE(m.ctx.own_domains.empty());
}

TEST(OwnDomain, AnAttachAfterTheGroupWasMovedOffFreesTheDomainItLost) {
  Machine m;
  ASSERT_EQ(m.run(OpKind::AttachOwnDomain, "pf.vf1"), 0);
  const pci::DevId vf1 = m.dev("pf.vf1");
  const iommu::DomainId lost = m.ctx.own_domains.at(vf1);
  // Nobody owns the group (no driver bound), so the sysfs write replaces its default domain and
  // moves the group off the driver's domain, which stays allocated.
  ASSERT_EQ(m.run(OpKind::GroupSetType, "pf.vf1", "identity"), 0);
  ASSERT_NE(iommu::group(m.s, iommu::group_of(m.s, vf1)).domain, lost);
  ASSERT_TRUE(iommu::domain(m.s, lost).live);

  ASSERT_EQ(m.run(OpKind::AttachOwnDomain, "pf.vf1"), 0);
  const iommu::DomainId now = m.ctx.own_domains.at(vf1);
  EXPECT_EQ(iommu::group(m.s, iommu::group_of(m.s, vf1)).domain, now);
  size_t unmanaged = 0;
  for (const auto& d : m.s.kernel.iommu.domains) unmanaged += d.live && d.type == iommu::DomainType::Unmanaged;
  EXPECT_EQ(unmanaged, 1u) << "the domain the group was moved off was freed, not kept beside the new one";
}

TEST(OwnDomain, AttachedTwiceTheSecondIsRefusedAndTheFirstKept) {
  Machine m;
  ASSERT_EQ(m.run(OpKind::AttachOwnDomain, "pf.vf0"), 0);
  const iommu::DomainId first = m.ctx.own_domains.at(m.dev("pf.vf0"));
  EXPECT_EQ(m.run(OpKind::AttachOwnDomain, "pf.vf0"), -EBUSY);
  EXPECT_EQ(m.ctx.own_domains.at(m.dev("pf.vf0")), first);
  EXPECT_TRUE(iommu::domain(m.s, first).live);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
