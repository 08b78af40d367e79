// Lines the kernel prints on the paths atslab models, as the kernel prints them (6.12.118
// format strings): a reader comparing atslab's dmesg with a real one finds the same lines.
#include <gtest/gtest.h>

#include <algorithm>

#include "../support/temp_file.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

bool has_line(const System& s, kernel::Level level, std::string_view text) {
  return std::any_of(s.record.log.begin(), s.record.log.end(),
                     [&](const kernel::LogLine& l) { return l.level == level && l.text.find(text) != std::string::npos; });
}

TEST(DmesgLines, AnAtcInvalidationTimeoutIsTheCmdqErrorAndTheGlobalErrorWarning) {
  // endpoint-ignores-atc-inv: the commit's flush to an endpoint dropping invalidations times out.
  auto sc = io::load_scenario(std::string(ATSLAB_SOURCE_DIR) + "/scenarios/endpoint-ignores-atc-inv.yaml");
  auto r = run_scenario(sc, policy::AtsVariant::Upstream);
  // arm_smmu_gerror_handler, then arm_smmu_cmdq_skip_err for CMDQ_ERR_CERROR_ATC_INV_IDX.
  EXPECT_TRUE(has_line(r.final, kernel::Level::Warning,
                       "arm-smmu-v3 arm-smmu-v3.0.auto: unexpected global error reported (0x00000001), this could be serious"));
  EXPECT_TRUE(has_line(r.final, kernel::Level::Err, "arm-smmu-v3 arm-smmu-v3.0.auto: CMDQ error (cons 0x"));
  EXPECT_TRUE(has_line(r.final, kernel::Level::Err, "): ATC invalidate timeout"));
}

TEST(DmesgLines, PciNoatsSaysAtsIsDisabled) {
  auto path = test::write_temp("noats.yaml", R"(
machine:
  ports: [{name: rp0}]
  devices: [{name: nic, port: rp0, vendor: 0x15b3, device: 0x101d, ats: {qdep: 0}}]
kernel: {pci: {noats: true}}
)");
  auto r = run_scenario(io::load_scenario(path), policy::AtsVariant::Upstream);
  // pci_setup's "noats": pr_info without a prefix.
  ASSERT_FALSE(r.final.record.log.empty());
  EXPECT_TRUE(has_line(r.final, kernel::Level::Info, "PCIe: ATS is disabled"));
  EXPECT_EQ(r.final.record.log.front().text, "PCIe: ATS is disabled") << "printed while parsing the command line, first";
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
