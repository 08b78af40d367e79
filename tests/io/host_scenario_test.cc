// A host from its own files (machine.lspci, machine.acpi, atslab import): the dumps' hierarchy,
// the IOMMU each root complex is behind and the ATS the firmware allows there, as the kernel reads
// the published tables (tests/data/acpi) over real dumps.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "hw/pcie/capabilities.h"
#include "io/host_yaml.h"
#include "io/input_error.h"
#include "io/scenario.h"
#include "io/scenario_host.h"
#include "linux/pci/access.h"
#include "linux/pci/probe.h"
#include "linux/vtd/vtd.h"
#include "sim/scenario_run.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

namespace fs = std::filesystem;
using hw::pcie::IommuKind;

std::string dump(const std::string& name) { return std::string(ATSLAB_LSPCI_DIR) + "/" + name; }
std::string table(const std::string& name) { return std::string(ATSLAB_SOURCE_DIR) + "/tests/data/acpi/" + name; }
#define SKIP_WITHOUT_DUMPS()                                                \
  if (!fs::is_directory(ATSLAB_LSPCI_DIR)) {                                \
    if (ATSLAB_NO_SKIPS) FAIL() << ATSLAB_LSPCI_DIR << " not present (CI)"; \
    GTEST_SKIP() << ATSLAB_LSPCI_DIR << " not present";                     \
  }

const hw::pcie::RootComplex& rc_of(const HostMachine& h, const std::string& bdf) {
  const auto& t = *h.topology;
  for (const auto& f : t.functions())
    if (f.bdf.str() == bdf) return t.rc(f.rc);
  throw std::runtime_error("no " + bdf);
}

const hw::pcie::Function& fn_at(const HostMachine& h, const std::string& bdf) {
  for (const auto& f : h.topology->functions())
    if (f.bdf.str() == bdf) return f;
  throw std::runtime_error("no " + bdf);
}

bool has_line(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

// QEMU's legacy IORT maps segment 0's RIDs 0000-01ff (buses 0 and 1) to its SMMUv3 and the rest
// straight to the ITS; its root complex node says no ATS. The 82576 (bus 01, below atslab's root
// port 00:01.0) is behind the SMMU; the Samsung NVMe (bus 2e) is not.
TEST(HostMachine, QemuLegacyIortPutsBus1BehindItsSmmuWithoutAts) {
  SKIP_WITHOUT_DUMPS();
  HostMachine h = build_host({dump("intel-82576-8086-10c9-sriov.txt"), dump("samsung-nvme-144d-a826-sriov.txt")},
                             {table("qemu-virt-smmuv3-legacy.IORT.dsl")}, IommuKind::Smmuv3, true);
  const auto& igb = rc_of(h, "0000:01:00.0");
  EXPECT_EQ(igb.iommu, IommuKind::Smmuv3);
  EXPECT_EQ(igb.iommu_index, 0);
  EXPECT_FALSE(igb.ats_supported);  // ats_attribute 0x0
  // One host: the NVMe keeps segment 0, below a second root port of atslab's on root bus 00;
  // RID 2e00 goes to the ITS only, so Linux never probes it.
  EXPECT_EQ(rc_of(h, "0000:2e:00.0").iommu, IommuKind::Smmuv3);
  EXPECT_FALSE(fn_at(h, "0000:2e:00.0").iommu_mapped);
  EXPECT_TRUE(fn_at(h, "0000:01:00.0").iommu_mapped);
  EXPECT_TRUE(has_line(h.placed, "root bus 0000:00: SMMUv3 node 0x48 (base 0x9050000) as atslab's SMMU 0; root complex "
                                 "node 0xa0 (segment 0000): ATS not supported"));
  EXPECT_TRUE(has_line(h.notes, "IORT: 0000:2e:00.0 of root bus 0000:00 map to no SMMUv3"));
}

// The same NVMe on segment 0's bus 2e: QEMU's table sends RID 2e00 to the ITS only, so Linux gives
// it no IOMMU; the model says so rather than inventing an SMMU.
TEST(HostMachine, IortMappingStraightToTheItsGivesNoIommu) {
  SKIP_WITHOUT_DUMPS();
  HostMachine h = build_host({dump("samsung-nvme-144d-a826-sriov.txt")}, {table("qemu-virt-smmuv3-legacy.IORT.dsl")},
                             IommuKind::Smmuv3, true);
  EXPECT_EQ(rc_of(h, "0000:2e:00.0").iommu, IommuKind::None);
  EXPECT_TRUE(has_line(h.placed, "root complex node 0xa0: its ID mappings lead to ITS group 0x30 (MSIs only)"));
}

// Fujitsu's tree behind QEMU's legacy IORT: buses 0 and 1 go to the SMMU, 04:00.0 (RID 0400) to
// the ITS only. Linux finds no fwspec for it and never probes it: no group, and vfio-pci refuses it.
TEST(HostMachine, AFunctionTheIortMapsToNoSmmuIsNeverProbed) {
  const std::string fujitsu = std::string(ATSLAB_SOURCE_DIR) + "/tests/data/lspci/pciutils-tree-fujitsu-p8010.txt";
  Scenario sc = host_scenario(build_host({fujitsu}, {table("qemu-virt-smmuv3-legacy.IORT.dsl")}, IommuKind::Smmuv3, true),
                              "host");
  EXPECT_FALSE(fn_at(*sc.host, "0000:04:00.0").iommu_mapped);
  EXPECT_TRUE(fn_at(*sc.host, "0000:00:02.0").iommu_mapped);
  EXPECT_TRUE(has_line(sc.host->notes, "map to no SMMUv3: Linux gives them no IOMMU"));
  sim::OpContext ctx;
  System s = sim::boot_machine(sc, policy::AtsVariant::Upstream, ctx, 1, "");
  const auto unmapped = pci::dev_for_fn(s, ctx.devices.at("0000:04:00.0"));
  const auto mapped = pci::dev_for_fn(s, ctx.devices.at("0000:00:02.0"));
  ASSERT_TRUE(unmapped && mapped);
  EXPECT_FALSE(s.kernel.iommu.devs.at(*unmapped).probed);
  EXPECT_EQ(s.kernel.iommu.devs.at(*unmapped).probe_error, -ENODEV);
  EXPECT_TRUE(s.kernel.iommu.devs.at(*mapped).probed);
  const auto r = sim::run_ops(sc, policy::AtsVariant::Upstream,
                              {{.kind = sim::OpKind::Bind, .device = "0000:04:00.0", .driver = "vfio-pci"}}, 1, "");
  EXPECT_EQ(r.steps.back().ret, -EINVAL);  // vfio_device_set_group: no IOMMU group
}

// CIX Sky1's IORT: segment 0's root complex node has the ATS attribute set.
TEST(HostMachine, CixSky1IortSaysAtsSupported) {
  SKIP_WITHOUT_DUMPS();
  HostMachine h = build_host({dump("intel-82576-8086-10c9-sriov.txt")}, {table("cix-sky1-orion-o6.IORT.dsl")},
                             IommuKind::Smmuv3, false);
  EXPECT_EQ(rc_of(h, "0000:01:00.0").iommu, IommuKind::Smmuv3);
  EXPECT_TRUE(rc_of(h, "0000:01:00.0").ats_supported);  // the table's, not --rc-ats's false
}

// ASRock X99's ATSR lists root ports 00:01.0 and 00:03.0 and has no ALL_PORTS: the root port
// atslab stands above the 82576 is 00:01.0, so it is listed; the root complex's own flag is off.
// Behind it VT-d's dmar_ats_supported says yes; an integrated device (the DSA RCiEP) may always.
TEST(HostMachine, AsrockDmarListsTheRootPortInItsAtsr) {
  SKIP_WITHOUT_DUMPS();
  HostMachine h = build_host({dump("intel-82576-8086-10c9-sriov.txt")}, {table("asrock-x99-extreme4.DMAR.dsl")},
                             IommuKind::Smmuv3, true);
  EXPECT_EQ(rc_of(h, "0000:01:00.0").iommu, IommuKind::Vtd);
  EXPECT_FALSE(rc_of(h, "0000:01:00.0").ats_supported);
  EXPECT_EQ(fn_at(h, "0000:00:01.0").dmar, hw::pcie::DmarListing::Atsr);
  EXPECT_TRUE(has_line(h.notes, "the ATSR at 0x70 names bridge 00:03.0, which the dumps do not have"));
}

// MSI Claw's DMAR has a SATC naming the iGPU at 00:02.0 (and 00:0b.0).
TEST(HostMachine, MsiClawSatcListsTheIgpu) {
  SKIP_WITHOUT_DUMPS();
  HostMachine h = build_host({dump("intel-skylake-igpu-8086-191e.txt")}, {table("msi-claw-a1m.DMAR.dsl")},
                             IommuKind::Smmuv3, true);
  EXPECT_EQ(rc_of(h, "0000:00:02.0").iommu, IommuKind::Vtd);
  const auto listing = fn_at(h, "0000:00:02.0").dmar;
  EXPECT_TRUE(listing == hw::pcie::DmarListing::Satc || listing == hw::pcie::DmarListing::SatcAtcRequired);
}

// Lenovo Legion 5's IVRS: its IVHD type 0x40 covers segment 0's bus 1.
TEST(HostMachine, LegionIvrsPutsTheDeviceBehindItsAmdIommu) {
  SKIP_WITHOUT_DUMPS();
  HostMachine h = build_host({dump("intel-82576-8086-10c9-sriov.txt")}, {table("lenovo-legion-5-15ach6h.IVRS.dsl")},
                             IommuKind::Smmuv3, true);
  EXPECT_EQ(rc_of(h, "0000:01:00.0").iommu, IommuKind::Amd);
  EXPECT_TRUE(has_line(h.placed, "IVHD type 0x40 at 0xd0 (IOMMU 0000:00:00.2, MMIO 0xfdf00000) as atslab's AMD-Vi IOMMU 0"));
}

TEST(HostMachine, RefusesTablesOfTwoArchitecturesAndTwoOfOneKind) {
  SKIP_WITHOUT_DUMPS();
  const std::vector<std::string> d{dump("intel-82576-8086-10c9-sriov.txt")};
  try {
    build_host(d, {table("cix-sky1-orion-o6.IORT.dsl"), table("asrock-x99-extreme4.DMAR.dsl")}, IommuKind::Smmuv3, true);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tables of two architectures"), std::string::npos) << e.what();
  }
  try {
    build_host(d, {table("cix-sky1-orion-o6.IORT.dsl"), table("qemu-virt-smmuv3-dev.IORT.dsl")}, IommuKind::Smmuv3, true);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("are both IORT: a host has one"), std::string::npos) << e.what();
  }
}

// VT-d's dmar_ats_supported on the booted host: the DSA RCiEP is integrated (no bridge above it),
// so it may use ATS though no ATSR has ALL_PORTS; the 82576's VF would ask its root port.
TEST(HostMachine, VtdLetsAnIntegratedDeviceUseAtsWithoutAnAtsr) {
  SKIP_WITHOUT_DUMPS();
  Scenario sc = host_scenario(build_host({dump("intel-8086-0d93-rciep-ats-pri-pasid-sriov.txt")},
                                         {table("asrock-x99-extreme4.DMAR.dsl")}, IommuKind::Smmuv3, true),
                              "host");
  ASSERT_FALSE(rc_of(*sc.host, "0000:6b:00.0").ats_supported);
  sim::OpContext ctx;
  System s = sim::boot_machine(sc, policy::AtsVariant::Upstream, ctx, 1, "");
  const auto dev = pci::dev_for_fn(s, ctx.devices.at("0000:6b:00.0"));
  ASSERT_TRUE(dev);
  EXPECT_TRUE(vtd::dmar_ats_supported(s, *dev, true));
  EXPECT_EQ(vtd::dmar_ats_refusal(s, *dev, true), "");
}

// The scenario `atslab import` writes loads back as the same machine, and its workload runs.
TEST(HostMachine, ImportedScenarioLoadsBackAndRuns) {
  SKIP_WITHOUT_DUMPS();
  Scenario sc = host_scenario(build_host({dump("intel-8086-0d93-rciep-ats-pri-pasid-sriov.txt"), dump("intel-82576-8086-10c9-sriov.txt")},
                                         {table("cix-sky1-orion-o6.IORT.dsl")}, IommuKind::Smmuv3, true),
                              "host");
  const fs::path dir = fs::temp_directory_path() / ("atslab-import-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "host.yaml";
  std::ofstream(file) << host_scenario_yaml(sc, dir.string());
  Scenario back = load_scenario(file.string());
  ASSERT_TRUE(back.host);
  // The same machine (labels name the dump by the path each was given, so they may differ).
  const auto& a = *back.host->topology;
  const auto& b = *sc.host->topology;
  EXPECT_EQ(a.root_complexes(), b.root_complexes());
  ASSERT_EQ(a.functions().size(), b.functions().size());
  for (size_t i = 0; i < a.functions().size(); ++i) {
    EXPECT_EQ(a.functions()[i].bdf, b.functions()[i].bdf);
    EXPECT_EQ(a.functions()[i].parent, b.functions()[i].parent);
    EXPECT_EQ(a.functions()[i].cfg, b.functions()[i].cfg);
  }
  ASSERT_EQ(back.devices.size(), sc.devices.size());
  for (size_t i = 0; i < sc.devices.size(); ++i) {
    EXPECT_EQ(back.devices[i].name, sc.devices[i].name);
    EXPECT_EQ(back.devices[i].driver, sc.devices[i].driver);  // the PFs' own drivers, for their VFs
  }
  EXPECT_FALSE(back.workload.empty());  // the 0d93 has ATS and an SMMU: its VF goes to VFIO and back
  const auto r = sim::run_scenario(back, policy::AtsVariant::FailEarly);
  EXPECT_TRUE(r.final.record.warnings.empty());
  fs::remove_all(dir);
}

TEST(HostMachine, ScenarioRefusesRootComplexesAndUnknownAddresses) {
  SKIP_WITHOUT_DUMPS();
  const fs::path dir = fs::temp_directory_path() / ("atslab-host-refuse-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto refuse = [&](const std::string& machine, const std::string& part) {
    const fs::path file = dir / "s.yaml";
    std::ofstream(file) << "name: s\nmachine:\n  lspci: [" << dump("intel-82576-8086-10c9-sriov.txt") << "]\n" << machine;
    try {
      load_scenario(file.string());
      ADD_FAILURE() << "loaded: " << machine;
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  refuse("  root_complexes: [{ats: false}]\n", "unknown field (expected one of with lspci");
  refuse("  devices: [{at: \"0000:05:00.0\"}]\n", "no function at 0000:05:00.0 in the dumps");
  refuse("  devices: [{at: \"0000:00:01.0\"}]\n", "is a bridge, not a device");
  refuse("  devices: [{at: \"nope\"}]\n", "expected an address");
  refuse("  acpi: [" + table("cix-sky1-orion-o6.IORT.dsl") + "]\n  iommu: vtd\n", "the acpi tables say which IOMMU");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
