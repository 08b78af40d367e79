#include "io/repro_report.h"

#include "sim/non_compliance.h"

#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>

#include "io/fault_plan.h"
#include "io/invariant_legend.h"
#include "sim/path_repro.h"
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
std::string_view iommu_name(hw::pcie::IommuKind k) {
  switch (k) {
    case hw::pcie::IommuKind::Smmuv3: return "smmuv3";
    case hw::pcie::IommuKind::Vtd: return "vtd";
    case hw::pcie::IommuKind::Amd: return "amd";
    case hw::pcie::IommuKind::None: break;
  }
  return "none";
}
std::string row_name(const sim::ReproResult& r) {
  std::string n(policy::name(r.variant));
  if (r.quirk_phase == policy::QuirkPhase::Header) n += "+header";
  return n;
}
}  // namespace

json bugs_json(const kernel::Record& rec) {
  json bugs = json::array();
  for (const auto& b : rec.bugs) {
    json trace = json::array(), freed = json::array();
    for (auto f : b.call_trace) trace.push_back(std::string(kernel::name(f)));
    for (auto f : b.freed_by) freed.push_back(std::string(kernel::name(f)));
    bugs.push_back({{"bug", b.bug}, {"function", std::string(kernel::name(b.function))}, {"access", b.access},
                    {"comm", b.comm}, {"call_trace", trace}, {"freed_by", freed}});
  }
  return bugs;
}

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
                        {"iommu", std::string(iommu_name(r.iommu))},
                        {"quirk_phase", std::string(policy::name(r.quirk_phase))},
                        {"kasan", bugs_json(r.final.record)},
                        {"rbtree_uaf", r.rbtree_uaf},
                        {"recreate_probe_failed", r.recreate_probe_failed},
                        {"errors", errors},
                        {"fault_rules", faults::to_json(faults::rule_counts(r.final))},
                        {"steps", r.steps}});
  }
  return {{"scenario", "seed: E2000 PF quirked off, VF through VFIO under iova_stress"}, {"variants", variants}};
}

namespace {
// Each run's fault rules with their calls and fires, below the table.
std::string fault_lines(const std::vector<sim::ReproResult>& results) {
  std::string out;
  for (const auto& r : results)
    for (const auto& line : faults::describe(faults::rule_counts(r.final))) out += fmt::format("{}: {}\n", row_name(r), line);
  return out;
}
}  // namespace

namespace {
std::string repro_table(const std::vector<sim::ReproResult>& results, bool with_log) {
  std::string out;
  for (const auto& r : results)
    for (const auto& n : sim::endpoint_non_compliance(r.final))
      out += fmt::format("{}: non-compliant endpoint in force: {}\n", row_name(r), n);
  for (const auto& r : results) {
    if (r.final.record.warnings.empty() && r.final.record.bugs.empty() && !with_log) continue;
    out += fmt::format("==== {} ({}) ====\n", row_name(r), iommu_name(r.iommu));
    // With --log, what each step returned: a table's "no" is otherwise in --json alone.
    if (with_log)
      for (const auto& step : r.steps) out += fmt::format("step: {}\n", step);
    for (const auto& l : r.final.record.log)
      if (with_log || l.level <= kernel::Level::Err) out += kernel::format_dmesg(l) + "\n";
    out += kernel::format_splats(r.final.record);
    if (!r.violations.empty()) {
      // The monitor records an invariant each time it breaks on an object, so a path whose VM starts
      // twice breaks the same ones twice at steps of the same name: the first is listed, with a count.
      out += "invariant violations (first seen):\n";
      std::map<std::pair<int, std::string>, size_t> again;
      for (const auto& v : r.violations) ++again[{v.invariant, v.objects}];
      for (const auto& v : r.violations) {
        size_t& n = again[{v.invariant, v.objects}];
        if (n == 0) continue;  // listed already
        out += fmt::format("  #{:<2} {} : {}  [after: {}]{}\n", v.invariant, v.objects, v.detail, v.step,
                           n > 1 ? fmt::format(" (broken again {} time{} later)", n - 1, n > 2 ? "s" : "") : "");
        n = 0;
      }
    }
    out += "\n";
  }
  const bool path = !results.empty() && !sim::path_description(results.front().scenario).empty();
  if (path && results.front().iommu != hw::pcie::IommuKind::Smmuv3) {
    // A path behind VT-d / AMD: no invalidation arrays, and none of the seed's VF re-creation.
    out += fmt::format("{:<18} {:>5}  {:<16} {:<8} {:<13} {}\n", "VARIANT", "WARNS", "INVARIANTS", "VF ATS", "ATTACH FAIL", "VF USABLE");
    for (const auto& r : results)
      out += fmt::format("{:<18} {:>5}  {:<16} {:<8} {:<13} {}\n", row_name(r), r.final.record.warnings.size(),
                         numbers(r.violated), r.vf_ats_enabled ? "on" : "off", yn(r.attach_failed), yn(r.vf_usable));
    return out + fault_lines(results);
  }
  if (!results.empty() && results.front().iommu != hw::pcie::IommuKind::Smmuv3) {
    // VT-d / AMD: no invalidation arrays; what matters is the rbtree UAF and the VFs' second creation.
    out += fmt::format("{:<18} {:>5}  {:<16} {:<10} {:<8} {:<12} {:<13} {:<10} {}\n", "VARIANT", "WARNS", "INVARIANTS",
                       "RBTREE UAF", "VF ATS", "PROBE FAIL", "ATTACH FAIL", "VF USABLE", "RE-CREATE PROBE FAIL");
    for (const auto& r : results)
      out += fmt::format("{:<18} {:>5}  {:<16} {:<10} {:<8} {:<12} {:<13} {:<10} {}\n", row_name(r),
                         r.final.record.warnings.size(), numbers(r.violated), yn(r.rbtree_uaf),
                         r.vf_ats_enabled ? "on" : "off", yn(r.probe_failed), yn(r.attach_failed), yn(r.vf_usable),
                         yn(r.recreate_probe_failed));
    return out + fault_lines(results);
  }
  out += fmt::format("{:<11} {:>5}  {:<16} {:>14}  {:<8} {:<12} {:<13} {}\n", "VARIANT", "WARNS", "INVARIANTS",
                     "ATC_INV->OFF", "VF ATS", "PROBE FAIL", "ATTACH FAIL", "VF USABLE");
  for (const auto& r : results)
    out += fmt::format("{:<11} {:>5}  {:<16} {:>14}  {:<8} {:<12} {:<13} {}\n", policy::name(r.variant),
                       r.final.record.warnings.size(), numbers(r.violated), r.atc_inv_to_ats_disabled,
                       r.vf_ats_enabled ? "on" : "off", yn(r.probe_failed), yn(r.attach_failed), yn(r.vf_usable));
  return out + fault_lines(results);
}
}  // namespace

// The table, then what each invariant number in it says.
std::string repro_text(const std::vector<sim::ReproResult>& results, bool with_log) {
  std::vector<int> seen;
  for (const auto& r : results) seen.insert(seen.end(), r.violated.begin(), r.violated.end());
  return repro_table(results, with_log) + invariant_legend(seen);
}

}  // namespace atslab::io
