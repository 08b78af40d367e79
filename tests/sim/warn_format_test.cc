// WARN splats and dmesg lines read like the kernel's.
#include <gtest/gtest.h>

#include "linux/kernel/printk.h"
#include "linux/pci/ats.h"
#include "linux/pci/probe.h"
#include "sim/builders.h"

namespace atslab {
namespace ATSLAB_UNITY_ID {
namespace {

// The built-in machine without an IOMMU driver: PCI-core state only.
const sim::MachineOptions kBare{.iommu = hw::pcie::IommuKind::None, .vfs = 2};

TEST(WarnFormat, SplatHasCutHereWarningLineInnermostFirstTraceAndEndMarker) {
  System s = sim::builtin_example(kBare);
  s.kernel.ctx.cpu = 42;
  s.kernel.ctx.comm = "iova_stress";
  {
    kernel::Frame outer(s, kernel::KFn::pci_stop_and_remove_bus_device);
    pci::disable_ats(s, 1);
  }
  ASSERT_EQ(s.record.warnings.size(), 1u);
  std::string text = kernel::format_warning(s.record.warnings[0]);
  EXPECT_EQ(text,
            "------------[ cut here ]------------\n"
            "WARNING: drivers/pci/ats.c:132 at pci_disable_ats, CPU#42: iova_stress\n"
            "WARN_ON(!dev->ats_enabled)\n"
            "Call trace:\n"
            " pci_disable_ats (P)\n"
            " pci_stop_and_remove_bus_device\n"
            "---[ end trace 0000000000000000 ]---\n");
}

TEST(WarnFormat, DmesgLinesCarryTimestampDriverAndBdf) {
  System s = sim::builtin_example(kBare);
  kernel::dev_err(s, 1, "Failed to enable ATS (STU 12)");
  const auto& l = s.record.log.back();
  EXPECT_EQ(l.level, kernel::Level::Err);
  EXPECT_EQ(l.text, "pci 0000:01:00.0: Failed to enable ATS (STU 12)");
  std::string line = kernel::format_dmesg(l);
  EXPECT_EQ(line.substr(0, 1), "[");
  EXPECT_EQ(line.substr(13), "] pci 0000:01:00.0: Failed to enable ATS (STU 12)");
}

TEST(WarnFormat, WarnIsLoggedAndCounted) {
  System s = sim::builtin_example(kBare);
  pci::disable_ats(s, 1);
  pci::disable_ats(s, 1);
  EXPECT_EQ(s.record.warnings.size(), 2u);
  int lines = 0;
  for (const auto& l : s.record.log) lines += l.text.rfind("WARNING: drivers/pci/ats.c:132 at pci_disable_ats", 0) == 0;
  EXPECT_EQ(lines, 2);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab
