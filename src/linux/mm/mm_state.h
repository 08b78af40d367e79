#pragma once
// The processes an SVA workload binds (include/linux/mm_types.h's mm_struct, reduced to what SVA
// reads): the CPU page table the SMMU walks through an SVA CD, the reference counts that decide
// when the process's address space is torn down (mm_users) and when the mm_struct itself goes
// (mm_count), and mm->iommu_mm. The page table is the arm64 one (4 KiB granule, 48-bit VA),
// which has the LPAE stage-1 format io-pgtable-arm writes, so the model builds it with the
// same code.
#include <array>
#include <cstdint>
#include <vector>

#include "linux/iommu/iommu_core.h"
#include "linux/smmuv3/io_pgtable_arm.h"

namespace atslab::mm {

using MmId = uint32_t;  // a slot of MmState::mms
inline constexpr MmId kNoMm = 0xffffffff;
// The processes a workload names (`mm: 0` to `mm: 3`).
inline constexpr uint32_t kMaxProcesses = 4;

// Where the processes' memory sits in the model's physical memory: each mm slot's page-table
// pages (16 pages each), and each process's buffer (4 pages, mapped at kBufferVa).
inline constexpr uint64_t kMmTablesBase = 0x46000000ull, kMmTablesSpan = 0x10000ull;
inline constexpr hw::memory::Owner kOwnerMmPgtable = 0x4d4d0000;  // + the mm slot
inline constexpr uint64_t kBufferVa = 0x7f0000000000ull;
inline constexpr uint64_t kBufferPages = 4;
inline constexpr uint64_t buffer_pa(uint32_t process) { return 0x4c000000ull + (uint64_t{process} << 16); }

struct Mm {
  bool live = false;       // the slot holds an mm_struct (mm_count > 0)
  uint32_t process = 0;    // the workload process it belongs to
  bool running = false;    // the process has not exited (it holds an mm_users and an mm_count reference)
  // mm_users: the process itself while it runs, plus an mmget_not_zero holder (an SVA attach in
  // progress). At 0 the address space is torn down (exit_mmap), whoever drops it.
  uint32_t users = 0;
  bool exited = false;     // exit_mmap ran: no VMAs, no page tables
  smmuv3::PagePool pages;  // the page-table pages (pgd_alloc, pte_alloc), in this slot's region
  smmuv3::IoPgtable pgd;   // mm->pgd and the tables below it
  bool buffer_mapped = false;  // the process's buffer VMA is populated at kBufferVa
  // mm->iommu_mm (iommu_mm_data): the global PASID (0: no iommu_mm yet) and sva_domains, the
  // SVA domains bound to this mm, newest first (list_add).
  uint32_t pasid = 0;
  std::vector<iommu::DomainId> sva_domains;
  // The mmu_notifier subscriptions, newest first (hlist_add_head): the SMMUv3 SVA domains
  // (SmmuDomainIds) registered on this mm.
  std::vector<uint32_t> notifiers;
  bool operator==(const Mm&) const = default;
};

struct MmState {
  std::vector<Mm> mms;  // freed slots reused lowest first
  // The mm each workload process has now, or had when it exited (kNoMm: never started, or its
  // mm_struct is gone): what an SVA op naming the process reaches.
  std::array<MmId, kMaxProcesses> process_mm{kNoMm, kNoMm, kNoMm, kNoMm};
  bool operator==(const MmState&) const = default;
};

}  // namespace atslab::mm
