#include "sim/audit.h"

#include <fmt/format.h>

#include <algorithm>

#include "check/invariants.h"
#include "hw/pcie/capability_walk.h"
#include "io/input_error.h"
#include "kernel_src/ats.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/kfunc.h"
#include "linux/kernel/printk.h"
#include "linux/pci/ats.h"
#include "linux/pci/quirks.h"
#include "linux/smmuv3/rcu.h"
#include "linux/smmuv3/smmuv3.h"
#include "linux/vtd/vtd.h"
#include "sim/final_state.h"
#include "sim/ops.h"
#include "sim/scenario_run.h"

namespace atslab::sim {

namespace {

using hw::pcie::FnId;

// The container the hand-over opens; no scenario op names it.
constexpr const char* kContainer = "audit";

std::string name_of(const System& s, const OpContext& ctx, pci::DevId id) {
  const pci::PciDev& d = s.kernel.devs[id];
  if (d.is_virtfn) return fmt::format("{}.vf{}", name_of(s, ctx, d.physfn), d.vf_index);
  for (const auto& [name, fn] : ctx.devices)
    if (fn == d.fn) return name;
  return d.bdf.str();
}

std::string kind_of(const System& s, const pci::PciDev& d) {
  if (d.is_virtfn) return "VF of " + s.kernel.devs[d.physfn].bdf.str();
  if (d.is_physfn) return "PF";
  if (d.pcie_type == hw::pcie::exp::Type::RcEndpoint) return "RCiEP";
  return "endpoint";
}

std::string quirks_of(const System& s, pci::DevId id) {
  std::string out;
  for (unsigned q = 0; q < static_cast<unsigned>(pci::QuirkId::kCount); ++q) {
    if (!(s.kernel.devs[id].quirks_applied & (1u << q))) continue;
    const auto phase = pci::quirk_ran_in(s, id, static_cast<pci::QuirkId>(q));
    out += fmt::format("{}{}{}", out.empty() ? "" : ", ", pci::name(static_cast<pci::QuirkId>(q)),
                       phase ? fmt::format(" ({})", pci::name(*phase)) : std::string());
  }
  return out;
}

// The IOMMU's page shift for the device: the STU its driver passes to pci_enable_ats().
std::optional<unsigned> stu_for(const System& s, pci::DevId id) {
  const auto& rc = s.hw.pcie.rc(s.kernel.devs[id].rc);
  if (rc.iommu != hw::pcie::IommuKind::Smmuv3) return 12;  // VT-d, AMD-Vi: 4 KiB
  // The master's SMMU; after a failed probe freed the master, the SMMU its root complex maps to.
  const smmuv3::MasterId m = smmuv3::master_of(s, id);
  const size_t smmu = m != smmuv3::kNone && m < s.kernel.smmuv3.masters.size() ? s.kernel.smmuv3.masters[m].smmu : rc.iommu_index;
  if (smmu >= s.kernel.smmuv3.smmus.size()) return std::nullopt;
  return static_cast<unsigned>(std::countr_zero(s.kernel.smmuv3.smmus[smmu].pgsize_bitmap));
}

// Why ATS is off, or why the driver and the hardware disagree, in the order the kernel's code
// asks: pci_ats_init, pci_ats_supported (and the PF for a VF), the IOMMU driver's own checks,
// then pci_enable_ats's STU rule for a VF.
std::vector<std::string> reasons(const System& s, pci::DevId id, const AuditVerdict& v) {
  std::vector<std::string> why;
  const pci::PciDev& d = s.kernel.devs[id];
  const auto& sw = s.kernel.pci_switches;
  const bool silicon = hw::pcie::find_ext_cap(s.hw.pcie.fn(d.fn).cfg, hw::pcie::ext_cap::kAts) != 0;
  // No IOMMU at all: nothing below is ever asked.
  const auto& root = s.hw.pcie.rc(d.rc);
  if (root.iommu == hw::pcie::IommuKind::None)
    return {"no IOMMU serves its root complex (no firmware table names one): nothing enables ATS"};
  if (!s.hw.pcie.fn(d.fn).iommu_mapped)  // as probe_device asks it, of the function itself
    return {"the firmware maps its requester ID to no IOMMU: the IOMMU core never probes it (no group, no ATS)"};
  if (sw.noats) why.push_back("pci=noats: pci_ats_init() leaves ats_cap 0");
  if (d.no_ats && !sw.no_ats_quirk_keeps_ats_cap)
    why.push_back(fmt::format("no_ats set by a HEADER-phase quirk ({}): pci_ats_init() leaves ats_cap 0", quirks_of(s, id)));
  else if (d.no_ats)
    why.push_back(fmt::format("no_ats set by {}{}: pci_ats_supported() says no", quirks_of(s, id),
                              v.supported_at_probe == true ? " after the IOMMU's probe had seen it true" : ""));
  else if (!d.ats_cap && silicon && !sw.noats) {
    const std::string q = quirks_of(s, id);
    if (q.empty())
      why.push_back("ats_cap is 0 though the capability is there");
    else if (v.supported_at_probe == true)
      // A VF's FINAL fixups run after device_add() has let the IOMMU probe it (invariant 6).
      why.push_back(fmt::format("ats_cap cleared by {} after the IOMMU's probe had seen pci_ats_supported() true", q));
    else
      why.push_back(fmt::format("ats_cap cleared by {} after pci_ats_init() found the capability", q));
  }
  if (d.untrusted) why.push_back("untrusted (below an external-facing port): pci_ats_supported() says no");
  if (d.is_virtfn) {
    const pci::PciDev& pf = s.kernel.devs[d.physfn];
    // Under --driver source the tree's own ats.c answers whether it asks the PF (patch 1).
    const bool asks_pf = sw.ats == policy::Driver::Source ? kernel_src::tree_ats_supported_asks_pf() : sw.pf_aware_ats_supported;
    if (asks_pf && !pci::ats_supported_value(s, d.physfn))
      why.push_back(fmt::format("its PF {} has no ATS in the kernel's eyes, and pci_ats_supported() asks the PF", pf.bdf.str()));
  }
  const auto& rc = s.hw.pcie.rc(d.rc);
  // The root complex's ATS flag stands for IORT's ATS attribute (SMMUv3) and DMAR's ATSR with
  // ALL_PORTS (VT-d); the AMD-Vi driver reads no such flag.
  if (!rc.ats_supported && rc.iommu == hw::pcie::IommuKind::Smmuv3)
    why.push_back("the root complex declares no ATS (IORT's ATS attribute): arm_smmu_ats_supported() says no");
  bool dmar_no = false;
  if (rc.iommu == hw::pcie::IommuKind::Vtd && rc.iommu_index < s.kernel.vtd.units.size())
    if (auto no = vtd::dmar_ats_refusal(s, id, s.kernel.vtd.units[rc.iommu_index].scalable); !no.empty()) {
      why.push_back(no + ": dmar_ats_supported() says no");
      dmar_no = true;
    }
  // iommu_enable_pci_ats() returns at !info->ats_supported before it looks at the alignment.
  if (rc.iommu == hw::pcie::IommuKind::Vtd && d.ats_cap && !dmar_no &&
      !(s.hw.pcie.fn(d.fn).cfg.read16(d.ats_cap + hw::pcie::ats::kCap) & hw::pcie::ats::kCapPageAligned))
    why.push_back("its ATS capability has no Page Aligned Request: VT-d's iommu_enable_pci_ats() leaves ATS off");
  if (rc.iommu == hw::pcie::IommuKind::Vtd && rc.iommu_index < s.kernel.vtd.units.size() &&
      !s.kernel.vtd.units[rc.iommu_index].dev_iotlb)
    why.push_back("the VT-d unit has no device-TLB support (ECAP.DT clear)");
  if (rc.iommu == hw::pcie::IommuKind::Smmuv3) {
    // The silicon's IDR0.ATS, whichever driver (the model's or the tree's) read it.
    const smmuv3::MasterId m = smmuv3::master_of(s, id);
    if (rc.iommu_index < s.hw.smmus.size() && !s.hw.smmus[rc.iommu_index].ats())
      why.push_back("the SMMU has no ATS (IDR0.ATS clear): arm_smmu_ats_supported() says no");
    if (m != smmuv3::kNone && m < s.kernel.smmuv3.masters.size() && s.kernel.smmuv3.masters[m].ats_always_on)
      why.push_back("pci_ats_required(): ATS always on (7.2's driver keeps it on for identity too)");
  }
  // What the kernel itself said of the device (dev_err: a failed probe's reason, a failed enable).
  const std::string prefix = " " + d.bdf.str() + ": ";
  for (const auto& l : s.record.log)
    if (l.level == kernel::Level::Err)
      if (auto at = l.text.find(prefix); at != std::string::npos && at < 24)
        why.push_back("the kernel said: " + l.text.substr(at + prefix.size()));
  if (v.enable_error) {
    std::string rule;
    if (d.is_virtfn) {
      const pci::PciDev& pf = s.kernel.devs[d.physfn];
      const auto stu = stu_for(s, id);
      if (stu && pf.ats_stu != *stu)
        rule = fmt::format(": a VF has no STU of its own and its PF {}'s STU is {}, not the {} the IOMMU asks for", pf.bdf.str(),
                           pf.ats_stu ? fmt::format("{}", pf.ats_stu) : std::string("unset (the PF was never prepared)"), *stu);
    }
    why.push_back(fmt::format("pci_enable_ats() failed with {}{}", kernel::errname(*v.enable_error), rule));
  }
  if (v.belief && *v.belief && !v.hardware)
    why.push_back("the driver believes ATS on while the Enable bit is clear: it kept its decision, not pci_enable_ats()'s result");
  if (v.probed && v.supported_at_probe == false && why.empty() && !silicon) why.push_back("no ATS capability");
  if (!v.probed && why.empty())
    why.push_back("its IOMMU probe failed, so it has no IOMMU (a failure at registration also takes the IOMMU down)");
  return why;
}

std::vector<int> naming(const std::vector<check::Violation>& all, const std::string& bdf) {
  std::vector<int> out;
  for (const auto& v : all)
    if (v.objects.find(bdf) != std::string::npos && std::find(out.begin(), out.end(), v.invariant) == out.end())
      out.push_back(v.invariant);
  std::sort(out.begin(), out.end());
  return out;
}

// Hands the device to VFIO as the seed's VMM did, then lets it go through sysfs remove (the same
// IOMMU release as the seed's sriov_numvfs=0 gives a VF, without its siblings).
void hand_over(System s, OpContext ctx, check::Monitor mon, pci::DevId id, AuditVerdict& v) {
  const std::string name = name_of(s, ctx, id);
  // A PF's VFs go first, on their own: their trouble is in their rows, not the PF's.
  if (s.kernel.devs[id].is_physfn && s.kernel.devs[id].sriov.num_vfs) {
    run_op(s, ctx, {.kind = OpKind::SriovDisable, .device = name});
    smmuv3::synchronize_rcu(s);
    mon.step(s, "echo 0 > sriov_numvfs (before the PF's hand-over)");
  }
  const pci::PciDev& d = s.kernel.devs[id];
  std::vector<Op> ops;
  if (d.driver_bound) ops.push_back({.kind = OpKind::Unbind, .device = name});
  ops.push_back({.kind = OpKind::Bind, .device = name, .driver = "vfio-pci"});
  ops.push_back({.kind = OpKind::VfioSetContainer, .device = name, .container = kContainer});
  ops.push_back({.kind = OpKind::VfioSetIommu, .container = kContainer});
  ops.push_back({.kind = OpKind::VfioMapUnmap, .container = kContainer, .count = 1});
  ops.push_back({.kind = OpKind::VfioUnsetContainer, .device = name, .container = kContainer});
  // Released alone, through its own sysfs remove (a VF too: sriov_numvfs=0 would release its
  // siblings with it, and their WARNs are theirs).
  ops.push_back({.kind = OpKind::Remove, .device = name});
  const size_t before = mon.all().size();
  for (const Op& op : ops) {
    const std::string what = describe(op);
    const size_t warned = s.record.warnings.size(), bugs = s.record.bugs.size();
    const int ret = run_op(s, ctx, op);
    smmuv3::synchronize_rcu(s);
    for (size_t i = warned; i < s.record.warnings.size(); ++i) {
      const auto& w = s.record.warnings[i];
      v.warns.push_back({what, std::string(kernel::name(w.function)), w.line ? fmt::format("{}:{}", w.file, w.line) : w.file});
    }
    for (size_t i = bugs; i < s.record.bugs.size(); ++i)
      v.warns.push_back({what, "BUG: " + s.record.bugs[i].bug + " in " + std::string(kernel::name(s.record.bugs[i].function)), ""});
    mon.step(s, what);
    if (ret && v.handover_error.empty()) v.handover_error = fmt::format("{} -> {}", what, kernel::errname(ret));
    if (ret && (op.kind == OpKind::Bind || op.kind == OpKind::VfioSetContainer)) break;  // nothing to hand over
  }
  std::vector<check::Violation> mine(mon.all().begin() + static_cast<std::ptrdiff_t>(before), mon.all().end());
  for (const auto& x : mine)
    if (std::find(v.handover_violations.begin(), v.handover_violations.end(), x.invariant) == v.handover_violations.end())
      v.handover_violations.push_back(x.invariant);
  std::sort(v.handover_violations.begin(), v.handover_violations.end());
}

// The machine up: booted, then VFs on each SR-IOV PF its driver lets configure them (echo N >
// sriov_numvfs), the monitor having checked each step. `notes` gets what could not be done.
System bring_up(const io::Scenario& sc, policy::AtsVariant variant, const AuditOptions& opt, OpContext& ctx,
                check::Monitor& mon, std::vector<std::string>* notes) {
  System s = boot_machine(sc, variant, ctx, sc.seed, "");
  mon.step(s, "boot");
  for (pci::DevId id = 0; id < s.kernel.devs.size(); ++id) {
    const pci::PciDev& d = s.kernel.devs[id];
    if (!d.is_physfn || d.state == pci::DevState::Removed || d.state == pci::DevState::Setup) continue;
    const unsigned n = opt.vfs >= 0 ? static_cast<unsigned>(opt.vfs) : std::min<unsigned>(2, d.sriov.total_vfs);
    if (!n) continue;
    if (n > d.sriov.total_vfs)
      throw InputError(fmt::format("--vfs {}: {} has TotalVFs {}, so writing {} to its sriov_numvfs fails with -ERANGE "
                                   "(sriov_numvfs_store)",
                                   n, d.bdf.str(), d.sriov.total_vfs, n));
    const bool bound = d.driver_bound;
    const std::string bdf = d.bdf.str();
    const Op op{.kind = OpKind::SriovEnable, .device = name_of(s, ctx, id), .count = n};
    const int ret = run_op(s, ctx, op);
    mon.step(s, describe(op));
    if (ret && notes)
      notes->push_back(fmt::format("{} ({}): {} -> {}: its VFs are not audited{}", bdf, op.device, describe(op),
                                   kernel::errname(ret), bound ? "" : " (no driver is bound to it: give it `driver: native`)"));
  }
  smmuv3::synchronize_rcu(s);
  return s;
}

}  // namespace

Audit audit_scenario(const io::Scenario& sc, const AuditOptions& opt) {
  Audit out;
  out.scenario = sc.name;
  // A host from its own files: where its tables put each root complex, and what they could not say.
  if (sc.host) {
    for (const auto& p : sc.host->placed) out.notes.push_back("IOMMU: " + p);
    out.notes.insert(out.notes.end(), sc.host->notes.begin(), sc.host->notes.end());
  }
  // The tree's driver keeps its heap outside the System (docs/kernel-source.md): a copy is no
  // snapshot of it, so each hand-over starts from a boot of its own instead of a copy.
  const bool copies_are_snapshots = sc.driver != policy::Driver::Source;
  for (size_t vi = 0; vi < opt.variants.size(); ++vi) {
    const policy::AtsVariant variant = opt.variants[vi];
    OpContext ctx;
    check::Monitor mon;
    System s = bring_up(sc, variant, opt, ctx, mon, vi == 0 ? &out.notes : nullptr);
    const auto states = final_device_states(s);
    // Every row first (they read the machine as it came up), then the hand-overs: which device
    // (an index into out.devices, whose storage may move as rows are added) for which pci_dev.
    std::vector<std::pair<size_t, pci::DevId>> handovers;
    for (pci::DevId id = 0; id < s.kernel.devs.size(); ++id) {
      const pci::PciDev& d = s.kernel.devs[id];
      if (d.state == pci::DevState::Removed || d.state == pci::DevState::Setup || !s.hw.pcie.fn(d.fn).present) continue;
      if (!hw::pcie::find_ext_cap(s.hw.pcie.fn(d.fn).cfg, hw::pcie::ext_cap::kAts)) continue;
      auto it = std::find_if(out.devices.begin(), out.devices.end(), [&](const AuditDevice& a) { return a.bdf == d.bdf.str(); });
      if (it == out.devices.end()) {
        out.devices.push_back({d.bdf.str(), name_of(s, ctx, id), kind_of(s, d), d.vendor, d.device, {}});
        it = out.devices.end() - 1;
      }
      AuditVerdict v;
      v.variant = variant;
      for (const kernel::Event& e : s.record.events) {
        if (e.dev != id) continue;
        if (e.kind == kernel::EventKind::IommuProbe) v.supported_at_probe = e.a != 0;
        if (e.kind == kernel::EventKind::AtsEnableFailed) v.enable_error = static_cast<int>(e.a);
      }
      // Probed: the device has its IOMMU (the driver's probe and the default domain's attach succeeded).
      v.probed = id < s.kernel.iommu.devs.size() && s.kernel.iommu.devs[id].probed;
      for (const auto& f : states)
        if (f.bdf == d.bdf.str()) v.belief = f.belief, v.hardware = f.ats_enable;
      v.why = reasons(s, id, v);
      v.boot_violations = naming(mon.all(), d.bdf.str());
      it->verdicts.push_back(std::move(v));
      handovers.emplace_back(static_cast<size_t>(it - out.devices.begin()), id);
    }
    for (const auto& [index, id] : handovers) {
      AuditVerdict& v = out.devices[index].verdicts.back();
      if (copies_are_snapshots) {
        hand_over(s, ctx, mon, id, v);
      } else {
        OpContext fresh_ctx;
        check::Monitor fresh_mon;
        System fresh = bring_up(sc, variant, opt, fresh_ctx, fresh_mon, nullptr);
        hand_over(std::move(fresh), std::move(fresh_ctx), std::move(fresh_mon), id, v);
      }
    }
  }
  return out;
}

}  // namespace atslab::sim
