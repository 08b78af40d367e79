#pragma once
// The master's CD table (arm_smmu_ctx_desc_cfg): linear, or 2-level with 64 KiB leaves
// allocated on demand when the SMMU has IDR0.CD2L and the master more SSIDs than one leaf holds.
#include <cstdint>
#include <optional>

#include "linux/smmuv3/driver_state.h"

namespace atslab {
struct System;
}

namespace atslab::smmuv3 {

// STRTAB_STE_0_S1FMT values the driver uses (the STE's S1FMT field).
inline constexpr uint8_t kS1FmtLinear = 0, kS1Fmt64kL2 = 2;
// The pages of a leaf: 1024 CDs of 64 bytes, as dma_alloc_coherent hands them out (order 4).
inline constexpr unsigned kCdLeafOrder = 4;

// arm_smmu_alloc_cd_tables: S1CDMAX from the master's ssid_bits (at least 1 for ATS always on);
// a linear table of 1 << S1CDMAX CDs without 2-level support or when one leaf would hold them
// all, else an L1 table of DIV_ROUND_UP(CDs, CTXDESC_L2_ENTRIES) descriptors and no leaf.
// Returns 0 or -ENOMEM.
int alloc_cd_tables(System& s, MasterId m);
// arm_smmu_get_cd_ptr: where CD `ssid` lives; nullopt without a table or, 2-level, without
// the leaf. A linear table is indexed without a bound, as the kernel does.
std::optional<uint64_t> get_cd_ptr(const System& s, MasterId m, uint32_t ssid);
// arm_smmu_alloc_cd_ptr: the table if there is none, and for a 2-level table the leaf holding
// `ssid`, its L1 descriptor written and synced (CFGI_CD, leaf=false, for every StreamID:
// an invalid L1 descriptor may be cached). nullopt when an allocation failed.
std::optional<uint64_t> alloc_cd_ptr(System& s, MasterId m, uint32_t ssid);
// arm_smmu_free_cd_tables: every leaf, then the linear or L1 table.
void free_cd_tables(System& s, MasterId m);
// The bytes a linear table was given: CD `ssid` past it is an out-of-bounds write.
bool cd_in_allocation(const Master& m, uint32_t ssid);

}  // namespace atslab::smmuv3
