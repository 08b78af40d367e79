#include "linux/mm/mm.h"

#include <algorithm>

#include "linux/iommu/driver_ops.h"
#include "linux/iommu/iommu.h"
#include "linux/iommu/sva.h"
#include "linux/kernel/errno.h"
#include "linux/kernel/printk.h"
#include "linux/smmuv3/sva.h"
#include "linux/system.h"

namespace atslab::mm {

using kernel::Frame;
using kernel::KFn;

namespace {

Mm& get(System& s, MmId m) { return s.kernel.mm.mms.at(m); }

// The buffer's PTEs, as the CPU's fault handler would populate them on the process's first touch.
int map_buffer(System& s, Mm& m) {
  for (uint64_t i = 0; i < kBufferPages; ++i) {
    const int ret = smmuv3::iopt_map(s.hw.memory, m.pages, m.pgd, kBufferVa + 0x1000 * i,
                                     buffer_pa(m.process) + 0x1000 * i, 0x1000, true, true);
    if (ret) return ret;
  }
  m.buffer_mapped = true;
  return 0;
}

// The arm64 TLB flush after a change of user PTEs (__flush_tlb_range) ends in
// mmu_notifier_arch_invalidate_secondary_tlbs: every subscription, newest first.
void invalidate_secondary_tlbs(System& s, MmId id, uint64_t start, uint64_t end) {
  Frame f(s, KFn::mmu_notifier_arch_invalidate_secondary_tlbs);
  const std::vector<uint32_t> subs = get(s, id).notifiers;  // a copy: a callback may not change it, but be safe
  for (uint32_t sub : subs) iommu::drv_mm_arch_invalidate_secondary_tlbs(s, sub, start, end);
}

// exit_mmap: the notifiers' release first (the devices must stop using the page tables about to
// go), then the VMAs unmapped and the page tables freed.
void exit_mmap(System& s, MmId id) {
  Frame f(s, KFn::exit_mmap);
  {
    Frame g(s, KFn::mmu_notifier_release);
    const std::vector<uint32_t> subs = get(s, id).notifiers;
    for (uint32_t sub : subs) iommu::drv_mm_release(s, sub);
  }
  Mm& m = get(s, id);
  smmuv3::free_io_pgtable(s.hw.memory, m.pages, m.pgd);
  m.buffer_mapped = false;
  m.exited = true;
}

}  // namespace

MmId current_mm(const System& s, uint32_t process) {
  return process < kMaxProcesses ? s.kernel.mm.process_mm[process] : kNoMm;
}

bool running(const System& s, MmId mm) { return mm != kNoMm && s.kernel.mm.mms.at(mm).running; }

MmId process_mm(System& s, uint32_t process) {
  if (process >= kMaxProcesses) return kNoMm;
  MmId cur = s.kernel.mm.process_mm[process];
  if (running(s, cur)) return cur;
  // A new process (fork + exec): a new mm_struct in the lowest free slot.
  auto& mms = s.kernel.mm.mms;
  MmId id = 0;
  while (id < mms.size() && mms[id].live) ++id;
  if (id == mms.size()) mms.emplace_back();
  Mm m;
  m.live = true;
  m.process = process;
  m.running = true;
  m.users = 1;
  m.pages = {.base = kMmTablesBase + kMmTablesSpan * id, .limit = kMmTablesBase + kMmTablesSpan * (id + 1)};
  m.pgd = smmuv3::alloc_io_pgtable(s.hw.memory, m.pages, hw::smmuv3::pgtable::Stage::S1, kOwnerMmPgtable + id);
  if (!m.pgd.root || map_buffer(s, m)) {
    smmuv3::free_io_pgtable(s.hw.memory, m.pages, m.pgd);
    return kNoMm;
  }
  mms[id] = m;
  s.kernel.mm.process_mm[process] = id;
  return id;
}

int munmap_and_remap(System& s, uint32_t process) {
  const MmId id = current_mm(s, process);
  if (!running(s, id)) return -ESRCH;
  {
    Frame f(s, KFn::unmap_region);
    Mm& m = get(s, id);
    for (uint64_t i = 0; i < kBufferPages; ++i) smmuv3::iopt_unmap(s.hw.memory, m.pgd, kBufferVa + 0x1000 * i, 0x1000);
    m.buffer_mapped = false;
    // tlb_finish_mmu -> flush_tlb_range: the CPUs' TLBs and, through the notifiers, the SMMU's
    // TLB and the devices' ATCs. Only after it may the pages be freed and reused.
    invalidate_secondary_tlbs(s, id, kBufferVa, kBufferVa + 0x1000 * kBufferPages);
  }
  // mmap again, and the process touches the pages (its fault handler maps them).
  return map_buffer(s, get(s, id));
}

int exit(System& s, uint32_t process) {
  const MmId id = current_mm(s, process);
  if (!running(s, id)) return -ESRCH;
  get(s, id).running = false;
  mmput(s, id);  // exit_mm: the task's own mm_users reference
  mmdrop_if_unused(s, id);  // ... and its mm_count one
  return 0;
}

bool mmget_not_zero(System& s, MmId mm) {
  if (mm == kNoMm || get(s, mm).users == 0) return false;
  ++get(s, mm).users;
  return true;
}

void mmput(System& s, MmId mm) {
  if (--get(s, mm).users == 0) exit_mmap(s, mm);
}

void mmdrop_if_unused(System& s, MmId id) {
  const Mm& m = get(s, id);
  if (!m.live || m.running || m.users > 0 || !m.notifiers.empty()) return;
  for (const iommu::Domain& d : s.kernel.iommu.domains)
    if (d.live && d.type == iommu::DomainType::Sva && d.mm == id) return;
  // __mmdrop -> mm_pasid_drop: the PASID goes back to the global allocator with the mm_struct.
  iommu::mm_pasid_drop(s, id);
  get(s, id) = Mm{};
  for (MmId& p : s.kernel.mm.process_mm)
    if (p == id) p = kNoMm;
}

}  // namespace atslab::mm
