#include "linux/vtd/rbtree.h"

#include <algorithm>
#include <fmt/format.h>

#include "linux/kernel/errno.h"
#include "linux/kernel/kasan.h"
#include "linux/kernel/printk.h"
#include "linux/system.h"

namespace atslab::vtd {

using kernel::Frame;
using kernel::KFn;

namespace {

// device_rid_cmp reads the node's info: a freed one is a slab-use-after-free.
// KASAN keeps freed objects in quarantine, so the stale bytes (the old RID) are what the compare sees.
uint16_t read_node_key(System& s, InfoId node, pci::DevId who) {
  Frame f(s, KFn::device_rid_cmp);
  const DeviceDomainInfo& n = s.kernel.vtd.infos.at(node);
  if (n.freed)
    kernel::kasan_report_uaf(s, who, node,
                             fmt::format("Read of size 1 at device_domain_info {} (RID {:04x}, freed, still linked in the device rbtree)",
                                         node, n.rid()),
                             n.free_track, n.freed_comm);
  return n.rid();
}

// The binary-search path to `key`: the nodes rb_find_add / rb_erase touch. Returns the
// position where key is or would be inserted, and whether it was found.
std::pair<size_t, bool> walk(System& s, uint16_t unit, uint16_t key, pci::DevId who) {
  size_t lo = 0, hi = s.kernel.vtd.units.at(unit).device_rbtree.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    uint16_t k = read_node_key(s, s.kernel.vtd.units[unit].device_rbtree[mid], who);
    if (key < k)
      hi = mid;
    else if (key > k)
      lo = mid + 1;
    else
      return {mid, true};
  }
  return {lo, false};
}

}  // namespace

int device_rbtree_insert(System& s, uint16_t unit, InfoId info) {
  Frame f(s, KFn::device_rbtree_insert);
  const DeviceDomainInfo& in = s.kernel.vtd.infos.at(info);
  pci::DevId who = in.dev;
  std::pair<size_t, bool> pos;
  {
    Frame g(s, KFn::rb_find_add);
    pos = walk(s, unit, in.rid(), who);
    if (!pos.second) {
      auto& tree = s.kernel.vtd.units[unit].device_rbtree;
      tree.insert(tree.begin() + static_cast<std::ptrdiff_t>(pos.first), info);
    }
  }
  if (kernel::warn_on(s, pos.second, "curr")) return -EEXIST;
  return 0;
}

void device_rbtree_remove(System& s, InfoId info) {
  Frame f(s, KFn::device_rbtree_remove);
  Frame g(s, KFn::rb_erase);
  const DeviceDomainInfo& in = s.kernel.vtd.infos.at(info);
  uint16_t unit = in.iommu;
  // Simplification: rb_erase relinks the node's neighbours; the model touches its search path.
  walk(s, unit, in.rid(), in.dev);
  std::erase(s.kernel.vtd.units[unit].device_rbtree, info);
}

bool in_device_rbtree(const System& s, InfoId info) {
  const auto& in = s.kernel.vtd.infos.at(info);
  const auto& tree = s.kernel.vtd.units.at(in.iommu).device_rbtree;
  return std::find(tree.begin(), tree.end(), info) != tree.end();
}

}  // namespace atslab::vtd
