// Machines no PCI hierarchy can hold are refused at load, with one line naming the clash:
// otherwise two devices answer one routing ID (one StreamID), and every check downstream
// reports violations the kernel cannot have.
#include <gtest/gtest.h>

#include <string>

#include "../support/temp_file.h"
#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "io/input_error.h"
#include "io/scenario.h"
#include "sim/scenario_run.h"

namespace atslab::sim {
namespace ATSLAB_UNITY_ID {
namespace {

// The loader builds the machine once to refuse these (issue 16, item 4); build_machine refuses them too.
std::string refusal(const std::string& machine) {
  try {
    io::Scenario sc = io::load_scenario(test::write_temp("m.yaml", "machine:\n" + machine));
    DeviceNames names;
    build_machine(sc, policy::AtsVariant::Upstream, names);
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one line";
    return m;
  }
  return "";
}

TEST(ScenarioLoad, RefusesTwoFunctionsAtOneRoutingId) {
  const std::string two_on_a_port = R"(  ports: [{name: rp0}]
  devices:
    - {name: a, port: rp0, vendor: 0x8086, device: 0x1592}
    - {name: b, port: rp0, vendor: 0x8086, device: 0x1592}
)";
  std::string m = refusal(two_on_a_port);
  EXPECT_NE(m.find("0000:01:00.0 would be both 'a' and 'b'"), std::string::npos) << m;
}

TEST(ScenarioLoad, RefusesVfRoutingIdsThatLandOnAnotherFunction) {
  // pf's VFs at 01:00.1 .. 01:00.4 collide with nic, a function 3 of the same device.
  const std::string overlap = R"(  ports: [{name: rp0}]
  devices:
    - {name: pf, port: rp0, vendor: 0x8086, device: 0x1592, sriov: {total_vfs: 4, offset: 1, stride: 1, vf_device: 0x1889}}
    - {name: nic, port: rp0, devfn: 3, vendor: 0x8086, device: 0x1592}
)";
  std::string m = refusal(overlap);
  EXPECT_NE(m.find("0000:01:00.3 would be both"), std::string::npos) << m;
  EXPECT_NE(m.find("'pf VF 2'"), std::string::npos) << m;
}

TEST(ScenarioLoad, RefusesMoreIntegratedEndpointsThanTheRootBusHasDevices) {
  std::string many = "  devices:\n";
  for (int i = 0; i < 33; ++i) many += "    - {name: e" + std::to_string(i) + ", vendor: 0x8086, device: 0x0b25}\n";
  std::string m = refusal(many);
  // The device numbers given out ran past 31 before the clash they wrapped into: said as such now.
  EXPECT_NE(m.find("more than 16 root-complex integrated endpoints without a devfn"), std::string::npos) << m;
}

// `devfn: 0` is a devfn (00:00.0), not "none given"; the device numbers an integrated endpoint
// without one takes (16 to 31) are its own root complex's, each having its own root bus.
TEST(ScenarioLoad, AnIntegratedEndpointsDevfnZeroAndTheFreeNumbersOfEachRootComplex) {
  io::Scenario sc = io::load_scenario(test::write_temp("m.yaml", R"(machine:
  root_complexes: [{iommu: smmuv3, smmu: 0}, {iommu: smmuv3, smmu: 0}]
  devices:
    - {name: zero, rc: 0, devfn: 0, vendor: 0x8086, device: 0x0b25}
    - {name: free, rc: 0, vendor: 0x8086, device: 0x0b25}
    - {name: other, rc: 1, vendor: 0x8086, device: 0x0b25}
)"));
  DeviceNames names;
  System s = build_machine(sc, policy::AtsVariant::Upstream, names);
  EXPECT_EQ(s.hw.pcie.fn(names.at("zero")).bdf.devfn, 0);
  EXPECT_EQ(s.hw.pcie.fn(names.at("free")).bdf.devfn, 0x10 << 3);
  EXPECT_EQ(s.hw.pcie.fn(names.at("other")).bdf.devfn, 0x10 << 3) << "root complex 1's root bus numbers its own";
  std::string seventeen = "  root_complexes: [";
  for (int i = 0; i < 17; ++i) seventeen += std::string(i ? ", " : "") + "{iommu: smmuv3, smmu: 0}";
  seventeen += "]\n  devices:\n";
  for (int i = 0; i < 17; ++i)
    seventeen += "    - {name: e" + std::to_string(i) + ", rc: " + std::to_string(i) + ", vendor: 0x8086, device: 0x0b25}\n";
  EXPECT_EQ(refusal(seventeen), "") << "one endpoint without a devfn on each of 17 root complexes";
}

TEST(ScenarioLoad, AcceptsDistinctFunctions) {
  const std::string fine = R"(  ports: [{name: rp0}, {name: rp1}]
  devices:
    - {name: pf, port: rp0, vendor: 0x8086, device: 0x1592, sriov: {total_vfs: 4, offset: 1, stride: 1, vf_device: 0x1889}}
    - {name: nic, port: rp1, vendor: 0x8086, device: 0x1592}
)";
  EXPECT_EQ(refusal(fine), "");
}

// Devices Linux's scan would never find (drivers/pci/probe.c) are refused: the model would attach
// them and run their DMA (a trial user's devfn 9 below a root port was used like any other).
TEST(ScenarioLoad, RefusesADeviceOtherThanDeviceZeroBelowAPciePort) {
  std::string m = refusal(R"(  ports: [{name: rp0}]
  devices:
    - {name: a, port: rp0, vendor: 0x8086, device: 0x1592}
    - {name: b, port: rp0, devfn: 9, vendor: 0x8086, device: 0x1592}
)");
  EXPECT_NE(m.find("b: devfn 0x09 is device 1 below port rp0"), std::string::npos) << m;
  EXPECT_NE(m.find("only_one_child"), std::string::npos) << m;
  // Where: b's devfn, line 5 of the file (machine:, ports, devices, a, b), as the loader's errors say it.
  EXPECT_NE(m.find("m.yaml:5:35: machine.devices[].devfn: b:"), std::string::npos) << m;
  // The same below a switch's downstream port.
  m = refusal(R"(  ports: [{name: rp0}, {name: dsp, below: rp0}]
  devices:
    - {name: a, port: dsp, devfn: 0x10, vendor: 0x8086, device: 0x1592}
)");
  EXPECT_NE(m.find("a: devfn 0x10 is device 2 below port dsp"), std::string::npos) << m;
  // Below a PCIe-to-PCI bridge the bus is conventional PCI: every device number is scanned.
  EXPECT_EQ(refusal(R"(  ports: [{name: rp0}, {name: br, below: rp0, pci_bridge: true}]
  devices:
    - {name: a, port: br, devfn: 0x10, vendor: 0x8086, device: 0x1229}
)"),
            "");
}

TEST(ScenarioLoad, RefusesAFunctionWhoseSlotHasNoFunctionZero) {
  std::string m = refusal(R"(  ports: [{name: rp0}]
  devices:
    - {name: b, port: rp0, devfn: 1, vendor: 0x8086, device: 0x1592}
)");
  EXPECT_NE(m.find("b: devfn 0x01 is function 1 of a slot without function 0"), std::string::npos) << m;
  EXPECT_NE(m.find("pci_scan_slot"), std::string::npos) << m;
  // On a root bus too (integrated endpoints).
  m = refusal(R"(  devices:
    - {name: e, devfn: 0x83, vendor: 0x8086, device: 0x0b25}
)");
  EXPECT_NE(m.find("e: devfn 0x83 is function 3 of a slot without function 0"), std::string::npos) << m;
  // Function 0 hot-plugged: the boot's scan does not reach function 1 either.
  m = refusal(R"(  ports: [{name: rp0}]
  devices:
    - {name: a, port: rp0, hotplug: true, vendor: 0x8086, device: 0x1592}
    - {name: b, port: rp0, devfn: 1, vendor: 0x8086, device: 0x1592}
)");
  EXPECT_NE(m.find("b: present at boot beside its slot's function 0 a, which is hot-plugged"), std::string::npos) << m;
  EXPECT_EQ(refusal(R"(  ports: [{name: rp0}]
  devices:
    - {name: a, port: rp0, hotplug: true, vendor: 0x8086, device: 0x1592}
    - {name: b, port: rp0, devfn: 1, hotplug: true, vendor: 0x8086, device: 0x1592}
)"),
            "");
}

// Integrated endpoints sharing a slot are the functions of one multi-function device, as below a
// port: function 0's header says so (else next_fn would stop after it) and each has ACS.
TEST(ScenarioLoad, IntegratedEndpointsSharingASlotAreOneMultiFunctionDevice) {
  io::Scenario sc = io::load_scenario(test::write_temp("m.yaml", R"(machine:
  devices:
    - {name: f0, devfn: 0x80, vendor: 0x8086, device: 0x0b25}
    - {name: f1, devfn: 0x81, vendor: 0x8086, device: 0x0b25}
    - {name: alone, devfn: 0x88, vendor: 0x8086, device: 0x0b25}
)"));
  DeviceNames names;
  System s = build_machine(sc, policy::AtsVariant::Upstream, names);
  for (const char* n : {"f0", "f1"}) {
    const auto& cfg = s.hw.pcie.fn(names.at(n)).cfg;
    EXPECT_EQ(cfg.read8(0x0e) & 0x80, 0x80) << n << ": header type's multi-function bit";
    EXPECT_NE(hw::pcie::find_ext_cap(cfg, hw::pcie::ext_cap::kAcs), 0) << n;
  }
  EXPECT_EQ(s.hw.pcie.fn(names.at("alone")).cfg.read8(0x0e) & 0x80, 0);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::sim
