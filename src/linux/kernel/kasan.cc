#include "linux/kernel/kasan.h"

#include <fmt/format.h>

#include "linux/system.h"

namespace atslab::kernel {

void kasan_report_uaf(System& s, pci::DevId dev, uint32_t object, std::string access, std::vector<KFn> freed_by,
                      std::string freed_comm) {
  // KASAN prints its first report only (kasan_multi_shot off); every access still counts for the checker.
  s.record.event(EventKind::UseAfterFree, dev, object);
  if (!s.record.bugs.empty()) return;
  const auto& ctx = s.kernel.ctx;
  BugReport b;
  b.seq = s.record.next();
  b.bug = "KASAN: slab-use-after-free";
  b.function = ctx.stack.empty() ? KFn{} : ctx.stack.back();
  b.access = std::move(access);
  b.call_trace.assign(ctx.stack.rbegin(), ctx.stack.rend());
  b.freed_by = std::move(freed_by);
  b.freed_comm = std::move(freed_comm);
  b.cpu = ctx.cpu;
  b.comm = ctx.comm;
  s.record.log.push_back({b.seq, Level::Err, fmt::format("BUG: {} in {}", b.bug, name(b.function))});
  s.record.bugs.push_back(std::move(b));
}

}  // namespace atslab::kernel
