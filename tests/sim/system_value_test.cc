// Design principle 3: the whole simulated machine is one value.
#include <gtest/gtest.h>

#include <type_traits>

#include "linux/pci/ats.h"
#include "sim/builders.h"
#include "sim/system.h"

namespace atslab {
namespace {

// The built-in machine without an IOMMU driver: PCI-core state only.
const sim::MachineOptions kBare{.iommu = hw::pcie::IommuKind::None, .vfs = 2};

static_assert(std::is_copy_constructible_v<System> && std::is_copy_assignable_v<System>);

TEST(SystemValue, CopiesAreEqualAndIndependent) {
  System a = sim::builtin_example(kBare);
  System b = a;
  EXPECT_EQ(a, b);
  EXPECT_EQ(state_hash(a), state_hash(b));
  ASSERT_EQ(pci::prepare_ats(b, 1, 12), 0);
  EXPECT_NE(a, b);
  EXPECT_NE(state_hash(a), state_hash(b));
  EXPECT_EQ(a.kernel.devs[1].ats_stu, 0);
}

TEST(SystemValue, HistoryIsNotState) {
  System a = sim::builtin_example(kBare);
  System b = a;
  b.record.log.push_back({1, kernel::Level::Info, "something happened"});
  b.record.seq += 100;
  EXPECT_EQ(a, b);
  EXPECT_EQ(state_hash(a), state_hash(b));
}

TEST(SystemValue, HashIsDeterministicAcrossBuilds) {
  EXPECT_EQ(state_hash(sim::builtin_example(kBare)), state_hash(sim::builtin_example(kBare)));
  EXPECT_NE(state_hash(sim::builtin_example({.iommu = hw::pcie::IommuKind::None, .vfs = 1})), state_hash(sim::builtin_example({.iommu = hw::pcie::IommuKind::None, .vfs = 2})));
}

TEST(SystemValue, ReachingTheSameStateTwiceGivesTheSameValue) {
  System a = sim::builtin_example(kBare);
  System b = a;
  ASSERT_EQ(pci::prepare_ats(a, 1, 12), 0);
  ASSERT_EQ(pci::enable_ats(a, 1, 12), 0);
  pci::disable_ats(a, 1);
  ASSERT_EQ(pci::prepare_ats(b, 1, 12), 0);
  EXPECT_EQ(a, b) << "enable then disable returns to the prepared state";
  EXPECT_EQ(state_hash(a), state_hash(b));
}

TEST(SystemValue, NoKernelCodeIsRunningBetweenCalls) {
  System a = sim::builtin_example(kBare);
  EXPECT_TRUE(a.kernel.ctx.stack.empty());
  pci::disable_ats(a, 1);  // WARNs
  EXPECT_TRUE(a.kernel.ctx.stack.empty());
}

}  // namespace
}  // namespace atslab
