#pragma once
// Command queue entries: 2 x 64-bit words in the SMMU's exact layout
// (CMDQ_OP_*, CMDQ_CFGI_*, CMDQ_TLBI_*, CMDQ_ATC_*, CMDQ_SYNC_* of arm-smmu-v3.h).
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "hw/smmuv3/bits.h"

namespace atslab::hw::smmuv3 {

using RawCommand = std::array<uint64_t, 2>;

enum class Op : uint8_t {
  PREFETCH_CFG = 0x01,
  CFGI_STE = 0x03,
  CFGI_ALL = 0x04,  // CFGI_STE_RANGE with RANGE=31
  CFGI_CD = 0x05,
  CFGI_CD_ALL = 0x06,
  TLBI_NH_ALL = 0x10,
  TLBI_NH_ASID = 0x11,
  TLBI_NH_VA = 0x12,
  TLBI_EL2_ALL = 0x20,
  TLBI_EL2_ASID = 0x21,
  TLBI_EL2_VA = 0x22,
  TLBI_S12_VMALL = 0x28,
  TLBI_S2_IPA = 0x2a,
  TLBI_NSNH_ALL = 0x30,
  ATC_INV = 0x40,
  PRI_RESP = 0x41,
  RESUME = 0x44,
  CMD_SYNC = 0x46,
};
const char* op_name(Op op);
std::optional<Op> op_from_code(uint8_t code);

namespace cmdq {
inline constexpr uint64_t k0Op = genmask(7, 0);
inline constexpr uint64_t k0Ssv = bit(11);

inline constexpr uint64_t kPrefetch0Sid = genmask(63, 32);
inline constexpr uint64_t kPrefetch1Size = genmask(4, 0);
inline constexpr uint64_t kPrefetch1AddrMask = genmask(63, 12);

inline constexpr uint64_t kCfgi0Ssid = genmask(31, 12);
inline constexpr uint64_t kCfgi0Sid = genmask(63, 32);
inline constexpr uint64_t kCfgi1Leaf = bit(0);
inline constexpr uint64_t kCfgi1Range = genmask(4, 0);

inline constexpr uint64_t kTlbi0Num = genmask(16, 12);
inline constexpr uint64_t kTlbi0Scale = genmask(24, 20);
inline constexpr uint64_t kTlbi0Vmid = genmask(47, 32);
inline constexpr uint64_t kTlbi0Asid = genmask(63, 48);
inline constexpr uint64_t kTlbi1Leaf = bit(0);
inline constexpr uint64_t kTlbi1Ttl = genmask(9, 8);
inline constexpr uint64_t kTlbi1Tg = genmask(11, 10);
inline constexpr uint64_t kTlbi1VaMask = genmask(63, 12);
inline constexpr uint64_t kTlbi1IpaMask = genmask(51, 12);

inline constexpr uint64_t kAtc0Global = bit(9);
inline constexpr uint64_t kAtc0Ssid = genmask(31, 12);
inline constexpr uint64_t kAtc0Sid = genmask(63, 32);
inline constexpr uint64_t kAtc1Size = genmask(5, 0);
inline constexpr uint64_t kAtc1AddrMask = genmask(63, 12);
inline constexpr uint8_t kAtcInvSizeAll = 52;  // ATC_INV_SIZE_ALL

inline constexpr uint64_t kSync0Cs = genmask(13, 12);
inline constexpr uint64_t kSyncCsNone = 0, kSyncCsIrq = 1, kSyncCsSev = 2;
inline constexpr uint64_t kSync0Msh = genmask(23, 22);
inline constexpr uint64_t kSync0MsiAttr = genmask(27, 24);
inline constexpr uint64_t kSync0MsiData = genmask(63, 32);
inline constexpr uint64_t kSync1MsiAddrMask = genmask(51, 2);
inline constexpr uint64_t kMemAttrOiwb = 0xf;  // ARM_SMMU_MEMATTR_OIWB
}  // namespace cmdq

// One command with its fields decoded, like the kernel's arm_smmu_cmdq_ent
// flattened. Fields an opcode does not carry stay zero.
struct Command {
  Op op = Op::CMD_SYNC;
  uint32_t sid = 0;
  uint32_t ssid = 0;
  bool ssv = false;     // ATC_INV: SSID valid
  bool leaf = false;    // CFGI_*, TLBI_*_VA / S2_IPA
  bool global = false;  // ATC_INV
  uint8_t range = 0;    // CFGI_ALL: 31
  uint16_t asid = 0, vmid = 0;
  uint8_t num = 0, scale = 0, ttl = 0, tg = 0;  // range TLBI (RIL) fields
  uint64_t addr = 0;    // VA / IPA / ATC address / PREFETCH address, in place
  uint8_t size = 0;     // ATC_INV SIZE, PREFETCH SIZE
  uint8_t cs = 0, msh = 0, msiattr = 0;  // CMD_SYNC
  uint32_t msidata = 0;
  uint64_t msiaddr = 0;
  bool operator==(const Command&) const = default;
};

RawCommand encode(const Command& c);
// std::nullopt for an opcode the model does not know (the SMMU's CERROR_ILL).
std::optional<Command> decode(const RawCommand& raw);
std::string describe(const Command& c);  // "CFGI_STE sid=0x1 leaf=1"

// An ATC_INV's target and range in two integers, as a record keeps them: G << 33 | SSV << 32 |
// SSID, and Address | SIZE (Address is 4 KiB aligned; SIZE, log2 of the 4 KiB pages, in bits 5:0).
int64_t atc_inv_range_a(const Command& c);
int64_t atc_inv_range_b(const Command& c);
// "ssid=- addr=0x100000 size=3" (ssid=- without SSV, "global" with G), from the two integers.
std::string describe_atc_inv_range(int64_t a, int64_t b);

}  // namespace atslab::hw::smmuv3
