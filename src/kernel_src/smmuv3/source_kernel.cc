#include "kernel_src/smmuv3/source_kernel.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "hw/smmuv3/stream_table.h"
#include "linux/system.h"

extern "C" void atslab_arm_smmu_new_boot(void);  // wrap/arm_smmu_v3.c
extern "C" void atslab_mm_struct_free(mm_struct* mm);  // shim/smmuv3/mm.c

namespace atslab::kernel_src {

namespace {
// The physical range the source driver's DMA memory comes from: above what atslab's own
// drivers use (stream tables at 0x10000000.., page tables), below 4 GiB.
constexpr uint64_t kDmaBase = 0x60000000;
// The owner tag of those pages in hw::memory ("SK": source kernel).
constexpr hw::memory::Owner kOwnerSourceDma = 0x534b0000;

// The STEs the CPU changed since the last sync, as the record's SteWrite (stream, word 1), which
// atslab's driver notes in arm_smmu_install_ste_for_dev and invariant 12 reads. The tree's STE
// writer is static in arm-smmu-v3.c; its stores are seen here, before the SMMU can act on them.
// One event per sync that changed the STE: the writer syncs after each step of a hitless or
// breaking update, so an STE may show a step between the old and the new (EATS changes once).
void record_ste_writes(System& s, const std::vector<uint64_t>& changed) {
  namespace hs = hw::smmuv3;
  const auto& fns = s.hw.pcie.functions();
  for (unsigned i = 0; i < s.hw.smmus.size(); ++i) {
    const auto& smmu = s.hw.smmus[i];
    for (const auto& f : fns) {
      if (f.rc != smmu.rc) continue;
      const uint32_t sid = f.bdf.rid();
      const auto pa = hs::ste_address(s.hw.memory, smmu, sid);
      if (!pa) continue;
      const auto at = std::lower_bound(changed.begin(), changed.end(), *pa);
      if (at == changed.end() || *at >= *pa + hs::kEntryBytes) continue;
      const auto ste = hs::read_entry(s.hw.memory, *pa);
      s.record.event(kernel::EventKind::SteWrite, i, sid, static_cast<int64_t>(ste[1]));
    }
  }
}

uint64_t pow2_at_least(uint64_t n) {
  uint64_t p = hw::memory::kPageSize;
  while (p < n) p <<= 1;
  return p;
}
}  // namespace

SourceKernel& SourceKernel::get() {
  // Never destroyed, as abi_heap.cc's set: what the last boot holds stays reachable to the end.
  static auto* k = new SourceKernel;
  return *k;
}

void SourceKernel::reset() {
  // The previous boot's heap goes with it: its DMA memory and everything the tree allocated.
  for (auto& r : regions_) std::free(r.cpu);
  release_tree_heap();
  for (auto& [id, mm] : mm_structs) atslab_mm_struct_free(mm);
  *this = SourceKernel{};
  atslab_arm_smmu_new_boot();  // the driver's file-scope state too
}

SourceSmmu& SourceKernel::smmu(unsigned idx) {
  if (smmus.size() <= idx) smmus.resize(idx + 1);
  return smmus[idx];
}

void* SourceKernel::dma_alloc(System& s, size_t size, uint64_t* dma) {
  // Naturally aligned, as the SMMU driver requires of its queues and tables (and as
  // the kernel's CMA gives it): a power of two at least a page, aligned to itself.
  const uint64_t span = pow2_at_least(size);
  if (!next_dma_) next_dma_ = kDmaBase;
  const uint64_t pa = (next_dma_ + span - 1) & ~(span - 1);
  next_dma_ = pa + span;
  void* cpu = std::aligned_alloc(hw::memory::kPageSize, span);
  if (!cpu) return nullptr;
  std::memset(cpu, 0, span);
  for (uint64_t off = 0; off < span; off += hw::memory::kPageSize) {
    s.hw.memory.alloc_page(pa + off, kOwnerSourceDma);
    s.hw.memory.zero_page(pa + off);
  }
  regions_.push_back({cpu, pa, span, std::vector<uint64_t>(span / 8, 0)});
  *dma = pa;
  return cpu;
}

void SourceKernel::dma_free(void* cpu) {
  for (auto it = regions_.begin(); it != regions_.end(); ++it)
    if (it->cpu == cpu) {
      std::free(cpu);
      regions_.erase(it);
      return;
    }
}

uint64_t SourceKernel::virt_to_phys(const void* cpu) const {
  const auto* p = static_cast<const char*>(cpu);
  const auto addr = reinterpret_cast<uintptr_t>(cpu);
  if (addr >= kPgdCookieBase && addr < kPgdCookieBase + kPgdCookieSpan) return addr - kPgdCookieBase;
  for (const auto& r : regions_) {
    const auto* base = static_cast<const char*>(r.cpu);
    if (p >= base && p < base + r.size) return r.dma + uint64_t(p - base);
  }
  return 0;
}

void* SourceKernel::phys_to_virt(uint64_t pa) const {
  for (const auto& r : regions_)
    if (pa >= r.dma && pa < r.dma + r.size) return static_cast<char*>(r.cpu) + (pa - r.dma);
  return nullptr;
}

void SourceKernel::sync_to_hw(System& s) {
  std::vector<uint64_t> changed;  // ascending within a region; regions sorted below
  // Runs after every driver call and register write: most of memory is unchanged, so whole
  // chunks are compared first (memcmp is vectorised), and only a differing chunk qword by qword.
  constexpr size_t kChunk = 64;  // qwords
  for (auto& r : regions_) {
    const auto* q = static_cast<const uint64_t*>(r.cpu);
    const size_t n = r.shadow.size();
    for (size_t c = 0; c < n; c += kChunk) {
      const size_t len = std::min(kChunk, n - c);
      if (std::memcmp(q + c, r.shadow.data() + c, len * 8) == 0) continue;
      for (size_t i = c; i < c + len; ++i)
        if (q[i] != r.shadow[i]) {
          r.shadow[i] = q[i];
          s.hw.memory.write64(r.dma + 8 * i, q[i]);
          changed.push_back(r.dma + 8 * i);
        }
    }
  }
  if (changed.empty()) return;
  std::sort(changed.begin(), changed.end());
  record_ste_writes(s, changed);
}

}  // namespace atslab::kernel_src
