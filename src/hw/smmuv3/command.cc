#include "hw/smmuv3/command.h"

#include <fmt/format.h>

namespace atslab::hw::smmuv3 {

using namespace cmdq;

const char* op_name(Op op) {
  switch (op) {
    case Op::PREFETCH_CFG: return "PREFETCH_CFG";
    case Op::CFGI_STE: return "CFGI_STE";
    case Op::CFGI_ALL: return "CFGI_ALL";
    case Op::CFGI_CD: return "CFGI_CD";
    case Op::CFGI_CD_ALL: return "CFGI_CD_ALL";
    case Op::TLBI_NH_ALL: return "TLBI_NH_ALL";
    case Op::TLBI_NH_ASID: return "TLBI_NH_ASID";
    case Op::TLBI_NH_VA: return "TLBI_NH_VA";
    case Op::TLBI_EL2_ALL: return "TLBI_EL2_ALL";
    case Op::TLBI_EL2_ASID: return "TLBI_EL2_ASID";
    case Op::TLBI_EL2_VA: return "TLBI_EL2_VA";
    case Op::TLBI_S12_VMALL: return "TLBI_S12_VMALL";
    case Op::TLBI_S2_IPA: return "TLBI_S2_IPA";
    case Op::TLBI_NSNH_ALL: return "TLBI_NSNH_ALL";
    case Op::ATC_INV: return "ATC_INV";
    case Op::PRI_RESP: return "PRI_RESP";
    case Op::RESUME: return "RESUME";
    case Op::CMD_SYNC: return "CMD_SYNC";
  }
  return "?";
}

std::optional<Op> op_from_code(uint8_t code) {
  switch (code) {
    case 0x01: case 0x03: case 0x04: case 0x05: case 0x06: case 0x10: case 0x11: case 0x12:
    case 0x20: case 0x21: case 0x22: case 0x28: case 0x2a: case 0x30: case 0x40: case 0x41:
    case 0x44: case 0x46:
      return static_cast<Op>(code);
    default:
      return std::nullopt;
  }
}

RawCommand encode(const Command& c) {
  RawCommand r{field_prep(k0Op, static_cast<uint8_t>(c.op)), 0};
  switch (c.op) {
    case Op::PREFETCH_CFG:
      r[0] |= field_prep(kPrefetch0Sid, c.sid);
      r[1] |= field_prep(kPrefetch1Size, c.size) | (c.addr & kPrefetch1AddrMask);
      break;
    case Op::CFGI_CD:
      r[0] |= field_prep(kCfgi0Ssid, c.ssid);
      [[fallthrough]];
    case Op::CFGI_STE:
      r[0] |= field_prep(kCfgi0Sid, c.sid);
      r[1] |= field_prep(kCfgi1Leaf, c.leaf);
      break;
    case Op::CFGI_CD_ALL:
      r[0] |= field_prep(kCfgi0Sid, c.sid);
      break;
    case Op::CFGI_ALL:
      r[1] |= field_prep(kCfgi1Range, c.range);
      break;
    case Op::TLBI_NH_VA:
    case Op::TLBI_EL2_VA:
      r[0] |= field_prep(kTlbi0Vmid, c.vmid);
      [[fallthrough]];
    case Op::TLBI_S2_IPA:
      r[0] |= field_prep(kTlbi0Num, c.num) | field_prep(kTlbi0Scale, c.scale);
      if (c.op != Op::TLBI_S2_IPA) r[0] |= field_prep(kTlbi0Asid, c.asid);
      else r[0] |= field_prep(kTlbi0Vmid, c.vmid);
      r[1] |= field_prep(kTlbi1Leaf, c.leaf) | field_prep(kTlbi1Ttl, c.ttl) | field_prep(kTlbi1Tg, c.tg);
      r[1] |= c.addr & (c.op == Op::TLBI_S2_IPA ? kTlbi1IpaMask : kTlbi1VaMask);
      break;
    case Op::TLBI_NH_ASID:
    case Op::TLBI_EL2_ASID:
      r[0] |= field_prep(kTlbi0Asid, c.asid);
      [[fallthrough]];
    case Op::TLBI_NH_ALL:
    case Op::TLBI_S12_VMALL:
      r[0] |= field_prep(kTlbi0Vmid, c.vmid);
      break;
    case Op::TLBI_EL2_ALL:
    case Op::TLBI_NSNH_ALL:
      break;
    case Op::ATC_INV:
      r[0] |= (c.ssv ? k0Ssv : 0) | field_prep(kAtc0Global, c.global) | field_prep(kAtc0Ssid, c.ssid) |
              field_prep(kAtc0Sid, c.sid);
      r[1] |= field_prep(kAtc1Size, c.size) | (c.addr & kAtc1AddrMask);
      break;
    case Op::CMD_SYNC:
      r[0] |= field_prep(kSync0Cs, c.cs) | field_prep(kSync0Msh, c.msh) | field_prep(kSync0MsiAttr, c.msiattr) |
              field_prep(kSync0MsiData, c.msidata);
      r[1] |= c.msiaddr & kSync1MsiAddrMask;
      break;
    case Op::PRI_RESP:
    case Op::RESUME:
      // Simplification: PRI and stall responses are not modelled; opcode only.
      break;
  }
  return r;
}

std::optional<Command> decode(const RawCommand& r) {
  auto op = op_from_code(uint8_t(field_get(k0Op, r[0])));
  if (!op) return std::nullopt;
  Command c;
  c.op = *op;
  auto u8 = [](uint64_t v) { return uint8_t(v); };
  auto u16 = [](uint64_t v) { return uint16_t(v); };
  auto u32 = [](uint64_t v) { return uint32_t(v); };
  switch (c.op) {
    case Op::PREFETCH_CFG:
      c.sid = u32(field_get(kPrefetch0Sid, r[0]));
      c.size = u8(field_get(kPrefetch1Size, r[1]));
      c.addr = r[1] & kPrefetch1AddrMask;
      break;
    case Op::CFGI_CD:
      c.ssid = u32(field_get(kCfgi0Ssid, r[0]));
      [[fallthrough]];
    case Op::CFGI_STE:
      c.sid = u32(field_get(kCfgi0Sid, r[0]));
      c.leaf = field_get(kCfgi1Leaf, r[1]) != 0;
      break;
    case Op::CFGI_CD_ALL:
      c.sid = u32(field_get(kCfgi0Sid, r[0]));
      break;
    case Op::CFGI_ALL:
      c.range = u8(field_get(kCfgi1Range, r[1]));
      break;
    case Op::TLBI_NH_VA:
    case Op::TLBI_EL2_VA:
    case Op::TLBI_S2_IPA:
      c.num = u8(field_get(kTlbi0Num, r[0]));
      c.scale = u8(field_get(kTlbi0Scale, r[0]));
      c.vmid = u16(field_get(kTlbi0Vmid, r[0]));
      if (c.op != Op::TLBI_S2_IPA) c.asid = u16(field_get(kTlbi0Asid, r[0]));
      c.leaf = field_get(kTlbi1Leaf, r[1]) != 0;
      c.ttl = u8(field_get(kTlbi1Ttl, r[1]));
      c.tg = u8(field_get(kTlbi1Tg, r[1]));
      c.addr = r[1] & (c.op == Op::TLBI_S2_IPA ? kTlbi1IpaMask : kTlbi1VaMask);
      break;
    case Op::TLBI_NH_ASID:
    case Op::TLBI_EL2_ASID:
      c.asid = u16(field_get(kTlbi0Asid, r[0]));
      [[fallthrough]];
    case Op::TLBI_NH_ALL:
    case Op::TLBI_S12_VMALL:
      c.vmid = u16(field_get(kTlbi0Vmid, r[0]));
      break;
    case Op::TLBI_EL2_ALL:
    case Op::TLBI_NSNH_ALL:
    case Op::PRI_RESP:
    case Op::RESUME:
      break;
    case Op::ATC_INV:
      c.ssv = (r[0] & k0Ssv) != 0;
      c.global = field_get(kAtc0Global, r[0]) != 0;
      c.ssid = u32(field_get(kAtc0Ssid, r[0]));
      c.sid = u32(field_get(kAtc0Sid, r[0]));
      c.size = u8(field_get(kAtc1Size, r[1]));
      c.addr = r[1] & kAtc1AddrMask;
      break;
    case Op::CMD_SYNC:
      c.cs = u8(field_get(kSync0Cs, r[0]));
      c.msh = u8(field_get(kSync0Msh, r[0]));
      c.msiattr = u8(field_get(kSync0MsiAttr, r[0]));
      c.msidata = u32(field_get(kSync0MsiData, r[0]));
      c.msiaddr = r[1] & kSync1MsiAddrMask;
      break;
  }
  return c;
}

std::string describe(const Command& c) {
  switch (c.op) {
    case Op::PREFETCH_CFG: return fmt::format("PREFETCH_CFG sid={:#x}", c.sid);
    case Op::CFGI_STE: return fmt::format("CFGI_STE sid={:#x} leaf={}", c.sid, int(c.leaf));
    case Op::CFGI_CD: return fmt::format("CFGI_CD sid={:#x} ssid={:#x} leaf={}", c.sid, c.ssid, int(c.leaf));
    case Op::CFGI_CD_ALL: return fmt::format("CFGI_CD_ALL sid={:#x}", c.sid);
    case Op::CFGI_ALL: return fmt::format("CFGI_ALL range={}", c.range);
    case Op::TLBI_NH_ASID: return fmt::format("TLBI_NH_ASID asid={} vmid={}", c.asid, c.vmid);
    case Op::TLBI_NH_ALL:
    case Op::TLBI_S12_VMALL: return fmt::format("{} vmid={}", op_name(c.op), c.vmid);
    case Op::TLBI_NH_VA:
    case Op::TLBI_EL2_VA:
    case Op::TLBI_S2_IPA:
      return fmt::format("{} asid={} vmid={} addr={:#x} leaf={} num={} scale={} tg={} ttl={}", op_name(c.op),
                         c.asid, c.vmid, c.addr, int(c.leaf), c.num, c.scale, c.tg, c.ttl);
    case Op::ATC_INV:
      return fmt::format("ATC_INV sid={:#x} ssv={} ssid={:#x} addr={:#x} size={}", c.sid, int(c.ssv), c.ssid,
                         c.addr, c.size);
    case Op::CMD_SYNC: return fmt::format("CMD_SYNC cs={}", c.cs);
    default: return op_name(c.op);
  }
}

int64_t atc_inv_range_a(const Command& c) {
  return static_cast<int64_t>(uint64_t{c.global} << 33 | uint64_t{c.ssv} << 32 | c.ssid);
}
int64_t atc_inv_range_b(const Command& c) { return static_cast<int64_t>((c.addr & ~uint64_t{0xfff}) | (c.size & 0x3f)); }

std::string describe_atc_inv_range(int64_t a, int64_t b) {
  const auto ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  const std::string ssid = (ua >> 32 & 1) ? fmt::format("{:#x}", ua & 0xfffff) : "-";
  return fmt::format("ssid={} addr={:#x} size={}{}", ssid, ub & ~uint64_t{0xfff}, ub & 0x3f, (ua >> 33 & 1) ? " global" : "");
}

}  // namespace atslab::hw::smmuv3
