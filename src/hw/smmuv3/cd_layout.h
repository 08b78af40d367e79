#pragma once
// Context Descriptor fields, named as arm-smmu-v3.h names them
// (CTXDESC_CD_0_V -> cd::k0V, CTXDESC_CD_0_TCR_EPD0 -> cd::k0TcrEpd0, ...).
#include <cstdint>

#include "hw/smmuv3/bits.h"

namespace atslab::hw::smmuv3::cd {

// Qword 0
inline constexpr uint64_t k0TcrT0sz = genmask(5, 0);
inline constexpr uint64_t k0TcrTg0 = genmask(7, 6);
inline constexpr uint64_t k0TcrIrgn0 = genmask(9, 8);
inline constexpr uint64_t k0TcrOrgn0 = genmask(11, 10);
inline constexpr uint64_t k0TcrSh0 = genmask(13, 12);
inline constexpr uint64_t k0TcrEpd0 = bit(14);
inline constexpr uint64_t k0Endi = bit(15);
inline constexpr uint64_t k0TcrEpd1 = bit(30);
inline constexpr uint64_t k0V = bit(31);
inline constexpr uint64_t k0TcrIps = genmask(34, 32);
inline constexpr uint64_t k0TcrTbi0 = bit(38);
inline constexpr uint64_t k0Aa64 = bit(41);
inline constexpr uint64_t k0TcrHd = bit(42);
inline constexpr uint64_t k0TcrHa = bit(43);
inline constexpr uint64_t k0S = bit(44);
inline constexpr uint64_t k0R = bit(45);
inline constexpr uint64_t k0A = bit(46);
inline constexpr uint64_t k0Aset = bit(47);
inline constexpr uint64_t k0Asid = genmask(63, 48);

// Qword 1
inline constexpr uint64_t k1Ttb0Mask = genmask(51, 4);

// Qword 3: MAIR, the whole qword.
inline constexpr unsigned kMairQword = 3;

// TG0 encodings (ARM TCR): 4K=0, 64K=1, 16K=2.
inline constexpr uint64_t kTg0_4k = 0, kTg0_64k = 1, kTg0_16k = 2;

}  // namespace atslab::hw::smmuv3::cd
