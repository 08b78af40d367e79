#include "io/repro_report.h"

#include <fmt/format.h>

#include "linux/kernel/record.h"

namespace atslab::io {

using nlohmann::json;

namespace {
std::string numbers(const std::vector<int>& v) {
  if (v.empty()) return "-";
  std::string out;
  for (int n : v) out += (out.empty() ? "" : ",") + std::to_string(n);
  return out;
}
const char* yn(bool b) { return b ? "yes" : "no"; }
}  // namespace

json repro_json(const std::vector<sim::ReproResult>& results) {
  json variants = json::array();
  for (const auto& r : results) {
    json warnings = json::array();
    for (const auto& w : r.final.record.warnings) {
      json trace = json::array();
      for (auto f : w.call_trace) trace.push_back(std::string(kernel::name(f)));
      warnings.push_back({{"function", std::string(kernel::name(w.function))},
                          {"file", w.file},
                          {"line", w.line},
                          {"condition", w.condition},
                          {"cpu", w.cpu},
                          {"comm", w.comm},
                          {"call_trace", trace}});
    }
    json violations = json::array();
    for (const auto& v : r.violations)
      violations.push_back({{"invariant", v.invariant}, {"objects", v.objects}, {"detail", v.detail}, {"step", v.step}, {"seq", v.seq}});
    json errors = json::array();
    for (const auto& l : r.final.record.log)
      if (l.level == kernel::Level::Err) errors.push_back(l.text);
    variants.push_back({{"variant", std::string(policy::name(r.variant))},
                        {"warnings", warnings},
                        {"violations", violations},
                        {"violated_invariants", r.violated},
                        {"atc_inv_to_ats_disabled", r.atc_inv_to_ats_disabled},
                        {"vf_ats_enabled", r.vf_ats_enabled},
                        {"probe_failed", r.probe_failed},
                        {"attach_failed", r.attach_failed},
                        {"vf_usable", r.vf_usable},
                        {"errors", errors},
                        {"steps", r.steps}});
  }
  return {{"scenario", "seed: E2000 PF quirked off, VF through VFIO under iova_stress"}, {"variants", variants}};
}

std::string repro_text(const std::vector<sim::ReproResult>& results, bool with_log) {
  std::string out;
  for (const auto& r : results) {
    if (r.final.record.warnings.empty() && !with_log) continue;
    out += fmt::format("==== {} ====\n", policy::name(r.variant));
    for (const auto& l : r.final.record.log)
      if (with_log || l.level <= kernel::Level::Err) out += kernel::format_dmesg(l) + "\n";
    for (const auto& w : r.final.record.warnings) out += kernel::format_warning(w);
    if (!r.violations.empty()) {
      out += "invariant violations (first seen):\n";
      for (const auto& v : r.violations)
        out += fmt::format("  #{:<2} {} : {}  [after: {}]\n", v.invariant, v.objects, v.detail, v.step);
    }
    out += "\n";
  }
  out += fmt::format("{:<11} {:>5}  {:<16} {:>14}  {:<8} {:<12} {:<13} {}\n", "VARIANT", "WARNS", "INVARIANTS",
                     "ATC_INV->OFF", "VF ATS", "PROBE FAIL", "ATTACH FAIL", "VF USABLE");
  for (const auto& r : results)
    out += fmt::format("{:<11} {:>5}  {:<16} {:>14}  {:<8} {:<12} {:<13} {}\n", policy::name(r.variant),
                       r.final.record.warnings.size(), numbers(r.violated), r.atc_inv_to_ats_disabled,
                       r.vf_ats_enabled ? "on" : "off", yn(r.probe_failed), yn(r.attach_failed), yn(r.vf_usable));
  return out;
}

}  // namespace atslab::io
