// Device-IOTLB invalidation (spec 5.1): unmap flushes the IOTLB, then each
// DEVTLB-tagged device with its queue depth and PFSID.
#include "vtd_machine.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

iommu::DomainId default_domain(const VtdMachine& m, pci::DevId d) {
  return iommu::group(m.s, iommu::group_of(m.s, d)).default_domain;
}

TEST(VtdInvalidation, UnmapSendsIotlbThenDeviceIotlbWithQdepAndPfsid) {
  VtdMachine m({.pf = {.qdep = 8}});
  auto pf = m.pf();
  auto d = default_domain(m, pf);
  ASSERT_EQ(iommu::map(m.s, d, 0x10000, 0x40000000, 0x2000), 0);
  size_t from = m.s.record.events.size();
  EXPECT_EQ(iommu::unmap(m.s, d, 0x10000, 0x2000), 0x2000u);
  auto q = m.qi(from);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].type, vtd::QiType::Iotlb);
  EXPECT_EQ(q[1].type, vtd::QiType::DevTlb);
  EXPECT_EQ(q[1].sid, m.s.kernel.devs[pf].bdf.rid());
  EXPECT_EQ(q[1].pfsid, m.s.kernel.devs[pf].bdf.rid());
  EXPECT_EQ(q[1].qdep, 8);
  EXPECT_EQ(q[1].addr, 0x10000u);
  EXPECT_EQ(q[1].size_order, 1);
}

TEST(VtdInvalidation, QueueDepthOf32IsEncodedAsZero) {
  VtdMachine m({.pf = {.qdep = 0}});  // the field's 0 means 32
  auto d = default_domain(m, m.pf());
  iommu::map(m.s, d, 0x10000, 0x40000000, 0x1000);
  size_t from = m.s.record.events.size();
  iommu::unmap(m.s, d, 0x10000, 0x1000);
  auto q = m.qi(from);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(m.info(m.pf()).ats_qdep, 32);
  EXPECT_EQ(q[1].qdep, 0);
}

TEST(VtdInvalidation, VfDescriptorCarriesThePfSourceId) {
  VtdMachine m;
  m.s.kernel.devs[m.pf()].driver_bound = true;
  ASSERT_EQ(pci::sriov_numvfs_store(m.s, m.pf(), 1), 0);
  auto vf = m.vfs().at(0);
  auto d = default_domain(m, vf);
  iommu::map(m.s, d, 0x10000, 0x40000000, 0x1000);
  size_t from = m.s.record.events.size();
  iommu::unmap(m.s, d, 0x10000, 0x1000);
  auto q = m.qi(from);
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[1].sid, m.s.kernel.devs[vf].bdf.rid());
  EXPECT_EQ(q[1].pfsid, m.s.kernel.devs[m.pf()].bdf.rid());
}

TEST(VtdInvalidation, QatNeedsAnExtraDeviceIotlbInvalidation) {
  VtdMachine m({.pf = {.vendor = 0x8086, .device = 0x4940, .total_vfs = 0}});
  EXPECT_TRUE(m.info(m.pf()).dtlb_extra_inval);
  auto d = default_domain(m, m.pf());
  iommu::map(m.s, d, 0x10000, 0x40000000, 0x1000);
  size_t from = m.s.record.events.size();
  iommu::unmap(m.s, d, 0x10000, 0x1000);
  auto q = m.qi(from);
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[1], q[2]);
  EXPECT_EQ(q[2].type, vtd::QiType::DevTlb);
}

TEST(VtdInvalidation, NoDeviceIotlbDescriptorForADeviceWhoseAtsIsOff) {
  VtdMachine m({.pf = {.page_aligned = false}});
  auto d = default_domain(m, m.pf());
  iommu::map(m.s, d, 0x10000, 0x40000000, 0x1000);
  size_t from = m.s.record.events.size();
  iommu::unmap(m.s, d, 0x10000, 0x1000);
  auto q = m.qi(from);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].type, vtd::QiType::Iotlb);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
