#include "sim/compare_drivers.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "hw/smmuv3/cd_layout.h"
#include "hw/smmuv3/stream_table.h"
#include "hw/smmuv3/ste_layout.h"
#include "kernel_src/ats.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/tree_info.h"
#include "linux/kernel/kfunc.h"
#include "linux/pci/probe.h"
#include "linux/smmuv3/driver_state.h"
#include "linux/system.h"
#include "sim/stress.h"

namespace atslab::sim {

namespace {

namespace hs = hw::smmuv3;

// What one step shows of a driver, in forms both drivers can be held to.
struct StepView {
  std::string op;
  int ret = 0;
  std::vector<std::string> commands, stes, warns, errs, phases;
  std::vector<int> verdicts;
};

// An attach phase as the record announces it (invariant 18's input): "prepare BDF", "prepare BDF
// returned RET", "commit BDF returned RET".
std::optional<std::string> phase_text(const System& s, const kernel::Event& e) {
  auto bdf = [&] { return e.dev < s.kernel.devs.size() ? s.kernel.devs[e.dev].bdf.str() : fmt::format("dev {}", e.dev); };
  switch (e.kind) {
    case kernel::EventKind::AttachPrepareBegin: return fmt::format("prepare {}", bdf());
    case kernel::EventKind::AttachPrepareEnd: return fmt::format("prepare {} returned {}", bdf(), e.a);
    case kernel::EventKind::AttachCommitEnd: return fmt::format("commit {} returned {}", bdf(), e.a);
    default: return std::nullopt;
  }
}

// The invalidations: TLBIs and ATC_INVs. atslab's driver records the commands it issues through
// arm_smmu_cmdq_issue_cmdlist; its STE and CD writers hand their CFGI_* and CMD_SYNCs to the SMMU
// without an event, and its probe's reset sets the SMMU's state directly where the tree's
// arm_smmu_device_reset sends CFGI_ALL and TLBI_NSNH_ALL (docs/fidelity.md). What those do is
// compared as the STEs they leave.
bool compared(const std::optional<hs::Op>& op) {
  if (!op) return true;
  switch (*op) {
    case hs::Op::TLBI_NH_ALL: case hs::Op::TLBI_NH_ASID: case hs::Op::TLBI_NH_VA: case hs::Op::TLBI_S12_VMALL:
    case hs::Op::TLBI_S2_IPA: case hs::Op::TLBI_EL2_ASID: case hs::Op::TLBI_EL2_VA: case hs::Op::ATC_INV:
      return true;
    default:
      return false;
  }
}

std::string command_text(const kernel::Event& e) {
  auto op = hs::op_from_code(static_cast<uint8_t>(e.a));
  return fmt::format("smmu{} {} {:#x}", e.dev, op ? hs::op_name(*op) : "?", e.b);
}

// The valid CDs past CD 0 under a CD-table STE, walked as the SMMU walks them, and for a 2-level
// table which L1 descriptors hold a leaf (" L1=0,1"): both drivers allocate leaves on demand, so
// they must agree on which.
std::string cd_table_text(const System& s, const hs::Entry& ste) {
  std::string cds, leaves;
  hs::for_each_valid_cd(
      s.hw.memory, ste, [&](uint32_t ssid, uint64_t q0) { cds += fmt::format(" CD{} ASID={}", ssid, hs::field_get(hs::cd::k0Asid, q0)); },
      [&](uint32_t l1) { leaves += fmt::format("{}{}", leaves.empty() ? "" : ",", l1); });
  const bool two_level = hs::field_get(hs::ste::k0S1CdMax, ste[0]) != 0 && hs::field_get(hs::ste::k0S1Fmt, ste[0]) != hs::ste::kS1FmtLinear;
  return two_level ? fmt::format(" L1={}{}", leaves.empty() ? "-" : leaves, cds) : cds;
}

// The STE of every live function behind an SMMUv3: valid, config and EATS. The tables' addresses
// (S1ContextPtr, S2TTB) are where each driver's allocator put them, and are left out.
std::vector<std::string> ste_view(const System& s) {
  std::vector<std::string> out;
  for (pci::DevId d : pci::live_devices(s)) {
    const auto& p = s.kernel.devs[d];
    const auto& rc = s.hw.pcie.rc(p.rc);
    if (rc.iommu != hw::pcie::IommuKind::Smmuv3 || rc.iommu_index >= s.hw.smmus.size()) continue;
    auto pa = hs::ste_address(s.hw.memory, s.hw.smmus[rc.iommu_index], p.bdf.rid());
    const hs::Entry e = pa ? hs::read_entry(s.hw.memory, *pa) : hs::Entry{};
    std::string line = fmt::format("{} V={} CFG={} EATS={}", p.bdf.str(), hs::field_get(hs::ste::k0V, e[0]),
                                   hs::field_get(hs::ste::k0Cfg, e[0]), hs::field_get(hs::ste::k1Eats, e[1]));
    // Through a CD table: its shape (S1CDMAX, S1DSS) and CD 0 as the SMMU reads it, less TTB0
    // (the page table's address is each allocator's own).
    const uint64_t cfg = hs::field_get(hs::ste::k0Cfg, e[0]);
    if (hs::field_get(hs::ste::k0V, e[0]) && (cfg == hs::ste::kCfgS1Trans || cfg == hs::ste::kCfgNested)) {
      const uint64_t cdmax = hs::field_get(hs::ste::k0S1CdMax, e[0]);
      line += fmt::format(" S1FMT={} S1CDMAX={} S1DSS={}", hs::field_get(hs::ste::k0S1Fmt, e[0]), cdmax,
                          hs::field_get(hs::ste::k1S1Dss, e[1]));
      // CD 0 as the SMMU reads it, less TTB0 (the page table's address is each allocator's own),
      // then every other valid CD: the PASIDs' (their ASIDs and V alone).
      if (auto cda = hs::cd_address(s.hw.memory, e, 0)) {
        const hs::Entry cd = hs::read_entry(s.hw.memory, *cda);
        namespace c = hs::cd;
        line += fmt::format(" CD0 V={} ASID={} T0SZ={} TG0={} EPD0={} EPD1={} IPS={} AA64={} R={} A={} ASET={} MAIR={:#x}",
                            hs::field_get(c::k0V, cd[0]), hs::field_get(c::k0Asid, cd[0]), hs::field_get(c::k0TcrT0sz, cd[0]),
                            hs::field_get(c::k0TcrTg0, cd[0]), hs::field_get(c::k0TcrEpd0, cd[0]),
                            hs::field_get(c::k0TcrEpd1, cd[0]), hs::field_get(c::k0TcrIps, cd[0]),
                            hs::field_get(c::k0Aa64, cd[0]), hs::field_get(c::k0R, cd[0]), hs::field_get(c::k0A, cd[0]),
                            hs::field_get(c::k0Aset, cd[0]), cd[c::kMairQword]);
      }
      line += cd_table_text(s, e);
    }
        out.push_back(std::move(line));
  }
  return out;
}

// A WARN as a site: the function, its condition and the call trace. The file's line is left out:
// the model pins the seed report's kernel's lines, the tree has its own.
std::string warn_text(const kernel::Warning& w) {
  std::string trace;
  for (kernel::KFn f : w.call_trace) trace += fmt::format("{}{}", trace.empty() ? "" : " <- ", kernel::name(f));
  return fmt::format("{} WARN_ON({}) at {}", kernel::name(w.function), w.condition, trace);
}

std::vector<StepView> run(const io::Scenario& sc, policy::AtsVariant variant, uint64_t seed, size_t ops, Workload workload) {
  std::vector<StepView> steps;
  StressOptions opt{.seed = seed, .ops = ops, .workload = workload, .interleave_per_mille = 0};
  opt.on_step = [&steps](const StressStep& st) {
    StepView v;
    v.op = st.step.what;
    v.ret = st.step.ret;
    const auto& events = st.s.record.events;
    for (size_t i = st.events_from; i < st.events_to && i < events.size(); ++i) {
      if (events[i].kind == kernel::EventKind::SmmuCommand && compared(hs::op_from_code(static_cast<uint8_t>(events[i].a))))
        v.commands.push_back(command_text(events[i]));
      // The range the ATC_INV just compared carries (what arm_smmu_atc_inv_to_cmd made of the unmap).
      if (events[i].kind == kernel::EventKind::AtcInvRange && !v.commands.empty())
        v.commands.back() += " " + hs::describe_atc_inv_range(events[i].a, events[i].b);
      if (auto p = phase_text(st.s, events[i])) v.phases.push_back(std::move(*p));
    }
    v.stes = ste_view(st.s);
    for (const auto& w : st.s.record.warnings)
      if (w.seq >= st.step.begin && w.seq < st.step.end) v.warns.push_back(warn_text(w));
    for (const auto& l : st.s.record.log)
      if (l.seq >= st.step.begin && l.seq < st.step.end && l.level == kernel::Level::Err) v.errs.push_back(l.text);
    for (const auto& viol : st.violations) v.verdicts.push_back(viol.invariant);
    std::sort(v.verdicts.begin(), v.verdicts.end());
    v.verdicts.erase(std::unique(v.verdicts.begin(), v.verdicts.end()), v.verdicts.end());
    steps.push_back(std::move(v));
  };
  run_stress(sc, variant, opt);
  return steps;
}

std::string joined(const std::vector<std::string>& v) { return fmt::format("{}", fmt::join(v, "; ")); }
std::string joined(const std::vector<int>& v) { return fmt::format("[{}]", fmt::join(v, ", ")); }

}  // namespace

io::Scenario model_as_tree(io::Scenario sc) {
  // Where the kernels differ, the tree's own code says which it is: its ats.c asked on a made-up
  // PF and VF (6.12.118 is PF-aware, 7.2 is not; a design script may add the VF STU check), its
  // SMMUv3 driver by what it has (6.12: nr_ats_masters alone, no release_domain, pci_prepare_ats
  // inline in the probe; 7.2: invalidation arrays, a release_domain, arm_smmu_master_prepare_ats).
  sc.driver = policy::Driver::Model;
  sc.pf_aware_ats_supported = kernel_src::tree_ats_supported_asks_pf();
  sc.vf_stu_validation = kernel_src::tree_prepare_ats_checks_vf_stu();
  if (kernel_src::smmuv3::built()) {
    sc.nr_ats_masters_fastpath = !kernel_src::smmuv3::has_invalidation_arrays();
    sc.smmuv3.release_domain = kernel_src::smmuv3::has_release_domain();
    sc.smmuv3.master_prepare_ats = kernel_src::smmuv3::has_master_prepare_ats();
    sc.smmuv3.remove_dev_pasid = kernel_src::smmuv3::has_remove_dev_pasid();
    sc.smmuv3.dev_feat_sva = kernel_src::smmuv3::has_dev_feat_sva();
  } else {
    sc.nr_ats_masters_fastpath = true;  // ats.c alone: the model's SMMUv3 driver as 6.12's
    sc.smmuv3.release_domain = false;
    sc.smmuv3.remove_dev_pasid = true;
    sc.smmuv3.dev_feat_sva = true;
  }
  // The IOMMU core is atslab's in both runs: its reset handling is the tree's kernel's (7.2 has
  // pci_dev_reset_iommu_prepare/done; 6.12's resets leave the IOMMU alone).
  sc.pci_dev_reset_iommu = kernel_src::tree_has_pci_dev_reset_iommu();
  // So is its PCI core's: the "resetting" lines came in 6.13.
  sc.warn_reset_unaware = kernel_src::tree_version_at_least(6, 13);
  // The tree's ats.c is built with CONFIG_PCI_PASID (src/kernel_src/include/linux/kconfig.h).
  sc.config_pci_pasid = true;
  return sc;
}

std::vector<std::string> model_only_switches(const io::Scenario& sc, bool tree_smmuv3) {
  std::vector<std::string> out;
  if (sc.quirk_phase == policy::QuirkPhase::Header)
    out.emplace_back("kernel.pci.quirk_phase: header (the 2026 HEADER-phase quirks; 6.12.118's pci_ats_init does not read no_ats)");
  if (sc.disable_ats_checks_ats_cap)
    out.emplace_back("kernel.pci.disable_ats_checks_ats_cap (fix sketch 7a; scripts/kernel-tree/disable-ats-checks-ats-cap.sh "
                     "puts it in a tree)");
  if (sc.no_ats_quirk_keeps_ats_cap)
    out.emplace_back("kernel.pci.no_ats_quirk_keeps_ats_cap (fix sketch 7b; the tree's pci_ats_supported does not read no_ats)");
  if (!tree_smmuv3) return out;
  if (sc.smmuv3.attach_spares) out.emplace_back("kernel.smmuv3.attach_spares (fix sketch 13a, the model's only)");
  if (sc.smmuv3.abort_ste_on_prepare_failure)
    out.emplace_back("kernel.smmuv3.abort_ste_on_prepare_failure (fix sketch 13b, the model's only)");
  return out;
}

CompareResult compare_drivers(const io::Scenario& sc, const CompareOptions& opt) {
  CompareResult res;
  const kernel_src::smmuv3::ScopedChoice tree_smmuv3(true);
  io::Scenario source = sc;
  source.driver = policy::Driver::Source;
  source.pci_dev_reset_iommu = kernel_src::tree_has_pci_dev_reset_iommu();  // the core as the tree's kernel has it
  const io::Scenario model = model_as_tree(sc);
  for (unsigned i = 0; i < opt.seeds; ++i) {
    const uint64_t seed = opt.first_seed + i;
    const auto m = run(model, opt.variant, seed, opt.ops, opt.workload);
    const auto t = run(source, opt.variant, seed, opt.ops, opt.workload);
    std::vector<Disagreement> found;
    auto first = [&](const char* what, size_t step, std::string a, std::string b) {
      for (const auto& d : found)
        if (d.what == what) return;
      found.push_back({seed, step, step < m.size() ? m[step].op : "", what, std::move(a), std::move(b)});
    };
    const size_t n = std::min(m.size(), t.size());
    for (size_t k = 0; k < n; ++k) {
      if (m[k].op != t[k].op) {
        first("op", k, m[k].op, t[k].op);
        break;  // the runs went different ways: nothing after this compares
      }
      if (m[k].ret != t[k].ret) first("ret", k, std::to_string(m[k].ret), std::to_string(t[k].ret));
      if (m[k].commands != t[k].commands) first("commands", k, joined(m[k].commands), joined(t[k].commands));
      if (m[k].phases != t[k].phases) first("attach phases", k, joined(m[k].phases), joined(t[k].phases));
      if (m[k].stes != t[k].stes) first("ste", k, joined(m[k].stes), joined(t[k].stes));
      if (m[k].warns != t[k].warns) first("warn", k, joined(m[k].warns), joined(t[k].warns));
      if (m[k].errs != t[k].errs) first("dev_err", k, joined(m[k].errs), joined(t[k].errs));
      if (m[k].verdicts != t[k].verdicts) first("verdicts", k, joined(m[k].verdicts), joined(t[k].verdicts));
    }
    if (m.size() != t.size() && found.empty())
      first("steps", n, std::to_string(m.size()), std::to_string(t.size()));
    ++res.runs;
    if (found.empty()) ++res.agree;
    res.disagreements.insert(res.disagreements.end(), found.begin(), found.end());
  }
  return res;
}

}  // namespace atslab::sim
