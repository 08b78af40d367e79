#pragma once
// A workload process's life as SVA sees it: it starts (its buffer mapped), unmaps and maps its
// buffer again (munmap: the page-table entries cleared, then the TLB flush that calls the mmu
// notifiers' arch_invalidate_secondary_tlbs), and exits (exit_mmap: mmu_notifier_release, then
// the page tables freed). mmget_not_zero/mmput and the mm_struct's end (__mmdrop ->
// mm_pasid_drop) are the reference counts that order these against an SVA bind.
#include <cstdint>

#include "linux/mm/mm_state.h"

namespace atslab {
struct System;
}

namespace atslab::mm {

// The mm `process` runs in, starting the process (a new mm_struct, its buffer mapped) when it
// is not running. kNoMm when the page-table allocation fails.
MmId process_mm(System& s, uint32_t process);
// The mm the process has, running or exited, without starting it (kNoMm: none).
MmId current_mm(const System& s, uint32_t process);
bool running(const System& s, MmId mm);

// munmap of the process's buffer, then mmap and a touch of it again: the PTEs cleared, the
// notifiers told ([start, end)), the pages mapped back. -ESRCH when the process is not running.
int munmap_and_remap(System& s, uint32_t process);
// The process exits: its mmput. -ESRCH when it is not running.
int exit(System& s, uint32_t process);

// mmget_not_zero: false once mm_users is 0. mmput: the last one runs exit_mmap.
bool mmget_not_zero(System& s, MmId mm);
void mmput(System& s, MmId mm);
// What holds the mm_struct has changed (a domain freed, the process gone): __mmdrop when
// nothing does any more (mm_pasid_drop frees the PASID).
void mmdrop_if_unused(System& s, MmId mm);

}  // namespace atslab::mm
