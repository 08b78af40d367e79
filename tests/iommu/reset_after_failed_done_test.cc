// Two resets of one function of a two-function group, the first one's attach back failing: what
// the 2026 core (drivers/iommu/iommu.c, pci_dev_reset_iommu_prepare/done) and the SMMUv3 driver's
// invalidation arrays (arm-smmu-v3.c, arm_smmu_attach_prepare_invs, arm_smmu_install_old_domain_invs,
// arm_smmu_invs_unref) do with it. The explorer's verdict on group-fd.yaml under rollback
// (invariants 14, 16, 17, 20; finding 25, "A failed attach back, then another reset").
//
// After a failed re-attach, pci_dev_reset_iommu_done WARNs and clears gdev->blocked; group->domain
// is still the paging domain, while the driver has put the function back on the blocking domain
// (rollback's undo rewrote the abort STE and restored the array; an allocation failure in prepare
// never left it). The next reset's prepare calls __iommu_attach_device(blocking_domain, dev,
// group->domain): the driver takes `old` on trust, builds the function's invalidations for that
// domain and unrefs them from an array they are not in. The sibling's reference on the shared
// ASID tag is the one that goes.
#include <gtest/gtest.h>

#include <algorithm>

#include "check/invariants.h"
#include "hw/pcie/atc.h"
#include "hw/smmuv3/entry.h"
#include "hw/smmuv3/ste_layout.h"
#include "io/scenario.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/kfunc.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/invs.h"
#include "linux/smmuv3/smmuv3.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

using kernel::KFn;
using policy::AtsVariant;
namespace hste = hw::smmuv3::ste;

// group-fd.yaml after its first seven operations (explore --prefix 7): fn0 and fn1, one group
// without ACS, in container c0 on type1's S1 paging domain, both device fds open (fn1's twice).
// The plan's rule never fires; it makes the injector count pci_enable_ats() calls.
struct BothFdsOpen {
  explicit BothFdsOpen(AtsVariant v)
      : sc(io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/group-fd.yaml")),
        s(boot_machine(sc, v, ctx, 1, "pci_enable_ats:nth=1000000")) {
    for (size_t i = 0; i < 7; ++i) run_op(s, ctx, sc.workload.at(i));
    EXPECT_EQ(iommu::group(s, iommu::group_of(s, dev("fn0"))).domain, type1_domain());
    EXPECT_TRUE(hw_ats("fn0"));
    EXPECT_TRUE(hw_ats("fn1"));
    step("prefix");
    EXPECT_TRUE(mon.all().empty());
    EXPECT_TRUE(s.record.warnings.empty());
  }
  io::Scenario sc;
  OpContext ctx;
  System s;
  check::Monitor mon;

  int run(Op op) {
    const std::string name = describe(op);
    const int ret = run_op(s, ctx, op);
    step(name);
    return ret;
  }
  int reset(const char* dev, std::string fault = "") {
    return run({.kind = OpKind::Reset, .device = dev, .fault = std::move(fault)});
  }
  void step(const std::string& name) { mon.step(s, name); }
  // The invariants broken by the last operation (the monitor reports a state violation when it starts).
  std::vector<int> since(size_t mark) const {
    std::vector<int> n;
    for (size_t i = mark; i < mon.all().size(); ++i) n.push_back(mon.all()[i].invariant);
    std::sort(n.begin(), n.end());
    n.erase(std::unique(n.begin(), n.end()), n.end());
    return n;
  }
  const check::Violation* first(int invariant) const {
    for (const auto& v : mon.all())
      if (v.invariant == invariant) return &v;
    return nullptr;
  }

  pci::DevId dev(const char* name) { return *resolve(s, ctx, name); }
  iommu::DomainId type1_domain() { return s.kernel.vfio.containers.at(ctx.containers.at("c0")).domains.at(0).domain; }
  smmuv3::SmmuDomainId type1() { return smmuv3::smmu_domain_of(s, type1_domain()); }
  bool hw_ats(const char* name) { return hw::pcie::ats_control(s.hw.pcie.fn(s.kernel.devs[dev(name)].fn).cfg).enabled; }
  const smmuv3::Master& master(const char* name) { return s.kernel.smmuv3.masters.at(smmuv3::master_of(s, dev(name))); }
  uint64_t ste_cfg(const char* name) {
    return hw::smmuv3::field_get(hste::k0Cfg, smmuv3::ste_of(s, master(name).smmu, master(name).streams.front())[0]);
  }
  // The users of type1's S1_ASID tag in its live array (0: not there).
  int tag_users() {
    const auto& sd = s.kernel.smmuv3.domains.at(type1());
    for (const auto& inv : smmuv3::domain_invs(s, type1()).live())
      if (inv.type == smmuv3::InvType::S1Asid && inv.id == sd.asid) return inv.users;
    return 0;
  }
  // Attachments in type1's devices list (arm_smmu_master_domain entries).
  size_t attached() { return s.kernel.smmuv3.domains.at(type1()).devices.size(); }
  bool attached(const char* name) {
    const auto& d = s.kernel.smmuv3.domains.at(type1()).devices;
    const smmuv3::MasterId m = smmuv3::master_of(s, dev(name));
    return std::any_of(d.begin(), d.end(), [&](const auto& md) { return md.master == m; });
  }
};

// The first reset: its attach back fails, and the books are left as finding 25's rollback row says.
void first_reset_fails_its_attach_back(BothFdsOpen& m, const char* fault) {
  ASSERT_EQ(m.tag_users(), 2) << "fn0 and fn1 each hold the ASID tag";
  const size_t mark = m.mon.all().size();
  ASSERT_EQ(m.reset("fn0", fault), 0) << "reset_store returns the count: done() returns nothing";
  ASSERT_EQ(m.s.record.warnings.size(), 1u);
  EXPECT_EQ(m.s.record.warnings[0].function, KFn::pci_dev_reset_iommu_done)
      << "WARN_ON(__iommu_attach_device(group->domain, &pdev->dev, group->blocking_domain))";
  const auto& gdev = m.s.kernel.iommu.devs.at(m.dev("fn0"));
  EXPECT_FALSE(gdev.blocked) << "done clears gdev->blocked whatever the attach returned";
  EXPECT_EQ(gdev.reset_depth, 0u);
  EXPECT_EQ(iommu::group(m.s, iommu::group_of(m.s, m.dev("fn0"))).domain, m.type1_domain()) << "group->domain kept";
  EXPECT_EQ(m.ste_cfg("fn0"), hste::kCfgAbort) << "the driver left fn0 on the blocking domain";
  EXPECT_FALSE(m.attached("fn0"));
  EXPECT_EQ(m.tag_users(), 1) << "type1's array holds fn1's reference alone";
  // 24: the group says type1, the SMMU aborts; 18 when the commit itself failed (rollback), not
  // when prepare failed before touching anything.
  const std::vector<int> expected = std::string(fault) == "pci_enable_ats" ? std::vector<int>{18, 24} : std::vector<int>{24};
  EXPECT_EQ(m.since(mark), expected);
}

// Rollback, the explorer's 14 (`explore scenarios/group-fd.yaml --variant rollback --prefix 7
// --faults pci_enable_ats --depth 4 --all`): the second reset succeeds, and its prepare took fn1's
// reference on the tag. No WARN says so: arm_smmu_invs_unref found the tag (fn1's) and counted it
// down to 0, remove_master_domain found nothing to remove.
TEST(ResetAfterFailedDone, RollbackTheSecondResetsPrepareUnrefsTheSiblingsTag) {
  BothFdsOpen m(AtsVariant::Rollback);
  first_reset_fails_its_attach_back(m, "pci_enable_ats");
  const size_t mark = m.mon.all().size();
  ASSERT_EQ(m.reset("fn0"), 0);
  EXPECT_EQ(m.s.record.warnings.size(), 1u) << "the second reset is silent";
  EXPECT_TRUE(m.hw_ats("fn0")) << "the attach back enabled ATS this time";
  EXPECT_EQ(m.ste_cfg("fn0"), hste::kCfgS1Trans);
  EXPECT_EQ(m.attached(), 2u) << "fn0 and fn1 attached to type1";
  EXPECT_EQ(m.tag_users(), 1) << "but one reference on their shared tag";
  EXPECT_EQ(m.since(mark), std::vector<int>{14});
  ASSERT_NE(m.first(14), nullptr);
  EXPECT_NE(m.first(14)->detail.find("S1_ASID"), std::string::npos) << m.first(14)->detail;
  EXPECT_NE(m.first(14)->detail.find("users=1 expected=2"), std::string::npos) << m.first(14)->detail;

  // The count stays one short from here on: a reset of fn1 drops the tag's last reference
  // (TLBI_NH_ASID, purge) while fn0 still translates through type1, and its attach back merges
  // one reference again.
  ASSERT_EQ(m.reset("fn1"), 0);
  EXPECT_EQ(m.s.record.warnings.size(), 1u);
  EXPECT_EQ(m.tag_users(), 1);
  EXPECT_EQ(m.attached(), 2u);
}

// Rollback, the explorer's 16, 17 and 20: both resets fail their attach back. The second prepare
// takes fn1's reference, the tag's last: arm_smmu_install_old_domain_invs flushes the ASID and
// purges it from type1's array, and rollback's undo of the second attach back restores that array.
// fn1 translates through type1 with no tag listed (17); an unmap then sends no TLBI (16: the IOTLB
// keeps the unmapped page), and fn1's next DMA fills its ATC from the stale IOTLB entry (20): DMA
// to a page VFIO has given back.
TEST(ResetAfterFailedDone, RollbackTwoFailedAttachBacksLeaveTheSiblingWithoutItsTag) {
  BothFdsOpen m(AtsVariant::Rollback);
  first_reset_fails_its_attach_back(m, "pci_enable_ats");
  size_t mark = m.mon.all().size();
  ASSERT_EQ(m.reset("fn0", "pci_enable_ats"), 0);
  ASSERT_EQ(m.s.record.warnings.size(), 2u) << "done's WARN again, and nothing from the prepare";
  EXPECT_EQ(m.s.record.warnings[1].function, KFn::pci_dev_reset_iommu_done);
  EXPECT_EQ(m.tag_users(), 0) << "type1's array lists no ASID tag";
  EXPECT_TRUE(m.attached("fn1"));
  EXPECT_EQ(m.ste_cfg("fn1"), hste::kCfgS1Trans);
  EXPECT_EQ(m.since(mark), (std::vector<int>{14, 17, 18})) << "14: the tag missing; 17: fn1 translates without it";

  mark = m.mon.all().size();
  ASSERT_EQ(m.run({.kind = OpKind::VfioMapUnmap, .container = "c0", .count = 1}), 0);
  EXPECT_EQ(m.since(mark), std::vector<int>{16}) << "the unmap left the IOTLB entry behind";
  mark = m.mon.all().size();
  ASSERT_EQ(m.run({.kind = OpKind::DeviceDma, .device = "fn1", .iova = 0x100000, .write = true}), 0)
      << "the SMMU answers fn1's Translation Request from its stale IOTLB entry";
  EXPECT_EQ(m.since(mark), std::vector<int>{20});
  EXPECT_EQ(m.s.record.warnings.size(), 2u);
}

// Not rollback's alone: under upstream the attach back fails when its prepare cannot allocate the
// master_domain (arm_smmu_attach_prepare's kzalloc, -ENOMEM), and the second reset does the same
// (`explore scenarios/group-fd.yaml --variant upstream --prefix 7 --faults
// arm_smmu_master_domain.alloc --ops reset,vfio_map_unmap,device_dma --depth 3 --all`).
TEST(ResetAfterFailedDone, UpstreamAnAllocationFailureInTheAttachBackDoesTheSame) {
  BothFdsOpen m(AtsVariant::Upstream);
  first_reset_fails_its_attach_back(m, "arm_smmu_master_domain.alloc");
  const size_t mark = m.mon.all().size();
  ASSERT_EQ(m.reset("fn0"), 0);
  EXPECT_EQ(m.s.record.warnings.size(), 1u);
  EXPECT_EQ(m.attached(), 2u);
  EXPECT_EQ(m.tag_users(), 1);
  EXPECT_EQ(m.since(mark), std::vector<int>{14});
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
