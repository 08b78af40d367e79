#include "linux/kernel/preempt.h"

#include <array>

namespace atslab::kernel {

namespace {
constexpr std::array<std::string_view, kPreemptPointCount> kNames = {
    "attach_after_prepare", "attach_after_ste", "unmap_after_ioptes", "inv_after_load", "flr_wait", "reset_wait"};

thread_local PreemptHook current;
thread_local bool running = false;
}  // namespace

std::string_view name(PreemptPoint p) { return kNames.at(static_cast<size_t>(p)); }

std::optional<PreemptPoint> parse_preempt_point(std::string_view s) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == s) return static_cast<PreemptPoint>(i);
  return std::nullopt;
}

bool holds_attach_locks(PreemptPoint p) {
  return p == PreemptPoint::AttachAfterPrepare || p == PreemptPoint::AttachAfterSte;
}

ScopedPreemptHook::ScopedPreemptHook(PreemptHook hook) : previous_(std::move(current)) { current = std::move(hook); }
ScopedPreemptHook::~ScopedPreemptHook() { current = std::move(previous_); }

void preempt_point(System& s, PreemptPoint p) {
  if (!current || running) return;
  running = true;
  try {
    current(s, p);
  } catch (...) {
    running = false;
    throw;
  }
  running = false;
}

}  // namespace atslab::kernel
