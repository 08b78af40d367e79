// Issue 16, item 4: a machine PCI cannot hold, or one above the model's documented limits
// (docs/scenarios.md), is refused at load, at once, with one line; one at the limits loads.
#include <gtest/gtest.h>

#include <chrono>
#include <fmt/format.h>

#include "scenario_text.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

using test::error_of;
using test::write_temp;

// Refused, and fast: 100,000 devices once ran for over a minute at 1.6 GB first.
std::string refused_quickly(const std::string& text) {
  auto start = std::chrono::steady_clock::now();
  std::string m = error_of(text);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3)) << m;
  return m;
}

std::string devices(size_t n) {
  std::string t = "machine:\n  devices:\n";
  for (size_t i = 0; i < n; ++i) t += fmt::format("    - {{name: d{}, vendor: 0x15b3, device: 0x101d}}\n", i);
  return t;
}

// `n` root ports, each with a PF of `vfs` VFs: n * (2 + vfs) functions.
std::string pfs_below_ports(int n, int vfs) {
  std::string t = "machine:\n  ports:\n";
  for (int i = 0; i < n; ++i) t += fmt::format("    - {{name: p{}}}\n", i);
  t += "  devices:\n";
  for (int i = 0; i < n; ++i)
    t += fmt::format("    - {{name: d{0}, port: p{0}, vendor: 0x15b3, device: 0x101d, sriov: {{total_vfs: {1}}}}}\n", i, vfs);
  return t;
}

TEST(MachineLimits, AHundredThousandDevicesAreRefusedBeforeTheyAreRead) {
  EXPECT_NE(refused_quickly(devices(100000)).find("larger than 1024 KiB"), std::string::npos);
  EXPECT_NE(refused_quickly(devices(5000)).find("machine.devices: 5000 entries; a machine has at most 4096"), std::string::npos);
}

TEST(MachineLimits, MoreFunctionsThanTheLimitCountingVfSlotsAndBridgesAreRefused) {
  // 17 PFs of 255 VFs, each below its own root port: 17 * (1 + 1 + 255) = 4369 functions.
  EXPECT_NE(refused_quickly(pfs_below_ports(17, 255)).find("machine: 4369 functions with bridges and VF slots; a machine has at most 4096"),
            std::string::npos);
}

TEST(MachineLimits, TheRootBusHas31DeviceNumbersForPortsAnd16ForEndpointsWithoutDevfn) {
  std::string ports = "machine:\n  ports:\n";
  for (int i = 0; i < 32; ++i) ports += fmt::format("    - {{name: p{}}}\n", i);
  EXPECT_NE(refused_quickly(ports + "  devices:\n    - {name: d, port: p0, vendor: 1, device: 2}\n").find("more than 31 root ports"),
            std::string::npos);
  EXPECT_NE(refused_quickly(devices(17)).find("more than 16 root-complex integrated endpoints without a devfn"), std::string::npos);
  EXPECT_NO_THROW(load_scenario(write_temp("16.yaml", devices(16))));
}

TEST(MachineLimits, TwoFunctionsAtOneRoutingIdAreRefused) {
  // Below one port, two devices at devfn 0: the refusal points at the second device's line.
  const std::string two = refused_quickly("machine:\n  ports: [{name: rp}]\n  devices:\n    - {name: a, port: rp, vendor: 1, device: 2}\n"
                                          "    - {name: b, port: rp, vendor: 1, device: 2}\n");
  EXPECT_EQ(two.rfind(":5:7: no PCI hierarchy can hold this machine: 0000:01:00.0 would be both 'a' and 'b'", 0), 0u)
      << two;
  // An integrated endpoint on a root port's devfn.
  EXPECT_NE(refused_quickly("machine:\n  ports: [{name: rp}]\n  devices:\n    - {name: a, port: rp, vendor: 1, device: 2}\n"
                            "    - {name: b, devfn: 0x08, vendor: 1, device: 2}\n")
                .find("would be both 'root port' and 'b'"),
            std::string::npos);
  // A VF at a sibling's routing ID: pf's VF 1 lands on devfn 2, where c sits. The VF is pf's:
  // the refusal points at pf's devfn.
  const std::string vf = refused_quickly("machine:\n  devices:\n    - {name: pf, devfn: 0x80, vendor: 1, device: 2, sriov: {total_vfs: 4}}\n"
                                         "    - {name: c, devfn: 0x82, vendor: 1, device: 2}\n");
  EXPECT_NE(vf.find(":3:25: no PCI hierarchy can hold this machine: 0000:00:10.2 would be both 'c' and 'pf VF 1'"),
            std::string::npos)
      << vf;
}

TEST(MachineLimits, MoreThan256BusesInASegmentAreRefused) {
  // Each switch below a port adds two buses.
  std::string t = "machine:\n  ports:\n    - {name: s0}\n";
  for (int i = 1; i < 130; ++i) t += fmt::format("    - {{name: s{}, below: s{}}}\n", i, i - 1);
  t += "  devices:\n    - {name: d, port: s129, vendor: 1, device: 2}\n";
  EXPECT_NE(refused_quickly(t).find("segment 0 needs more than 256 bus numbers"), std::string::npos);
  // VFs crossing past bus 255: the PF's line.
  const std::string vfs =
      refused_quickly("machine:\n  devices:\n    - {name: pf, vendor: 1, device: 2, sriov: {total_vfs: 255, offset: 0xff00, stride: 0x100}}\n");
  EXPECT_NE(vfs.find(":3:7: machine: segment 0 needs more than 256 bus numbers"), std::string::npos) << vfs;
}

TEST(MachineLimits, AMachineAtTheLimitsLoadsAndBoots) {
  // 31 root ports, each with a PF of 128 VFs: 4030 functions.
  auto start = std::chrono::steady_clock::now();
  auto sc = load_scenario(write_temp("big.yaml", pfs_below_ports(31, 128)));
  EXPECT_EQ(sc.devices.size(), 31u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
