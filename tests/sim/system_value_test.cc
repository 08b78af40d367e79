// Design principle 3: the whole simulated machine is one value.
#include <gtest/gtest.h>

#include <type_traits>

#include "linux/pci/ats.h"
#include "sim/builders.h"
#include "sim/state_hash.h"

namespace atslab {
namespace ATSLAB_UNITY_ID {
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

// Pages and config spaces are shared copy-on-write between copies (hw::CowBlock): a write after a
// copy must not reach the original, and equality and the hash must follow content, not sharing.
TEST(SystemValue, WriteAfterCopyLeavesTheOriginalAlone) {
  System a = sim::builtin_example(kBare);
  a.hw.memory.write64(0x10000, 0x1111);
  const uint64_t ha = state_hash(a);
  System b = a;
  b.hw.memory.write64(0x10008, 0x2222);
  b.hw.pcie.fn(1).cfg.poke32(0x40, 0xdeadbeef);
  EXPECT_EQ(a.hw.memory.read64(0x10008), 0u);
  EXPECT_EQ(a.hw.memory.read64(0x10000), 0x1111u);
  EXPECT_EQ(b.hw.memory.read64(0x10000), 0x1111u);
  EXPECT_NE(a.hw.pcie.fn(1).cfg.read32(0x40), 0xdeadbeefu);
  EXPECT_EQ(b.hw.pcie.fn(1).cfg.read32(0x40), 0xdeadbeefu);
  EXPECT_EQ(state_hash(a), ha) << "the original's cached hashes survive the copy's writes";
  EXPECT_NE(a, b);
  EXPECT_NE(state_hash(a), state_hash(b));
}

TEST(SystemValue, EqualContentsInSeparateBlocksAreEqual) {
  System a = sim::builtin_example(kBare);
  System b = a;
  // b's page and config space get blocks of their own, then come back to a's contents.
  b.hw.memory.write64(0x20000, 7);
  b.hw.memory.write64(0x20000, 0);
  a.hw.memory.write64(0x20000, 0);  // backs the page in a too, unshared
  const uint32_t was = b.hw.pcie.fn(1).cfg.read32(0x40);
  b.hw.pcie.fn(1).cfg.poke32(0x40, was ^ 1);
  (void)state_hash(b);  // caches the changed block's hash, which the next write must forget
  b.hw.pcie.fn(1).cfg.poke32(0x40, was);
  EXPECT_EQ(a, b);
  EXPECT_EQ(state_hash(a), state_hash(b));
  // A page backed by a write of zero equals one never written (both read as zeros, both owned by no one).
  System c = sim::builtin_example(kBare), d = c;
  c.hw.memory.alloc_page(0x30000, 5);
  d.hw.memory.alloc_page(0x30000, 5);
  d.hw.memory.write64(0x30010, 9);
  d.hw.memory.write64(0x30010, 0);
  EXPECT_EQ(c, d);
  EXPECT_EQ(state_hash(c), state_hash(d));
}

TEST(SystemValue, NoKernelCodeIsRunningBetweenCalls) {
  System a = sim::builtin_example(kBare);
  EXPECT_TRUE(a.kernel.ctx.stack.empty());
  pci::disable_ats(a, 1);  // WARNs
  EXPECT_TRUE(a.kernel.ctx.stack.empty());
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab
