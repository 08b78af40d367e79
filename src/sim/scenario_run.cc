#include "sim/scenario_run.h"

#include <fmt/format.h>

#include "io/input_error.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/tree_info.h"
#include "io/scenario_machine.h"
#include "linux/pci/probe.h"
#include "linux/smmuv3/rcu.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"
#include "sim/compare_drivers.h"
#include "sim/ops.h"

namespace atslab::sim {

using namespace hw::pcie;

System build_machine(const io::Scenario& sc, policy::AtsVariant v, DeviceNames& names) {
  System s;
  std::vector<bool> ignore_inv;  // per SMMU: its endpoints drop invalidations while their ATS is off
  for (const auto& sm : sc.smmus) {
    // The ID registers the driver will read: IDR0.ATS, and IDR5 granules for the page sizes asked for.
    hw::smmuv3::Smmu h;
    namespace reg = hw::smmuv3::reg;
    h.idr0 = sm.ats ? (h.idr0 | reg::kIdr0Ats) : (h.idr0 & ~reg::kIdr0Ats);
    h.idr0 = (h.idr0 & ~(reg::kIdr0S1p | reg::kIdr0S2p)) | (sm.s1p ? reg::kIdr0S1p : 0) | (sm.s2p ? reg::kIdr0S2p : 0);
    if (!sm.coherent) h.idr0 &= ~reg::kIdr0Cohacc;
    h.idr1 = uint32_t((h.idr1 & ~reg::kIdr1SidSize) | hw::smmuv3::field_prep(reg::kIdr1SidSize, sm.sid_bits));
    h.idr1 = uint32_t((h.idr1 & ~reg::kIdr1SsidSize) | hw::smmuv3::field_prep(reg::kIdr1SsidSize, sm.ssid_bits));
    if (sm.cd2l) h.idr0 |= reg::kIdr0Cd2l;
    h.idr5 = (h.idr5 & ~(reg::kIdr5Gran4k | reg::kIdr5Gran16k | reg::kIdr5Gran64k)) |
             ((sm.pgsize_bitmap & (1ull << 12)) ? reg::kIdr5Gran4k : 0) | ((sm.pgsize_bitmap & (1ull << 14)) ? reg::kIdr5Gran16k : 0) |
             ((sm.pgsize_bitmap & (1ull << 16)) ? reg::kIdr5Gran64k : 0);
    ignore_inv.push_back(sm.endpoints_ignore_inv_when_disabled);
    s.hw.smmus.push_back(h);
  }
  s.hw.pcie = io::build_topology(sc, names);
  // The VT-d units' ECAP, as the driver will read them (units no root complex names keep the defaults).
  for (const auto& r : sc.rcs)
    if (r.iommu == IommuKind::Vtd) {
      if (s.hw.vtd.size() <= r.smmu) s.hw.vtd.resize(r.smmu + 1);
      s.hw.vtd[r.smmu] = {.ecap_dt = r.ecap_dt, .ecap_dit = r.ecap_dit, .ecap_smts = r.ecap_smts, .ecap_prs = r.ecap_prs};
    }
  // A per-SMMU key: only the functions behind a root complex that SMMU serves.
  for (hw::pcie::FnId f = 0; f < s.hw.pcie.functions().size(); ++f) {
    const auto& rc = s.hw.pcie.rc(s.hw.pcie.fn(f).rc);
    if (rc.iommu == IommuKind::Smmuv3 && rc.iommu_index < ignore_inv.size() && ignore_inv[rc.iommu_index])
      s.hw.pcie.fn(f).atc.inv_while_disabled = hw::pcie::AtcInvWhileDisabled::Ignore;
  }
  auto& sw = s.kernel.pci_switches = policy::default_switches(v);
  if (sc.pf_aware_ats_supported) sw.pf_aware_ats_supported = *sc.pf_aware_ats_supported;
  if (sc.vf_stu_validation) sw.vf_stu_validation = *sc.vf_stu_validation;
  if (sc.noats) sw.noats = *sc.noats;
  if (sc.quirk_phase) sw.no_ats_quirk_phase = *sc.quirk_phase;
  sw.disable_ats_checks_ats_cap = sc.disable_ats_checks_ats_cap;
  sw.no_ats_quirk_keeps_ats_cap = sc.no_ats_quirk_keeps_ats_cap;
  sw.ats = sc.driver;
  sw.config_pci_pasid = sc.config_pci_pasid;
  sw.warn_reset_unaware = sc.warn_reset_unaware;
  // Every driver follows the variant (fail-early is also the review's proposal for VT-d and AMD).
  s.kernel.smmuv3.policy = policy::policy_for(v);
  s.kernel.vtd.policy = policy::policy_for(v);
  s.kernel.amd.policy = policy::policy_for(v);
  s.kernel.smmuv3.switches = sc.smmuv3;
  s.kernel.iommu.pci_dev_reset_iommu = sc.pci_dev_reset_iommu;
  s.kernel.iommu.default_identity = sc.passthrough;
  if (sc.nr_ats_masters_fastpath) s.kernel.smmuv3.inv_design = smmuv3::InvalidationDesign::NrAtsMasters;
  s.faults.rules = faults::parse_plan(sc.faults);
  faults::seed(s.faults, sc.seed);
  return s;
}

System boot_machine(const io::Scenario& sc, policy::AtsVariant v, OpContext& ctx, uint64_t seed,
                    const std::string& extra_faults) {
  System s = build_machine(sc, v, ctx.devices);
  for (auto& r : faults::parse_plan(extra_faults)) s.faults.rules.push_back(r);
  faults::seed(s.faults, seed);
  s.faults.step = "boot";
  pci::boot(s);
  for (const auto& d : sc.devices) {
    if (d.driver.empty()) continue;
    if (auto dev = pci::dev_for_fn(s, ctx.devices[d.name])) {
      s.kernel.devs[*dev].driver = d.driver == "vfio-pci" ? pci::DriverKind::VfioPci : pci::DriverKind::Native;
      pci::device_attach(s, *dev);
    }
  }
  s.kernel.ctx.comm = "bash";  // the workload is userspace writing sysfs and issuing ioctls
  return s;
}

const std::map<std::string, io::Expectation>& expectations_for(const io::Scenario& sc, std::string& judged_by) {
  judged_by = "expect";
  if (sc.driver != policy::Driver::Source) return sc.expect;
  // A switch only the model has (a fix sketch, the HEADER-phase quirks) makes the tree's run no
  // kernel's: neither block's rows are its rows, and nothing is judged.
  static const std::map<std::string, io::Expectation> kNothing;
  if (!model_only_switches(sc, kernel_src::smmuv3::built()).empty()) {
    judged_by = "none";
    return kNothing;
  }
  // With the tree's SMMUv3 driver compiled in, a file's rows for this very tree (expect_source)
  // judge the run; without them, the model's rows do (and run says so).
  if (kernel_src::smmuv3::built())
    if (auto it = sc.expect_source.find(std::string(kernel_src::tree().version)); it != sc.expect_source.end()) {
      judged_by = "expect_source." + it->first;
      return it->second;
    }
  return sc.expect;
}

ScenarioResult run_scenario(const io::Scenario& sc, policy::AtsVariant v) {
  return run_ops(sc, v, sc.workload, sc.seed, "");
}

size_t step_at(const ScenarioResult& r, uint64_t seq) {
  for (size_t i = 0; i < r.steps.size(); ++i)
    if (seq <= r.steps[i].end) return i;
  return r.steps.size() - 1;
}

ScenarioResult run_ops(const io::Scenario& sc, policy::AtsVariant v, const std::vector<Op>& ops, uint64_t seed,
                       const std::string& extra_faults) {
  ScenarioResult res;
  res.variant = v;
  OpContext ctx;
  res.final = boot_machine(sc, v, ctx, seed, extra_faults);
  System& s = res.final;
  check::Monitor mon;
  uint64_t begin = 0;
  auto step = [&](const std::string& what, int ret, std::vector<std::string> cpu1 = {}, std::string device = {}) {
    smmuv3::synchronize_rcu(s);
    res.steps.push_back({what, ret, begin, s.record.next(), std::move(cpu1), final_device_states(s), std::move(device)});
    begin = s.record.seq;
    mon.step(s, what);
    s.faults.step = "";
  };
  step("boot", 0);
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    std::string what = describe(op);
    s.faults.step = what;
    int ret;
    std::string device;
    bool unfired = false;
    try {
      if (!op.device.empty())
        if (auto d = resolve(s, ctx, op.device)) device = s.kernel.devs[*d].bdf.str();
      // A step's forced fault that found no call to fail did nothing: say so on the step, or a
      // reader takes the step for one that survived the failure (a trial user's finding).
      const auto forced = op.fault.empty() ? std::nullopt : faults::parse_point(op.fault);
      const uint64_t fired_before = forced ? s.faults.fired[static_cast<size_t>(*forced)] : 0;
      ret = run_op(s, ctx, op);
      unfired = forced && s.faults.fired[static_cast<size_t>(*forced)] == fired_before;
      if (unfired) what += fmt::format(" (the forced {} never fired: the step made no call to it)", op.fault);
    } catch (const NestingRefused& e) {
      // A scenario or replay file asked for an interleaving the kernel's locks make impossible.
      throw InputError(fmt::format("step {} ({}): {}", i, what, e.what()));
    }
    step(what, ret, nested_descriptions(op), std::move(device));
    res.steps.back().fault_unfired = unfired;
  }
  res.violations = mon.all();
  res.violated = mon.numbers();
  res.atc_inv_to_ats_disabled = mon.atc_inv_to_ats_disabled();

  const std::map<std::string, io::Expectation>* expect = &expectations_for(sc, res.judged_by);
  for (const char* key : {"all", policy::name(v).data()}) {
    auto it = expect->find(key);
    if (it == expect->end()) continue;
    const auto& ex = it->second;
    std::string where = fmt::format("{}:{}: {}.{}", sc.path, ex.line, res.judged_by, key);
    if (ex.warnings && *ex.warnings != s.record.warnings.size())
      res.failed_expectations.push_back(fmt::format("{}: {} warnings expected, {} seen", where, *ex.warnings, s.record.warnings.size()));
    if (ex.violations && *ex.violations != res.violated) {
      auto list = [](const std::vector<int>& l) {
        std::string o;
        for (int n : l) o += (o.empty() ? "" : ",") + std::to_string(n);
        return "[" + o + "]";
      };
      res.failed_expectations.push_back(fmt::format("{}: invariants {} expected violated, {} seen", where, list(*ex.violations), list(res.violated)));
    }
    if (ex.kasan && *ex.kasan != s.record.bugs.size())
      res.failed_expectations.push_back(fmt::format("{}: {} KASAN reports expected, {} seen", where, *ex.kasan, s.record.bugs.size()));
    if (ex.atc_inv_to_ats_disabled && *ex.atc_inv_to_ats_disabled != res.atc_inv_to_ats_disabled)
      res.failed_expectations.push_back(fmt::format("{}: {} ATC_INVs to ATS-disabled endpoints expected, {} seen", where,
                                                    *ex.atc_inv_to_ats_disabled, res.atc_inv_to_ats_disabled));
  }
  return res;
}

}  // namespace atslab::sim
