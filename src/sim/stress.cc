#include "sim/stress.h"

#include <algorithm>

#include "sim/non_compliance.h"

#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/op_json.h"
#include "linux/iommu/driver_ops.h"
#include "linux/kernel/printk.h"
#include "linux/pci/probe.h"
#include "linux/smmuv3/rcu.h"
#include "linux/kernel/fault_inject.h"
#include "sim/explore.h"
#include "sim/op_kinds.h"
#include "sim/scenario_run.h"

namespace atslab::sim {

namespace {

const char* command_name(int64_t op) {
  switch (op) {
    case 0x01: return "PREFETCH_CFG";
    case 0x03: return "CFGI_STE";
    case 0x04: return "CFGI_ALL";
    case 0x05: return "CFGI_CD";
    case 0x10: return "TLBI_NH_ALL";
    case 0x11: return "TLBI_NH_ASID";
    case 0x12: return "TLBI_NH_VA";
    case 0x28: return "TLBI_S12_VMALL";
    case 0x2a: return "TLBI_S2_IPA";
    case 0x40: return "ATC_INV";
    case 0x46: return "CMD_SYNC";
    default: return "other";
  }
}

uint64_t next(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// iova-stress's VM stops and starts the way QEMU does it: a group leaves the container only
// if it is in it and joins only if it is not, and a container that has groups but no IOMMU
// gets VFIO_SET_IOMMU before anything else (drawn blindly, most of these failed with -EINVAL
// and the map/unmap loop ran on an empty container most of the time).
void steer_vm(Op& op, uint64_t& rng, const System& s, const OpContext& ctx, const std::vector<std::string>& vm) {
  auto cit = ctx.containers.find("c0");
  if (cit == ctx.containers.end() || cit->second >= s.kernel.vfio.containers.size()) return;
  const auto& c = s.kernel.vfio.containers[cit->second];
  auto in_c0 = [&](const std::string& name) {
    auto dev = resolve(s, ctx, name);
    auto g = dev ? ctx.vfio_groups.find(*dev) : ctx.vfio_groups.end();
    return g != ctx.vfio_groups.end() && g->second < s.kernel.vfio.groups.size() &&
           s.kernel.vfio.groups[g->second].container == cit->second;
  };
  if (!c.groups.empty() && !c.type1) {
    op = {.kind = OpKind::VfioSetIommu, .container = "c0"};
    return;
  }
  if (op.kind != OpKind::VfioSetContainer && op.kind != OpKind::VfioUnsetContainer) return;
  std::vector<std::string> in, out;
  for (const auto& name : vm) (in_c0(name) ? in : out).push_back(name);
  // Leave when there is someone to leave (or nobody can join), join otherwise.
  const bool leave = op.kind == OpKind::VfioUnsetContainer ? !in.empty() : out.empty();
  const auto& from = leave ? in : out;
  if (from.empty()) return;
  op.kind = leave ? OpKind::VfioUnsetContainer : OpKind::VfioSetContainer;
  op.device = from[next(rng) % from.size()];
}

// The devices a workload draws from: fixed for the run, so built once rather than per draw.
struct DrawNames {
  std::vector<std::string> names, pfs, slots;
  // The PASIDs drawn: 1 to 3, and any larger one the scenario's workload names (a 2-level CD
  // table's later leaves, pasid-cd2l.yaml); a scenario naming none above 3 draws as it always did.
  std::vector<uint32_t> pasids{1, 2, 3};
  // VFIO_DEVICE_PCI_HOT_RESET joins every workload's mix, one slot more, for a scenario whose
  // workload takes it (scenarios/vfio-hot-reset.yaml); the others draw as they always did.
  bool hot_reset = false;
};

DrawNames draw_names(const io::Scenario& sc, Workload w) {
  DrawNames n;
  for (const auto& d : sc.devices) {
    n.names.push_back(d.name);
    if (d.hotplug) n.slots.push_back(d.name);
    if (d.sriov) {
      n.pfs.push_back(d.name);
      for (unsigned i = 0; i < std::min<unsigned>(d.sriov->total_vfs, 4); ++i) n.names.push_back(fmt::format("{}.vf{}", d.name, i));
    }
  }
  // iova-stress addresses its VM's devices only: the others are not in its container.
  if (vm_workload(w)) n.names = vm_devices(sc);
  for (const Op& op : sc.workload)
    if (uses(op.kind, OpField::Pasid) && std::find(n.pasids.begin(), n.pasids.end(), op.pasid) == n.pasids.end())
      n.pasids.push_back(op.pasid);
  n.hot_reset = uses_hot_reset(sc.workload);
  return n;
}

// The first and last page of each area the iommufd IOASes map: where DMA finds something.
void add_ioas_areas(const System& s, std::vector<uint64_t>& iovas) {
  for (const auto& c : s.kernel.iommufd.ctxs)
    for (const auto& [iova, m] : c.ioas) {
      iovas.push_back(iova);
      iovas.push_back(iova + m.size - 0x1000);
    }
}

// A random operation of the workload's mix on a random device of the machine it
// applies to: SR-IOV operations to PFs with SR-IOV, hot-plug ones to devices in a
// hot-plug slot, the rest to any function (VF names included).
Op random_op(uint64_t& rng, const DrawNames& dn, const System& s, const OpContext& ctx, Workload w) {
  const auto& [names, pfs, slots, pasids, hot_reset] = dn;
  const auto mix = op_mix(w);
  Op op;
  const size_t drawn = next(rng) % (mix.size() + (hot_reset ? 1 : 0));
  op.kind = drawn < mix.size() ? mix[drawn] : OpKind::VfioHotReset;
  const bool sriov_op = op.kind == OpKind::SriovEnable || op.kind == OpKind::SriovDisable;
  const bool slot_op = op.kind == OpKind::HotplugAdd || op.kind == OpKind::HotplugRemove;
  const auto& from = sriov_op && !pfs.empty() ? pfs : slot_op && !slots.empty() ? slots : names;
  op.device = from[next(rng) % from.size()];
  op.container = !one_container(w) && next(rng) % 4 == 0 ? "c1" : "c0";
  // Drawn only for the cdev path's kinds: the other workloads' runs stay what they were for a seed.
  if (uses(op.kind, OpField::Hwpt)) op.hwpt = next(rng) % 2 ? "h1" : "h0";
  if (uses(op.kind, OpField::Pasid)) op.pasid = pasids[next(rng) % pasids.size()];
  // Nesting's fields, drawn for the nested workload only (the iommufd workload's draws stay as they were).
  if (w == Workload::Nested) {
    if (op.kind == OpKind::IommufdHwptAlloc) op.nest_parent = next(rng) % 4 != 0;
    if (uses(op.kind, OpField::Viommu)) op.viommu = next(rng) % 4 ? "v0" : "v1";
    if (uses(op.kind, OpField::Vsid)) op.vsid = 1 + next(rng) % 2;
    if (op.kind == OpKind::IommufdHwptAllocNested) {
      // Mostly what a guest writes (S1_TRANS with or without EATS, bypass), now and then what the host refuses.
      static const char* const cfgs[] = {"s1_trans", "s1_trans", "bypass", "abort", "s2_trans", "invalid"};
      op.cfg = cfgs[next(rng) % 6];
      op.eats = next(rng) % 8 == 0 ? 2 : next(rng) % 2;
      static const char* const nested_hwpts[] = {"h1", "h2", "h3"};
      op.hwpt = nested_hwpts[next(rng) % 3];
    }
    if (op.kind == OpKind::IommufdAttach || op.kind == OpKind::IommufdHwptDestroy) {
      static const char* const hwpts[] = {"h0", "h1", "h2", "h3"};
      op.hwpt = hwpts[next(rng) % 4];
    }
    if (op.kind == OpKind::IommufdViommuInvalidate) op.iova = next(rng) % 2 ? 0 : OpContext::kIovaBase;
  }
  // iommufd-pasid: a HWPT mostly allocated with IOMMU_HWPT_ALLOC_PASID.
  if (w == Workload::IommufdPasid && op.kind == OpKind::IommufdHwptAlloc) op.pasid_compat = next(rng) % 4 != 0;
  if (slot_op && slots.empty()) op.kind = OpKind::HostDma;  // no slot in this machine
  if (op.kind == OpKind::Bind) op.driver = next(rng) % 2 ? "vfio-pci" : "native";
  if (op.kind == OpKind::SriovEnable) op.count = 1 + next(rng) % 4;
  if (op.kind == OpKind::GroupSetType) {
    static const char* const types[] = {"identity", "DMA", "auto"};
    op.type = types[next(rng) % 3];
  }
  if (op.kind == OpKind::HostDma || op.kind == OpKind::VfioMapUnmap || op.kind == OpKind::VfioMap || op.kind == OpKind::IommufdMap)
    op.count = 1 + next(rng) % 8;
  if (vm_workload(w)) steer_vm(op, rng, s, ctx, names);
  if ((w == Workload::Pasid || w == Workload::Sva) && op.kind == OpKind::Bind) op.driver = "native";  // the PASID user
  // SVA's fields, drawn for the sva workload only: two processes, DMA mostly at the buffer.
  if (w == Workload::Sva) {
    if (uses(op.kind, OpField::Mm)) op.mm = next(rng) % 2;
    if (op.kind == OpKind::SvaDma) {
      op.iova = next(rng) % 4 ? mm::kBufferVa + 0x1000 * (next(rng) % mm::kBufferPages) : kUnmappedIova;
      op.write = next(rng) % 2;
    }
  }
  if (op.kind == OpKind::PasidDma && w == Workload::IommufdPasid) {
    // A PASID's HWPT holds the IOAS's areas, which the workload's maps and unmaps move: the first
    // or last page of one of them, or an IOVA never mapped.
    std::vector<uint64_t> iovas;
    add_ioas_areas(s, iovas);
    iovas.push_back(kUnmappedIova);
    op.iova = iovas[next(rng) % iovas.size()];
    op.write = next(rng) % 2;
  } else if (op.kind == OpKind::PasidDma) {
    op.iova = next(rng) % 4 ? OpContext::kIovaBase + 0x1000 * (next(rng) % 4) : kUnmappedIova;
    op.write = next(rng) % 2;
  }
  if (op.kind == OpKind::DeviceDma || op.kind == OpKind::AtsTranslate) {
    // What the workload has mapped lately, what the containers hold now (first or last page), and one never mapped.
    std::vector<uint64_t> iovas = ctx.recent_iovas;
    for (const auto& [name, c] : ctx.containers)
      for (const auto& [iova, m] : s.kernel.vfio.containers.at(c).dma) {
        iovas.push_back(iova);
        iovas.push_back(iova + m.size - 0x1000);
      }
    add_ioas_areas(s, iovas);
    iovas.push_back(kUnmappedIova);
    op.iova = iovas[next(rng) % iovas.size()];
    op.write = next(rng) % 2;
  }
  return op;
}

// The interleaving points an operation of this kind can pass: where a second CPU may
// usefully be scheduled. Attaches stop after prepare and after the STE; unmaps after
// the IOPTEs are cleared and with the array loaded. Device traffic passes none.
std::vector<kernel::PreemptPoint> points_of(OpKind k) {
  using P = kernel::PreemptPoint;
  switch (k) {
    case OpKind::HostDma:
    case OpKind::VfioMapUnmap:
    case OpKind::VfioUnmap:
    case OpKind::IommufdUnmap:
    case OpKind::PasidRemap:
      return {P::UnmapAfterIoptes, P::InvAfterLoad};
    case OpKind::SvaMunmap:  // the notifier's invalidation, with the array loaded
    case OpKind::SvaExit:
      return {P::InvAfterLoad};
    case OpKind::SvaDma:
      return {};
    case OpKind::VfioMap:
    case OpKind::IommufdMap:
    case OpKind::DeviceDma:
    case OpKind::AtsTranslate:
    case OpKind::PasidDma:
    case OpKind::IommufdViommuInvalidate:
    case OpKind::IommufdViommuAlloc:
    case OpKind::IommufdVdeviceAlloc:
    case OpKind::IommufdHwptAllocNested:
      return {};
    case OpKind::Reset:
    case OpKind::VfioReset:  // the attaches to and from the blocking domain, and the FLR's wait
    case OpKind::VfioOpenDevice:   // vfio_pci_core_enable's reset
    case OpKind::VfioCloseDevice:  // vfio_pci_core_disable's reset
      return {P::AttachAfterPrepare, P::AttachAfterSte, P::FlrWait};
    case OpKind::VfioHotReset:  // pci_reset_bus: no IOMMU step, only the Secondary Bus Reset's wait
      return {P::ResetWait};
    default:
      return {P::AttachAfterPrepare, P::AttachAfterSte};
  }
}

}  // namespace

StressResult run_stress(const io::Scenario& sc, policy::AtsVariant v, const StressOptions& opt) {
  StressResult res;
  res.variant = v;
  res.seed = opt.seed;
  res.workload = opt.workload;
  const std::vector<Op> setup = workload_setup(opt.workload, sc);
  const DrawNames dn = draw_names(sc, opt.workload);
  OpContext ctx;
  System s = boot_machine(sc, v, ctx, opt.seed, opt.faults);
  // A second CPU's operation may be refused half-way and the System rewound; the tree's SMMUv3
  // driver keeps its heap outside the System, which no rewind restores: one CPU under it.
  const unsigned interleave_per_mille = iommu::smmuv3_from_tree(s) ? 0 : opt.interleave_per_mille;
  uint64_t rng = opt.seed ^ 0x5851f42d4c957f2dull;
  check::Monitor mon;
  Rewind before;  // kept across operations: each interleaved one copies into the storage of the last
  std::vector<Op> history;
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };

  // Hands the observer the step just run: its events and the violations found after it.
  size_t event_cursor = 0, seen = 0;
  uint64_t step_begin = 0;
  auto observe = [&](const std::string& what, int ret, std::vector<std::string> cpu1) {
    StepResult st{what, ret, step_begin, s.record.next(), std::move(cpu1), {}, {}};
    step_begin = s.record.seq;
    mon.step(s, what);
    const auto& all = mon.all();
    if (opt.on_step)
      opt.on_step({s, st, event_cursor, s.record.events.size(), std::span(all).subspan(seen)});
    event_cursor = s.record.events.size();
  };
  observe("boot", 0, {});
  seen = mon.all().size();
  // Commands by kind and CPU 1's operations, from the record before it is dropped.
  auto tally = [&res](const std::vector<kernel::Event>& events) {
    for (const auto& e : events)
      if (e.kind == kernel::EventKind::SmmuCommand) ++res.commands_by_kind[command_name(e.a)];
      else if (e.kind == kernel::EventKind::InterleaveBegin) ++res.interleaved;
  };
  for (size_t i = 0;; ++i) {
    if (opt.seconds > 0 ? elapsed() >= opt.seconds && i >= setup.size() : i >= setup.size() + opt.ops) break;
    // The workload's set-up first, on one CPU; then its random mix.
    const bool setting_up = i < setup.size();
    Op op = setting_up ? setup[i] : random_op(rng, dn, s, ctx, opt.workload);
    // The second simulated CPU: the seeded scheduler lets it run another operation at one of
    // the interleaving points this one may pass, where the locking allows (spec section 6).
    // Inside an attach (asid_lock and group->mutex held) only lock-free operations can run:
    // the scheduler draws a few times for one.
    const auto points = points_of(op.kind);
    if (!setting_up && !points.empty() && interleave_per_mille && next(rng) % 1000 < interleave_per_mille) {
      auto at = points[next(rng) % points.size()];
      Op other = random_op(rng, dn, s, ctx, opt.workload);
      // Inside an attach (asid_lock and group->mutex held) mostly lock-free operations fit: draw a
      // few times for one. Whether it may run there is the locks' decision, below.
      for (int tries = 0; tries < 8 && kernel::holds_attach_locks(at) && !lock_free(other.kind); ++tries)
        other = random_op(rng, dn, s, ctx, opt.workload);
      op.nested.push_back({.at = at, .nth = 1, .op = other});
    }
    int ret = 0;
    if (op.nested.empty()) {
      s.faults.step = describe(op);
      ret = run_op(s, ctx, op);
    } else {
      // The other CPU's operation runs only if it takes no lock this one holds at the point; if it
      // would, or the point is never reached, this operation runs alone (and is recorded so).
      before.save(s, ctx);
      const uint64_t nested_before = ctx.nested_runs;
      s.faults.step = describe(op);
      try {
        ret = run_op(s, ctx, op);
      } catch (const NestingRefused&) {
        before.restore(s, ctx);
        op.nested.clear();
        s.faults.step = describe(op);
        ret = run_op(s, ctx, op);
      }
      if (ctx.nested_runs == nested_before) op.nested.clear();
    }
    std::string what = describe(op);
    smmuv3::synchronize_rcu(s);
    history.push_back(op);
    ++res.ops;
    ++res.ops_by_kind[op_name(op.kind)];
    if (ret) ++res.errors_by_kind[op_name(op.kind)];
    observe(what, ret, nested_descriptions(op));
    auto first_violations = [&] {
      for (; seen < mon.all().size(); ++seen) {
        const auto& v2 = mon.all()[seen];
        if (!res.first.count(v2.invariant)) res.first[v2.invariant] = {v2, history};
      }
    };
    first_violations();
    // History is not state: keep the record from growing without bound in long runs.
    // The monitor has just checked every event (observe), so nothing is lost.
    if (s.record.events.size() > opt.record_limit) {
      tally(s.record.events);
      s.record.events.clear();
      s.record.log.clear();
      event_cursor = 0;
      mon.events_dropped();
    }
    if (opt.progress && i % 1000 == 0)
      std::fprintf(stderr, "\r%s: %zu ops, %zu warnings, %zu invariants broken", std::string(policy::name(v)).c_str(), res.ops,
                   s.record.warnings.size(), res.first.size());
  }
  if (opt.progress) std::fprintf(stderr, "\n");
  tally(s.record.events);
  res.warnings = s.record.warnings.size();
  for (size_t i = 0; i < s.record.warnings.size() && i < 16; ++i)
    res.warning_sites.push_back(std::string(kernel::name(s.record.warnings[i].function)));
  for (const auto& w : s.record.warnings)
    ++res.warnings_by_site[fmt::format("{} at {}: WARN_ON({})", w.line ? fmt::format("{}:{}", w.file, w.line) : w.file,
                                       kernel::name(w.function), w.condition)];
  res.atc_inv_to_ats_disabled = mon.atc_inv_to_ats_disabled();
  res.non_compliance = endpoint_non_compliance(s);
  res.fault_rules = faults::rule_counts(s);
  res.seconds = elapsed();
  return res;
}

std::string replay_json(const io::Scenario& sc, policy::AtsVariant v, uint64_t seed, const std::string& faults,
                        const std::vector<Op>& ops) {
  nlohmann::json j;
  j["scenario"] = sc.path;
  j["variant"] = std::string(policy::name(v));
  j["seed"] = seed;
  j["faults"] = faults;
  // Only a source run says so: the model's replay files stay as they were.
  if (sc.driver != policy::Driver::Model) j["driver"] = std::string(policy::name(sc.driver));
  j["ops"] = nlohmann::json::array();
  for (const auto& op : ops) j["ops"].push_back(io::op_to_json(op));
  return j.dump(2) + "\n";
}

}  // namespace atslab::sim
