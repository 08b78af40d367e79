#include "linux/kernel/record.h"

#include <fmt/format.h>

namespace atslab::kernel {

std::string format_dmesg(const LogLine& l) {
  return fmt::format("[{:5}.{:06}] {}", l.seq / 1000000, l.seq % 1000000, l.text);
}

std::string format_warning(const Warning& w) {
  std::string out = "------------[ cut here ]------------\n";
  std::string where = w.line ? fmt::format("{}:{}", w.file, w.line) : w.file;
  out += fmt::format("WARNING: {} at {}, CPU#{}: {}\n", where, name(w.function), w.cpu, w.comm);
  if (!w.condition.empty()) out += fmt::format("WARN_ON({})\n", w.condition);
  out += "Call trace:\n";
  bool first = true;
  for (KFn f : w.call_trace) {
    out += fmt::format(" {}{}\n", name(f), first ? " (P)" : "");
    first = false;
  }
  out += "---[ end trace 0000000000000000 ]---\n";
  return out;
}

}  // namespace atslab::kernel

namespace atslab::kernel {

std::string format_bug(const BugReport& b) {
  std::string out = "==================================================================\n";
  out += fmt::format("BUG: {} in {}\n", b.bug, name(b.function));
  out += fmt::format("{} by task {}\n\n", b.access, b.comm);
  out += fmt::format("CPU: {} Comm: {}\nCall Trace:\n", b.cpu, b.comm);
  for (KFn f : b.call_trace) out += fmt::format(" {}\n", name(f));
  out += fmt::format("\nFreed by task {}:\n", b.freed_comm);
  for (KFn f : b.freed_by) out += fmt::format(" {}\n", name(f));
  out += "==================================================================\n";
  return out;
}

std::string format_splats(const Record& r) {
  std::string out;
  const auto& ws = r.warnings;
  const auto& bs = r.bugs;
  for (size_t i = 0, j = 0; i < ws.size() || j < bs.size();)
    out += (j == bs.size() || (i < ws.size() && ws[i].seq < bs[j].seq)) ? format_warning(ws[i++]) : format_bug(bs[j++]);
  return out;
}

}  // namespace atslab::kernel
