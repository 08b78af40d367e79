#pragma once
// SMMUv3 ID and control registers the model implements (ARM_SMMU_IDR0, ...).
#include <cstdint>

#include "hw/smmuv3/bits.h"

namespace atslab::hw::smmuv3::reg {

inline constexpr uint32_t kIdr0S2p = uint32_t(bit(0));
inline constexpr uint32_t kIdr0S1p = uint32_t(bit(1));
inline constexpr uint32_t kIdr0Cohacc = uint32_t(bit(4));  // coherent access to tables and queues
inline constexpr uint32_t kIdr0Ats = uint32_t(bit(10));
inline constexpr uint32_t kIdr0Asid16 = uint32_t(bit(12));  // 16-bit ASIDs
inline constexpr uint32_t kIdr0Pri = uint32_t(bit(16));
inline constexpr uint32_t kIdr0Cd2l = uint32_t(bit(19));  // 2-level CD tables supported
inline constexpr uint64_t kIdr0StLvl = genmask(28, 27);  // 1: 2-level stream table supported
inline constexpr uint64_t kIdr0Ttf = genmask(3, 2);     // translation table formats: 2 AArch64
inline constexpr uint64_t kIdr1Cmdqs = genmask(25, 21);  // log2 of the command queue's entries
inline constexpr uint64_t kIdr1Evtqs = genmask(20, 16);
inline constexpr uint64_t kIdr1SsidSize = genmask(10, 6);
inline constexpr uint64_t kIdr1SidSize = genmask(5, 0);
inline constexpr uint32_t kIdr3Ril = uint32_t(bit(10));
inline constexpr uint32_t kIdr5Gran4k = uint32_t(bit(4));
inline constexpr uint32_t kIdr5Gran16k = uint32_t(bit(5));
inline constexpr uint32_t kIdr5Gran64k = uint32_t(bit(6));
inline constexpr uint64_t kIdr5Oas = genmask(2, 0);  // output address size: 5 is 48 bits

inline constexpr uint32_t kCr0SmmuEn = uint32_t(bit(0));
inline constexpr uint32_t kCr0EvtqEn = uint32_t(bit(2));
inline constexpr uint32_t kCr0CmdqEn = uint32_t(bit(3));
inline constexpr uint32_t kCr0AtsChk = uint32_t(bit(4));

inline constexpr uint64_t kStrtabBaseAddrMask = genmask(51, 6);
inline constexpr uint64_t kStrtabBaseCfgFmt = genmask(17, 16);
inline constexpr uint64_t kStrtabBaseCfgFmtLinear = 0, kStrtabBaseCfgFmt2Lvl = 1;
inline constexpr uint64_t kStrtabBaseCfgSplit = genmask(10, 6);
inline constexpr uint64_t kStrtabBaseCfgLog2Size = genmask(5, 0);
inline constexpr uint64_t kStrtabL1DescSpan = genmask(4, 0);
inline constexpr uint64_t kStrtabL1DescL2PtrMask = genmask(51, 6);

inline constexpr uint64_t kCdL1DescV = bit(0);
inline constexpr uint64_t kCdL1DescL2PtrMask = genmask(51, 12);

inline constexpr uint32_t kGerrorCmdqErr = uint32_t(bit(0));
inline constexpr uint64_t kCmdqConsErr = genmask(30, 24);
inline constexpr uint8_t kCerrorNone = 0, kCerrorIll = 1, kCerrorAbt = 2, kCerrorAtcInvSync = 3;

}  // namespace atslab::hw::smmuv3::reg
