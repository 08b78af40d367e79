#include "linux/vtd/qi.h"

#include <algorithm>
#include <bit>

#include "hw/remap.h"
#include "hw/vtd_remap.h"
#include "linux/kernel/printk.h"
#include "linux/vtd/driver_state.h"
#include "linux/system.h"

namespace atslab::vtd {

namespace {
constexpr uint16_t kQiDevIotlbMaxInvs = 32;  // QI_DEV_IOTLB_MAX_INVS: deeper queues are encoded as 0
}

uint64_t dev_iotlb_qw1(uint64_t addr, uint8_t mask) {
  // More than one page: every address bit below the size's own bit is set, so the lowest
  // clear bit at or above bit 12 tells the size; the S bit says to look for it.
  if (mask) return ((addr | ((uint64_t{1} << (12 + mask - 1)) - 1)) & ~uint64_t{0xfff}) | hw::kQiDevIotlbSize;
  return addr & ~uint64_t{0xfff};
}

void qi_submit_sync(System& s, uint16_t unit, const QiDesc& d) {
  const bool pasid = d.type == QiType::PasidDevTlb;
  // The PASID-based descriptor has no DID: the PASID takes its bits, and qw1's bits 1-4 (hw/vtd_remap.h).
  uint64_t a = static_cast<uint64_t>(d.type) | uint64_t{d.sid} << 8 | uint64_t{d.pfsid} << 24 |
               uint64_t{d.qdep} << 40 | (pasid ? uint64_t{d.pasid & 0xffff} : uint64_t{d.did}) << 48;
  uint64_t b = d.type == QiType::Iotlb ? (d.addr & ~uint64_t{0xfff}) | d.size_order : dev_iotlb_qw1(d.addr, d.size_order);
  if (pasid) b |= uint64_t{(d.pasid >> 16) & 0xf} << 1;
  s.record.event(kernel::EventKind::VtdQiDesc, unit, static_cast<int64_t>(a), static_cast<int64_t>(b));
  // The unit executes it; qi_submit_sync's wait descriptor returns once the endpoint completed.
  hw::vtd_execute_qi(s.hw, unit, a, b);
}

QiDesc decode(const kernel::Event& e) {
  auto a = static_cast<uint64_t>(e.a), b = static_cast<uint64_t>(e.b);
  QiDesc d;
  d.type = static_cast<QiType>(a & 0xff);
  d.sid = static_cast<uint16_t>(a >> 8);
  d.pfsid = static_cast<uint16_t>(a >> 24);
  d.qdep = static_cast<uint8_t>(a >> 40);
  d.did = static_cast<uint16_t>(a >> 48);
  if (d.type == QiType::PasidDevTlb) {
    d.pasid = hw::vtd_qi_pasid(a, b);
    d.did = 0;
  }
  if (d.type == QiType::DevTlb || d.type == QiType::PasidDevTlb) {
    // As the unit reads it: the range the address and S bit cover (everything: 0 with mask 52).
    const hw::InvRange r = hw::decode_size_bit_range(b, (b & hw::kQiDevIotlbSize) != 0);
    d.addr = r.addr;
    d.size_order = r.size ? static_cast<uint8_t>(std::countr_zero(r.size) - 12) : kMaxAgawPfnWidth;
    return d;
  }
  d.addr = b & ~uint64_t{0xfff};
  d.size_order = static_cast<uint8_t>(b & 0xfff);
  return d;
}

void qi_flush_dev_iotlb(System& s, uint16_t unit, uint16_t sid, uint16_t pfsid, uint16_t qdep, uint64_t addr,
                        uint8_t size_order) {
  kernel::Frame f(s, kernel::KFn::qi_flush_dev_iotlb);
  QiDesc d;
  d.type = QiType::DevTlb;
  d.sid = sid;
  d.pfsid = pfsid;
  d.qdep = static_cast<uint8_t>(qdep >= kQiDevIotlbMaxInvs ? 0 : qdep);
  d.addr = addr;
  d.size_order = size_order;
  qi_submit_sync(s, unit, d);
}

void qi_flush_dev_iotlb_pasid(System& s, uint16_t unit, uint16_t sid, uint16_t pfsid, uint32_t pasid, uint16_t qdep,
                              uint64_t addr, uint8_t size_order) {
  kernel::Frame f(s, kernel::KFn::qi_flush_dev_iotlb_pasid);
  QiDesc d;
  d.type = QiType::PasidDevTlb;
  d.sid = sid;
  d.pfsid = pfsid;
  d.pasid = pasid;
  d.qdep = static_cast<uint8_t>(qdep >= kQiDevIotlbMaxInvs ? 0 : qdep);
  // Everything: the address with every bit set and S, as the kernel encodes a mask of 52 or more.
  d.addr = size_order >= kMaxAgawPfnWidth ? 0 : addr;
  d.size_order = std::min(size_order, kMaxAgawPfnWidth);
  qi_submit_sync(s, unit, d);
}

}  // namespace atslab::vtd
