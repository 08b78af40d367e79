#include "linux/vtd/qi.h"

#include "linux/kernel/printk.h"
#include "sim/system.h"

namespace atslab::vtd {

namespace {
constexpr uint16_t kQiDevIotlbMaxInvs = 32;  // QI_DEV_IOTLB_MAX_INVS: deeper queues are encoded as 0
}

void qi_submit_sync(System& s, uint16_t unit, const QiDesc& d) {
  uint64_t a = static_cast<uint64_t>(d.type) | uint64_t{d.sid} << 8 | uint64_t{d.pfsid} << 24 |
               uint64_t{d.qdep} << 40 | uint64_t{d.did} << 48;
  uint64_t b = d.addr | d.size_order;
  s.record.event(kernel::EventKind::VtdQiDesc, unit, static_cast<int64_t>(a), static_cast<int64_t>(b));
}

QiDesc decode(const kernel::Event& e) {
  auto a = static_cast<uint64_t>(e.a), b = static_cast<uint64_t>(e.b);
  QiDesc d;
  d.type = static_cast<QiType>(a & 0xff);
  d.sid = static_cast<uint16_t>(a >> 8);
  d.pfsid = static_cast<uint16_t>(a >> 24);
  d.qdep = static_cast<uint8_t>(a >> 40);
  d.did = static_cast<uint16_t>(a >> 48);
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

}  // namespace atslab::vtd
