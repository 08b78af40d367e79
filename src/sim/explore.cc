#include "sim/explore.h"

#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <memory>
#include <unordered_map>

#include "kernel_src/smmuv3/iommu_driver.h"
#include "linux/iommu/driver_ops.h"
#include "linux/kernel/kfunc.h"
#include "linux/kernel/locks.h"
#include "linux/kernel/preempt.h"
#include "linux/smmuv3/rcu.h"
#include "sim/canonical.h"
#include "sim/explore_node.h"
#include "sim/footprint.h"
#include "sim/non_compliance.h"
#include "sim/scenario_run.h"
#include "sim/state_hash.h"
#include "sim/stress.h"
#include "sim/symmetry.h"

namespace atslab::sim {

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

bool uses_iommufd_pasid(const std::vector<Op>& workload) {
  return std::any_of(workload.begin(), workload.end(), [](const Op& op) {
    return op.kind == OpKind::IommufdPasidAttach || op.kind == OpKind::IommufdPasidDetach;
  });
}

bool uses_iommufd(const std::vector<Op>& workload) {
  return uses_iommufd_pasid(workload) || std::any_of(workload.begin(), workload.end(), [](const Op& op) {
    return op.kind >= OpKind::IommufdBind && op.kind <= OpKind::IommufdUnmap;
  });
}

bool uses_group_fds(const std::vector<Op>& workload) {
  return std::any_of(workload.begin(), workload.end(), [](const Op& op) {
    return op.kind == OpKind::VfioOpenDevice || op.kind == OpKind::VfioCloseDevice;
  });
}

bool uses_reset_method(const std::vector<Op>& workload) {
  return std::any_of(workload.begin(), workload.end(), [](const Op& op) { return op.kind == OpKind::ResetMethod; });
}

bool uses_hot_reset(const std::vector<Op>& workload) {
  return std::any_of(workload.begin(), workload.end(), [](const Op& op) { return op.kind == OpKind::VfioHotReset; });
}

bool uses_pasid(const std::vector<Op>& workload) {
  return std::any_of(workload.begin(), workload.end(), [](const Op& op) {
    return op.kind >= OpKind::PasidAttach && op.kind <= OpKind::PasidDma;
  });
}

bool uses_sva(const std::vector<Op>& workload) {
  return std::any_of(workload.begin(), workload.end(), [](const Op& op) { return op.kind >= OpKind::SvaBind && op.kind <= OpKind::SvaDma; });
}

bool uses_nesting(const std::vector<Op>& workload) {
  return std::any_of(workload.begin(), workload.end(), [](const Op& op) { return is_nesting(op); });
}

std::vector<Op> explore_alphabet(const io::Scenario& sc, const ExploreOptions& opt) {
  std::vector<Op> plain;
  std::vector<std::string> names;
  for (const auto& d : sc.devices) {
    names.push_back(d.name);
    if (d.sriov) {
      unsigned n = std::min<unsigned>(d.sriov->total_vfs, opt.max_vfs);
      if (n > 0) {
        plain.push_back({.kind = OpKind::SriovEnable, .device = d.name, .count = n});
        plain.push_back({.kind = OpKind::SriovDisable, .device = d.name});
      }
      for (unsigned i = 0; i < n; ++i) names.push_back(fmt::format("{}.vf{}", d.name, i));
    }
    if (d.hotplug) {
      plain.push_back({.kind = OpKind::HotplugAdd, .device = d.name});
      plain.push_back({.kind = OpKind::HotplugRemove, .device = d.name});
    }
  }
  for (const auto& n : names) {
    plain.push_back({.kind = OpKind::Bind, .device = n, .driver = "vfio-pci"});
    plain.push_back({.kind = OpKind::Bind, .device = n, .driver = "native"});
    plain.push_back({.kind = OpKind::Unbind, .device = n});
    plain.push_back({.kind = OpKind::VfioSetContainer, .device = n, .container = "c0"});
    plain.push_back({.kind = OpKind::VfioSetContainer, .device = n, .container = "c1"});
    plain.push_back({.kind = OpKind::VfioUnsetContainer, .device = n});
    plain.push_back({.kind = OpKind::HostDma, .device = n});
    plain.push_back({.kind = OpKind::AttachOwnDomain, .device = n});
    plain.push_back({.kind = OpKind::DetachOwnDomain, .device = n});
    // The default domain's type through sysfs: identity (ATS off for SMMUv3) and back to DMA.
    plain.push_back({.kind = OpKind::GroupSetType, .device = n, .type = "identity"});
    plain.push_back({.kind = OpKind::GroupSetType, .device = n, .type = "DMA"});
    // A function-level reset through sysfs, and through the VFIO device fd.
    plain.push_back({.kind = OpKind::Reset, .device = n});
    plain.push_back({.kind = OpKind::VfioReset, .device = n});
    // The device's own traffic at the first IOVA VFIO maps: a DMA write, and a bare
    // Translation Request (ATS only) that fills its ATC.
    plain.push_back({.kind = OpKind::DeviceDma, .device = n, .iova = OpContext::kIovaBase, .write = true});
    plain.push_back({.kind = OpKind::AtsTranslate, .device = n, .iova = OpContext::kIovaBase, .write = true});
  }
  for (const char* c : {"c0", "c1"}) {
    plain.push_back({.kind = OpKind::VfioSetIommu, .container = c});
    plain.push_back({.kind = OpKind::VfioMapUnmap, .container = c});
    plain.push_back({.kind = OpKind::VfioMap, .container = c});
    plain.push_back({.kind = OpKind::VfioUnmap, .container = c});
  }
  // The group path's device fds likewise (scenarios/group-fd.yaml): each device's
  // VFIO_GROUP_GET_DEVICE_FD and the close of one of its fds.
  if (uses_group_fds(sc.workload)) {
    for (const auto& n : names) {
      plain.push_back({.kind = OpKind::VfioOpenDevice, .device = n});
      plain.push_back({.kind = OpKind::VfioCloseDevice, .device = n});
    }
  }
  // The sysfs reset_method file likewise (scenarios/reset-method.yaml): "default" re-probes every
  // method, "bus" probes the one whose probe the 2026 core wraps, "" turns every method off.
  if (uses_reset_method(sc.workload)) {
    for (const auto& n : names)
      for (const char* m : {"default", "bus", ""}) plain.push_back({.kind = OpKind::ResetMethod, .device = n, .methods = m});
  }
  // VFIO_DEVICE_PCI_HOT_RESET likewise (scenarios/vfio-hot-reset.yaml): on each device's fd.
  if (uses_hot_reset(sc.workload)) {
    for (const auto& n : names) plain.push_back({.kind = OpKind::VfioHotReset, .device = n});
  }
  // The cdev path joins the alphabet of a scenario whose workload takes it (scenarios/iommufd.yaml):
  // the other scenarios' searches, and the numbers findings.md quotes from them, stay as they were.
  // With iommufd's PASID attach in the workload (scenarios/iommufd-pasid.yaml), h0 is allocated
  // with IOMMU_HWPT_ALLOC_PASID and h1 without, so both sides of iommufd_hwpt_pasid_compat are
  // reached, and each device's PASID 1 is attached to either HWPT, detached and used for DMA.
  const bool iommufd_pasid = uses_iommufd_pasid(sc.workload);
  if (uses_iommufd(sc.workload)) {
    for (const auto& n : names) {
      plain.push_back({.kind = OpKind::IommufdBind, .device = n});
      plain.push_back({.kind = OpKind::IommufdUnbind, .device = n});
      plain.push_back({.kind = OpKind::IommufdDetach, .device = n});
      for (const char* h : {"h0", "h1"}) {
        plain.push_back({.kind = OpKind::IommufdHwptAlloc, .device = n, .hwpt = h, .pasid_compat = iommufd_pasid && h == std::string("h0")});
        plain.push_back({.kind = OpKind::IommufdAttach, .device = n, .hwpt = h});
        if (iommufd_pasid) plain.push_back({.kind = OpKind::IommufdPasidAttach, .device = n, .hwpt = h, .pasid = 1});
      }
      if (iommufd_pasid) {
        plain.push_back({.kind = OpKind::IommufdPasidDetach, .device = n, .pasid = 1});
        plain.push_back({.kind = OpKind::PasidDma, .device = n, .iova = OpContext::kIovaBase, .write = true, .pasid = 1});
      }
    }
    for (const char* h : {"h0", "h1"}) plain.push_back({.kind = OpKind::IommufdHwptDestroy, .hwpt = h});
    plain.push_back({.kind = OpKind::IommufdMap});
    plain.push_back({.kind = OpKind::IommufdUnmap});
  }
  // The PASID operations likewise join only for a scenario whose workload uses PASIDs
  // (scenarios/pasid.yaml): a kernel driver's PASID 1, attached, remapped, detached, and its DMA.
  if (uses_pasid(sc.workload)) {
    for (const auto& n : names) {
      plain.push_back({.kind = OpKind::PasidAttach, .device = n, .pasid = 1});
      plain.push_back({.kind = OpKind::PasidDetach, .device = n, .pasid = 1});
      plain.push_back({.kind = OpKind::PasidRemap, .device = n, .pasid = 1});
      plain.push_back({.kind = OpKind::PasidDma, .device = n, .iova = OpContext::kIovaBase, .write = true, .pasid = 1});
    }
  }
  // SVA joins for a scenario that binds a process (scenarios/sva.yaml): process 0 bound and unbound
  // by each device's driver, its munmap and exit, and each device's DMA at its buffer.
  if (uses_sva(sc.workload)) {
    for (const auto& n : names) {
      plain.push_back({.kind = OpKind::SvaBind, .device = n, .mm = 0});
      plain.push_back({.kind = OpKind::SvaUnbind, .device = n, .mm = 0});
      plain.push_back({.kind = OpKind::SvaDma, .device = n, .iova = mm::kBufferVa, .write = true, .mm = 0});
    }
    plain.push_back({.kind = OpKind::SvaMunmap, .mm = 0});
    plain.push_back({.kind = OpKind::SvaExit, .mm = 0});
  }
  // Nesting joins for a scenario that gives a guest a vSMMU (scenarios/nested.yaml): the workload's
  // own nesting steps (its nest parents, vIOMMUs, vDEVICEs, nested HWPTs from the guest's vSTEs,
  // their attaches and the guest's ATC invalidations), without their faults, once each: the
  // objects keep the workload's names, so a search from its prefix (--prefix) reaches them.
  if (uses_nesting(sc.workload)) {
    std::vector<std::string> nested_hwpts;
    for (const Op& op : sc.workload)
      if (op.kind == OpKind::IommufdHwptAllocNested) nested_hwpts.push_back(op.hwpt);
    for (Op op : sc.workload) {
      const bool nesting = (op.kind >= OpKind::IommufdViommuAlloc && op.kind <= OpKind::IommufdViommuInvalidate) ||
                           (op.kind == OpKind::IommufdHwptAlloc && op.nest_parent) ||
                           (op.kind == OpKind::IommufdAttach &&
                            std::find(nested_hwpts.begin(), nested_hwpts.end(), op.hwpt) != nested_hwpts.end());
      if (!nesting) continue;
      op.fault.clear();
      op.nested.clear();
      if (std::find(plain.begin(), plain.end(), op) == plain.end()) plain.push_back(std::move(op));
    }
  }
  if (!opt.kinds.empty())
    std::erase_if(plain, [&](const Op& op) { return std::find(opt.kinds.begin(), opt.kinds.end(), op.kind) == opt.kinds.end(); });
  std::vector<Op> all = plain;
  for (faults::Point p : opt.faults)
    for (Op op : plain) {
      op.fault = std::string(faults::name(p));
      all.push_back(std::move(op));
    }
  return all;
}

namespace {

class Explorer {
 public:
  Explorer(const io::Scenario& sc, policy::AtsVariant v, const ExploreOptions& opt)
      : opt_(opt), alphabet_(explore_alphabet(sc, opt)) {
    res_.variant = v;
    res_.depth = opt.depth;
    res_.shard = opt.shard;
    res_.shards = opt.shards;
    for (const auto& op : alphabet_) res_.alphabet.push_back(describe(op));
    res_.prefix.assign(sc.workload.begin(), sc.workload.begin() + static_cast<long>(std::min(opt.prefix, sc.workload.size())));
    root_ = start_state(sc, v, res_.prefix);
    // The tree's SMMUv3 driver keeps its heap outside the System value: a copy of a System is
    // not a copy of the kernel. Each state is then reached by re-execution from the root (as
    // stateless model checkers do): boot a fresh source kernel and run the path again, unless
    // the heap already holds the parent (a node's first child). The chain of Systems stays raw,
    // as the heap saw it (canonicalize rebases the command queue the driver's own pointers
    // follow); only the hash reads a canonical copy, with the driver's belief beside it.
    reexec_ = iommu::smmuv3_from_tree(root_.s);
    if (reexec_) {
      sc_ = &sc;
      // The tree's driver runs on one CPU (docs/kernel-source.md): no nested operation.
      opt_.interleave = false;
      res_.one_cpu = true;
      heap_valid_ = true;  // start_state just booted it and ran the prefix
    }
    // Re-execution explores one CPU from the root each time; the reduction is not wired there.
    por_ = opt_.por && !reexec_;
    res_.por = por_;
    // Likewise the symmetry reduction: the canonical copy is hashed with the driver's belief.
    symmetry_on_ = opt_.symmetry && !reexec_;
    res_.symmetry = symmetry_on_;
    if (symmetry_on_) {
      sym_ = symmetry_of(alphabet_, root_.s.faults);
      res_.symmetry_group = sym_.any() ? "containers " + sym_.a + "/" + sym_.b : "containers";
      // Each transition's twin under the names' exchange, for sleep sets read through it.
      for (const Op& op : alphabet_)
        mirror_.push_back(static_cast<size_t>(std::find(alphabet_.begin(), alphabet_.end(), swap_names(op, sym_)) - alphabet_.begin()));
    }
    res_.non_compliance = endpoint_non_compliance(root_.s);
    if (!reexec_) canonicalize(root_.s);
    for (const auto& r : root_.s.faults.rules) steps_named_ |= !r.step.empty();
  }

  ExploreResult run() {
    start_ = Clock::now();
    start_cpu_ = thread_cpu_seconds();
    // The booted state itself.
    check(root_, 0, {}, false);
    forget_read_history(root_);
    if (stop()) return finish();
    for (unsigned limit = 1; limit <= opt_.depth && !stop(); ++limit) {
      cut_ = false;
      limit_ = limit;
      const uint64_t root_hash = hash(root_);
      visited_[root_hash] = {static_cast<uint8_t>(limit), 0};
      path_ = {root_hash};
      std::vector<Op> trace;
      expand(root_, trace, limit, {});
      if (stop()) break;
      res_.depth_reached = limit;
      if (!cut_) break;  // nothing was left beyond the limit: the reachable space is closed
    }
    res_.exhausted = !stop() && (res_.depth_reached == opt_.depth || !cut_);
    return finish();
  }

 private:
  bool interrupted() const { return opt_.interrupt && *opt_.interrupt; }
  bool stop() const { return (!opt_.all && !res_.found.empty()) || interrupted(); }

  ExploreResult finish() {
    res_.interrupted = interrupted();
    res_.unique = visited_.size();
    res_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    res_.cpu_seconds = thread_cpu_seconds() - start_cpu_;
    if (opt_.progress) std::fprintf(stderr, "\n");
    return std::move(res_);
  }

  // Checks the transition that reached `n` by `trace` (its events and WARNs from the given
  // positions) and, unless it was checked before, the state itself.
  //
  // Why a state seen before is not checked again: check_state reads only what state_hash
  // covers (hardware, kernel, environment; never the record), so its verdict on a state is
  // the verdict on every state equal to it, and any violation there was reported when it was
  // first reached, by a trace no longer than this one (the search deepens iteratively). Most
  // transitions lead back to known states, and the state checks were a third of their cost.
  // The history checks are about the transition, not the state: they always run.
  void check(Node& n, size_t first_warning, const std::vector<Op>& trace, bool state_known) {
    auto report = [&](const check::Violation& v) {
      if (res_.found.count(v.invariant)) return;
      res_.found[v.invariant] = {v, trace};
      if (!trace.empty()) res_.found[v.invariant].violation.step = describe(trace.back());
    };
    for (const auto& v : check::check_history(n.s, n.seen, first_warning)) report(v);
    for (size_t i = first_warning; i < n.s.record.warnings.size(); ++i) {
      const auto& w = n.s.record.warnings[i];
      res_.warnings.try_emplace(std::string(kernel::name(w.function)) + ": " + w.condition, trace);
    }
    if (state_known) return;
    for (const auto& v : check::check_state(n.s, true)) report(v);
  }

  // The node a child at `depth` is built in. One per depth, reused: only one child per depth is
  // alive at a time, and assigning a parent over the last sibling reuses that sibling's vectors,
  // maps and strings, where a fresh copy allocated each of them (and destroying it freed them).
  Node& scratch(size_t depth) {
    if (scratch_.size() <= depth) scratch_.resize(depth + 1);
    if (!scratch_[depth]) scratch_[depth] = std::make_unique<Node>();
    return *scratch_[depth];
  }

  // A transition explored from a state: what it touched, and (a plain operation's) what it
  // showed. Shared by the sleep sets it is carried in: asleep, it is not run again, and the
  // locks and points of its run stand for the run it would have had (it commutes with all that
  // ran since, so nothing it reads has changed).
  struct Transition {
    Footprint fp;
    Observed seen;
  };
  struct Asleep {
    uint64_t key = 0;  // see transition_key
    std::shared_ptr<const Transition> what;
  };
  using Sleep = std::vector<Asleep>;  // sorted by key

  // A transition's identity among a state's: alphabet_[i] alone, or with alphabet_[j] inside it
  // at a point visit.
  uint64_t transition_key(size_t i) const { return i; }
  uint64_t transition_key(size_t i, const PointVisit& pv, size_t j) const {
    const uint64_t a = alphabet_.size(), slot = static_cast<uint64_t>(pv.at) * 2 + (pv.nth - 1);
    return a + ((i * 2 * kernel::kPreemptPointCount + slot) * a + j);
  }
  static const Asleep* asleep(const Sleep& z, uint64_t key) {
    auto it = std::lower_bound(z.begin(), z.end(), key, [](const Asleep& e, uint64_t k) { return e.key < k; });
    return it != z.end() && it->key == key ? &*it : nullptr;
  }
  // The sleep set a child reached by `t` starts with: the transitions asleep here or explored
  // here before `t` that commute with it.
  static Sleep child_sleep(const Sleep& z, const Sleep& done, const Transition& t) {
    Sleep c;
    for (const Sleep* from : {&z, &done})
      for (const Asleep& e : *from)
        if (independent(e.what->fp, t.fp)) c.push_back(e);
    std::sort(c.begin(), c.end(), [](const Asleep& a, const Asleep& b) { return a.key < b.key; });
    return c;
  }
  // Sleep sets as the visited map keeps them: interned sorted key lists, 0 the empty one.
  uint32_t intern(std::vector<uint64_t> keys) {
    if (keys.empty()) return 0;
    auto [it, fresh] = sleep_ids_.try_emplace(std::move(keys), static_cast<uint32_t>(sleep_sets_.size()));
    if (fresh) sleep_sets_.push_back(&it->first);
    return it->second;
  }
  static std::vector<uint64_t> keys(const Sleep& z) {
    std::vector<uint64_t> k;
    k.reserve(z.size());
    for (const Asleep& e : z) k.push_back(e.key);
    return k;
  }
  uint32_t intern(const Sleep& z) { return intern(keys(z)); }
  const std::vector<uint64_t>& sleep_keys(uint32_t id) const { return id == 0 ? kNoKeys : *sleep_sets_[id]; }
  // A transition's key in the state reached with the container names exchanged.
  uint64_t mirror_key(uint64_t key) const {
    const uint64_t a = alphabet_.size();
    if (key < a) return mirror_[key];
    const uint64_t rest = key - a, slots = 2 * kernel::kPreemptPointCount, slot = rest / a % slots;
    return a + ((mirror_[rest / a / slots] * slots + slot) * a + mirror_[rest % a]);
  }
  // Keys read through the exchange (it is its own inverse), sorted again.
  std::vector<uint64_t> mirrored(std::vector<uint64_t> keys) const {
    for (uint64_t& k : keys) k = mirror_key(k);
    std::sort(keys.begin(), keys.end());
    return keys;
  }

  // The state's identity for deduplication; under symmetry reduction, its canonical
  // representative's, and `swapped_` says whether that is the image with the names exchanged.
  uint64_t hash(const Node& n) {
    swapped_ = false;
    if (symmetry_on_) {
      const SymmetricHash h = symmetric_hash(n, sym_);
      swapped_ = h.swapped;
      return h.hash;
    }
    if (!reexec_) return node_hash(n);
    canonical_ = n;
    canonicalize(canonical_.s);
    return node_hash(canonical_) ^ (tree_belief_hash(canonical_.s) * 0xc2b2ae3d27d4eb4full);
  }

  // What the checks read of the tree's driver (its heap, not in the System): every master's
  // ATS belief, used SSIDs and streams, every paging domain's nr_ats_masters and devices list.
  static uint64_t tree_belief_hash(const System& s) {
    static thread_local std::vector<uint64_t> b;
    b.clear();
    for (const auto& m : kernel_src::smmuv3::masters(s)) {
      b.insert(b.end(), {m.dev, m.smmu, m.ats_enabled, m.used_ssids, m.streams.size()});
      b.insert(b.end(), m.streams.begin(), m.streams.end());
    }
    b.push_back(~0ull);
    for (const auto& d : kernel_src::smmuv3::domains(s)) {
      b.insert(b.end(), {d.domain, static_cast<uint64_t>(d.nr_ats_masters), d.devices.size()});
      b.insert(b.end(), d.devices.begin(), d.devices.end());
    }
    return XXH3_64bits(b.data(), b.size() * sizeof(uint64_t));
  }

  // Under re-execution: brings the source kernel's heap (and a System with it) to the state
  // `trace` reaches from the root, into `into`, keeping `into`'s record (its checked history
  // is already forgotten). The replayed System must be the one the search holds: the tree's
  // driver and atslab's stand-ins are deterministic, and a difference is a bug of ours.
  void reexecute(const std::vector<Op>& trace, Node& into) {
    Node r = start_state(*sc_, res_.variant, res_.prefix);
    for (const Op& op : trace) {
      if (steps_named_) r.s.faults.step = describe(op);
      run_op(r.s, r.ctx, op);
      smmuv3::synchronize_rcu(r.s);
    }
    ++res_.reexecutions;
    if (state_hash(r.s) != state_hash(into.s) || context_hash(r.ctx) != context_hash(into.ctx))
      throw std::logic_error(fmt::format("explore --driver source: re-executing {} operation(s) from the root did not "
                                         "reach the state the search holds (the source kernel is not deterministic)",
                                         trace.size()));
    auto record = std::move(into.s.record);
    into.s = std::move(r.s);
    into.s.record = std::move(record);
  }

  // Runs `op` on a copy of `parent` (reached by `trace`) at `depth`; records the locks it takes
  // and the interleaving points it passes (the first two of each kind) when asked.
  Node& step(const Node& parent, const std::vector<Op>& trace, const Op& op, size_t depth, Observed* seen) {
    Node& child = scratch(depth);
    child = parent;
    if (reexec_) {
      if (!heap_valid_ || heap_at_ != trace) reexecute(trace, child);
      heap_at_ = trace;
      heap_at_.push_back(op);
      heap_valid_ = false;  // until the operation has returned: an exception leaves it anywhere
    }
    // Only a rule limited to a step reads the step's name: formatting it for every transition is waste.
    if (steps_named_) child.s.faults.step = describe(op);
    run_observed(child, op, seen);
    if (reexec_) heap_valid_ = true;
    else canonicalize(child.s);
    ++res_.transitions;
    return child;
  }

  void visit(const Node& parent, Node& child, std::vector<Op>& trace, const Op& op, unsigned budget,
             unsigned cost, const Sleep& sleep) {
    trace.push_back(op);
    uint64_t h = hash(child);
    const bool swapped = swapped_;
    check(child, parent.s.record.warnings.size(), trace, visited_.contains(h));
    forget_read_history(child);
    progress();
    if (!stop() && budget >= cost) {
      unsigned left = budget - cost;
      // A state with no budget left is not expanded: its sleep set does not matter.
      // Under symmetry reduction the map holds the representative's sleep set: a state reached
      // as the image with the names exchanged has its transitions' keys read through it.
      const uint32_t sid = por_ && left > 0 ? (swapped ? intern(mirrored(keys(sleep))) : intern(sleep)) : 0;
      auto [it, fresh] = visited_.try_emplace(h, Visit{static_cast<uint8_t>(left), sid});
      // A state explored before with at least this budget is explored again only if it then
      // left asleep a transition that is awake now: that transition's other order was vouched
      // for by the path taken then, not by this one (sleep sets with state caching).
      const auto& before = sleep_keys(it->second.sleep);
      const auto& now = sleep_keys(sid);
      // A state on the current path (reached again through a cycle: an operation and its undo,
      // one that changed nothing) is covered by its own expansion in progress, whose sleep set
      // was vouched for by a prefix of this very path, with a larger budget.
      const bool covered = std::find(path_.begin(), path_.end(), h) != path_.end() ||
                           std::includes(now.begin(), now.end(), before.begin(), before.end());
      // What the earlier expansion left asleep and this path does not: all that is left to run
      // here (the rest ran then, with at least this budget).
      std::vector<uint64_t> only;
      if (!fresh && it->second.budget >= left && !covered)
        std::set_difference(before.begin(), before.end(), now.begin(), now.end(), std::back_inserter(only));
      if (!fresh && it->second.budget >= left && covered) {
        ++res_.revisits;
      } else {
        if (!only.empty()) {
          ++res_.por_reexpanded;
          // What both expansions left asleep is what is still unexplored (at the smaller budget
          // when they differ: keeping the larger one's set is the safe side).
          if (it->second.budget == left) {
            std::vector<uint64_t> both;
            std::set_intersection(now.begin(), now.end(), before.begin(), before.end(), std::back_inserter(both));
            it->second.sleep = intern(std::move(both));
          }
        } else {
          it->second = {static_cast<uint8_t>(left), sid};
        }
        // Shards split the search at one level: a state there is expanded by one shard only.
        bool mine = opt_.shards <= 1 || trace.size() != opt_.split_depth || h % opt_.shards == opt_.shard;
        if (left == 0)
          cut_ = true;
        else if (mine) {
          if (por_) path_.push_back(h);
          if (swapped) only = mirrored(std::move(only));
          expand(child, trace, left, sleep, only.empty() ? nullptr : &only);
          if (por_) path_.pop_back();
        }
      }
    }
    trace.pop_back();
  }

  // `only`: the state was expanded before with at least this budget; run just these transitions
  // (those it then left asleep).
  void expand(const Node& n, std::vector<Op>& trace, unsigned budget, const Sleep& sleep,
              const std::vector<uint64_t>* only = nullptr) {
    const bool nesting = opt_.interleave && budget >= 2;
    auto wanted = [only](uint64_t key) { return !only || std::binary_search(only->begin(), only->end(), key); };
    // What each plain operation showed from here (run, or carried asleep): the nestings below
    // are built from it.
    std::vector<std::shared_ptr<const Transition>> seen(alphabet_.size());
    Sleep done;  // explored here so far, for the children's sleep sets
    for (size_t i = 0; i < alphabet_.size(); ++i) {
      if (stop()) return;
      const Op& op = alphabet_[i];
      // (Under reduction also for the children that may carry it asleep and build nestings from it.)
      const bool observe = opt_.interleave && op.fault.empty() && (nesting || (por_ && budget >= 3));
      if (por_) {
        if (const Asleep* a = asleep(sleep, transition_key(i))) {
          ++res_.por_skipped;
          if (observe) seen[i] = a->what;
          continue;
        }
      }
      if (!wanted(transition_key(i))) continue;
      auto t = std::make_shared<Transition>();
      Node& child = step(n, trace, op, trace.size(), observe ? &t->seen : nullptr);
      // With one operation of budget left, no child is expanded: no sleep set is needed below.
      if (!por_ || budget < 2) {
        if (observe) seen[i] = std::move(t);
        visit(n, child, trace, op, budget, 1, {});
        continue;
      }
      t->fp = footprint(n.s, n.ctx, child.s, child.ctx, op);
      if (observe) seen[i] = t;
      visit(n, child, trace, op, budget, 1, child_sleep(sleep, done, *t));
      done.push_back({transition_key(i), std::move(t)});
    }
    if (!nesting) return;
    // The same operations with another CPU's operation inside them, at each point they passed,
    // where the locks allow: an operation that takes a lock held at the point cannot run there
    // whole (the locks it took running alone from this state say so; one that takes a lock only
    // at the point's state is refused when it tries, kernel::WouldBlock).
    // One nesting: alphabet_[i] with alphabet_[j] inside it at the nth pass of `at`.
    auto nest = [&](size_t i, kernel::PreemptPoint at, uint32_t nth, size_t j, uint64_t key) {
      if (por_ && asleep(sleep, key)) {
        ++res_.por_skipped;
        return;
      }
      Op both = alphabet_[i];
      both.nested.push_back({.at = at, .nth = nth, .op = alphabet_[j]});
      Node* c2 = nullptr;
      try {
        c2 = &step(n, trace, both, trace.size(), nullptr);
      } catch (const NestingRefused&) {
        ++res_.refused_nestings;
        return;
      }
      if (!por_ || budget < 3) {  // its child and its later siblings' are not expanded
        visit(n, *c2, trace, both, budget, 2, {});
        return;
      }
      auto t = std::make_shared<Transition>();
      t->fp = footprint(n.s, n.ctx, c2->s, c2->ctx, both);
      visit(n, *c2, trace, both, budget, 2, child_sleep(sleep, done, *t));
      done.push_back({key, std::move(t)});
    };
    if (only) {
      // Explored before from here: the nestings asleep then are named by their keys, which say
      // what to run (the locks allowed them then, and they commute with all since).
      for (uint64_t key : *only) {
        if (stop()) return;
        if (key < alphabet_.size()) continue;
        const uint64_t a = alphabet_.size(), rest = key - a, slots = 2 * kernel::kPreemptPointCount;
        const uint64_t slot = rest / a % slots;
        nest(rest / a / slots, static_cast<kernel::PreemptPoint>(slot / 2), static_cast<uint32_t>(slot % 2 + 1), rest % a, key);
      }
      return;
    }
    for (size_t i = 0; i < alphabet_.size(); ++i) {
      if (!seen[i]) continue;
      for (const PointVisit& pv : seen[i]->seen.points)
        for (size_t j = 0; j < alphabet_.size(); ++j) {
          if (stop()) return;
          if (!alphabet_[j].fault.empty() || !seen[j] || blocked(pv.held, seen[j]->seen.taken)) continue;
          nest(i, pv.at, pv.nth, j, transition_key(i, pv, j));
        }
    }
  }

  static bool blocked(const std::vector<kernel::HeldLock>& held, const std::vector<kernel::HeldLock>& taken) {
    for (const auto& h : held)
      for (const auto& t : taken)
        if (kernel::conflicts(h, t)) return true;
    return false;
  }

  void progress() {
    if (!opt_.progress || (res_.transitions & 1023) != 0) return;
    double secs = std::chrono::duration<double>(Clock::now() - start_).count();
    std::fprintf(stderr, "\r%s: depth %u/%u, %llu states, %zu unique, %.0f states/s, %zu invariants broken   ",
                 std::string(policy::name(res_.variant)).c_str(), limit_, opt_.depth,
                 static_cast<unsigned long long>(res_.transitions), visited_.size(),
                 secs > 0 ? static_cast<double>(res_.transitions) / secs : 0.0, res_.found.size());
  }

  ExploreOptions opt_;
  std::vector<Op> alphabet_;
  Node root_;
  std::vector<std::unique_ptr<Node>> scratch_;  // by depth, see scratch()
  ExploreResult res_;
  // State hash -> the depth budget it was explored with, and the sleep set it was explored with.
  struct Visit {
    uint8_t budget = 0;
    uint32_t sleep = 0;
  };
  std::unordered_map<uint64_t, Visit> visited_;
  bool por_ = false;
  bool symmetry_on_ = false;
  Symmetry sym_;
  std::vector<size_t> mirror_;  // alphabet index -> its twin's under the names' exchange
  bool swapped_ = false;        // set by hash(): see there
  std::vector<uint64_t> path_;  // hashes of the states being expanded, root first (under reduction)
  std::map<std::vector<uint64_t>, uint32_t> sleep_ids_;
  std::vector<const std::vector<uint64_t>*> sleep_sets_{nullptr};  // by id; 0 is the empty set
  static inline const std::vector<uint64_t> kNoKeys;
  unsigned limit_ = 0;
  bool cut_ = false;
  bool steps_named_ = false;  // some fault rule is limited to a named step
  Clock::time_point start_;
  double start_cpu_ = 0;
  // Re-execution (the tree's SMMUv3 driver): the scenario to boot again, the path whose state the
  // source kernel's heap holds, whether it holds it, and the node the hash canonicalises.
  bool reexec_ = false;
  const io::Scenario* sc_ = nullptr;
  std::vector<Op> heap_at_;
  bool heap_valid_ = false;
  Node canonical_;
};

// Whether running `trace` from the booted state violates `invariant` at some step.
bool reaches(const io::Scenario& sc, policy::AtsVariant v, const std::vector<Op>& prefix, const std::vector<Op>& trace,
             int invariant) {
  Node start = start_state(sc, v, prefix);
  System& s = start.s;
  OpContext& ctx = start.ctx;
  auto hit = [&](size_t ev, size_t w) {
    for (const auto& x : check::check_history(s, ev, w))
      if (x.invariant == invariant) return true;
    for (const auto& x : check::check_state(s, true))
      if (x.invariant == invariant) return true;
    return false;
  };
  if (hit(0, 0)) return true;
  for (const Op& op : trace) {
    size_t ev = s.record.events.size(), w = s.record.warnings.size();
    try {
      run_op(s, ctx, op);
    } catch (const std::exception&) {
      return false;
    }
    smmuv3::synchronize_rcu(s);
    if (hit(ev, w)) return true;
  }
  return false;
}

}  // namespace

ExploreResult explore(const io::Scenario& sc, policy::AtsVariant v, const ExploreOptions& opt) {
  ExploreResult r = Explorer(sc, v, opt).run();
  // Interrupted, the traces found so far are reported as found: replayable, not yet the shortest.
  for (auto& [inv, cx] : r.found) {
    r.interrupted |= opt.interrupt && *opt.interrupt;
    if (!r.interrupted) cx.trace = minimise(sc, v, r.prefix, std::move(cx.trace), inv);
  }
  return r;
}

std::vector<Op> minimise(const io::Scenario& sc, policy::AtsVariant v, const std::vector<Op>& prefix,
                         std::vector<Op> trace, int invariant) {
  if (!reaches(sc, v, prefix, trace, invariant)) return trace;  // not reproducible alone (should not happen): leave it
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = trace.size(); i-- > 0;) {
      auto without = trace;
      without.erase(without.begin() + static_cast<long>(i));
      if (reaches(sc, v, prefix, without, invariant)) {
        trace = std::move(without);
        changed = true;
        continue;
      }
      for (int part = 0; part < 2; ++part) {
        Op simpler = trace[i];
        if (part == 0 && !simpler.nested.empty()) simpler.nested.clear();
        else if (part == 1 && !simpler.fault.empty()) simpler.fault.clear();
        else continue;
        auto t = trace;
        t[i] = simpler;
        if (reaches(sc, v, prefix, t, invariant)) {
          trace = std::move(t);
          changed = true;
        }
      }
    }
  }
  return trace;
}

}  // namespace atslab::sim
