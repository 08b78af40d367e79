#include "hw/pcie/atc.h"
#include "sim/seed_repro.h"

#include <fmt/format.h>

#include "hw/pcie/capabilities.h"
#include "hw/pcie/capability_walk.h"
#include "linux/iommu/iommu.h"
#include "linux/kernel/printk.h"
#include "linux/pci/iov.h"
#include "linux/pci/probe.h"
#include "linux/smmuv3/rcu.h"
#include "linux/vfio/vfio.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"
#include "sim/ops.h"
#include "sim/path_repro.h"

namespace atslab::sim {

using namespace hw::pcie;

namespace {

System seed_machine(policy::AtsVariant v, const ReproOptions& opt) {
  const ReproScenario scenario = opt.scenario;
  System s;
  RootComplex rc;
  rc.ats_supported = true;
  rc.iommu = opt.iommu;
  RcId r = s.hw.pcie.add_root_complex(rc);
  FnId port = s.hw.pcie.add_root_port(r, 1);
  bool seed = scenario == ReproScenario::Seed;
  // The seed: an E2000 stepping whose ATS is quirked off. Otherwise: a ConnectX-6 Dx, nothing quirked.
  ConfigBuilder b({.vendor = static_cast<uint16_t>(seed ? 0x8086 : 0x15b3),
                   .device = static_cast<uint16_t>(seed ? 0x1452 : 0x101d), .class_code = 0x020000,
                   .revision = static_cast<uint8_t>(seed ? 0x11 : 0x00),
                   .subsystem_vendor = static_cast<uint16_t>(seed ? 0x8086 : 0x15b3), .subsystem_device = 0x0000});
  b.add_pcie(exp::Type::Endpoint, true);
  b.add_ats({.qdep = 0, .page_aligned = true});
  b.add_sriov({.total_vfs = 4, .vf_offset = 1, .vf_stride = 1,
               .vf_device = static_cast<uint16_t>(seed ? 0x1457 : 0x101e)});
  s.hw.pcie.add_function(r, port, 0, b.build(), seed ? "Intel IPU E2000 PF (seed scenario)" : "ConnectX-6 Dx PF");
  if (opt.iommu == IommuKind::Vtd) s.hw.vtd.push_back({.ecap_smts = !opt.vtd_legacy});
  s.kernel.pci_switches = policy::default_switches(v);
  if (opt.header_quirks) s.kernel.pci_switches.no_ats_quirk_phase = policy::QuirkPhase::Header;
  s.kernel.pci_switches.ats = opt.driver;
  s.kernel.smmuv3.policy = policy::policy_for(v);
  s.kernel.vtd.policy = policy::policy_for(v);
  s.kernel.amd.policy = policy::policy_for(v);
  s.kernel.iommu.pci_dev_reset_iommu = opt.reset_iommu;
  return s;
}

class Runner {
 public:
  Runner(policy::AtsVariant v, const ReproOptions& opt) {
    r_.variant = v;
    r_.iommu = opt.iommu;
    r_.final = seed_machine(v, opt);
    r_.quirk_phase = r_.final.kernel.pci_switches.no_ats_quirk_phase;
  }

  System& s() { return r_.final; }
  void step(const std::string& name) {
    smmuv3::synchronize_rcu(s());  // a grace period between operations: no reader spans them
    s().faults.step = name;
    r_.steps.push_back(name);
    monitor_.step(s(), name);
  }
  ReproResult finish() {
    r_.violations = monitor_.all();
    r_.violated = monitor_.numbers();
    r_.atc_inv_to_ats_disabled = monitor_.atc_inv_to_ats_disabled();
    return std::move(r_);
  }
  ReproResult& result() { return r_; }

 private:
  ReproResult r_;
  check::Monitor monitor_;
};

}  // namespace

ReproResult run_seed_repro(policy::AtsVariant v, const ReproOptions& opt) {
  if (opt.scenario == ReproScenario::AlwaysOn || opt.scenario == ReproScenario::Iommufd || opt.scenario == ReproScenario::Group ||
      opt.scenario == ReproScenario::Pasid || opt.scenario == ReproScenario::Nested || opt.scenario == ReproScenario::Sva ||
      opt.scenario == ReproScenario::IommufdPasid)
    return run_path_repro(v, opt);
  Runner run(v, opt);
  System& s = run.s();
  faults::seed(s.faults, opt.seed);
  if (opt.scenario == ReproScenario::EnableFailure)
    s.faults.rules.push_back({.point = faults::Point::PciEnableAts, .step = "vf-probe", .always = true});
  if (opt.scenario == ReproScenario::Reset)
    s.faults.rules.push_back({.point = faults::Point::PciEnableAts, .step = "vfio-reset", .always = true});
  if (opt.scenario == ReproScenario::PrepareFailure)
    s.faults.rules.push_back({.point = faults::Point::PciPrepareAts, .step = "boot", .always = true});
  for (auto& rule : faults::parse_plan(opt.faults)) s.faults.rules.push_back(rule);
  if (opt.legacy_fastpath) s.kernel.smmuv3.inv_design = smmuv3::InvalidationDesign::NrAtsMasters;
  const int iterations = opt.iterations;
  auto& r = run.result();
  r.scenario = opt.scenario;

  s.faults.step = "boot";
  pci::boot(s);
  pci::DevId pf = pci::live_devices(s).back();
  const auto& probed = s.kernel.iommu.devs;
  r.probe_failed = pf >= probed.size() || !probed[pf].probed;
  const bool smmu = opt.iommu == IommuKind::Smmuv3;
  s.kernel.devs[pf].driver = smmu ? pci::DriverKind::Native : pci::DriverKind::VfioPci;
  pci::device_attach(s, pf);
  run.step("boot: PF probed, ATS quirked off (quirk_intel_e2000_no_ats)");

  s.kernel.ctx.comm = "bash";
  s.faults.step = "vf-probe";
  pci::sriov_numvfs_store(s, pf, 2);
  run.step("echo 2 > sriov_numvfs: VFs created and probed");
  pci::DevId vf = pci::kNoDev;
  for (pci::DevId d : pci::live_devices(s))
    if (s.kernel.devs[d].is_virtfn && s.kernel.devs[d].vf_index == 0) vf = d;
  if (vf == pci::kNoDev) return run.finish();
  const auto& vf_iommu = s.kernel.iommu.devs;
  r.probe_failed |= vf >= vf_iommu.size() || !vf_iommu[vf].probed;
  r.attach_failed = r.probe_failed;  // the default-domain attach is the first attach

  // A host driver uses the VF first: DMA API map/unmap on its default domain.
  iommu::GroupId g = iommu::group_of(s, vf);
  if (g != iommu::kNoGroup) {
    pci::device_release_driver(s, vf);  // whatever bound at creation lets go first
    s.kernel.devs[vf].driver = pci::DriverKind::Native;
    pci::device_attach(s, vf);  // dma_configure: the driver shares the default domain
    iommu::DomainId def = iommu::group(s, g).default_domain;
    for (int i = 0; i < 4; ++i) {
      uint64_t iova = 0xfff00000ull + 0x1000ull * i;
      {
        kernel::Frame f(s, kernel::KFn::dma_map_page_attrs);
        iommu::map(s, def, iova, 0x40000000ull + 0x1000ull * i, 0x1000);
      }
      device_dma(s, s.kernel.devs[vf].fn, iova, true);  // the VF writes the buffer
      kernel::Frame f(s, kernel::KFn::dma_unmap_page_attrs);
      iommu::unmap(s, def, iova, 0x1000);
    }
    run.step("host driver: DMA map/unmap on the default domain");
    pci::device_release_driver(s, vf);
    s.kernel.devs[vf].driver = pci::DriverKind::VfioPci;
    pci::device_attach(s, vf);
    run.step("unbind, bind vfio-pci");
  }

  s.kernel.ctx.cpu = 42;
  s.kernel.ctx.comm = "iova_stress";
  bool usable = g != iommu::kNoGroup;
  vfio::ContainerId c = vfio::open_container(s);
  vfio::VfioGroupId vg = g == iommu::kNoGroup ? vfio::kNone : vfio::open_group(s, vf);
  for (int round = 0; round < 2 && vg != vfio::kNone; ++round) {
    int ret = vfio::group_set_container(s, vg, c);
    run.step(fmt::format("VFIO_GROUP_SET_CONTAINER -> {}", ret));
    if (ret) {
      r.attach_failed = true;
      usable = false;
      break;
    }
    ret = vfio::set_iommu(s, c);
    run.step(fmt::format("VFIO_SET_IOMMU (type1) -> {}", ret));
    if (ret) {
      r.attach_failed = true;
      usable = false;
    } else {
      if (opt.scenario == ReproScenario::Reset) {
        // QEMU resets an assigned device as the VM starts (vfio_pci_reset: VFIO_DEVICE_RESET).
        s.faults.step = "vfio-reset";
        ret = vfio::device_reset(s, vf);
        run.step(fmt::format("VFIO_DEVICE_RESET -> {}", ret));
      }
      if (const auto& fn = s.hw.pcie.fn(s.kernel.devs[vf].fn); fn.present) r.vf_ats_enabled = ats_control(fn.cfg).enabled;
      for (int i = 0; i < iterations; ++i) {
        uint64_t iova = 0x100000ull * (i + 1), size = 0x1000ull << (i % 4);
        int m = vfio::map_dma(s, c, iova, 0x80000000ull + iova, size);
        usable &= m == 0;
        // iova_stress's device side: the VF writes the first page and reads the last before the unmap.
        if (m == 0) {
          // The VF must reach the mapping too: a VF left on the blocking domain maps fine and DMAs nowhere.
          usable &= device_dma(s, s.kernel.devs[vf].fn, iova, true) == 0;
          if (size > 0x1000) device_dma(s, s.kernel.devs[vf].fn, iova + size - 0x1000, false);
        }
        vfio::unmap_dma(s, c, iova, size);
        run.step(fmt::format("iova_stress: VFIO_IOMMU_MAP_DMA/UNMAP_DMA {:#x}+{:#x}", iova, size));
      }
    }
    ret = vfio::group_unset_container(s, vg);
    run.step(fmt::format("VFIO_GROUP_UNSET_CONTAINER -> {}", ret));
  }
  r.vf_usable = usable && !r.probe_failed;

  s.kernel.ctx.cpu = 0;
  s.kernel.ctx.comm = "bash";
  s.kernel.devs[pf].driver_bound = true;
  pci::sriov_numvfs_store(s, pf, 0);
  run.step("echo 0 > sriov_numvfs: VFs released");
  if (!smmu) {
    pci::sriov_numvfs_store(s, pf, 2);
    run.step("echo 2 > sriov_numvfs: VFs created again");
    for (pci::DevId d : pci::live_devices(s))
      if (s.kernel.devs[d].is_virtfn && (d >= vf_iommu.size() || !vf_iommu[d].probed)) r.recreate_probe_failed = true;
    for (const auto& e : s.record.events) r.rbtree_uaf |= e.kind == kernel::EventKind::UseAfterFree;
  }
  return run.finish();
}

}  // namespace atslab::sim
