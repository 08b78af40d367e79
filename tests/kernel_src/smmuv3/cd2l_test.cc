// 6.12.118's own 2-level CD tables on atslab's SMMU with IDR0.CD2L (scenarios/pasid-cd2l.yaml):
// the tree's arm_smmu_alloc_cd_tables picks S1FMT 64K_L2 for 20 SSID bits, its
// arm_smmu_alloc_cd_ptr allocates a leaf per PASID's 1024-CD slice, and the model (cd_table.cc)
// builds the same table: the same STE fields, the same valid L1 descriptors, the same valid CDs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../tree_fixture.h"
#include "pasid_machine.h"
#include "hw/smmuv3/bits.h"
#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/ste_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace hs = hw::smmuv3;
using pasid_machine::acc;
using pasid_machine::first_steps;
using pasid_machine::ste;

// The table as the SMMU walks it: the valid L1 descriptors, then the valid CDs past CD 0.
struct Walk {
  std::vector<uint32_t> leaves, ssids;
};
Walk walk(const System& s, pci::DevId dev) {
  Walk w;
  hs::for_each_valid_cd(
      s.hw.memory, ste(s, dev), [&](uint32_t ssid, uint64_t) { w.ssids.push_back(ssid); },
      [&](uint32_t l1) { w.leaves.push_back(l1); });
  return w;
}

// The scenario's first 9 steps: identity RID, PASIDs 1, 1500 and 70000 attached, DMA on each.
TEST(SourceSmmuCd2l, TheTreesTwoLevelTableMatchesTheModelsLeafForLeaf) {
  ATSLAB_REQUIRE_DEBIAN_6_12_118_ATS_C();
  io::Scenario sc = io::load_scenario(ATSLAB_SOURCE_DIR "/scenarios/pasid-cd2l.yaml");
  ASSERT_TRUE(sc.smmus[0].cd2l);
  const auto model = first_steps(sc, 9);
  sc.driver = policy::Driver::Source;
  const auto tree = first_steps(sc, 9);
  for (const auto* r : {&model, &tree}) {
    const System& s = r->final;
    const pci::DevId dev = acc(s);
    ASSERT_NE(dev, pci::kNoDev);
    const hs::Entry e = ste(s, dev);
    EXPECT_EQ(hs::field_get(hs::ste::k0S1Fmt, e[0]), hs::ste::kS1Fmt64kL2);
    EXPECT_EQ(hs::field_get(hs::ste::k0S1CdMax, e[0]), 20u);
    const Walk w = walk(s, dev);
    EXPECT_EQ(w.leaves, (std::vector<uint32_t>{0, 1, 68})) << "leaf 0 from the boot's DMA domain, then one per PASID's slice";
    EXPECT_EQ(w.ssids, (std::vector<uint32_t>{1, 1500, 70000}));
    for (size_t i = 0; i < 9; ++i) EXPECT_EQ(r->steps.at(i).ret, 0) << i;
  }
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
