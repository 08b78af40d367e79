#include "sim/path_repro.h"

#include <algorithm>

#include <fmt/format.h>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/atc.h"
#include "io/scenario_machine.h"
#include "linux/pci/probe.h"
#include "linux/iommu/iommu.h"
#include "linux/mm/mm_state.h"
#include "sim/scenario_run.h"

namespace atslab::sim {

namespace {

// One SMMUv3 with ATS behind one ATS-capable root complex and one root port: what every path's
// scenario file starts from.
io::Scenario one_smmu_machine(std::string name) {
  io::Scenario sc;
  sc.path = "built-in:" + name;
  sc.name = std::move(name);
  sc.smmus.push_back({});
  sc.rcs.push_back({});
  sc.ports.push_back({.name = "rp0"});
  sc.variants.assign(policy::kAllVariants.begin(), policy::kAllVariants.end());
  return sc;
}

// Where the core believes the device's group is, compared with where its DMA goes, on a copy of
// the machine. An identity domain must pass any address and a blocking one none; a paging
// domain is left to the workload's own DMA steps (what it maps is the workload's to know).
bool dma_goes_where_the_core_says(const System& end, pci::DevId dev) {
  const iommu::GroupId g = iommu::group_of(end, dev);
  if (g == iommu::kNoGroup) return false;
  const iommu::DomainId d = iommu::group(end, g).domain;
  if (d == iommu::kNoDomain) return false;
  const iommu::DomainType t = iommu::domain(end, d).type;
  if (iommu::is_paging(t)) return true;
  System copy = end;
  const int ret = device_dma(copy, copy.kernel.devs[dev].fn, kUnmappedIova, true);
  return t == iommu::DomainType::Identity ? ret == 0 : ret != 0;
}

// The operations that move a device or a PASID between domains: the table's ATTACH FAIL is
// theirs. A failed DMA or ioctl of another kind makes the device unusable, not an attach failed.
bool attaches(OpKind k) {
  switch (k) {
    case OpKind::Bind:
    case OpKind::VfioSetContainer:
    case OpKind::VfioSetIommu:
    case OpKind::VfioUnsetContainer:
    case OpKind::HotplugAdd:
    case OpKind::AttachOwnDomain:
    case OpKind::DetachOwnDomain:
    case OpKind::GroupSetType:
    case OpKind::IommufdAttach:
    case OpKind::IommufdDetach:
    case OpKind::IommufdUnbind:
    case OpKind::PasidAttach:
    case OpKind::PasidDetach:
    case OpKind::SvaBind:
    case OpKind::SvaUnbind:
    case OpKind::IommufdPasidAttach:
    case OpKind::IommufdPasidDetach:
      return true;
    default:
      return false;
  }
}

// pasid.yaml's and sva.yaml's endpoint: a ConnectX-6 Dx with ATS and PASID below rp0, on its
// native driver (a vendor ID of 0 would read as an empty slot to Linux's scan).
io::DeviceSpec pasid_endpoint() {
  io::DeviceSpec acc{.name = "acc", .port = "rp0"};
  acc.header = {.vendor = 0x15b3, .device = 0x101d, .class_code = 0x020000};
  acc.ats = hw::pcie::AtsCapSpec{.qdep = 0, .page_aligned = true};
  acc.pasid = true;
  acc.driver = "native";
  return acc;
}

}  // namespace

io::Scenario always_on_scenario() {
  io::Scenario sc = one_smmu_machine("always-on");
  io::DeviceSpec gpu{.name = "gpu", .port = "rp0"};
  gpu.header = {.vendor = 0x10de, .device = 0x2e12, .class_code = 0x020000};
  gpu.ats = hw::pcie::AtsCapSpec{.qdep = 0, .page_aligned = true};
  gpu.pasid = true;
  gpu.driver = "native";
  sc.devices.push_back(gpu);
  sc.smmuv3.master_prepare_ats = true;  // 7.2's driver: arm_smmu_master_prepare_ats at probe
  sc.workload = {
      {.kind = OpKind::Unbind, .device = "gpu"},
      {.kind = OpKind::GroupSetType, .device = "gpu", .type = "identity"},
      {.kind = OpKind::Bind, .device = "gpu", .driver = "vfio-pci"},
      {.kind = OpKind::VfioSetContainer, .device = "gpu"},
      {.kind = OpKind::VfioUnsetContainer, .device = "gpu", .fault = "pci_enable_ats"},
      {.kind = OpKind::VfioSetContainer, .device = "gpu"},
      {.kind = OpKind::VfioUnsetContainer, .device = "gpu"},
  };
  return sc;
}

io::Scenario iommufd_scenario() {
  io::Scenario sc = one_smmu_machine("iommufd");
  io::DeviceSpec nic{.name = "nic", .port = "rp0"};
  nic.header = {.vendor = 0x15b3, .device = 0x101d, .class_code = 0x020000};
  nic.ats = hw::pcie::AtsCapSpec{.qdep = 0, .page_aligned = true};
  nic.driver = "vfio-pci";
  sc.devices.push_back(nic);
  const Op dma{.kind = OpKind::DeviceDma, .device = "nic", .iova = OpContext::kIovaBase, .write = true};
  sc.workload = {
      {.kind = OpKind::IommufdBind, .device = "nic"},
      {.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "h0"},
      {.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "h1"},
      {.kind = OpKind::IommufdMap, .count = 4},
      {.kind = OpKind::IommufdAttach, .device = "nic", .hwpt = "h0"},
      dma,
      {.kind = OpKind::IommufdAttach, .device = "nic", .hwpt = "h1"},
      dma,
      {.kind = OpKind::IommufdDetach, .device = "nic"},
      {.kind = OpKind::IommufdAttach, .device = "nic", .fault = "pci_enable_ats", .hwpt = "h0"},
      dma,
      {.kind = OpKind::IommufdAttach, .device = "nic", .hwpt = "h1"},
      dma,
      {.kind = OpKind::IommufdUnmap},
      {.kind = OpKind::IommufdDetach, .device = "nic"},
      {.kind = OpKind::IommufdUnbind, .device = "nic"},
  };
  return sc;
}

io::Scenario group_scenario() {
  io::Scenario sc = one_smmu_machine("group");
  for (uint8_t f = 0; f < 2; ++f) {
    io::DeviceSpec fn{.name = fmt::format("fn{}", f), .port = "rp0", .devfn = f};
    fn.header = {.vendor = 0x15b3, .device = 0x101d, .class_code = 0x020000};
    fn.ats = hw::pcie::AtsCapSpec{.qdep = 0, .page_aligned = true};
    fn.driver = "vfio-pci";
    fn.acs = false;
    sc.devices.push_back(fn);
  }
  const auto dma = [](const char* d) { return Op{.kind = OpKind::DeviceDma, .device = d, .iova = OpContext::kIovaBase, .write = true}; };
  // The group's second member fails (the 4th call: boot enabled both): type1's attach has moved the first by then.
  sc.faults = "pci_enable_ats:step=VFIO_SET_IOMMU c0:nth=4";
  sc.workload = {
      {.kind = OpKind::VfioSetContainer, .device = "fn0", .container = "c0"},
      {.kind = OpKind::VfioSetIommu, .container = "c0"},
      {.kind = OpKind::VfioMap, .container = "c0", .count = 4, .iova = OpContext::kIovaBase},
      dma("fn0"),
      dma("fn1"),
      {.kind = OpKind::VfioUnmap, .container = "c0"},
      {.kind = OpKind::VfioUnsetContainer, .device = "fn0"},
      {.kind = OpKind::VfioSetContainer, .device = "fn1", .container = "c1"},
      {.kind = OpKind::VfioSetIommu, .container = "c1"},
      {.kind = OpKind::VfioMap, .container = "c1", .count = 4, .iova = OpContext::kIovaBase},
      dma("fn0"),
      dma("fn1"),
      {.kind = OpKind::VfioUnmap, .container = "c1"},
      {.kind = OpKind::VfioUnsetContainer, .device = "fn1"},
  };
  return sc;
}

io::Scenario pasid_scenario(hw::pcie::IommuKind iommu, bool vtd_legacy) {
  io::Scenario sc = one_smmu_machine("pasid");
  if (iommu != hw::pcie::IommuKind::Smmuv3) {
    // The same endpoint and workload behind one VT-d unit (scalable or legacy mode) or AMD-Vi
    // IOMMU (scenarios/pasid-vtd-amd.yaml has the three side by side): the variants the
    // review proposes for those drivers.
    sc.smmus.clear();
    sc.rcs.front().iommu = iommu;
    sc.rcs.front().ecap_smts = !vtd_legacy;
    sc.variants.assign(kVtdAmdVariants.begin(), kVtdAmdVariants.end());
  }
  sc.devices.push_back(pasid_endpoint());
  const auto pasid_op = [](OpKind k, uint32_t pasid) { return Op{.kind = k, .device = "acc", .pasid = pasid}; };
  const auto pasid_dma = [](uint32_t pasid) {
    return Op{.kind = OpKind::PasidDma, .device = "acc", .iova = OpContext::kIovaBase, .write = true, .pasid = pasid};
  };
  sc.workload = {
      {.kind = OpKind::Unbind, .device = "acc"},
      {.kind = OpKind::GroupSetType, .device = "acc", .type = "identity"},
      {.kind = OpKind::Bind, .device = "acc", .driver = "native"},
      pasid_op(OpKind::PasidAttach, 1),
      pasid_dma(1),
      {.kind = OpKind::Reset, .device = "acc"},
      pasid_dma(1),
      pasid_op(OpKind::PasidRemap, 1),
      pasid_op(OpKind::PasidDetach, 1),
      {.kind = OpKind::PasidAttach, .device = "acc", .fault = "pci_enable_ats", .pasid = 2},
      pasid_dma(2),
      pasid_op(OpKind::PasidRemap, 2),
      pasid_op(OpKind::PasidDetach, 2),
  };
  return sc;
}

io::Scenario sva_scenario() {
  io::Scenario sc = one_smmu_machine("sva");
  sc.devices.push_back(pasid_endpoint());
  const Op bind{.kind = OpKind::SvaBind, .device = "acc", .mm = 0};
  const Op unbind{.kind = OpKind::SvaUnbind, .device = "acc", .mm = 0};
  const Op dma{.kind = OpKind::SvaDma, .device = "acc", .iova = mm::kBufferVa, .write = true, .mm = 0};
  const Op munmap{.kind = OpKind::SvaMunmap, .mm = 0};
  Op failing_bind = bind;
  failing_bind.fault = "pci_enable_ats";
  sc.workload = {
      {.kind = OpKind::Unbind, .device = "acc"},
      {.kind = OpKind::GroupSetType, .device = "acc", .type = "identity"},
      {.kind = OpKind::Bind, .device = "acc", .driver = "native"},
      bind, dma, munmap, dma, unbind,
      failing_bind, dma, munmap,
      {.kind = OpKind::SvaExit, .mm = 0},
      dma,
      unbind,
  };
  return sc;
}

io::Scenario nested_scenario() {
  io::Scenario sc = one_smmu_machine("nested");
  // A second SMMU behind a root complex whose IORT node has no ATS attribute.
  sc.smmus.push_back({});
  sc.rcs.push_back({.ats = false, .smmu = 1});
  sc.ports.push_back({.name = "rp1", .rc = 1});
  for (const auto& [name, port] : {std::pair{"nic", "rp0"}, std::pair{"acc", "rp1"}}) {
    io::DeviceSpec d{.name = name, .port = port};
    d.header = {.vendor = 0x15b3, .device = 0x101d, .class_code = 0x020000};
    d.ats = hw::pcie::AtsCapSpec{.qdep = 0, .page_aligned = true};
    d.driver = "vfio-pci";
    sc.devices.push_back(d);
  }
  const auto dma = [](const char* d) { return Op{.kind = OpKind::DeviceDma, .device = d, .iova = OpContext::kIovaBase, .write = true}; };
  const Op map{.kind = OpKind::IommufdMap, .count = 4, .iova = OpContext::kIovaBase};
  const auto nested = [](const char* d, const char* v, const char* h, const char* cfg, uint32_t eats) {
    return Op{.kind = OpKind::IommufdHwptAllocNested, .device = d, .hwpt = h, .viommu = v, .cfg = cfg, .eats = eats};
  };
  const auto attach = [](const char* d, const char* h) { return Op{.kind = OpKind::IommufdAttach, .device = d, .hwpt = h}; };
  const auto guest_inv = [](const char* v, uint32_t vsid) { return Op{.kind = OpKind::IommufdViommuInvalidate, .viommu = v, .vsid = vsid}; };
  sc.workload = {
      {.kind = OpKind::IommufdBind, .device = "nic"},
      {.kind = OpKind::IommufdHwptAlloc, .device = "nic", .hwpt = "s2", .nest_parent = true},
      map,
      {.kind = OpKind::IommufdViommuAlloc, .device = "nic", .hwpt = "s2", .viommu = "v0"},
      {.kind = OpKind::IommufdVdeviceAlloc, .device = "nic", .viommu = "v0", .vsid = 0x10},
      nested("nic", "v0", "byp", "bypass", 0),
      nested("nic", "v0", "s1", "s1_trans", 1),
      nested("nic", "v0", "s1n", "s1_trans", 0),
      attach("nic", "byp"),
      attach("nic", "s1"),
      {.kind = OpKind::AtsTranslate, .device = "nic", .iova = OpContext::kIovaBase, .write = true},
      dma("nic"),
      {.kind = OpKind::IommufdUnmap},
      map,
      guest_inv("v0", 0x10),
      attach("nic", "s1n"),
      {.kind = OpKind::IommufdAttach, .device = "nic", .fault = "pci_enable_ats", .hwpt = "s1"},
      dma("nic"),
      {.kind = OpKind::IommufdUnmap},
      guest_inv("v0", 0x10),
      {.kind = OpKind::IommufdDetach, .device = "nic"},
      map,
      {.kind = OpKind::IommufdBind, .device = "acc"},
      {.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "s2b", .nest_parent = true},
      {.kind = OpKind::IommufdViommuAlloc, .device = "acc", .hwpt = "s2b", .viommu = "v1"},
      {.kind = OpKind::IommufdVdeviceAlloc, .device = "acc", .viommu = "v1", .vsid = 0x20},
      nested("acc", "v1", "s1b", "s1_trans", 1),
      attach("acc", "s1b"),
      dma("acc"),
      guest_inv("v1", 0x20),
      {.kind = OpKind::IommufdDetach, .device = "acc"},
  };
  return sc;
}

// scenarios/iommufd-pasid.yaml: pasid.yaml's endpoint on vfio-pci, its cdev bound to iommufd.
io::Scenario iommufd_pasid_scenario() {
  io::Scenario sc = one_smmu_machine("iommufd-pasid");
  io::DeviceSpec acc = pasid_endpoint();
  acc.driver = "vfio-pci";
  sc.devices.push_back(acc);
  const auto attach = [](uint32_t pasid, const char* hwpt, const char* fault = "") {
    return Op{.kind = OpKind::IommufdPasidAttach, .device = "acc", .fault = fault, .hwpt = hwpt, .pasid = pasid};
  };
  const auto detach = [](uint32_t pasid) { return Op{.kind = OpKind::IommufdPasidDetach, .device = "acc", .pasid = pasid}; };
  const auto pasid_dma = [](uint32_t pasid) {
    return Op{.kind = OpKind::PasidDma, .device = "acc", .iova = OpContext::kIovaBase, .write = true, .pasid = pasid};
  };
  sc.workload = {
      {.kind = OpKind::IommufdBind, .device = "acc"},
      {.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "h0", .pasid_compat = true},
      {.kind = OpKind::IommufdHwptAlloc, .device = "acc", .hwpt = "h1", .pasid_compat = true},
      {.kind = OpKind::IommufdMap, .count = 4},
      // The file's two refusals (h2 lacks IOMMU_HWPT_ALLOC_PASID) are left out: the table's ATTACH
      // FAIL is for an attach the kernel takes and then fails (IommufdPasid.* pins the refusals).
      attach(1, "h0"),
      pasid_dma(1),
      {.kind = OpKind::IommufdAttach, .device = "acc", .hwpt = "h1"},
      {.kind = OpKind::DeviceDma, .device = "acc", .iova = OpContext::kIovaBase, .write = true},
      attach(1, "h1"),
      pasid_dma(1),
      detach(1),
      {.kind = OpKind::IommufdDetach, .device = "acc"},
      attach(2, "h0", "pci_enable_ats"),
      pasid_dma(2),
      {.kind = OpKind::IommufdUnmap},
      detach(2),
      {.kind = OpKind::IommufdMap, .count = 4, .iova = OpContext::kIovaBase},
      attach(3, "h0"),
      pasid_dma(3),
      {.kind = OpKind::IommufdUnbind, .device = "acc"},
  };
  return sc;
}

std::string_view path_device(ReproScenario sc) {
  switch (sc) {
    case ReproScenario::AlwaysOn: return "gpu";
    case ReproScenario::Iommufd: return "nic";
    case ReproScenario::Group: return "fn1";
    case ReproScenario::Pasid: return "acc";
    case ReproScenario::Sva: return "acc";
    case ReproScenario::Nested: return "nic";
    case ReproScenario::IommufdPasid: return "acc";
    default: return "";
  }
}

std::string_view path_description(ReproScenario sc) {
  switch (sc) {
    case ReproScenario::AlwaysOn:
      return "always-on: a GPU whose ATS is required (7.2's pci_ats_required), handed to VFIO and back to its identity "
             "domain, whose commit-time pci_enable_ats fails";
    case ReproScenario::Iommufd:
      return "iommufd: a NIC through the VFIO cdev path, attached to a HWPT from blocked with pci_enable_ats failing, "
             "replaced to another HWPT, detached";
    case ReproScenario::Group:
      return "group: a two-function NIC without ACS, one IOMMU group, handed to VFIO; type1's attach of the group "
             "enables the first function's ATS and fails the second's commit-time pci_enable_ats";
    case ReproScenario::Pasid:
      return "pasid: a kernel driver's PASIDs on an endpoint whose RID is identity; the second PASID attach's "
             "commit-time pci_enable_ats fails, then its remap and detach";
    case ReproScenario::Sva:
      return "sva: a driver binds a process's address space (iommu_sva_bind_device) on an endpoint whose RID is identity; "
             "the second bind's commit-time pci_enable_ats fails, then the process's munmap, its exit and the unbind";
    case ReproScenario::Nested:
      return "nested: a NIC a guest drives through a vSMMU (a nested HWPT from its vSTE over a nest-parent S2); the "
             "replace to its EATS vSTE fails the commit-time pci_enable_ats, then an IOAS unmap, a guest ATC "
             "invalidation and a detach to blocked; beside it a function whose host ATS is unsupported under an EATS vSTE";
    case ReproScenario::IommufdPasid:
      return "iommufd-pasid: a VMM attaches PASIDs of an endpoint through the VFIO cdev (VFIO_DEVICE_ATTACH_PASID) with "
             "its RID blocked; the second PASID attach's commit-time pci_enable_ats fails, then an IOAS unmap and the "
             "PASID's detach";
    default: return "";
  }
}

namespace {

io::Scenario path_scenario(ReproScenario which, hw::pcie::IommuKind iommu = hw::pcie::IommuKind::Smmuv3,
                           bool vtd_legacy = false) {
  return which == ReproScenario::Iommufd ? iommufd_scenario()
         : which == ReproScenario::Group ? group_scenario()
         : which == ReproScenario::Pasid ? pasid_scenario(iommu, vtd_legacy)
         : which == ReproScenario::Nested ? nested_scenario()
         : which == ReproScenario::Sva ? sva_scenario()
         : which == ReproScenario::IommufdPasid ? iommufd_pasid_scenario()
                                          : always_on_scenario();
}

}  // namespace

bool path_runs_behind(ReproScenario which, hw::pcie::IommuKind iommu) {
  return iommu == hw::pcie::IommuKind::Smmuv3 || which == ReproScenario::Pasid;
}

bool path_resets(ReproScenario which) {
  if (path_description(which).empty()) return false;
  for (const auto& op : path_scenario(which).workload)
    // A cdev's bind and close, and a group-path device fd's first open and last close, reset the
    // function too (vfio_pci_core_enable / _disable).
    if (op.kind == OpKind::Reset || op.kind == OpKind::VfioReset || op.kind == OpKind::IommufdBind ||
        op.kind == OpKind::IommufdUnbind || op.kind == OpKind::VfioOpenDevice || op.kind == OpKind::VfioCloseDevice ||
        op.kind == OpKind::VfioHotReset)
      return true;
  return false;
}

ReproResult run_path_repro(policy::AtsVariant v, const ReproOptions& opt) {
  io::Scenario sc = path_scenario(opt.scenario, opt.iommu, opt.vtd_legacy);
  sc.nr_ats_masters_fastpath = opt.legacy_fastpath;
  sc.driver = opt.driver;
  sc.pci_dev_reset_iommu = opt.reset_iommu;
  ScenarioResult res = run_ops(sc, v, sc.workload, opt.seed, opt.faults);

  ReproResult r;
  r.variant = v;
  r.scenario = opt.scenario;
  r.iommu = opt.iommu;
  r.quirk_phase = res.final.kernel.pci_switches.no_ats_quirk_phase;
  r.violations = std::move(res.violations);
  r.violated = std::move(res.violated);
  r.atc_inv_to_ats_disabled = res.atc_inv_to_ats_disabled;
  bool all_ok = true, exited = false;
  for (size_t i = 0; i < res.steps.size(); ++i) {
    const StepResult& st = res.steps[i];
    r.steps.push_back(fmt::format("{} -> {}", st.what, st.ret));
    // Step 0 is the boot (its default-domain attaches); step i ran the workload's operation i - 1.
    // An SVA DMA after the process exited is meant to fault (the released CD): not a failure.
    const OpKind k = i > 0 ? sc.workload[i - 1].kind : OpKind::Bind;
    const bool released = k == OpKind::SvaDma && exited;
    all_ok &= st.ret == 0 || released;
    if (i == 0 || attaches(k)) r.attach_failed |= st.ret != 0;
    if (k == OpKind::SvaExit) exited = true;
  }
  r.final = std::move(res.final);
  const auto dev = [&]() -> std::optional<pci::DevId> {
    DeviceNames dn;
    io::build_topology(sc, dn);  // the topology the run was built from: the device's function by name
    return pci::dev_for_fn(r.final, dn.at(std::string(path_device(opt.scenario))));
  }();
  const auto& probed = r.final.kernel.iommu.devs;
  r.probe_failed = !dev || *dev >= probed.size() || !probed[*dev].probed;
  if (dev) r.vf_ats_enabled = hw::pcie::ats_control(r.final.hw.pcie.fn(r.final.kernel.devs[*dev].fn).cfg).enabled;
  const bool parted = std::find(r.violated.begin(), r.violated.end(), 24) != r.violated.end();
  r.vf_usable = dev && !r.probe_failed && all_ok && !parted && dma_goes_where_the_core_says(r.final, *dev);
  return r;
}

}  // namespace atslab::sim
