#pragma once
// One SMMUv3 as silicon: its registers, its command and event queues, and
// the ATC invalidations it has sent to endpoints and not yet seen complete.
// The stream table and CD tables live in hw::memory, found through STRTAB_BASE.
#include <cstdint>
#include <vector>

#include "hw/smmuv3/command.h"
#include "hw/smmuv3/command_ring.h"
#include "hw/smmuv3/event.h"
#include "hw/smmuv3/iotlb.h"
#include "hw/smmuv3/programmed_regs.h"
#include "hw/smmuv3/regs.h"

namespace atslab::hw::smmuv3 {

// An ATC invalidation request forwarded to an endpoint, awaiting its completion.
struct OutstandingAtcInv {
  uint32_t sid = 0;
  uint32_t itag = 0;
  bool operator==(const OutstandingAtcInv&) const = default;
};

struct Smmu {
  // Both stages, ATS, a 2-level stream table (ST_LEVEL=1), AArch64 tables (TTF, which a driver
  // requires), coherent table walks and 16-bit ASIDs (what SVA asks of an SMMU).
  uint32_t idr0 = reg::kIdr0S1p | reg::kIdr0S2p | reg::kIdr0Ats | uint32_t(field_prep(reg::kIdr0StLvl, 1)) |
                  uint32_t(field_prep(reg::kIdr0Ttf, 2)) | reg::kIdr0Cohacc | reg::kIdr0Asid16;
  // CMDQS 8 (the largest ring CommandRing holds), EVTQS 7: what a driver sizing its queues reads.
  uint32_t idr1 = uint32_t(field_prep(reg::kIdr1Cmdqs, 8) | field_prep(reg::kIdr1Evtqs, 7) |
                           field_prep(reg::kIdr1SsidSize, 20) | field_prep(reg::kIdr1SidSize, 16));
  uint32_t idr3 = reg::kIdr3Ril;
  uint32_t idr5 = reg::kIdr5Gran4k | reg::kIdr5Gran64k | uint32_t(field_prep(reg::kIdr5Oas, 5));  // OAS 48 bits
  uint32_t cr0 = 0;
  uint64_t strtab_base = 0;
  uint32_t strtab_base_cfg = 0;
  uint32_t gerror = 0, gerrorn = 0;

  // The command queue as a ring of 2^cmdq_log2size entries; prod and cons
  // carry a wrap bit above the index, as the registers do. Simplification:
  // the ring is held here rather than in hw::memory, and is at most
  // CommandRing::kMaxEntries long.
  uint8_t cmdq_log2size = CommandRing::kMaxLog2;
  CommandRing cmdq;
  uint32_t cmdq_prod = 0, cmdq_cons = 0;
  ProgrammedRegs prog;  // CMDQ_BASE (commands from memory once programmed) and the registers with no behaviour
  uint8_t cerror = reg::kCerrorNone;  // CMDQ_CONS.ERR of the last command error
  uint64_t syncs_completed = 0;
  uint64_t atc_inv_timeouts = 0;  // CERROR_ATC_INV_SYNC raised so far

  std::vector<OutstandingAtcInv> atc_inv_outstanding;
  uint32_t next_itag = 0;

  std::vector<Event> evtq;  // Simplification: unbounded, never overflows.
  Iotlb iotlb;

  uint16_t rc = 0;  // the root complex whose requester IDs are this SMMU's stream IDs

  bool ats() const { return idr0 & reg::kIdr0Ats; }
  uint32_t cmdq_entries() const { return uint32_t{1} << cmdq_log2size; }
  bool operator==(const Smmu&) const = default;
};

}  // namespace atslab::hw::smmuv3
