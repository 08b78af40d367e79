// How --driver source travels: the scenario's driver reaches the System, a replay
// file written by a source run says so and is read back, a bad value is refused,
// the tree's identity is what the build compiled.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "io/input_error.h"
#include "io/replay_file.h"
#include "io/scenario.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/tree_info.h"
#include "sim/compare_drivers.h"
#include "sim/scenario_run.h"
#include "sim/stress.h"
#include "../support/temp_dir.h"

namespace atslab::test {
namespace ATSLAB_UNITY_ID {
namespace {

namespace fs = std::filesystem;

const std::string kSeed = std::string(ATSLAB_SOURCE_DIR) + "/scenarios/seed.yaml";

std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = atslab::test::process_temp_dir("driver");
  auto p = dir / name;
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  return p.string();
}

TEST(DriverChoice, TheScenariosDriverIsTheSystems) {
  auto sc = io::load_scenario(kSeed);
  sim::DeviceNames names;
  EXPECT_EQ(sim::build_machine(sc, policy::AtsVariant::Upstream, names).kernel.pci_switches.ats, policy::Driver::Model);
  sc.driver = policy::Driver::Source;
  EXPECT_EQ(sim::build_machine(sc, policy::AtsVariant::Upstream, names).kernel.pci_switches.ats, policy::Driver::Source);
}

TEST(DriverChoice, ReplayFilesOfSourceRunsSaySoAndReadBack) {
  auto sc = io::load_scenario(kSeed);
  const std::string model = sim::replay_json(sc, policy::AtsVariant::Upstream, 1, "", {});
  EXPECT_EQ(model.find("\"driver\""), std::string::npos);  // model replay files are as they were
  EXPECT_FALSE(io::load_replay(write_temp("model.json", model)).driver.has_value());
  sc.driver = policy::Driver::Source;
  const std::string source = sim::replay_json(sc, policy::AtsVariant::Upstream, 1, "", {});
  EXPECT_NE(source.find("\"driver\": \"source\""), std::string::npos);
  EXPECT_EQ(io::load_replay(write_temp("source.json", source)).driver, policy::Driver::Source);
}

TEST(DriverChoice, AReplayFileWithAnUnknownDriverIsRefusedNamingTheField) {
  const std::string path = write_temp("bad.json", "{\"scenario\": \"" + kSeed +
                                                      "\", \"variant\": \"upstream\", \"driver\": \"kernel\", \"ops\": []}");
  try {
    io::load_replay(path);
    FAIL() << "accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": field 'driver': expected model or source");
  }
}

TEST(DriverChoice, ParseAndNameRoundTrip) {
  EXPECT_EQ(policy::parse_driver("model"), policy::Driver::Model);
  EXPECT_EQ(policy::parse_driver("source"), policy::Driver::Source);
  EXPECT_FALSE(policy::parse_driver("Source").has_value());
  EXPECT_EQ(policy::name(policy::Driver::Source), "source");
}

TEST(DriverChoice, TheTreeInfoNamesTheCompiledFileAndVersion) {
  const auto t = kernel_src::tree();
  EXPECT_FALSE(t.version.empty());
  EXPECT_TRUE(t.files.starts_with("drivers/pci/ats.c")) << t.files;
  // ats.c, and the SMMUv3 driver with its io-pgtable in a build that has it (ATSLAB_SOURCE_SMMUV3).
  std::vector<std::string> expected{"drivers/pci/ats.c"};
  if (kernel_src::smmuv3::built())
    expected.insert(expected.end(), {"drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c",
                                     "drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-sva.c", "drivers/iommu/io-pgtable-arm.c",
                                     "drivers/iommu/io-pgtable.c"});
  // The vSMMU half where the tree has it in the form the stand-ins serve (7.2's).
  if (kernel_src::smmuv3::built() && kernel_src::smmuv3::has_vsmmu())
    expected.push_back("drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-iommufd.c");
  auto run = kernel_src::files_run();
  std::sort(run.begin(), run.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(run, expected);
  // A process that keeps atslab's SMMUv3 driver (explore) runs the tree's ats.c alone.
  const kernel_src::smmuv3::ScopedChoice ats_c_alone(false);
  EXPECT_EQ(kernel_src::files_run(), std::vector<std::string>{"drivers/pci/ats.c"});
  EXPECT_EQ(kernel_src::sha256_of("drivers/pci/ats.c").size(), 64u);
  EXPECT_EQ(kernel_src::sha256_of("drivers/pci/nope.c"), "");
  EXPECT_EQ(kernel_src::source_driver_line(), "source driver: linux " + std::string(t.version) + " (" + std::string(t.origin) + ")");
  EXPECT_EQ(kernel_src::driver_line(policy::Driver::Model), "driver: model");
  EXPECT_EQ(kernel_src::driver_line(policy::Driver::Source), kernel_src::source_driver_line() + ": drivers/pci/ats.c");
}

TEST(DriverChoice, TheTreesVersionIsComparedByVersionAndPatchlevel) {
  int major = 0, minor = 0;
  ASSERT_EQ(std::sscanf(std::string(kernel_src::tree().version).c_str(), "%d.%d", &major, &minor), 2);
  EXPECT_TRUE(kernel_src::tree_version_at_least(major, minor));
  EXPECT_TRUE(kernel_src::tree_version_at_least(major, 0));
  EXPECT_TRUE(kernel_src::tree_version_at_least(major - 1, 99));
  EXPECT_FALSE(kernel_src::tree_version_at_least(major, minor + 1));
  EXPECT_FALSE(kernel_src::tree_version_at_least(major + 1, 0));
  // compare-drivers' model plays the tree's pci.c: 6.12 resets silently, 6.13 on says so.
  EXPECT_EQ(sim::model_as_tree(io::load_scenario(kSeed)).warn_reset_unaware, major > 6 || (major == 6 && minor >= 13));
}

TEST(DriverChoice, DebiansTreeIsNamedAsTheBriefSaysWhenItIsTheDefault) {
  if (kernel_src::tree().origin != "/usr/src/linux-source-6.12.tar.xz") GTEST_SKIP() << "built from another tree";
  EXPECT_EQ(kernel_src::source_driver_line(), "source driver: linux 6.12.118 (/usr/src/linux-source-6.12.tar.xz)");
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::test
