#include "hw/amd_remap.h"

namespace atslab::hw {

namespace {
constexpr uint64_t kCmdInvIotlbPages = 0x4;
}

RemapResult amd_translate(const AmdIommu& u, uint16_t devid, uint64_t iova) {
  auto e = u.dev_table.find(devid);
  if (e == u.dev_table.end() || !e->second.v || !e->second.tv) return {};
  const uint64_t page = iova & ~uint64_t{0xfff};
  if (!e->second.paging) return {true, page, 0x1000, true};
  auto t = u.page_tables.find(e->second.domid);
  if (t == u.page_tables.end()) return {};
  auto pa = t->second.lookup(page);
  if (!pa) return {};
  return {true, *pa, 0x1000, true};
}

bool amd_iotlb_enabled(const AmdIommu& u, uint16_t devid) {
  auto e = u.dev_table.find(devid);
  return e != u.dev_table.end() && e->second.v && e->second.tv && e->second.i;
}

void amd_execute_command(Machine& m, unsigned iommu, uint64_t data0, uint64_t data1) {
  if ((data0 & 0xff) != kCmdInvIotlbPages || iommu >= m.amd.size()) return;
  const uint16_t devid = static_cast<uint16_t>(data0 >> 8);
  const pcie::FnId fn = function_of_rid(m, pcie::IommuKind::Amd, iommu, devid);
  if (fn == pcie::kNoFn || !m.pcie.fn(fn).present) return;
  atc_invalidate_sync(m, fn, decode_size_bit_range(data1, (data1 & kCmdInvPagesSize) != 0));
}

}  // namespace atslab::hw
