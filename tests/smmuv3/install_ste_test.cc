// arm_smmu_install_ste_for_dev writes every stream's STE through
// arm_smmu_write_ste, which ends with PREFETCH_CFG whether or not the STE
// changed: an unchanged STE costs no store and no sync, but the prefetch is sent.
#include <gtest/gtest.h>

#include "hw/smmuv3/command.h"
#include "linux/smmuv3/hw_access.h"
#include "linux/smmuv3/smmuv3.h"
#include "../pci/machine_fixture.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;

TEST(SmmuInstallSte, UnchangedSteStillGetsItsPrefetchCfg) {
  Machine m({.iommu = hw::pcie::IommuKind::Smmuv3});
  const pci::DevId pf = m.pf();
  const uint32_t sid = m.s.kernel.devs[pf].bdf.rid();
  const smmuv3::MasterId id = smmuv3::master_of(m.s, pf);
  const smmuv3::Ste current = smmuv3::ste_of(m.s, 0, sid);
  const hs::Smmu before = m.s.hw.smmus[0];
  const size_t events = m.s.record.events.size();
  smmuv3::install_ste_for_dev(m.s, id, current);
  const hs::Smmu& after = m.s.hw.smmus[0];
  EXPECT_EQ(smmuv3::ste_of(m.s, 0, sid), current);
  EXPECT_EQ(after.syncs_completed, before.syncs_completed) << "nothing stored, nothing synced";
  const uint32_t n = after.cmdq_entries();
  ASSERT_EQ((after.cmdq_prod - before.cmdq_prod) & (2 * n - 1), 1u) << "exactly one command";
  const auto c = hs::decode(after.cmdq[before.cmdq_prod & (n - 1)]);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->op, hs::Op::PREFETCH_CFG);
  EXPECT_EQ(c->sid, sid);
  EXPECT_EQ(after.cmdq_cons, after.cmdq_prod) << "consumed";
  for (size_t i = events; i < m.s.record.events.size(); ++i)
    EXPECT_NE(m.s.record.events[i].kind, kernel::EventKind::SteWrite) << "the record notes changed STEs only";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
