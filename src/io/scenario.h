#pragma once
// YAML scenarios: a machine, kernel switches, a workload, a fault plan and
// expectations per variant, so that a scenario is also a test. See
// docs/scenarios.md for the format. Errors name file, line, column and field.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/topology.h"
#include "policy/ats_variant.h"
#include "policy/driver.h"
#include "policy/smmu_attach_switches.h"
#include "sim/ops.h"

namespace atslab::io {

struct SmmuSpec {
  bool ats = true;
  uint64_t pgsize_bitmap = 0x40201000;
  bool endpoints_ignore_inv_when_disabled = false;
  bool s1p = true, s2p = true;  // IDR0.S1P / S2P: the stages it translates (neither: the driver refuses it)
  unsigned sid_bits = 16;       // IDR1.SIDSIZE: StreamIDs beyond 1 << sid_bits have no STE
  bool coherent = true;         // IDR0.COHACC: without it arm_smmu_sva_supported says no (no SVA)
  unsigned ssid_bits = 20;      // IDR1.SSIDSIZE: the SubstreamID bits (the IOMMU core's max_pasids)
  bool cd2l = false;            // IDR0.CD2L: 2-level CD tables (ARM_SMMU_FEAT_2_LVL_CDTAB)
};

struct RcSpec {
  bool ats = true;
  hw::pcie::IommuKind iommu = hw::pcie::IommuKind::Smmuv3;
  // The IOMMU's index among those of its kind (YAML key `smmu`). SMMUv3: 0 unless given. VT-d and
  // AMD-Vi: a unit serves one PCI segment (each root complex is one), so by default each root
  // complex gets the next unit of its kind, and the loader refuses a unit given to two of them.
  uint16_t smmu = 0;
  // VT-d only (`vtd:` mapping): the unit's ECAP bits. smts false is legacy (non-scalable) mode.
  bool ecap_smts = true, ecap_dt = true, ecap_dit = true, ecap_prs = true;
};

struct PortSpec {
  std::string name;
  uint16_t rc = 0;
  bool external_facing = false;
  std::string below;  // a switch: this port is a downstream port of a switch below port `below`
  // false: the port has no ACS capability, so pci_device_group puts every device below it in the
  // port's IOMMU group (a switch or root port without ACS).
  bool acs = true;
  // A PCIe-to-PCI bridge below port `below` (not a switch): the devices below it are conventional
  // PCI functions, whose DMA carries the bridge's secondary bus as requester ID (their IOMMU group
  // is the bridge's).
  bool pci_bridge = false;
};

struct DeviceSpec {
  std::string name;
  std::optional<hw::pcie::Bdf> at;  // a function of the host's dumps (HostMachine), at this address
  std::string port;  // "" = on the root bus (RCiEP)
  uint16_t rc = 0;
  std::optional<uint8_t> devfn;  // given (0 included) or not: an RCiEP without one takes the next free device number
  bool hotplug = false;
  std::string lspci;  // import the config space from a dump instead
  hw::pcie::HeaderSpec header;
  std::optional<hw::pcie::AtsCapSpec> ats;
  std::optional<hw::pcie::SriovCapSpec> sriov;
  bool pri = false, pasid = false;
  bool flr = true;  // Function Level Reset in Device Capabilities (`flr: false`: none)
  std::optional<hw::pcie::PmCapSpec> pm;  // a PCI Power Management capability
  std::string driver;  // bound at boot: "", native or vfio-pci
  // A function sharing its slot with others (the same port and device number) is a function of a
  // multi-function device: its header says so and, unless `acs: false`, it has an ACS capability
  // that isolates it from its siblings (pci_acs_enabled reads ACS on multi-function endpoints only).
  bool acs = true;
  // Where the device's devfn (or, without one, the device) was written: "FILE:LINE:COL", for the
  // refusals made once the whole machine is known (io/scenario_machine.cc). Empty when built in code.
  std::string where;
};

// `machine.lspci` (and `machine.acpi`): a host as its lspci dumps and firmware tables give it. The
// hierarchy is built once, at load (sim::dump_topology, io::acpi::place_behind_iommus); every
// endpoint it holds is a device of the scenario, named by its address unless `machine.devices`
// names it.
struct HostMachine {
  std::vector<std::string> lspci, acpi;  // the files, as paths from the working directory
  std::shared_ptr<const hw::pcie::Topology> topology;
  std::vector<std::string> placed;  // per root complex, the IOMMU the tables put it behind
  std::vector<std::string> notes;   // what the dumps and tables could not say, or the model does otherwise
};

struct Expectation {
  std::optional<size_t> warnings;
  std::optional<std::vector<int>> violations;
  std::optional<size_t> atc_inv_to_ats_disabled;
  std::optional<size_t> kasan;  // KASAN reports (use of freed memory) in the record
  int line = 0;
};

struct Scenario {
  std::string path;
  std::string name;
  std::vector<SmmuSpec> smmus;
  std::vector<RcSpec> rcs;
  std::vector<PortSpec> ports;
  std::vector<DeviceSpec> devices;
  std::optional<HostMachine> host;  // machine.lspci: rcs and ports are then the dumps'
  std::vector<policy::AtsVariant> variants;  // the variants it runs under by default
  // kernel.pci: each field given overrides that switch on top of each variant's defaults.
  std::optional<bool> pf_aware_ats_supported, vf_stu_validation, noats;
  bool config_pci_pasid = true;  // kernel.pci.config_pci_pasid: CONFIG_PCI_PASID (policy::PciCoreSwitches)
  bool warn_reset_unaware = true;  // kernel.pci.warn_reset_unaware: 6.13's "resetting" lines (PciCoreSwitches)
  std::optional<policy::QuirkPhase> quirk_phase;
  bool disable_ats_checks_ats_cap = false, no_ats_quirk_keeps_ats_cap = false;  // fix sketches 7a, 7b
  bool nr_ats_masters_fastpath = false;
  policy::SmmuAttachSwitches smmuv3;  // kernel.smmuv3: fix sketches 13a, 13b; release_domain (false: 6.12)
  // kernel.iommu.pci_dev_reset_iommu: the 2026 core's reset handling (false: 6.12, which has none).
  bool pci_dev_reset_iommu = true;
  // kernel.iommu.passthrough: iommu.passthrough=1 (CONFIG_IOMMU_DEFAULT_PASSTHROUGH), identity
  // default domains, as many Arm servers boot: a master's first domain is then identity, so no
  // stage-1 domain has made its CD table before a PASID does.
  bool passthrough = false;
  policy::Driver driver = policy::Driver::Model;  // which code plays the kernel: --driver (not a YAML key)
  std::vector<sim::Op> workload;
  std::string faults;
  uint64_t seed = 1;
  std::map<std::string, Expectation> expect;  // by variant name, or "all"
  // expect_source: the rows of one kernel tree's own code under --driver source, by the tree's
  // version ("6.12.118", its Makefile's), then as `expect`. A tree without an entry is judged by
  // `expect` (atslab's model of each design), and run says so.
  std::map<std::string, std::map<std::string, Expectation>> expect_source;
};

// The model's limits on a machine (docs/scenarios.md), below what PCI allows (65,536 functions and
// 256 buses per segment), so that any machine that loads boots in well under a second.
inline constexpr size_t kMaxFunctions = 4096;  // devices, ports and switches (bridges), VF slots
inline constexpr size_t kMaxSmmus = 256, kMaxRootComplexes = 256;

// A scenario file is at most this large (the shipped ones are below 16 KiB; `repeat:` makes long workloads short).
inline constexpr uintmax_t kMaxScenarioBytes = uintmax_t{1} << 20;

// Whether any root complex of the machine sits behind an SMMUv3 (the dumps' placement for a host).
bool uses_smmuv3(const Scenario& sc);
// No root complex behind VT-d or AMD-Vi (each is SMMUv3 or has no IOMMU).
bool only_smmuv3(const Scenario& sc);

// Throws atslab::InputError "FILE:LINE:COL: FIELD: expected ..." on any problem.
Scenario load_scenario(const std::string& path);

// What is wrong with the device `op` names in `sc`'s machine ("" when nothing is): no such
// device, a VF name that is not <pf>.vf<N>, a VF beyond its PF's TotalVFs, a hot-plug
// operation on a VF. Workloads and replay files are checked with it before they run.
std::string device_problem(const Scenario& sc, const sim::Op& op);

}  // namespace atslab::io
