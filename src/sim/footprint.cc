#include "sim/footprint.h"

#include <algorithm>
#include <optional>

#include "linux/pci/reset_bus.h"
#include "linux/system.h"
#include "linux/vfio/vfio.h"

namespace atslab::sim {

namespace {

// An object of the state: its table in the top bits, its index below.
enum class Obj : uint32_t { Dev = 1, Fn, Group, Domain, Container, VfioGroup, Alloc };
// Allocators: the shared state an allocation or a free reads and writes. Every transition is
// taken to read all of them: an allocation that failed or was rolled back leaves no trace in the
// state, yet what it found free decided what the operation did (and ids come from scanning live
// entries: an ASID from the live domains, a pool's lowest free slot). So a transition that
// allocates or frees commutes with none.
enum Allocator : uint32_t { kPciDevs, kIommuDevs, kGroups, kDomains, kMasters, kSmmuDomains, kInvsPool, kPagePool, kFrames,
                            kContainers, kVfioGroups, kAllocatorCount };
constexpr uint32_t key(Obj o, uint32_t id) { return static_cast<uint32_t>(o) << 28 | (id & 0x0fffffff); }
constexpr Obj kind(uint32_t k) { return static_cast<Obj>(k >> 28); }
constexpr uint32_t id(uint32_t k) { return k & 0x0fffffff; }

struct Writes {
  bool global = false;
  std::vector<uint32_t> keys;
};

// Entry-by-entry comparison of one table: a changed entry is a write to the object(s) `name`
// gives for it (in either state). Tables only grow (ids are never reused, or freed slots are
// reused lowest-first in place): a new entry is a write to its object and to the table's
// allocator; a table that shrank is a global write.
template <typename Table, typename Name>
void diff(const Table& a, const Table& b, Writes& w, Allocator alloc, Name name) {
  if (a.size() > b.size()) {
    w.global = true;
    return;
  }
  for (size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) name(i, a[i], b[i]);
  if (b.size() == a.size()) return;
  w.keys.push_back(key(Obj::Alloc, alloc));
  for (size_t i = a.size(); i < b.size(); ++i) name(i, b[i], b[i]);
}

// The object a page of memory belongs to: an arm_smmu_domain's page tables to its domain, a
// master's CD table to its device; anything else (stream tables, DMA buffers, queues) to none.
std::optional<uint32_t> page_object(const System& s, hw::memory::Owner o) {
  const auto& d = s.kernel.smmuv3;
  if (o >= smmuv3::kOwnerIoPgtable && o < smmuv3::kOwnerIoPgtable + 0x10000) {
    uint32_t i = o - smmuv3::kOwnerIoPgtable;
    if (i < d.domains.size()) return key(Obj::Domain, d.domains[i].domain);
  } else if (o >= smmuv3::kOwnerCdTable && o < smmuv3::kOwnerCdTable + 0x10000) {
    uint32_t i = o - smmuv3::kOwnerCdTable;
    if (i < d.masters.size()) return key(Obj::Dev, d.masters[i].dev);
  }
  return std::nullopt;
}

// Memory page by page (pages sorted by frame number): a page allocated, freed or handed over is
// a write to the frame allocator and to its owners' objects; a page written, to its owner's.
void diff_memory(const System& a, const System& b, Writes& w) {
  if (a.hw.memory == b.hw.memory) return;
  const auto &fa = a.hw.memory.frames(), &fb = b.hw.memory.frames();
  auto owner = [&](const System& s, hw::memory::Owner o) {
    if (o == hw::memory::kFree) return;
    if (auto k = page_object(s, o)) w.keys.push_back(*k);
    else w.global = true;
  };
  size_t i = 0, j = 0;
  uint64_t last = 0;
  while (i < fa.size() || j < fb.size()) {
    const hw::memory::Frame* x = i < fa.size() ? &fa[i] : nullptr;
    const hw::memory::Frame* y = j < fb.size() ? &fb[j] : nullptr;
    uint64_t pfn = std::min(x ? x->pfn : ~0ull, y ? y->pfn : ~0ull);
    if (pfn < last) {  // not in order after all: no page-by-page comparison
      w.global = true;
      return;
    }
    last = pfn;
    if (x && y && x->pfn == y->pfn) {
      if (x->owner != y->owner) {
        w.keys.push_back(key(Obj::Alloc, kFrames));
        owner(a, x->owner);
        owner(b, y->owner);
      } else if (!(x->data == y->data)) {
        owner(b, y->owner);
        if (y->owner == hw::memory::kFree) w.global = true;
      }
      ++i, ++j;
    } else if (x && x->pfn == pfn) {
      w.keys.push_back(key(Obj::Alloc, kFrames));
      owner(a, x->owner);
      ++i;
    } else {
      w.keys.push_back(key(Obj::Alloc, kFrames));
      owner(b, y->owner);
      ++j;
    }
  }
}

// Keyed maps of the runner's context: an entry added, removed or changed is a write to its key's object.
template <typename K, typename V, typename Name>
void diff_map(const std::map<K, V>& a, const std::map<K, V>& b, Name name) {
  auto i = a.begin(), j = b.begin();
  while (i != a.end() || j != b.end()) {
    if (j == b.end() || (i != a.end() && i->first < j->first)) name(i->first), ++i;
    else if (i == a.end() || j->first < i->first) name(j->first), ++j;
    else {
      if (!(i->second == j->second)) name(i->first);
      ++i, ++j;
    }
  }
}

Writes writes(const System& a, const OpContext& ca, const System& b, const OpContext& cb) {
  Writes w;
  auto add = [&](Obj o, uint32_t i) { w.keys.push_back(key(o, i)); };
  const Kernel &ka = a.kernel, &kb = b.kernel;

  // Hardware: a function's config space, ATC and presence belong to it; whether it is present
  // is also the topology's address lookup, read by whoever routes by address (global).
  const auto &fa = a.hw.pcie.functions(), &fb = b.hw.pcie.functions();
  if (fa.size() != fb.size()) w.global = true;
  else diff(fa, fb, w, kPciDevs, [&](size_t i, const auto& x, const auto& y) {
    if (x.present != y.present || !(x.bdf == y.bdf)) w.global = true;
    add(Obj::Fn, static_cast<uint32_t>(i));
  });
  if (!(a.hw.pcie.root_complexes() == b.hw.pcie.root_complexes()) || a.hw.pcie.finalized() != b.hw.pcie.finalized())
    w.global = true;
  if (w.keys.empty() && !(a.hw.pcie == b.hw.pcie)) w.global = true;  // a part of the topology not named above
  diff_memory(a, b, w);
  if (!(a.hw.smmus == b.hw.smmus) || !(a.hw.vtd == b.hw.vtd) || !(a.hw.amd == b.hw.amd))
    w.global = true;
  if (!(a.faults == b.faults)) w.global = true;

  // The kernel's per-object tables.
  if (!(ka.pci_switches == kb.pci_switches) || ka.present_devs != kb.present_devs || !(ka.ctx == kb.ctx) ||
      !(ka.preempted == kb.preempted) || ka.warned_unlocked_sbr != kb.warned_unlocked_sbr)
    w.global = true;
  diff(ka.devs, kb.devs, w, kPciDevs, [&](size_t i, auto&, auto&) { add(Obj::Dev, static_cast<uint32_t>(i)); });
  const auto &ia = ka.iommu, &ib = kb.iommu;
  if (ia.registered != ib.registered || ia.register_failed != ib.register_failed || ia.default_identity != ib.default_identity ||
      ia.pci_dev_reset_iommu != ib.pci_dev_reset_iommu || !(ia.unmapping == ib.unmapping))
    w.global = true;
  // SVA: the processes' mm_structs and the global PASID allocator are not divided into objects
  // (a bind, an munmap or an exit reaches every device bound to the mm): any change is global.
  if (ia.global_pasids != ib.global_pasids || !(ka.mm == kb.mm)) w.global = true;
  diff(ia.devs, ib.devs, w, kIommuDevs, [&](size_t i, auto&, auto&) { add(Obj::Dev, static_cast<uint32_t>(i)); });
  diff(ia.groups, ib.groups, w, kGroups, [&](size_t i, auto&, auto&) { add(Obj::Group, static_cast<uint32_t>(i)); });
  // A freed slot is reused lowest-first in place: an entry freed or allocated again is a write
  // to its table's allocator, as a new entry is.
  auto freed_or_reused = [&](bool was, bool is, Allocator alloc) {
    if (was != is) w.keys.push_back(key(Obj::Alloc, alloc));
  };
  diff(ia.domains, ib.domains, w, kDomains, [&](size_t i, const auto& x, const auto& y) {
    add(Obj::Domain, static_cast<uint32_t>(i));
    freed_or_reused(x.live, y.live, kDomains);
  });

  // The SMMUv3 driver: a master belongs to its device, an arm_smmu_domain to its iommu_domain;
  // the rest (instances, the invalidation-array pool, the page pool, the static domains) is shared.
  const auto &sa = ka.smmuv3, &sb = kb.smmuv3;
  if (!(sa.policy == sb.policy) || !(sa.switches == sb.switches) || sa.inv_design != sb.inv_design || !(sa.smmus == sb.smmus) ||
      sa.master_of != sb.master_of || sa.blocked_domain != sb.blocked_domain || sa.identity_domain != sb.identity_domain)
    w.global = true;
  // Nesting's objects (vSMMUs, nested domains) and all of iommufd's (contexts, HWPTs, vIOMMUs,
  // iommufd groups and devices, with the runner's names and its /dev/iommu) are not divided into
  // objects: a change to any is a write to everything. (Until nesting, iommufd's tables were not
  // compared at all, so --por could take a pure iommufd change for a transition writing nothing.)
  // The cdev fds' books (iommufd_attached, the PASIDs attached through each) go with them.
  if (!(sa.vsmmus == sb.vsmmus) || !(sa.nested_domains == sb.nested_domains) || !(ka.iommufd == kb.iommufd) ||
      !(ka.vfio.cdevs == kb.vfio.cdevs) ||
      ca.viommus != cb.viommus || ca.hwpts != cb.hwpts || ca.iommufd != cb.iommufd)
    w.global = true;
  // The invalidation arrays' pool and the page-table page pool are allocators: an array or a
  // page in use is reached from its domain (SmmuDomain::invs, the page tables' owner), which
  // changes with it.
  if (!(sa.invs_pool == sb.invs_pool) || sa.nr_retired != sb.nr_retired || sa.nr_reclaimed != sb.nr_reclaimed)
    w.keys.push_back(key(Obj::Alloc, kInvsPool));
  if (!(sa.pages == sb.pages)) w.keys.push_back(key(Obj::Alloc, kPagePool));
  diff(sa.masters, sb.masters, w, kMasters, [&](size_t, const auto& x, const auto& y) {
    add(Obj::Dev, x.dev);
    add(Obj::Dev, y.dev);
    freed_or_reused(x.live, y.live, kMasters);
  });
  // ASIDs and VMIDs are allocated by scanning the live domains' (an xarray, an IDA).
  diff(sa.domains, sb.domains, w, kSmmuDomains, [&](size_t, const auto& x, const auto& y) {
    add(Obj::Domain, x.domain);
    add(Obj::Domain, y.domain);
    freed_or_reused(x.live, y.live, kSmmuDomains);
    if (x.asid != y.asid || x.vmid != y.vmid) w.keys.push_back(key(Obj::Alloc, kSmmuDomains));
  });
  // VT-d and AMD-Vi drivers: not divided into objects yet.
  if (!(ka.vtd == kb.vtd) || !(ka.amd == kb.amd)) w.global = true;

  diff(ka.vfio.containers, kb.vfio.containers, w, kContainers, [&](size_t i, auto&, auto&) { add(Obj::Container, static_cast<uint32_t>(i)); });
  diff(ka.vfio.groups, kb.vfio.groups, w, kVfioGroups, [&](size_t i, auto&, auto&) { add(Obj::VfioGroup, static_cast<uint32_t>(i)); });

  // The runner's context: which fds it holds per device, per name, and its IOVA cursor.
  if (ca.next_iova != cb.next_iova || ca.devices != cb.devices) w.global = true;
  diff_map(ca.containers, cb.containers, [&](const std::string& name) {
    for (const auto* c : {&ca.containers, &cb.containers})
      if (auto it = c->find(name); it != c->end()) add(Obj::Container, it->second);
  });
  diff_map(ca.vfio_groups, cb.vfio_groups, [&](pci::DevId d) { add(Obj::Dev, d); });
  diff_map(ca.own_domains, cb.own_domains, [&](pci::DevId d) { add(Obj::Dev, d); });
  return w;
}

// Everything reachable from `seeds` along the links the state holds (see footprint.h).
void reach(const System& s, const OpContext& ctx, std::vector<uint32_t>& out, std::vector<uint32_t> todo) {
  const Kernel& k = s.kernel;
  const auto& fns = s.hw.pcie.functions();
  auto push = [&](Obj o, uint32_t i) { todo.push_back(key(o, i)); };
  size_t first = out.size();
  auto seen = [&](uint32_t x) { return std::find(out.begin() + static_cast<long>(first), out.end(), x) != out.end(); };
  while (!todo.empty()) {
    uint32_t x = todo.back();
    todo.pop_back();
    if (seen(x)) continue;
    out.push_back(x);
    uint32_t i = id(x);
    switch (kind(x)) {
      case Obj::Dev:
        if (i >= k.devs.size()) break;
        if (k.devs[i].fn != hw::pcie::kNoFn) push(Obj::Fn, k.devs[i].fn);
        if (k.devs[i].physfn != pci::kNoDev) push(Obj::Dev, k.devs[i].physfn);
        if (i < k.iommu.devs.size() && k.iommu.devs[i].group != iommu::kNoGroup) push(Obj::Group, k.iommu.devs[i].group);
        if (auto g = ctx.vfio_groups.find(i); g != ctx.vfio_groups.end()) push(Obj::VfioGroup, g->second);
        if (auto d = ctx.own_domains.find(i); d != ctx.own_domains.end()) push(Obj::Domain, d->second);
        break;
      case Obj::Fn: {
        // The pci_devs of the function, and its upstream bridges (what is read of them: their
        // config space, ACS and ATS capabilities; their other children are not reached).
        for (pci::DevId d : k.present_devs)
          if (k.devs[d].fn == i) push(Obj::Dev, d);
        for (hw::pcie::FnId p = i < fns.size() ? fns[i].parent : hw::pcie::kNoFn; p != hw::pcie::kNoFn && p < fns.size();
             p = fns[p].parent)
          if (!seen(key(Obj::Fn, p))) out.push_back(key(Obj::Fn, p));
        break;
      }
      case Obj::Group:
        if (i >= k.iommu.groups.size()) break;
        for (pci::DevId d : k.iommu.groups[i].devices) push(Obj::Dev, d);
        for (iommu::DomainId d : {k.iommu.groups[i].domain, k.iommu.groups[i].default_domain, k.iommu.groups[i].blocking_domain})
          if (d != iommu::kNoDomain) push(Obj::Domain, d);
        for (size_t v = 0; v < k.vfio.groups.size(); ++v)
          if (k.vfio.groups[v].group == i) push(Obj::VfioGroup, static_cast<uint32_t>(v));
        break;
      case Obj::Domain:
        // A paging domain links the groups attached to it and the containers holding it; a static
        // blocked or identity domain carries no per-attachment state and links nothing.
        if (i >= k.iommu.domains.size() || !iommu::is_paging(k.iommu.domains[i].type)) break;
        for (size_t g = 0; g < k.iommu.groups.size(); ++g) {
          const auto& gr = k.iommu.groups[g];
          if (gr.domain == i || gr.default_domain == i || gr.blocking_domain == i) push(Obj::Group, static_cast<uint32_t>(g));
        }
        for (size_t c = 0; c < k.vfio.containers.size(); ++c)
          for (const auto& d : k.vfio.containers[c].domains)
            if (d.domain == i) push(Obj::Container, static_cast<uint32_t>(c));
        for (const auto& m : k.smmuv3.domains)
          if (m.domain == i)
            for (const auto& md : m.devices)
              if (md.master < k.smmuv3.masters.size()) push(Obj::Dev, k.smmuv3.masters[md.master].dev);
        break;
      case Obj::Container:
        if (i >= k.vfio.containers.size()) break;
        for (auto g : k.vfio.containers[i].groups) push(Obj::VfioGroup, g);
        for (const auto& d : k.vfio.containers[i].domains) push(Obj::Domain, d.domain);
        break;
      case Obj::Alloc:
        break;
      case Obj::VfioGroup:
        if (i >= k.vfio.groups.size()) break;
        if (k.vfio.groups[i].group != iommu::kNoGroup) push(Obj::Group, k.vfio.groups[i].group);
        if (k.vfio.groups[i].container != vfio::kNone) push(Obj::Container, k.vfio.groups[i].container);
        // A device fd open on the group holds its container (UNSET_CONTAINER's -EBUSY reads it).
        for (const auto& o : k.vfio.groups[i].opened) push(Obj::Dev, o.first);
        break;
    }
  }
}

// The operations that may run pci_reset_bus_function (a reset whose method list reaches "bus",
// or the probe of it): a sysfs reset, VFIO's resets (VFIO_DEVICE_RESET, the first open's and the
// last close's, on the group path and on the cdev path) and a write of reset_method. (What changes
// a bus's listing, a removal, a hot-plug or SR-IOV, writes globally as well.)
bool may_reset_bus(OpKind k) {
  switch (k) {
    case OpKind::Reset:
    case OpKind::VfioReset:
    case OpKind::VfioOpenDevice:
    case OpKind::VfioCloseDevice:
    case OpKind::IommufdBind:
    case OpKind::IommufdUnbind:
    case OpKind::ResetMethod:
    case OpKind::VfioHotReset:  // pci_reset_bus itself: every function on the bus
      return true;
    default:
      return false;
  }
}

// The objects an operation names: its device (and, for a PF, the VFs it has), its container,
// the same for the operation another CPU runs inside it.
void named(const System& s, const OpContext& ctx, const Op& op, std::vector<uint32_t>& seeds) {
  if (!op.device.empty()) {
    if (auto it = ctx.devices.find(op.device); it != ctx.devices.end()) seeds.push_back(key(Obj::Fn, it->second));
    if (auto d = resolve(s, ctx, op.device)) {
      seeds.push_back(key(Obj::Dev, *d));
      for (pci::DevId v : s.kernel.present_devs)
        if (s.kernel.devs[v].physfn == *d) seeds.push_back(key(Obj::Dev, v));
      // pci_parent_bus_reset reads the function's bus (any other function listed on it refuses
      // the method), which the links above do not reach: reset_method's probe of "bus", and every
      // reset that may fall through to the bus method.
      if (may_reset_bus(op.kind)) {
        const hw::pcie::Bdf& b = s.kernel.devs[*d].bdf;
        for (pci::DevId v : s.kernel.present_devs)
          if (v != *d && s.kernel.devs[v].bdf.domain == b.domain && s.kernel.devs[v].bdf.bus == b.bus) seeds.push_back(key(Obj::Dev, v));
        // VFIO_DEVICE_PCI_HOT_RESET reaches below the bridges on the bus too (pci_walk_bus), and
        // reads each device's vfio_group (vfio_dev_in_groups).
        if (op.kind == OpKind::VfioHotReset)
          for (pci::DevId v : pci::walk_bus(s, pci::bus_self(s, *d))) {
            seeds.push_back(key(Obj::Dev, v));
            if (const vfio::VfioGroupId g = vfio::open_group(s, v); g != vfio::kNone) seeds.push_back(key(Obj::VfioGroup, g));
          }
      }
    }
  }
  if (auto c = ctx.containers.find(op.container); c != ctx.containers.end()) seeds.push_back(key(Obj::Container, c->second));
  for (const auto& n : op.nested) named(s, ctx, n.op, seeds);
}

void sort_unique(std::vector<uint32_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool disjoint(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  for (auto i = a.begin(), j = b.begin(); i != a.end() && j != b.end();) {
    if (*i == *j) return false;
    if (*i < *j) ++i;
    else ++j;
  }
  return true;
}

}  // namespace

Footprint footprint(const System& before, const OpContext& ctx_before, const System& after, const OpContext& ctx_after,
                    const Op& op) {
  Footprint f;
  Writes w = writes(before, ctx_before, after, ctx_after);
  f.global = w.global;
  f.writes = std::move(w.keys);
  sort_unique(f.writes);
  if (f.global) return f;  // dependent on everything: its reads do not matter
  std::vector<uint32_t> seeds = f.writes;
  named(before, ctx_before, op, seeds);
  named(after, ctx_after, op, seeds);
  reach(before, ctx_before, f.reads, seeds);
  reach(after, ctx_after, f.reads, std::move(seeds));
  for (uint32_t a = 0; a < kAllocatorCount; ++a) f.reads.push_back(key(Obj::Alloc, a));
  sort_unique(f.reads);
  return f;
}

bool independent(const Footprint& a, const Footprint& b) {
  return !a.global && !b.global && disjoint(a.writes, b.reads) && disjoint(b.writes, a.reads);
}

}  // namespace atslab::sim
